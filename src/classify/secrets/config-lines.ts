import { isLiteralPassword } from './curl.js';
import { classifyKeyName } from './key-name.js';
import type { SecretFinding } from './structured.js';
import { isCredentialValue } from './value.js';

/**
 * Credentials written in the shapes of particular files and languages, which no `name = value`
 * assignment covers: SQL's `IDENTIFIED BY '…'`, redis.conf's `requirepass …`, .netrc's
 * `password …`, .NET's `<add key="ApiKey" value="…"/>`, a PEM private key inside base64 (a
 * kubeconfig's `client-key-data`), a PuTTY private key.
 */

/** `ALTER USER … IDENTIFIED BY 'pw'`, `CREATE USER … IDENTIFIED WITH mysql_native_password BY 'pw'` (not `BY PASSWORD '*hash'`). */
const IDENTIFIED_BY_RE = /\bidentified\s+(?:with\s+[\w'"`]+\s+)?by\s+(['"])([^'"\n]{4,256})\1/gi;
/** redis.conf: `requirepass S3cret`, `masterauth S3cret`, alone on a line. */
const REDIS_CONF_RE = /^[ \t]*(?:requirepass|masterauth)[ \t]+("?)([^\s"]{4,256})\1[ \t]*$/gim;
/** .netrc on one line: `machine host login user password S3cret`. */
const NETRC_LINE_RE = /\b(?:machine|default)\b[^\n]{0,300}?\bpassword[ \t]+(\S{4,256})/g;
/** .netrc over lines: `password S3cret` alone on its line, in a text that has `machine` and `login` entries. */
const NETRC_PASSWORD_LINE_RE = /^[ \t]*password[ \t]+(\S{4,256})[ \t]*$/gm;
/** `<add key="PaymentApiKey" value="…"/>` (app.config, web.config), `<entry name="api_key">…</entry>`, `<param name="token" value="…">`. */
const XML_PAIR_RE = /<(?:add|param|setting|property|entry)\s+(?:key|name)\s*=\s*"([^"]{1,80})"\s+value\s*=\s*"([^"\n]{1,500})"/gi;
const XML_ELEMENT_RE = /<(entry|string|property|param|setting)\s+(?:key|name)\s*=\s*"([^"]{1,80})"\s*>([^<\n]{1,500})<\/\1>/gi;
/** base64 of `-----BEGIN`: a PEM block encoded whole (kubeconfig `client-key-data`, a Secret's `tls.key`). */
const BASE64_PEM_RE = /LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,}={0,2}/g;
/** PuTTY's .ppk: the key's private part follows `Private-Lines: N`. */
const PPK_PRIVATE_RE = /\bPrivate-Lines:[ \t]*\d+[ \t]*\r?\n((?:[ \t]*[A-Za-z0-9+/=]{8,}[ \t]*(?:\r?\n|$))+)/g;

export function findConfigCredentials(text: string, lower: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  const add = (kind: string, severity: SecretFinding['severity'], start: number, secret: string): void => {
    out.push({ kind, severity, start, end: start + secret.length });
  };
  const at = (m: RegExpExecArray, group: number): number => m.index + m[0].lastIndexOf(m[group]!);
  if (lower.includes('identified')) {
    for (const m of text.matchAll(IDENTIFIED_BY_RE)) if (isLiteralPassword(m[2]!)) add('Password in a SQL IDENTIFIED BY clause', 'high', at(m, 2), m[2]!);
  }
  if (lower.includes('requirepass') || lower.includes('masterauth')) {
    for (const m of text.matchAll(REDIS_CONF_RE)) if (isLiteralPassword(m[2]!)) add('Redis password (requirepass)', 'high', at(m, 2), m[2]!);
  }
  if (lower.includes('password') && (lower.includes('machine') || lower.includes('default'))) {
    for (const m of text.matchAll(NETRC_LINE_RE)) if (isLiteralPassword(m[1]!)) add('.netrc password', 'high', at(m, 1), m[1]!);
    if (/\bmachine\s/.test(lower) && /\blogin\s/.test(lower)) {
      for (const m of text.matchAll(NETRC_PASSWORD_LINE_RE)) if (isLiteralPassword(m[1]!)) add('.netrc password', 'high', at(m, 1), m[1]!);
    }
  }
  if (text.includes('="') || text.includes('= "')) {
    for (const m of text.matchAll(XML_PAIR_RE)) {
      const name = classifyKeyName(m[1]!);
      if (name && isCredentialValue(m[2]!, name.strictness)) add(`Credential in ${m[1]!.slice(0, 40)}`, 'high', at(m, 2), m[2]!);
    }
    for (const m of text.matchAll(XML_ELEMENT_RE)) {
      const name = classifyKeyName(m[2]!);
      const value = m[3]!.trim();
      if (name && isCredentialValue(value, name.strictness)) add(`Credential in ${m[2]!.slice(0, 40)}`, 'high', m.index + m[0].lastIndexOf(value), value);
    }
  }
  if (text.includes('LS0tLS1CRUdJTi')) {
    for (const m of text.matchAll(BASE64_PEM_RE)) {
      const pem = Buffer.from(m[0], 'base64').toString('latin1');
      const kind = /^-----BEGIN ([A-Z0-9 _-]{0,40}PRIVATE KEY)-----/.exec(pem)?.[1];
      if (kind && pem.length > 100) add(`Private key (${kind}, base64-encoded)`, 'critical', m.index, m[0]);
    }
  }
  if (text.includes('Private-Lines:') && lower.includes('putty-user-key-file')) {
    for (const m of text.matchAll(PPK_PRIVATE_RE)) {
      const body = m[1]!.trimEnd();
      if (body.replace(/\s/g, '').length >= 40) add('Private key (PuTTY)', 'critical', at(m, 1), body);
    }
  }
  return out;
}
