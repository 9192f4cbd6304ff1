import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash } from '../../src/tlog/hash.js';
import { formatCheckpoint, keyId, NoteError, openNote, parseCheckpoint, parseVerifierKey, rawEd25519PublicKey, signNote, verifierKey } from '../../src/tlog/note.js';

/**
 * Golden values from golang.org/x/mod/sumdb/note's note_test.go (BSD-3-Clause, The Go Authors): a
 * signer key, its verifier key and the exact signed note Go produces. Ed25519 is deterministic, so
 * signing the same text with the same seed must give the same bytes.
 */
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

/** ed25519FromSeed builds a private KeyObject from a 32-byte seed (PKCS#8 wrapping per RFC 8410). */
function ed25519FromSeed(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
}

const peterPrivate = ed25519FromSeed(Buffer.from(PETER_SKEY.split('+').slice(4).join('+'), 'base64').subarray(1));

describe('signNote() and openNote() against golang.org/x/mod/sumdb/note', () => {
  it('derives the same verifier key', () => {
    expect(verifierKey('PeterNeumann', createPublicKey(peterPrivate))).toBe(PETER_VKEY);
    expect(keyId('PeterNeumann', peterPrivate).toString('hex')).toBe('c74f20a3');
  });

  it('produces the exact note Go signs', () => {
    expect(signNote(TEXT, 'PeterNeumann', peterPrivate)).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('verifies known keys and ignores the unknown one', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(openNote(note, [PETER_VKEY])).toEqual({ text: TEXT, verifiedBy: ['PeterNeumann'] });
    expect(openNote(note, [PETER_VKEY, ENOCH_VKEY]).verifiedBy).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(openNote(Buffer.from(note), [ENOCH_VKEY]).verifiedBy).toEqual(['EnochRoot']);
    expect(() => openNote(note, [])).toThrow('note has no signature by a known key');
  });

  it('rejects a corrupted signature from a known key', () => {
    const bad = `${TEXT}\n${PETER_SIG.slice(0, 58)}ABCD${PETER_SIG.slice(58)}`;
    expect(() => openNote(bad, [PETER_VKEY])).toThrow('signature by PeterNeumann+c74f20a3 does not verify');
  });

  it.each([
    ['no signatures', TEXT],
    ['a blank line but no signatures', `${TEXT}\n`],
    ['a signature line without its newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['a control character', `\x01${TEXT}\n${PETER_SIG}`],
    ['a name with a space', `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`],
    ['a line that is not a signature', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
    ['too many signatures', `${TEXT}\n${PETER_SIG.repeat(101)}`],
    ['a hyphen instead of the em dash', `${TEXT}\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`],
    ['a signature that is not base64', `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG!\n`],
    ['a signature shorter than 5 bytes', `${TEXT}\n\u2014 PeterNeumann x08gow==\n`],
  ])('rejects a note with %s', (_, note) => {
    expect(() => openNote(note, [PETER_VKEY])).toThrow(NoteError);
  });

  it('rejects invalid UTF-8', () => {
    expect(() => openNote(Buffer.concat([Buffer.of(0xff), Buffer.from(`${TEXT}\n${PETER_SIG}`)]), [PETER_VKEY])).toThrow('note is not valid UTF-8');
  });
});

describe('parseVerifierKey()', () => {
  it('parses the golden key', () => {
    const k = parseVerifierKey(PETER_VKEY);
    expect(k.name).toBe('PeterNeumann');
    expect(k.keyId.toString('hex')).toBe('c74f20a3');
    expect(k.vkey).toBe(PETER_VKEY);
    expect(rawEd25519PublicKey(k.publicKey)).toEqual(k.rawPublicKey);
  });

  it('rejects every substring and every single-character change of a key (as sumdb/note does)', () => {
    const accepted: string[] = [];
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) {
        if (i === 0 && j === PETER_VKEY.length) continue;
        const s = PETER_VKEY.slice(i, j);
        try {
          parseVerifierKey(s);
          accepted.push(s);
        } catch (e) {
          expect(e).toBeInstanceOf(NoteError);
        }
      }
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const s = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      try {
        parseVerifierKey(s);
        accepted.push(s);
      } catch (e) {
        expect(e).toBeInstanceOf(NoteError);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('rejects a wrong-length key and an unknown algorithm even with a matching key id', () => {
    expect(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toThrow(NoteError);
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow('is not Ed25519');
  });
});

describe('keyId()', () => {
  it('is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), not a DER-based id', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const name = 'aegis.local/log/org_123';
    const want = createHash('sha256').update(Buffer.concat([Buffer.from(name), Buffer.of(0x0a, 0x01), raw])).digest().subarray(0, 4);
    expect(keyId(name, publicKey)).toEqual(want);
    expect(keyId(name, raw)).toEqual(want);
    expect(verifierKey(name, publicKey)).toBe(`${name}+${want.toString('hex')}+${Buffer.concat([Buffer.of(1), raw]).toString('base64')}`);
  });
});

describe('checkpoints', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const origin = 'aegis.local/log/org_123';
  const vkey = verifierKey(origin, publicKey);
  const root = leafHash(Buffer.from('root'));

  it('round-trips format, sign, open and parse', () => {
    const text = formatCheckpoint(origin, 20852163, root);
    expect(text).toBe(`${origin}\n20852163\n${root.toString('base64')}\n`);
    const note = signNote(text, origin, privateKey);
    expect(note.startsWith(`${text}\n\u2014 ${origin} `)).toBe(true);
    const opened = openNote(note, [vkey]);
    expect(opened).toEqual({ text, verifiedBy: [origin] });
    expect(parseCheckpoint(opened.text)).toEqual({ origin, size: 20852163, rootHash: root, extensions: [] });
  });

  it('signs exactly the text: not with the blank line, not without the final newline (TLOG-NOTES #7)', () => {
    const text = formatCheckpoint(origin, 1, root);
    const note = signNote(text, origin, privateKey);
    const sig = Buffer.from(note.slice(text.length + 1).split(' ')[2]!.trim(), 'base64').subarray(4);
    expect(verify(null, Buffer.from(text), publicKey, sig)).toBe(true);
    expect(verify(null, Buffer.from(`${text}\n`), publicKey, sig)).toBe(false);
    expect(verify(null, Buffer.from(text.slice(0, -1)), publicKey, sig)).toBe(false);
    const tampered = note.replace(`\n1\n`, `\n2\n`);
    expect(() => openNote(tampered, [vkey])).toThrow(`signature by ${vkey.split('+').slice(0, 2).join('+')} does not verify`);
    expect(() => signNote(text.slice(0, -1), origin, privateKey)).toThrow('does not end in a newline');
  });

  it('ignores witness cosignatures and grease from unknown keys, including a reused name or key id', () => {
    const other = generateKeyPairSync('ed25519');
    const note = signNote(formatCheckpoint(origin, 5, root), origin, privateKey);
    const [text] = note.split('\n\n') as [string];
    const witness = signNote(`${text}\n`, 'witness.example/w1', other.privateKey).split('\n\n')[1]!;
    const sameName = signNote(`${text}\n`, origin, other.privateKey).split('\n\n')[1]!;
    const grease = `\u2014 grease.invalid ${Buffer.concat([keyId(origin, publicKey), Buffer.alloc(64, 7)]).toString('base64')}\n`;
    expect(openNote(`${note}${witness}${sameName}${grease}`, [vkey]).verifiedBy).toEqual([origin]);
  });

  it('extension lines are kept and parsed', () => {
    const text = formatCheckpoint(origin, 0, root, ['timestamp 1700000000', 'x']);
    expect(parseCheckpoint(text).extensions).toEqual(['timestamp 1700000000', 'x']);
  });

  const b = root.toString('base64');
  it.each([
    ['a missing final newline', `o\n1\n${b}`, 'does not end in a newline'],
    ['two lines', `o\n1\n`, 'checkpoint has 2 lines, want at least 3'],
    ['an empty origin', `\n1\n${b}\n`, 'line 1 is empty'],
    ['a leading zero', `o\n01\n${b}\n`, 'is not a decimal without leading zeros'],
    ['a negative size', `o\n-1\n${b}\n`, 'is not a decimal'],
    ['a size with a space', `o\n 1\n${b}\n`, 'is not a decimal'],
    ['a size past 2^53 - 1', `o\n9007199254740992\n${b}\n`, 'exceeds 2^53-1'],
    ['a 31-byte root', `o\n1\n${root.subarray(1).toString('base64')}\n`, 'root hash is 31 bytes, want 32'],
    ['an unpadded root', `o\n1\n${b.replace('=', '')}\n`, 'not base64'],
    ['a non-canonical root', `o\n1\n${b.slice(0, 42)}${String.fromCharCode(b.charCodeAt(42) + 1)}=\n`, 'not canonical base64'],
    ['an empty extension line', `o\n1\n${b}\n\nx\n`, 'line 4 is empty'],
    ['a control character', `o\t\n1\n${b}\n`, 'control character U+0009'],
  ])('parseCheckpoint() rejects %s', (_, text, message) => {
    expect(() => parseCheckpoint(text)).toThrow(message);
  });

  it('formatCheckpoint() rejects bad input', () => {
    expect(() => formatCheckpoint('', 1, root)).toThrow('origin is empty');
    expect(() => formatCheckpoint('a\nb', 1, root)).toThrow('origin contains a newline');
    expect(() => formatCheckpoint(origin, -1, root)).toThrow('tree size -1');
    expect(() => formatCheckpoint(origin, 1, root.subarray(2))).toThrow('root hash is 30 bytes, want 32');
    expect(() => formatCheckpoint(origin, 1, root, [''])).toThrow('extension line 0 is empty');
  });
});
