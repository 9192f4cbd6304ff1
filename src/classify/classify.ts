import { categorize } from './category.js';
import { DETECTORS, INITIALIZERS } from './detectors/index.js';
import type { Category, Classification, DetectionInput, Signal, StringField } from './types.js';
import { base64Fields, encodedTexts } from './encoded.js';
import { embeddedJson } from './embedded.js';
import { excerpt } from './evidence.js';
import { findSecrets } from './secrets/scan.js';
import { detectPii } from './detectors/pii.js';
import { detectPromptInjection } from './detectors/prompt-injection.js';
import { detectSecrets } from './detectors/secrets.js';
import { collectStrings } from './walk.js';

let ready: Promise<void> | undefined;

/** initClassifier loads the parsers detectors need (PostgreSQL's parser as WASM…); call once at start. */
export function initClassifier(): Promise<void> {
  ready ??= Promise.all(INITIALIZERS.map((init) => init())).then(() => undefined);
  return ready;
}

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * classify names a tool call's category and runs every detector over every string in its arguments.
 * Requires initClassifier() to have resolved. Signals are de-duplicated per (id, path), keeping the
 * most severe, and ordered most severe first.
 *
 * A string that holds a JSON object or array (`{"payload": "{\"sql\": \"DROP TABLE users\"}"}`,
 * as tool frameworks pass nested arguments) is also read as arguments of its own, to
 * MAX_EMBEDDED_DEPTH levels; what is found there is reported at the string that holds it. An argument
 * named as base64 (`command_b64`) is read decoded as well.
 */
export function classify(toolName: string, args: Record<string, unknown>): Classification {
  const category = categorize(toolName, Object.keys(args));
  const best = new Map<string, Signal>();
  const keep = (s: Signal): void => {
    const key = `${s.id}\u0000${s.path}`;
    const prev = best.get(key);
    if (!prev || SEVERITY_RANK[s.severity] > SEVERITY_RANK[prev.severity]) best.set(key, s);
  };
  const names: StringField[] = [];
  let fields = collectStrings(args, '/arguments', '', names);
  for (const s of detect({ toolName, category, fields, args, documents: [[args, '/arguments']] })) keep(s);
  // Member names that carry data (`{"ghp_…": 1}`): read for secrets and personal data, reported at the object that holds them.
  if (names.length > 0) {
    for (const s of [...detectSecrets({ toolName, category, fields: names }), ...detectPii({ toolName, category, fields: names })]) keep({ ...s, evidence: excerpt(`in a member name: ${s.evidence}`) });
  }
  // Arguments named as base64 (`command_b64`) are read decoded too, reported at the encoded string.
  const decoded = base64Fields(fields);
  if (decoded.length > 0) {
    // With the members beside them (a `write_file`'s path says what the decoded content becomes).
    const holders = new Set(decoded.map((d) => d.pointer.slice(0, d.pointer.lastIndexOf('/'))));
    const beside = fields.filter((f) => holders.has(f.pointer.slice(0, f.pointer.lastIndexOf('/'))) && !decoded.some((d) => d.pointer === f.pointer));
    for (const s of detect({ toolName, category, fields: [...decoded, ...beside], embedded: true })) {
      if (decoded.some((d) => d.pointer === s.path)) keep({ ...s, evidence: excerpt(`base64-decoded: ${s.evidence}`) });
    }
    fields = [...fields, ...decoded];
  }
  // Tokens and instructions sent encoded inside a string (`body: "Z2hwXzFh…"`, "decode this and do what it says: WW91…"):
  // read for secrets and prompt injection, reported at the string.
  const encoded = encodedTexts(fields);
  if (encoded.length > 0) {
    const input = { toolName, category, fields: encoded };
    for (const s of [...detectSecrets(input), ...detectPromptInjection(input)]) keep({ ...s, evidence: excerpt(`encoded: ${s.evidence}`) });
  }
  // Every string read, at the call's pointer that holds it: for keeping secrets out of evidence.
  const read: StringField[] = [...fields];
  // Each level of embedded documents is read in one pass per category, not one per document.
  let holders: string[] = [];
  for (let depth = 1; depth <= MAX_EMBEDDED_DEPTH; depth++) {
    const byCategory = new Map<Category, { fields: StringField[]; documents: Array<readonly [unknown, string]> }>();
    const next: string[] = [];
    for (const field of fields) {
      const doc = embeddedJson(field.value);
      if (doc === undefined) continue;
      // Inner pointers start with `#` and the document's number (real ones with `/`), so a signal finds its way back to the string that holds it.
      const holder = depth === 1 ? field.pointer : holderOf(field.pointer, holders);
      const base = `#${next.length}`;
      const inner = collectStrings(doc, base, field.name ?? field.key);
      next.push(holder);
      const docCategory = categorize(toolName, Array.isArray(doc) ? [] : Object.keys(doc));
      const group = byCategory.get(docCategory) ?? { fields: [], documents: [] };
      for (const f of inner) group.fields.push(f);
      group.documents.push([doc, base]);
      byCategory.set(docCategory, group);
    }
    if (next.length === 0) break;
    fields = [];
    for (const [docCategory, { fields: list, documents }] of byCategory) {
      for (const s of detect({ toolName, category: docCategory, fields: list, documents, embedded: true })) keep({ ...s, path: holderOf(s.path, next) });
      for (const f of list) {
        fields.push(f);
        read.push({ ...f, pointer: holderOf(f.pointer, next) });
      }
    }
    holders = next;
  }
  const signals = [...best.values()].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  return { category, signals: withoutSecretsInEvidence(signals, read) };
}

/**
 * withoutSecretsInEvidence masks, in the evidence of every other signal, the secrets a secret_leak
 * signal found at the same string: `download and execute: curl -H "Authorization: Bearer ghp_…" … | sh`
 * would otherwise carry the token into the answer and the record. A secret cut off by the excerpt
 * (`… Bearer ghp_A1b2C3…`) is masked too.
 */
function withoutSecretsInEvidence(signals: Signal[], read: readonly StringField[]): Signal[] {
  const leaking = new Set(signals.filter((s) => s.id === 'secret_leak').map((s) => s.path));
  if (leaking.size === 0 || signals.length === leaking.size) return signals;
  const secrets = new Map<string, string[]>();
  for (const f of read) {
    if (!leaking.has(f.pointer)) continue;
    const list = secrets.get(f.pointer) ?? [];
    for (const found of findSecrets(f.value, f.name ?? f.key)) list.push(f.value.slice(found.start, found.end));
    secrets.set(f.pointer, list);
  }
  return signals.map((s) => {
    const raw = s.id === 'secret_leak' ? undefined : secrets.get(s.path);
    return raw && raw.length > 0 ? { ...s, evidence: maskIn(s.evidence, raw) } : s;
  });
}

/** maskIn replaces each secret in `text` by its first four characters and asterisks, also where the text ends inside one. */
function maskIn(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 6) continue;
    const masked = `${secret.slice(0, 4)}${'*'.repeat(Math.min(secret.length - 4, 16))}`;
    out = out.split(secret).join(masked);
    // The excerpt ends inside the secret: `…Bearer ghp_A1b2C3…`.
    const body = out.endsWith('…') ? out.slice(0, -1) : out;
    for (let k = Math.min(secret.length - 1, body.length); k >= 6; k--) {
      if (body.endsWith(secret.slice(0, k))) {
        out = `${body.slice(0, body.length - k)}${masked}…`;
        break;
      }
    }
  }
  return out;
}

/** How many levels of JSON inside strings are read (a document in a string in a document in a string). */
const MAX_EMBEDDED_DEPTH = 4;

function detect(input: DetectionInput): Signal[] {
  return DETECTORS.flatMap((d) => d(input));
}

/** holderOf maps an inner pointer (`#3/sql`) to the call's string that holds document 3. */
function holderOf(pointer: string, holders: readonly string[]): string {
  const m = /^#(\d+)/.exec(pointer);
  return holders[m ? Number(m[1]) : 0] ?? holders[0]!;
}
