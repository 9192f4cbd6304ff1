import type { Severity } from '../types.js';
import { shannonEntropy } from './entropy.js';
import type { SecretFinding } from './structured.js';
import { isGitleaksAllowed } from './gitleaks-allowlist.js';
import { PROVIDER_NAMES } from './key-name.js';
import { trieSource } from './trie.js';
import { isPlaceholder } from './value.js';

/**
 * A gitleaks "semi-generic" rule: a value of a fixed shape assigned to a name that mentions the
 * service (`adafruit_token = "…"`, `"discord": "…"`, `<lookerToken>…</lookerToken>`). The shape
 * alone is too common (32 hex characters), the service name alone proves nothing; together they
 * are the service's credential.
 */
interface SemiGenericRule {
  kind: string;
  /** Lower-case literals one of which must occur in the text before the pattern runs. */
  keywords: readonly string[];
  /** The service names, matched case-insensitively (gitleaks' identifier group). */
  idents: string;
  /** The secret's shape; matched case-insensitively unless `caseSensitive`. */
  secret: string;
  caseSensitive?: boolean;
  /** Case-sensitive spellings of the name (gitleaks' `(?-i:[Ee]tsy|ETSY)`), tested on the name part. */
  identCase?: RegExp;
  /** Minimum Shannon entropy of the secret (gitleaks skips a secret at or below it). */
  entropy?: number;
  /** 'critical' unless given: a service credential. */
  severity?: Severity;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * SEMI_GENERIC_RULES ports gitleaks' rules built with `GenerateSemiGenericRegex` (identifiers,
 * secret pattern, entropy), one entry per gitleaks rule, in gitleaks' order.
 */
const SEMI_GENERIC_RULES: readonly SemiGenericRule[] = [
  { kind: 'Adafruit API key', keywords: ['adafruit'], idents: 'adafruit', secret: '[a-z0-9_-]{32}' },
  { kind: 'Adobe client ID', keywords: ['adobe'], idents: 'adobe', secret: '[a-f0-9]{32}', entropy: 2 },
  { kind: 'Airtable API key', keywords: ['airtable'], idents: 'airtable', secret: '[a-z0-9]{17}' },
  { kind: 'Algolia API key', keywords: ['algolia'], idents: 'algolia', secret: '[a-z0-9]{32}' },
  { kind: 'Alibaba secret key', keywords: ['alibaba'], idents: 'alibaba', secret: '[a-z0-9]{30}', entropy: 2 },
  { kind: 'Asana client ID', keywords: ['asana'], idents: 'asana', secret: '[0-9]{16}' },
  { kind: 'Asana client secret', keywords: ['asana'], idents: 'asana', secret: '[a-z0-9]{32}' },
  {
    kind: 'Atlassian API token', keywords: ['atlassian', 'confluence', 'jira'], idents: 'atlassian|confluence|jira', secret: '[a-z0-9]{20}[a-f0-9]{4}',
    identCase: /ATLASSIAN|[Aa]tlassian|CONFLUENCE|[Cc]onfluence|JIRA|[Jj]ira/, entropy: 3.5,
  },
  { kind: 'Beamer API token', keywords: ['beamer'], idents: 'beamer', secret: 'b_[a-z0-9=_-]{44}' },
  { kind: 'Bitbucket client ID', keywords: ['bitbucket'], idents: 'bitbucket', secret: '[a-z0-9]{32}' },
  { kind: 'Bitbucket client secret', keywords: ['bitbucket'], idents: 'bitbucket', secret: '[a-z0-9=_-]{64}' },
  { kind: 'Bittrex key', keywords: ['bittrex'], idents: 'bittrex', secret: '[a-z0-9]{32}' },
  { kind: 'Cisco Meraki API key', keywords: ['meraki'], idents: 'meraki', secret: '[0-9a-f]{40}', caseSensitive: true, identCase: /[Mm]eraki|MERAKI/, entropy: 3 },
  { kind: 'Cloudflare global API key', keywords: ['cloudflare'], idents: 'cloudflare', secret: '[a-f0-9]{37}', entropy: 2 },
  { kind: 'Cloudflare API key', keywords: ['cloudflare'], idents: 'cloudflare', secret: '[a-z0-9_-]{40}', entropy: 2 },
  { kind: 'Codecov access token', keywords: ['codecov'], idents: 'codecov', secret: '[a-z0-9]{32}' },
  { kind: 'Cohere API token', keywords: ['cohere', 'co_api_key'], idents: 'cohere|CO_API_KEY', secret: '[a-zA-Z0-9]{40}', caseSensitive: true, entropy: 4 },
  { kind: 'Coinbase access token', keywords: ['coinbase'], idents: 'coinbase', secret: '[a-z0-9_-]{64}' },
  { kind: 'Confluent access token', keywords: ['confluent'], idents: 'confluent', secret: '[a-z0-9]{16}' },
  { kind: 'Confluent secret key', keywords: ['confluent'], idents: 'confluent', secret: '[a-z0-9]{64}' },
  { kind: 'Contentful delivery token', keywords: ['contentful'], idents: 'contentful', secret: '[a-z0-9=_-]{43}' },
  { kind: 'Datadog access token', keywords: ['datadog'], idents: 'datadog', secret: '[a-z0-9]{40}' },
  { kind: 'Defined Networking API token', keywords: ['dnkey'], idents: 'dnkey', secret: 'dnkey-[a-z0-9=_-]{26}-[a-z0-9=_-]{52}' },
  { kind: 'Discord API key', keywords: ['discord'], idents: 'discord', secret: '[a-f0-9]{64}' },
  { kind: 'Discord client ID', keywords: ['discord'], idents: 'discord', secret: '[0-9]{18}', entropy: 2 },
  { kind: 'Discord client secret', keywords: ['discord'], idents: 'discord', secret: '[a-z0-9=_-]{32}', entropy: 2 },
  { kind: 'Drone CI access token', keywords: ['droneci'], idents: 'droneci', secret: '[a-z0-9]{32}' },
  { kind: 'Dropbox API secret', keywords: ['dropbox'], idents: 'dropbox', secret: '[a-z0-9]{15}' },
  { kind: 'Dropbox short-lived token', keywords: ['dropbox'], idents: 'dropbox', secret: 'sl\\.[a-z0-9=_-]{135}' },
  { kind: 'Dropbox long-lived token', keywords: ['dropbox'], idents: 'dropbox', secret: '[a-z0-9]{11}AAAAAAAAAA[a-z0-9_=-]{43}' },
  { kind: 'Etsy access token', keywords: ['etsy'], idents: 'etsy', secret: '[a-z0-9]{24}', identCase: /ETSY|[Ee]tsy/, entropy: 3 },
  { kind: 'Facebook app secret', keywords: ['facebook'], idents: 'facebook', secret: '[a-f0-9]{32}', entropy: 3 },
  { kind: 'Fastly API token', keywords: ['fastly'], idents: 'fastly', secret: '[a-z0-9=_-]{32}' },
  { kind: 'Finicity API token', keywords: ['finicity'], idents: 'finicity', secret: '[a-f0-9]{32}' },
  { kind: 'Finicity client secret', keywords: ['finicity'], idents: 'finicity', secret: '[a-z0-9]{20}' },
  { kind: 'Finnhub access token', keywords: ['finnhub'], idents: 'finnhub', secret: '[a-z0-9]{20}' },
  { kind: 'Flickr access token', keywords: ['flickr'], idents: 'flickr', secret: '[a-z0-9]{32}' },
  { kind: 'Freshbooks access token', keywords: ['freshbooks'], idents: 'freshbooks', secret: '[a-z0-9]{64}' },
  { kind: 'Gitter access token', keywords: ['gitter'], idents: 'gitter', secret: '[a-z0-9_-]{40}' },
  { kind: 'GoCardless API token', keywords: ['gocardless'], idents: 'gocardless', secret: 'live_[a-z0-9_=-]{40}' },
  { kind: 'Heroku API key', keywords: ['heroku'], idents: 'heroku', secret: UUID },
  { kind: 'HubSpot API key', keywords: ['hubspot'], idents: 'hubspot', secret: UUID },
  { kind: 'Intercom API key', keywords: ['intercom'], idents: 'intercom', secret: '[a-z0-9=_-]{60}' },
  { kind: 'JFrog API key', keywords: ['jfrog', 'artifactory', 'bintray', 'xray'], idents: 'jfrog|artifactory|bintray|xray', secret: '[a-z0-9]{73}' },
  { kind: 'JFrog identity token', keywords: ['jfrog', 'artifactory', 'bintray', 'xray'], idents: 'jfrog|artifactory|bintray|xray', secret: '[a-z0-9]{64}' },
  { kind: 'Kraken access token', keywords: ['kraken'], idents: 'kraken', secret: '[a-z0-9/=_+-]{80,90}' },
  { kind: 'KuCoin access token', keywords: ['kucoin'], idents: 'kucoin', secret: '[a-f0-9]{24}' },
  { kind: 'KuCoin secret key', keywords: ['kucoin'], idents: 'kucoin', secret: UUID },
  { kind: 'LaunchDarkly access token', keywords: ['launchdarkly'], idents: 'launchdarkly', secret: '[a-z0-9=_-]{40}' },
  { kind: 'Linear client secret', keywords: ['linear'], idents: 'linear', secret: '[a-f0-9]{32}', entropy: 2 },
  { kind: 'LinkedIn client ID', keywords: ['linkedin', 'linked_in', 'linked-in'], idents: 'linked[_-]?in', secret: '[a-z0-9]{14}', entropy: 2 },
  { kind: 'LinkedIn client secret', keywords: ['linkedin', 'linked_in', 'linked-in'], idents: 'linked[_-]?in', secret: '[a-z0-9]{16}', entropy: 2 },
  { kind: 'Lob API key', keywords: ['lob'], idents: 'lob', secret: '(?:live|test)_[a-f0-9]{35}' },
  { kind: 'Lob publishable API key', keywords: ['lob'], idents: 'lob', secret: '(?:test|live)_pub_[a-f0-9]{31}' },
  { kind: 'Looker client ID', keywords: ['looker'], idents: 'looker', secret: '[a-z0-9]{20}' },
  { kind: 'Looker client secret', keywords: ['looker'], idents: 'looker', secret: '[a-z0-9]{24}' },
  { kind: 'Mailchimp API key', keywords: ['mailchimp'], idents: 'MailchimpSDK\\.initialize|mailchimp', secret: '[a-f0-9]{32}-us\\d\\d' },
  { kind: 'Mailgun private API token', keywords: ['mailgun'], idents: 'mailgun', secret: 'key-[a-f0-9]{32}' },
  { kind: 'Mailgun public key', keywords: ['mailgun'], idents: 'mailgun', secret: 'pubkey-[a-f0-9]{32}' },
  { kind: 'Mailgun signing key', keywords: ['mailgun'], idents: 'mailgun', secret: '[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}' },
  { kind: 'Mapbox API token', keywords: ['mapbox'], idents: 'mapbox', secret: 'pk\\.[a-z0-9]{60}\\.[a-z0-9]{22}' },
  { kind: 'Mattermost access token', keywords: ['mattermost'], idents: 'mattermost', secret: '[a-z0-9]{26}' },
  { kind: 'MessageBird API token', keywords: ['messagebird', 'message-bird', 'message_bird'], idents: 'message[_-]?bird', secret: '[a-z0-9]{25}' },
  { kind: 'MessageBird client ID', keywords: ['messagebird', 'message-bird', 'message_bird'], idents: 'message[_-]?bird', secret: UUID },
  { kind: 'Netlify access token', keywords: ['netlify'], idents: 'netlify', secret: '[a-z0-9=_-]{40,46}' },
  { kind: 'New Relic browser API token', keywords: ['new-relic', 'newrelic', 'new_relic'], idents: 'new-relic|newrelic|new_relic', secret: 'NRJS-[a-f0-9]{19}' },
  { kind: 'New Relic insert key', keywords: ['new-relic', 'newrelic', 'new_relic'], idents: 'new-relic|newrelic|new_relic', secret: 'NRII-[a-z0-9-]{32}' },
  { kind: 'New Relic user API ID', keywords: ['new-relic', 'newrelic', 'new_relic'], idents: 'new-relic|newrelic|new_relic', secret: '[a-z0-9]{64}' },
  { kind: 'New Relic user API key', keywords: ['new-relic', 'newrelic', 'new_relic'], idents: 'new-relic|newrelic|new_relic', secret: 'NRAK-[a-z0-9]{27}' },
  { kind: 'New York Times access token', keywords: ['nytimes', 'new-york-times', 'newyorktimes'], idents: 'nytimes|new-york-times,|newyorktimes', secret: '[a-z0-9=_-]{32}' },
  { kind: 'Okta access token', keywords: ['okta'], idents: 'okta', secret: '00[\\w=-]{40}', caseSensitive: true, identCase: /[Oo]kta|OKTA/, entropy: 4 },
  { kind: 'Plaid access token', keywords: ['plaid'], idents: 'plaid', secret: `access-(?:sandbox|development|production)-${UUID}` },
  { kind: 'Plaid client ID', keywords: ['plaid'], idents: 'plaid', secret: '[a-z0-9]{24}', entropy: 3.5 },
  { kind: 'Plaid secret key', keywords: ['plaid'], idents: 'plaid', secret: '[a-z0-9]{30}', entropy: 3.5 },
  { kind: 'PrivateAI API token', keywords: ['privateai', 'private_ai', 'private-ai'], idents: 'private[_-]?ai', secret: '[a-z0-9]{32}', caseSensitive: true, entropy: 3 },
  { kind: 'RapidAPI access token', keywords: ['rapidapi'], idents: 'rapidapi', secret: '[a-z0-9_-]{50}' },
  { kind: 'Sendbird access ID', keywords: ['sendbird'], idents: 'sendbird', secret: UUID },
  { kind: 'Sendbird access token', keywords: ['sendbird'], idents: 'sendbird', secret: '[a-f0-9]{40}' },
  { kind: 'Sentry access token', keywords: ['sentry'], idents: 'sentry', secret: '[a-f0-9]{64}', entropy: 3 },
  {
    kind: 'Sidekiq secret', keywords: ['bundle_enterprise__contribsys__com', 'bundle_gems__contribsys__com'],
    idents: 'BUNDLE_ENTERPRISE__CONTRIBSYS__COM|BUNDLE_GEMS__CONTRIBSYS__COM', secret: '[a-f0-9]{8}:[a-f0-9]{8}',
  },
  { kind: 'Snyk API token', keywords: ['snyk'], idents: 'snyk[_.-]?(?:(?:api|oauth)[_.-]?)?(?:key|token)', secret: UUID },
  { kind: 'Sonar API token', keywords: ['sonar'], idents: 'sonar[_.-]?(?:login|token)', secret: '[a-z0-9=_-]{40}' },
  { kind: 'Squarespace access token', keywords: ['squarespace'], idents: 'squarespace', secret: UUID },
  { kind: 'SumoLogic access ID', keywords: ['sumo'], idents: 'sumo', secret: 'su[a-zA-Z0-9]{12}', caseSensitive: true, identCase: /[Ss]umo|SUMO/, entropy: 3 },
  { kind: 'SumoLogic access token', keywords: ['sumo'], idents: 'sumo', secret: '[a-z0-9]{64}', identCase: /[Ss]umo|SUMO/, entropy: 3 },
  { kind: 'Telegram bot token', keywords: ['telegr'], idents: 'telegr', secret: '[0-9]{5,16}:A[a-zA-Z0-9_-]{34}', caseSensitive: true },
  { kind: 'Trello access token', keywords: ['trello'], idents: 'trello', secret: '[a-zA-Z0-9-]{32}' },
  { kind: 'Travis CI access token', keywords: ['travis'], idents: 'travis', secret: '[a-z0-9]{22}' },
  { kind: 'Twitch API token', keywords: ['twitch'], idents: 'twitch', secret: '[a-z0-9]{30}' },
  { kind: 'Twitter access secret', keywords: ['twitter'], idents: 'twitter', secret: '[a-z0-9]{45}' },
  { kind: 'Twitter access token', keywords: ['twitter'], idents: 'twitter', secret: '[0-9]{15,25}-[a-zA-Z0-9]{20,40}' },
  { kind: 'Twitter API key', keywords: ['twitter'], idents: 'twitter', secret: '[a-z0-9]{25}' },
  { kind: 'Twitter API secret', keywords: ['twitter'], idents: 'twitter', secret: '[a-z0-9]{50}' },
  { kind: 'Twitter bearer token', keywords: ['twitter'], idents: 'twitter', secret: 'A{22}[a-zA-Z0-9%]{80,100}' },
  { kind: 'Typeform API token', keywords: ['typeform'], idents: 'typeform', secret: 'tfp_[a-z0-9_.=-]{59}' },
  { kind: 'Yandex access token', keywords: ['yandex'], idents: 'yandex', secret: 't1\\.[A-Z0-9a-z_-]+={0,2}\\.[A-Z0-9a-z_-]{86}={0,2}' },
  { kind: 'Yandex API key', keywords: ['yandex'], idents: 'yandex', secret: 'AQVN[A-Za-z0-9_-]{35,38}' },
  { kind: 'Yandex AWS access token', keywords: ['yandex'], idents: 'yandex', secret: 'YC[a-zA-Z0-9_-]{38}' },
  { kind: 'Zendesk secret key', keywords: ['zendesk'], idents: 'zendesk', secret: '[a-z0-9]{40}' },
  { kind: 'Database password', keywords: ['db_passw', 'database_passw', 'pwd'], idents: 'db_passw(?:or)?d|database_passw(?:or)?d|pwd', secret: '[a-zA-Z0-9:;<@=},!$?^]{1,100}', caseSensitive: true, severity: 'high' },
];

/**
 * gitleaks' semi-generic template (`utils.GenerateSemiGenericRegex`): the name, up to 20 more name
 * characters, optional closing quotes, an assignment operator, optional opening quotes, then the
 * secret, which must end the value (a quote, a blank, `;`, a `\n` escape or the end).
 */
const ASSIGN = `(?:[ \\t\\w.-]{0,20})[\\s'"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'"\\s=]{0,5}`;
const END = `(?=[\\x60'"\\s;]|\\\\[nr]|$)`;

interface CompiledRule extends SemiGenericRule {
  re: RegExp;
  /** The secret pattern alone, anchored, for near-miss checks and case-sensitive re-checks. */
  exact: RegExp;
  /** The pattern has literal structure (`key-`, `:A`, UUID dashes), not just a class and a length. */
  anchored: boolean;
  /** The structure with any lengths (`[0-9]+:A[…]+`): wrong-length variants of the service's format. */
  relaxed: RegExp;
}

const COMPILED: readonly CompiledRule[] = SEMI_GENERIC_RULES.map((r) => ({
  ...r,
  re: new RegExp(`(?:${r.idents})${ASSIGN}(${r.secret})${END}`, 'gi'),
  exact: new RegExp(`^(?:${r.secret})$`, r.caseSensitive ? '' : 'i'),
  relaxed: new RegExp(r.secret.replace(/\{\d+(?:,\d*)?\}/g, '+'), r.caseSensitive ? '' : 'i'),
  anchored: r.secret.replace(/\[[^\]]*\]|\{[^}]*\}|\\[dws]|\(\?:|[()?|+*]/g, '').length > 0,
}));
const KEYWORDS = [...new Set([...COMPILED.flatMap((r) => r.keywords), ...PROVIDER_NAMES])].sort((a, b) => b.length - a.length);
/** One pass over the lower-cased text finds the service names present (longest alternative first). */
const KEYWORD_RE = new RegExp(trieSource(KEYWORDS), 'g');
/** A matched name implies the names inside it (`sumologic` → `sumo`). */
const IMPLIED = new Map(KEYWORDS.map((k) => [k, KEYWORDS.filter((o) => k.includes(o))]));
const IDENT_RES = new Map(COMPILED.map((r) => [r, new RegExp(r.idents, 'i')]));

/**
 * serviceNamesIn returns the service names (semi-generic rule keywords and PROVIDER_NAMES) that
 * occur in the lower-cased text: one scan serves both findSemiGeneric and the provider-name
 * assignments.
 */
export function serviceNamesIn(lower: string): Set<string> {
  const present = new Set<string>();
  KEYWORD_RE.lastIndex = 0;
  for (let m = KEYWORD_RE.exec(lower); m !== null; m = KEYWORD_RE.exec(lower)) {
    for (const k of IMPLIED.get(m[0]) ?? []) present.add(k);
  }
  return present;
}

/** findSemiGeneric reports values of a service's credential shape assigned to a name that mentions the service. */
export function findSemiGeneric(text: string, present: ReadonlySet<string>): SecretFinding[] {
  if (present.size === 0) return [];
  const out: SecretFinding[] = [];
  for (const rule of COMPILED) {
    if (!rule.keywords.some((k) => present.has(k))) continue;
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m !== null; m = rule.re.exec(text)) {
      const secret = m[1] ?? '';
      if (rule.caseSensitive && !rule.exact.test(secret)) continue;
      const head = m[0].slice(0, m[0].length - secret.length);
      if (rule.identCase && !rule.identCase.test(head)) continue;
      if (rule.entropy !== undefined && shannonEntropy(secret) <= rule.entropy) continue;
      if (isGitleaksAllowed(secret)) continue;
      if (rule.kind === 'Database password' && !isDatabasePassword(secret, head)) continue;
      const start = m.index + m[0].length - secret.length;
      out.push({ kind: rule.kind, severity: rule.severity ?? 'critical', start, end: start + secret.length });
    }
  }
  return out;
}

/**
 * gitleaks' database-password rule takes any 1–100 characters of its alphabet after `pwd`, `db_password`…
 * and an operator that may be a comma; what it then reads is often no password:
 * - a few characters of one class (`pwd = 0`, `pwd: x`) are flags and shell words, `changeme` a placeholder;
 * - a word on another line (`DB_PASSWORD,\n  jwtSecret:`; but not an XML element's text) or ending in `:` is the next key;
 * - after a comma, an unquoted word is the next item of a list (`const { DB_PASSWORD, dbHost } =`,
 *   "run pwd, whoami"), and a quoted one is a password only with a digit or a symbol in it
 *   (`["pwd", "whoami"]`, `required = ["db_password", "redisUrl"]` are lists of names).
 * `head` is the match before the secret: the name, the operator and any quote.
 */
function isDatabasePassword(secret: string, head: string): boolean {
  if (secret.length < 6 || !/[A-Za-z]/.test(secret) || new Set(secret).size < 4 || isPlaceholder(secret)) return false;
  // Across a line only as an XML element's text (`<DB_PASSWORD>\n  S3cret\n</DB_PASSWORD>`).
  if ((head.includes('\n') && !/>\s*$/.test(head)) || secret.endsWith(':')) return false;
  const comma = /,[\x60'"\s=]*$/.exec(head);
  if (comma && (!/[\x60'"]/.test(comma[0]) || !/[^A-Za-z]/.test(secret))) return false;
  return true;
}

/**
 * isProviderNearMiss is true when `name` names a service with a semi-generic rule and `value`
 * carries that service's structured credential shape with the wrong lengths or extra characters
 * around it (`telegram_token = "<4-digit id>:A…"`, `"<id>:Ahello…"`): gitleaks' own negative samples for
 * the service, which the generic rule must not pick up instead. Shapes that are only a class and a
 * length (32 hex characters) prove nothing about a longer value.
 */
export function isProviderNearMiss(name: string, value: string): boolean {
  for (const rule of COMPILED) {
    if (!rule.anchored || !IDENT_RES.get(rule)?.test(name)) continue;
    if (rule.relaxed.test(value) && !rule.exact.test(value)) return true;
  }
  return false;
}
