import { charClasses, shannonEntropy } from './entropy.js';

/**
 * Masking characters and fill-in runs: `xxxx`, `****`, `####`, `....`, `<your-key>`, `${VAR}`. A
 * value that contains one is a placeholder (or an already masked secret), never a live credential.
 */
const FILLER_RE = /[xX]{5,}|\*{3,}|#{3,}|\.{4,}|_{4,}|-{5,}|~{4,}|(.)\1{7,}/;
/** Masks and template markers that no provider-issued token contains. */
const MASK_RE = /[xX]{5,}|\*{3,}|#{3,}|[<>{}$]/;
/** References and templates that stand for a value: `$VAR`, `${x}`, `{{ x }}`, `%s`, `%(x)s`, `%VAR%`, `<x>`, `#{x}`, `@VAR@`. */
const TEMPLATE_RE = /^(?:\$[{(A-Za-z_]|\$\$|%(?:\(\w+\))?[sd]$|%[A-Za-z_]+%$|\{\{|\{%|\{\d*\}|<[^>]*>?$|<%|#\{|@[A-Za-z_]+@$|\[\[|\{[A-Za-z_]\w*\}$)/;
/** Words that people put where a secret goes: `your_api_key`, `changeme`, `<insert-token-here>`… */
const PLACEHOLDER_WORD_RE = /your[_-]?(?:api|access|secret|own|token|key|pass|client|app)|changeme|change[_-]me|placeholder|dummy|fake|redacted|insert[_-]|replace[_-]?me|_here\b|here$|^(?:null|nil|none|undefined|true|false|test|string|secret|password|passwd|token|empty|example|sample|value|key)$/i;
/** Code, not a literal: a dotted name (`settings.API_KEY`, `X25519.key_length`), a call, a subscript, an env lookup. */
const EXPRESSION_RE = /^[A-Za-z_$][\w$]{0,31}(?:\.[A-Za-z_$][\w$]{0,31})+(?:\(\))?$|^[\w.$]+\(|^[\w.$]+\[["'\w]|^(?:process\.env|os\.environ|ENV\[|getenv)|^[A-Z][A-Z0-9_]*_[A-Z0-9_]*$/;
/** A file-system path or a file name: a key file is not the key. */
const PATH_RE = /^(?:~|\.{1,2})?\/[\w./-]+$|^[A-Za-z]:\\|\.(?:pem|key|p12|pfx|crt|cer|der|json|ya?ml|txt|env|keytab|jks|keystore|pub|gpg|asc)$/i;
/** An artifact name with its version: `jjwt-jackson-0.11.2`, `api@v1.2.3`. */
const VERSIONED_NAME_RE = /^[A-Za-z][\w.-]*[-_@:]v?\d+(?:\.\d+){1,3}(?:[-+.][\w.]+)?$/;
/** Lower-case placeholder words inside a value (`example-token-1`, `my_sample_key`); AWS's upper-case `…EXAMPLEKEY` samples stay secrets. */
const PLACEHOLDER_INSIDE_RE = /example|sample|notreal|not_real|not-real|changeit/;
/** Letters (with single separators) only: a word or an identifier, not a random string. */
const WORDISH_RE = /^[A-Za-z]+(?:[ _.-][A-Za-z]+)*$/;

/** isPlaceholder is true for masks, templates, references and placeholder words standing where a secret would be. */
export function isPlaceholder(value: string): boolean {
  return FILLER_RE.test(value) || TEMPLATE_RE.test(value) || PLACEHOLDER_WORD_RE.test(value);
}

/** isMaskOrFiller is the narrower test provider-shaped tokens get: `ghp_xxxx…`, `AKIA****…`. */
export function isMaskOrFiller(value: string): boolean {
  return MASK_RE.test(value);
}

/**
 * How demanding to be of a value assigned to a key-like name: `password` names accept short,
 * human-chosen passwords (`Summer2024!`); `token`/`key` names want machine-generated randomness.
 */
export type Strictness = 'password' | 'token';

/**
 * isCredentialValue decides whether `value`, assigned to a key-like name, is a real credential: long
 * enough, not a placeholder/reference/path/word, and with the entropy of a generated string for
 * its character set (as gitleaks' generic-api-key and detect-secrets' keyword detector do).
 */
export function isCredentialValue(value: string, strictness: Strictness): boolean {
  const minLength = strictness === 'password' ? 8 : 10;
  if (value.length < minLength || value.length > 500) return false;
  if (/\s/.test(value)) return false;
  if (isPlaceholder(value) || PLACEHOLDER_INSIDE_RE.test(value) || EXPRESSION_RE.test(value) || PATH_RE.test(value) || VERSIONED_NAME_RE.test(value)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\/|^arn:/i.test(value) || isHumanLabel(value) || isSequence(value) || hasCountingRun(value)) return false;
  // Three or more capitalised words run together (`AgencyIdentificationCodeContentType`): an identifier.
  if (strictness === 'token' && CAMEL_WORDS_RE.test(value)) return false;
  const c = charClasses(value);
  if (c.lower + c.upper + c.digit === 0) return false;
  const entropy = shannonEntropy(value);
  if (WORDISH_RE.test(value)) {
    // Random-looking mixed case (`yqDVtkqPECriaLRi`), not camelCase words or SHOUTING.
    const letters = c.lower + c.upper;
    const upperShare = c.upper / Math.max(1, letters);
    return value.length >= 14 && upperShare >= 0.25 && upperShare <= 0.75 && entropy >= 3.5 && !/[ _.-]/.test(value);
  }
  if (c.digit === value.length) return value.length >= (strictness === 'password' ? 8 : 15) && entropy >= 2.5;
  if (strictness === 'password') return entropy >= 2.3;
  // Expected entropy grows with length; short random strings sit lower (16 hex chars ≈ 3.0–3.5).
  if (value.length < 24) return entropy >= 2.7 && c.digit > 0;
  return entropy >= 2.95;
}

/**
 * isHumanLabel is true for a value made of words with a short number or two (`test-key-0001`,
 * `prod_db_secret_2`, `my-app-token`): a name someone typed, not a generated string, whose parts
 * mix letters and digits at random.
 */
function isHumanLabel(value: string): boolean {
  const parts = value.split(/[-_.]+/).filter(Boolean);
  if (parts.length < 2) return false;
  let wordLetters = 0;
  let letters = 0;
  for (const part of parts) {
    const n = (part.match(/[A-Za-z]/g) ?? []).length;
    letters += n;
    if (/^(?:[a-z]+|[A-Z][a-z]+|[A-Z]+)$/.test(part)) wordLetters += n;
    else if (n > 0 || part.length > 4) return false;
  }
  return letters > 0 && wordLetters === letters;
}

const SEQUENCES = ['0123456789012345678901234567890', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm'];
const CAMEL_WORDS_RE = /(?:[A-Z][a-z]{3,}){3,}/;
/** Counting order over digits then letters: `0123456789abcdef` is one run. */
const COUNTING = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * hasCountingRun is true when the value contains ten or more characters in counting order
 * (`0123456789abcdef`, `ABCDEFGHIJK`): an alphabet or a placeholder, which a random secret almost
 * never contains.
 */
function hasCountingRun(value: string): boolean {
  const v = value.toLowerCase();
  let run = 1;
  for (let i = 1; i < v.length; i++) {
    const prev = COUNTING.indexOf(v[i - 1] ?? '');
    run = prev >= 0 && v[i] === COUNTING[prev + 1] ? run + 1 : 1;
    if (run >= 10) return true;
  }
  return false;
}

/**
 * isSequence is true for keyboard and counting runs (`12345678`, `abcdefgh`, `qwerty123`) and for a
 * short unit repeated (`abababab`, `12121212`): what people type as a stand-in for a secret.
 */
function isSequence(value: string): boolean {
  const v = value.toLowerCase();
  if (/^(.{1,4})\1+$/.test(v)) return true;
  const letters = v.replace(/\d+$/, '');
  const digits = v.slice(letters.length);
  const inSequence = (s: string): boolean => s.length === 0 || SEQUENCES.some((q) => q.includes(s));
  return inSequence(letters) && inSequence(digits);
}
