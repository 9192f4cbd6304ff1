import type { Severity } from '../types.js';

/**
 * A credential format a provider issues, recognisable on its own (a fixed prefix, length and
 * alphabet). Patterns follow the providers' documented formats, cross-checked against gitleaks'
 * and detect-secrets' rules; `keywords` are lower-case literals one of which must occur before the
 * (costlier) pattern runs.
 */
export interface ProviderRule {
  kind: string;
  /** Empty: the rule has no distinctive literal and always runs (its pattern is cheap to scan). */
  keywords: readonly string[];
  /** Global; capture group 1, when present, is the secret, else the whole match. */
  re: RegExp;
  severity: Severity;
  /** Minimum Shannon entropy of the secret (bits/char): drops `AKIAZZZ…`-style sequences. */
  minEntropy?: number;
  /** A last check on the secret itself (an allow-list, a required digit). */
  accept?: (secret: string) => boolean;
  /**
   * Characters that may not precede the match (it would be the tail of a longer token), checked in
   * code rather than by a leading lookbehind so that V8 can scan for the pattern's literal prefix.
   */
  notAfter?: RegExp;
  /** Words one of which must occur somewhere in the text (lower-case): the service's name, for formats too generic alone. */
  context?: readonly string[];
}

/** Start-of-token markers: a pattern starting with one gets the matching `notAfter` check. */
const B = '(?:(?<![A-Za-z0-9_-])|(?<=\\\\[nrt]))';
const B_ALNUM = '(?:(?<![A-Za-z0-9])|(?<=\\\\[nrt]))';
const B_VAULT = '(?:(?<![\\w.-])|(?<=\\\\[nrt]))';
const B_PATH = '(?:(?<![\\w./-])|(?<=\\\\[nrt]))';
const B_TELEGRAM = '(?:(?<![A-Za-z0-9_:-])|(?<=\\\\[nrt]))';
const MARKERS: ReadonlyArray<[string, RegExp]> = [
  [B, /[A-Za-z0-9_-]/],
  [B_ALNUM, /[A-Za-z0-9]/],
  [B_VAULT, /[\w.-]/],
  [B_PATH, /[\w./-]/],
  [B_TELEGRAM, /[A-Za-z0-9_:-]/],
];
const E = '(?![A-Za-z0-9_-])'; // end: not followed by more of a token
const rule = (kind: string, keywords: string[], source: string, severity: Severity = 'critical', extra: Partial<ProviderRule> = {}): ProviderRule => {
  const marker = MARKERS.find(([m]) => source.startsWith(m));
  return {
    kind,
    keywords,
    re: new RegExp(marker ? source.slice(marker[0].length) : source, 'g'),
    severity,
    ...(marker ? { notAfter: marker[1] } : {}),
    ...extra,
  };
};

/**
 * Google API keys published in Firebase SDK samples and docs (gitleaks' allow-list): public by
 * design, not leaks.
 */
const PUBLIC_GOOGLE_KEYS = new Set([
  'AIzaSyabcdefghijklmnopqrstuvwxyz1234567', 'AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs', 'AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM',
  'AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU', 'AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0', 'AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A',
  'AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c', 'AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4', 'AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY',
  'AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM', 'AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ', 'AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g',
  'AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU', 'AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw', 'AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE',
  'AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY',
]);

const hasDigit = (s: string): boolean => /\d/.test(s);

/** PROVIDER_RULES, most specific first (an earlier rule wins an overlapping span). */
export const PROVIDER_RULES: readonly ProviderRule[] = [
  // Cloud providers
  rule('AWS access key ID', ['akia', 'asia', 'abia', 'acca', 'a3t'], `${B_ALNUM}((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])`, 'critical', {
    accept: (s) => !s.endsWith('EXAMPLE'),
  }),
  rule('Google API key', ['aiza'], `${B}(AIza[\\w-]{35})${E}`, 'critical', { minEntropy: 3.5, accept: (s) => !PUBLIC_GOOGLE_KEYS.has(s) }),
  rule('Google OAuth client secret', ['gocspx-'], `${B}(GOCSPX-[\\w-]{28})${E}`),
  rule('Google OAuth access token', ['ya29.'], `${B}(ya29\\.[\\w-]{30,})${E}`, 'high', { minEntropy: 3.5 }),
  rule('Azure AD client secret', ['q~'], `(?:^|[\\\\'"\`\\s>=:(,)])([A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34})(?=$|[\\\\'"\`\\s<),])`, 'critical', { minEntropy: 3 }),
  rule('Alibaba access key ID', ['ltai'], `${B}(LTAI[A-Za-z0-9]{20})${E}`),
  rule('IBM/Azure storage account key', ['accountkey='], `AccountKey=([A-Za-z0-9+/]{86}==)`),
  rule('Amazon Bedrock API key', ['absk'], `${B}(ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{109,269}={0,2})(?![A-Za-z0-9+/=])`),
  rule('SoftLayer API key', ['softlayer.com/soap/'], `api\\.softlayer\\.com/soap/v3(?:\\.1)?/([a-z0-9]{64})${E}`),
  rule('DigitalOcean token', ['dop_v1_', 'doo_v1_', 'dor_v1_'], `${B}(do[opr]_v1_[a-f0-9]{64})${E}`),
  rule('Heroku API key', ['hrku-aa'], `${B}(HRKU-AA[\\w-]{58})${E}`),
  rule('Cloudflare origin CA key', ['v1.0-'], `${B}(v1\\.0-[a-f0-9]{24}-[a-f0-9]{146})${E}`),
  rule('HashiCorp Terraform token', ['atlasv1'], `${B}([A-Za-z0-9]{14}\\.atlasv1\\.[\\w=-]{60,70})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('Vault token', ['hvs.', 'hvb.'], `${B}(hvs\\.[\\w-]{90,120}|hvb\\.[\\w-]{138,300})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('Vault token', [], `${B_VAULT}(s\\.[A-Za-z0-9]{24})${E}`, 'critical', { minEntropy: 3.5, accept: hasDigit }),
  rule('Doppler token', ['dp.pt.', 'dp.st.', 'dp.ct.'], `${B}(dp\\.(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9]{40,44})${E}`),
  rule('Scalingo token', ['tk-us-'], `${B}(tk-us-[\\w-]{48})${E}`),
  rule('PlanetScale token', ['pscale_'], `${B}(pscale_(?:tkn|oauth|pw)_[\\w=.-]{32,64})${E}`, 'critical', { minEntropy: 3 }),
  rule('Databricks token', ['dapi'], `${B}(dapi[a-f0-9]{32}(?:-\\d)?)${E}`, 'critical', { minEntropy: 3 }),
  rule('Dynatrace token', ['dt0c01.'], `${B}(dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64})${E}`),
  rule('Fly.io token', ['fo1_', 'fm1', 'fm2_'], `${B}(fo1_[\\w-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3})(?![A-Za-z0-9+/=])`, 'critical', { minEntropy: 4 }),
  rule('Harness token', ['pat.', 'sat.'], `${B}((?:pat|sat)\\.[\\w-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20})${E}`),
  rule('Pulumi token', ['pul-'], `${B}(pul-[a-f0-9]{40})${E}`),
  rule('Prefect token', ['pnu_'], `${B}(pnu_[A-Za-z0-9]{36})${E}`),
  rule('Age secret key', ['age-secret-key-1'], `(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})`),
  rule('1Password secret key', ['a3-'], `${B}(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})${E}`, 'critical', { minEntropy: 3.8 }),
  rule('1Password service account token', ['ops_eyj'], `(ops_eyJ[A-Za-z0-9+/]{250,}={0,3})`),

  rule('JSON Web Token (base64)', ['zxlk'], `${B}(ZXlK[A-Za-z0-9+/]{40,}={0,2})(?![A-Za-z0-9+/=])`, 'high', {
    accept: (s) => /^eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./.test(Buffer.from(s, 'base64').toString('latin1')),
  }),

  // Source hosting and CI
  rule('GitHub token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], `${B}(gh[pousr]_[A-Za-z0-9]{36,251})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitHub token', ['github_pat_'], `${B}(github_pat_\\w{82})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['glpat-', 'glrt-'], `${B}(gl(?:pat|rt)-[\\w-]{27,300}\\.[0-9a-z]{2}[0-9a-z]{7})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('GitLab token', ['glpat-', 'glrt-', 'gldt-', 'glft-', 'glsoat-', 'glffct-'], `${B}(gl(?:pat|rt|dt|ft|soat|ffct)-[\\w-]{20})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['glimt-'], `${B}(glimt-[\\w-]{25})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['glptt-'], `${B}(glptt-[\\w-]{40})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['glagent-'], `${B}(glagent-[\\w-]{50})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['gloas-'], `${B}(gloas-[\\w-]{64})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab token', ['glcbt-'], `${B}(glcbt-[A-Za-z0-9]{1,5}_[\\w-]{20})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab runner registration token', ['gr1348941'], `${B}(GR1348941[\\w-]{20,50})${E}`, 'critical', { minEntropy: 3 }),
  rule('GitLab session cookie', ['_gitlab_session='], `_gitlab_session=([0-9a-z]{32})${E}`, 'critical', { minEntropy: 3 }),
  rule('Atlassian API token', ['atatt3'], `${B}(ATATT3[\\w=-]{186})${E}`),
  rule('npm token', ['npm_'], `${B}(npm_[A-Za-z0-9]{36})${E}`, 'critical', { minEntropy: 3 }),
  rule('PyPI token', ['pypi-ageichlwas5vcmc'], `${B}(pypi-AgEIcHlwaS5vcmc[\\w-]{50,1000})${E}`),
  rule('RubyGems token', ['rubygems_'], `${B}(rubygems_[a-f0-9]{48})${E}`),
  rule('Clojars token', ['clojars_'], `${B}(CLOJARS_[a-z0-9]{60})${E}`),
  rule('JFrog Artifactory key', ['akcp'], `${B}(AKCp[A-Za-z0-9]{69})${E}`, 'critical', { minEntropy: 4.5 }),
  rule('JFrog reference token', ['cmvmd'], `${B}(cmVmd[A-Za-z0-9]{59})${E}`, 'critical', { minEntropy: 4.5 }),
  rule('Sourcegraph token', ['sgp_'], `${B}(sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40})${E}`, 'critical', { minEntropy: 3 }),
  rule('OpenShift token', ['sha256~'], `${B}(sha256~[\\w-]{43})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('Octopus Deploy key', ['api-'], `${B}(API-[A-Z0-9]{26})${E}`, 'critical', { minEntropy: 3 }),
  rule('Postman token', ['pmak-'], `${B}(PMAK-[a-f0-9]{24}-[a-f0-9]{34})${E}`),
  rule('ReadMe token', ['rdme_'], `${B}(rdme_[a-z0-9]{70})${E}`),
  rule('Infracost token', ['ico-'], `${B_PATH}(ico-[A-Za-z0-9]{32})${E}`, 'critical', { minEntropy: 3 }),
  rule('Intra42 client secret', ['s-s4t2'], `${B}(s-s4t2(?:ud|af)-[a-f0-9]{64})${E}`),
  rule('Settlemint token', ['sm_aat_', 'sm_pat_', 'sm_sat_'], `${B}(sm_[aps]at_[A-Za-z0-9]{16})${E}`, 'critical', { minEntropy: 3 }),

  // AI providers
  rule('Anthropic API key', ['sk-ant-'], `${B}(sk-ant-(?:api03|admin01)-[\\w-]{93}AA)${E}`),
  rule('OpenAI API key', ['t3blbkfj'], `${B}(sk-(?:[a-z]+-)?[\\w-]{20,74}T3BlbkFJ[\\w-]{20,74})${E}`),
  rule('Hugging Face token', ['hf_', 'api_org_'], `${B}((?:hf|api_org)_[A-Za-z]{34})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('Groq API key', ['gsk_'], `${B}(gsk_[A-Za-z0-9]{52})${E}`, 'critical', { minEntropy: 4 }),
  rule('Replicate token', ['r8_'], `${B}(r8_[A-Za-z0-9]{37})${E}`, 'critical', { minEntropy: 4 }),
  rule('Perplexity API key', ['pplx-'], `${B}(pplx-[A-Za-z0-9]{48})(?![A-Za-z0-9])`, 'critical', { minEntropy: 4 }),
  rule('xAI API key', ['xai-'], `${B}(xai-[A-Za-z0-9]{80})${E}`, 'critical', { minEntropy: 4 }),
  rule('Notion token', ['ntn_'], `${B}(ntn_[0-9]{11}[A-Za-z0-9]{35})${E}`, 'critical', { minEntropy: 4 }),

  // Chat, mail and messaging
  rule('Slack token', ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-'], `${B}(xox[abposr]-(?:\\d-)?\\d{6,14}(?:-\\d{6,14})*-[A-Za-z0-9]{8,})${E}`, 'critical', { minEntropy: 2 }),
  rule('Slack token', ['xoxb-'], `${B}(xoxb-\\d{8,14}-[A-Za-z0-9]{18,26})${E}`, 'critical', { minEntropy: 3 }),
  rule('Slack token', ['xoxe'], `${B}(xoxe(?:\\.xox[bp])?-\\d-[A-Za-z0-9]{140,170})${E}`),
  rule('Slack app token', ['xapp-'], `${B}(xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+)${E}`, 'critical', { minEntropy: 3 }),
  rule('Slack webhook', ['hooks.slack.com'], `hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9+/_]{24,})`, 'high', { minEntropy: 3 }),
  rule('Microsoft Teams webhook', ['webhook.office.com'], `webhook\\.office\\.com/webhookb2/([\\w@-]{40,}/IncomingWebhook/[A-Za-z0-9]{32}/[\\w-]{36})`, 'high'),
  rule('Discord webhook', ['discord'], `discord(?:app)?\\.com/api/webhooks/\\d{17,20}/([\\w-]{60,72})`, 'high'),
  rule('Discord bot token', [], `${B}([MNO][\\w-]{23,25}\\.[\\w-]{6}\\.[\\w-]{27,38})${E}`, 'critical', { minEntropy: 4 }),
  rule('Telegram bot token', [':aa'], `${B_TELEGRAM}(\\d{8,10}:AA[\\w-]{33})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('SendGrid API key', ['sg.'], `${B}(SG\\.[\\w-]{20,24}\\.[\\w-]{39,50})${E}`, 'critical', { minEntropy: 3 }),
  rule('SendGrid API key', ['sg.'], `${B}(SG\\.[\\w=.-]{66})${E}`, 'critical', { minEntropy: 3 }),
  rule('Sendinblue API key', ['xkeysib-'], `${B}(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})${E}`),
  rule('Mailchimp API key', ['-us'], `${B}([a-f0-9]{32}-us\\d{1,2})${E}`, 'critical', { minEntropy: 3 }),
  rule('Mailgun API key', [], `${B}(key-[a-f0-9]{32})${E}`, 'critical', { minEntropy: 3, context: ['mailgun'] }),
  rule('Twilio API key', [], `${B_ALNUM}(SK[0-9a-fA-F]{32})(?![A-Za-z0-9])`, 'critical', { minEntropy: 3 }),
  rule('Facebook access token', ['eaam', 'eaac'], `${B}(EAA[MC][A-Za-z0-9]{100,})${E}`, 'critical', { minEntropy: 4 }),
  rule('Facebook access token', [], `${B_ALNUM}(\\d{15,16}(?:\\||%7[Cc])[\\w-]{27,40})${E}`, 'critical', { minEntropy: 3, context: ['facebook'] }),
  rule('Twitter bearer token', ['aaaaaaaaaaaaaaaaaaaaaa'], `${B}(A{22}[A-Za-z0-9%]{80,120})${E}`),
  rule('Sentry token', ['sntryu_'], `${B}(sntryu_[a-f0-9]{64})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('Sentry token', ['sntrys_'], `${B}(sntrys_eyJpYXQiO[A-Za-z0-9+/=]{40,400}_[A-Za-z0-9+/]{43})(?![A-Za-z0-9+/])`, 'critical', { minEntropy: 4.5 }),
  rule('Grafana token', ['glsa_'], `${B}(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})${E}`, 'critical', { minEntropy: 3 }),
  rule('Grafana token', ['glc_'], `${B}(glc_[A-Za-z0-9+/]{32,400}={0,3})(?![A-Za-z0-9+/=])`, 'critical', { minEntropy: 3 }),
  rule('Grafana API key', ['eyjrijoi'], `${B}(eyJrIjoi[A-Za-z0-9]{70,400}={0,3})(?![A-Za-z0-9=])`, 'critical', { minEntropy: 3 }),
  rule('New Relic key', ['nrak-', 'nrjs-', 'nrii-'], `${B}(NRAK-[A-Za-z0-9]{27}|NRJS-[a-f0-9]{19}|NRII-[\\w-]{32})${E}`),
  rule('Linear API key', ['lin_api_'], `${B}(lin_api_[A-Za-z0-9]{40})${E}`),
  rule('MaxMind license key', ['_mmk'], `${B}([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)${E}`, 'critical', { minEntropy: 4 }),
  rule('Frame.io token', ['fio-u-'], `${B}(fio-u-[\\w=-]{64})${E}`),
  rule('Airtable token', [], `${B}(pat[A-Za-z0-9]{14}\\.[a-f0-9]{64})${E}`),

  // Payments and commerce
  rule('Stripe live key', ['sk_live_', 'rk_live_', 'sk_prod_', 'rk_prod_'], `${B}([sr]k_(?:live|prod)_[A-Za-z0-9]{10,247})${E}`, 'critical', { minEntropy: 2 }),
  rule('Stripe test key', ['sk_test_', 'rk_test_'], `${B}([sr]k_test_[A-Za-z0-9]{10,247})${E}`, 'high', { minEntropy: 2 }),
  rule('Stripe webhook secret', ['whsec_'], `${B}(whsec_[A-Za-z0-9]{32,})${E}`, 'critical', { minEntropy: 3 }),
  rule('Square token', ['sq0atp-', 'sq0csp-', 'eaaa'], `${B}((?:EAAA|sq0atp-)[\\w-]{22,60}|sq0csp-[\\w\\\\-]{43})${E}`, 'critical', { minEntropy: 3 }),
  rule('Shopify token', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], `${B}(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})${E}`),
  rule('Shippo token', ['shippo_'], `${B}(shippo_(?:live|test)_[a-fA-F0-9]{40})${E}`),
  rule('Duffel token', ['duffel_'], `${B}(duffel_(?:test|live)_[\\w=-]{43})${E}`),
  rule('EasyPost token', ['ezak', 'eztk'], `${B}(EZ[AT]K[A-Za-z0-9]{54})${E}`),
  rule('Flutterwave key', ['flwseck', 'flwpubk'], `${B}(FLW(?:SECK|PUBK)_TEST-[a-h0-9]{32}-X|FLWSECK_TEST-[a-h0-9]{12})${E}`),
  rule('Adobe client secret', ['p8e-'], `${B}(p8e-[A-Za-z0-9]{32})${E}`),
  rule('ClickHouse Cloud key', ['4b1d'], `${B}(4b1d[A-Za-z0-9]{38})${E}`, 'critical', { minEntropy: 3 }),
];

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ALWAYS = PROVIDER_RULES.filter((r) => r.keywords.length === 0);
const KEYWORDS = [...new Set(PROVIDER_RULES.flatMap((r) => r.keywords))].sort((a, b) => b.length - a.length);
/** One pass over the text finds every keyword present (longest alternative first). */
const KEYWORD_RE = new RegExp(KEYWORDS.map(escapeRe).join('|'), 'g');
/** A matched keyword implies the shorter keywords it starts with (`sk_live_` → `sk_`). */
const IMPLIED = new Map(KEYWORDS.map((k) => [k, KEYWORDS.filter((o) => k.startsWith(o))]));

/**
 * rulesFor returns the provider rules worth running on a text, given the lower-cased parts of it
 * that can hold a token: those whose keyword occurs there, and those without keywords.
 */
export function rulesFor(lower: string): ProviderRule[] {
  const present = new Set<string>();
  KEYWORD_RE.lastIndex = 0;
  for (let m = KEYWORD_RE.exec(lower); m !== null; m = KEYWORD_RE.exec(lower)) {
    for (const k of IMPLIED.get(m[0]) ?? []) present.add(k);
    // Restart one character on: a keyword may begin inside the one just matched.
    KEYWORD_RE.lastIndex = m.index + 1;
  }
  if (present.size === 0) return ALWAYS;
  return PROVIDER_RULES.filter((r) => r.keywords.length === 0 || r.keywords.some((k) => present.has(k)));
}
