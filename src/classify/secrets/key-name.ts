import type { Strictness } from './value.js';

/** What a key-like name says about the value assigned to it. */
export interface KeyName {
  strictness: Strictness;
  /** Lengths/alphabets the value must have when the name pins the credential's format (AWS, IBM). */
  shape?: RegExp;
  /**
   * The name is just `key` or `auth`: as often an object, cache or map key (`uploads/2024/a.pdf`,
   * `user:42`) as a credential, so only a long random value counts.
   */
  bare?: boolean;
  /** The name is a service's name without a key word (`sourcegraph: …`): only a long random value counts. */
  providerOnly?: boolean;
}

/**
 * Services whose name alone, as a key, announces their credential (`sourcegraph: <token>`), after
 * gitleaks' provider keywords.
 */
export const PROVIDER_NAMES = new Set([
  'adafruit', 'airtable', 'algolia', 'alibaba', 'asana', 'atlassian', 'bitbucket', 'bittrex', 'cloudflare', 'codecov', 'cohere',
  'coinbase', 'confluent', 'contentful', 'datadog', 'discord', 'droneci', 'dropbox', 'dynatrace', 'etsy', 'fastly', 'finicity',
  'finnhub', 'flickr', 'gitter', 'gocardless', 'heroku', 'hubspot', 'intercom', 'jfrog', 'artifactory', 'kraken', 'kucoin',
  'launchdarkly', 'mailchimp', 'mailgun', 'mapbox', 'mattermost', 'meraki', 'messagebird', 'netlify', 'newrelic', 'nytimes',
  'okta', 'plaid', 'rapidapi', 'sendbird', 'sendgrid', 'sentry', 'snyk', 'sonar', 'sourcegraph', 'squarespace', 'sumologic',
  'telegram', 'travis', 'twilio', 'twitch', 'twitter', 'typeform', 'yandex', 'zendesk',
]);
/** Matched against lower-cased text. */
export const PROVIDER_NAME_RE = new RegExp([...PROVIDER_NAMES].join('|'), 'g');

/**
 * Head words that name a credential; `password`-class ones also accept human-chosen values. Plurals
 * (`secrets`, `tokens`, `keys`) name collections and counts (`max_tokens`, `keyVaultToStoreSecrets`).
 */
const PASSWORD_HEADS = new Set(['password', 'passwd', 'pwd', 'pass', 'pw', 'passphrase', 'secret', 'secrete', 'contrasena']);
const TOKEN_HEADS = new Set(['key', 'token', 'credential', 'credentials', 'creds', 'cred', 'auth', 'apikey', 'secretkey']);
/** A run-together head (`SLAPIKEY`, `clientsecret`, `dbpassword`) ends with one of these. */
const HEAD_SUFFIX_RE = /(?:password|passwd|pwd|secret|secrete|token|apikey|accesskey|secretkey|privatekey|authkey|key)$/;
/** Words that end in `key` without being one. */
const NOT_KEY_RE = /(?:monkey|donkey|turkey|hockey|whiskey|jockey|hotkey|pubkey|publickey|passkey)$/;
/** Trailing qualifiers a credential name may carry: `password_secure`, `api_key_value`, `base64_keyA`, `token1`. */
const QUALIFIERS = new Set([
  'secure', 'super', 'value', 'val', 'str', 'string', 'b64', 'base64', 'enc', 'encoded', 'raw', 'plain', 'plaintext', 'text',
  'env', 'prod', 'production', 'dev', 'development', 'staging', 'stage', 'live', 'old', 'new', 'current', 'sec',
]);
/**
 * Names that hold a key or token that is not a credential (gitleaks' generic-api-key allow-list):
 * `primary_key`, `public_key`, `csrf_token`, `next_page_token`, `max_tokens`; and fixtures that say
 * their value is not real (`fake_token`, `invalidKey`, `nonMatchingToken`).
 */
const NOT_SECRET_WORDS = new Set([
  'public', 'pub', 'publishable', 'primary', 'foreign', 'sort', 'partition', 'cache', 'idempotency', 'lookup', 'map', 'dict',
  'registry', 'row', 'unique', 'composite', 'bucket', 'schema', 'sequence', 'natural', 'hot', 'idx', 'index', 'object', 'csrf',
  'xsrf', 'authenticity', 'page', 'next', 'continuation', 'cancellation', 'sync', 'max', 'num', 'count', 'total', 'input', 'output', 'prompt',
  'completion', 'fake', 'dummy', 'mock', 'example', 'sample', 'invalid', 'wrong', 'bogus', 'placeholder', 'no', 'bad', 'incorrect',
  'malformed', 'truncated', 'broken',
  'not', 'without', 'missing', 'empty', 'expired', 'revoked', 'file', 'path', 'name', 'type', 'length', 'size', 'id', 'ids', 'url',
  'uri', 'endpoint', 'header', 'prefix', 'format', 'pattern', 'regex', 'field', 'param', 'variable', 'ref', 'non',
]);

/** Key words strong enough to name a credential with a word or two after them (detect-secrets' `api_?key…`). */
const STRONG_HEADS = new Set(['apikey', 'password', 'passwd', 'pwd', 'secret', 'token', 'passphrase']);
/** Words that, after a key word, name something about the credential rather than a place it is used. */
const NOT_AFTER_KEY = new Set([
  'version', 'policy', 'hint', 'question', 'label', 'manager', 'arn', 'store', 'vault', 'provider', 'source', 'mode', 'method',
  'strategy', 'rotation', 'expiry', 'expires', 'expiration', 'ttl', 'enabled', 'required', 'hash', 'var', 'reset', 'change',
  'confirmation', 'confirm', 'reminder', 'strength', 'rules', 'regexp', 'salt', 'error', 'message', 'text', 'placeholder', 'title',
]);

/** isKeyHead is true for a word that names a credential on its own (`token`, `dbpassword`, `SLAPIKEY`). */
function isKeyHead(word: string): boolean {
  return PASSWORD_HEADS.has(word) || /(?:password|passwd|pwd|secret)$/.test(word) || TOKEN_HEADS.has(word) || HEAD_SUFFIX_RE.test(word);
}

/** splitName breaks an identifier into lower-case words: `sengridAPIToken_token` → sengrid, api, token, token. */
export function splitName(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * fieldKeyName classifies the name an argument is stored under, as written (`nextPageToken`,
 * `accessKeyId`): its words decide. A name whose words say nothing either way is also read
 * lower-cased, as one word (`passPhrase` → `passphrase`), so camelCase never hides a credential name
 * that the lower-cased form names; only an allow-listed word (`next`, `page`, `csrf`…) keeps it out.
 */
export function fieldKeyName(name: string): KeyName | undefined {
  const written = classifyKeyName(name);
  if (written || name === name.toLowerCase() || splitName(name).some((w) => NOT_SECRET_WORDS.has(w))) return written;
  return classifyKeyName(name.toLowerCase());
}

/**
 * classifyKeyName tells whether a name (a variable, a config key, a JSON key, a CLI flag, an
 * argument name) names a credential, judging by its last dotted part's head word:
 * `aws_secret_access_key`, `GITHUB_TOKEN`, `db_pass`, `--api-key` do; `keyPressed`,
 * `secret_length`, `credentialsId`, `primary_key` do not.
 */
export function classifyKeyName(name: string): KeyName | undefined {
  const last = name.replace(/[.\-$]+$/, '').split('.').pop() ?? '';
  const words = splitName(last);
  let i = words.length - 1;
  // `access_key_id` / `key-id` is an AWS-style key id; any other `…_id` is an identifier.
  if (words[i] === 'id' && i > 0 && /key$/.test(words[i - 1] ?? '')) i--;
  while (i > 0 && (QUALIFIERS.has(words[i] ?? '') || /^\d+$|^[a-z]$|^v\d$/.test(words[i] ?? ''))) i--;
  if (!isKeyHead(words[i] ?? '')) {
    // `apikey_myservice`, `password_eu_west`: a strong key word, then a word or two naming where it is used.
    const k = [i - 1, i - 2].find((j) => j >= 0 && STRONG_HEADS.has(words[j] ?? ''));
    if (k === undefined || words.slice(k + 1, i + 1).some((w) => NOT_SECRET_WORDS.has(w) || NOT_AFTER_KEY.has(w))) return undefined;
    i = k;
  }
  const head = words[i];
  if (head === undefined || NOT_KEY_RE.test(head)) return undefined;
  for (let j = 0; j < i; j++) if (NOT_SECRET_WORDS.has(words[j] ?? '')) return undefined;
  const strictness: Strictness = PASSWORD_HEADS.has(head) || /(?:password|passwd|pwd|secret)$/.test(head) ? 'password' : 'token';
  const bare = i === 0 && (head === 'key' || head === 'auth');
  return { strictness, shape: shapeOf(words), ...(bare ? { bare } : {}) };
}

/** Providers whose credential format is fixed by the name: a wrong-length value is not theirs. */
function shapeOf(words: string[]): RegExp | undefined {
  const has = (w: string): boolean => words.includes(w);
  const secretish = has('secret') || (has('access') && has('key') && !has('id'));
  if (has('aws') && secretish) return /^[A-Za-z0-9/+]{40}$/;
  if (has('cos') || (has('ibm') && has('hmac'))) return secretish ? /^[a-f0-9]{48}$/i : undefined;
  if (has('ibm') || has('iam')) return /^[\w-]{44}$/;
  if (has('secret') && has('access') && has('key')) return /^(?:[A-Za-z0-9/+]{40}|[a-f0-9]{48})$/;
  return undefined;
}
