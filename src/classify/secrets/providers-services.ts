import { B, B_ALNUM, B_TELEGRAM, E, rule, type ProviderRule } from './provider-rule.js';

/** Base58 (no `0`, `O`, `I`, `l`), Resend's key alphabet. */
const BASE58 = '[1-9A-HJ-NP-Za-km-z]';

/**
 * SERVICE_RULES: AI, messaging, payment and other SaaS credentials, after gitleaks' rules of the
 * same names (and detect-secrets' plugins where they add formats).
 */
export const SERVICE_RULES: readonly ProviderRule[] = [
  // AI providers
  rule('Anthropic API key', ['sk-ant-api03'], `${B}(sk-ant-api03-[\\w-]{93}AA)${E}`),
  rule('Anthropic admin API key', ['sk-ant-admin01'], `${B}(sk-ant-admin01-[\\w-]{93}AA)${E}`),
  rule('Claude Code OAuth token', ['sk-ant-oat01'], `${B}(sk-ant-oat01-[\\w-]{95})${E}`),
  rule('Claude Code session URL', ['claude.ai/code/session_'], `(https?://claude\\.ai/code/session_[A-Za-z0-9]{16,})(?![A-Za-z0-9])`, 'high', { ignoreCase: true }),
  rule('OpenAI API key', ['t3blbkfj'], `${B}(sk-(?:[a-z]+-)?[\\w-]{20,74}T3BlbkFJ[\\w-]{20,74})${E}`, 'critical', { minEntropy: 3 }),
  rule('OpenRouter API key', ['sk-or'], `${B}(sk-or(?:-v\\d+)?-[a-f0-9]{64})${E}`),
  rule('Hugging Face token', ['hf_', 'api_org_'], `${B}((?:hf|api_org)_[A-Za-z]{34})${E}`, 'critical', { minEntropy: 2 }),
  rule('Groq API key', ['gsk_'], `${B}(gsk_[A-Za-z0-9]{48,52})${E}`, 'critical', { minEntropy: 4 }),
  rule('Replicate token', ['r8_'], `${B}(r8_[A-Za-z0-9]{37,40})${E}`, 'critical', { minEntropy: 2 }),
  rule('Perplexity API key', ['pplx-'], `${B}(pplx-[A-Za-z0-9]{48})(?![A-Za-z0-9])`, 'critical', { minEntropy: 4 }),
  rule('xAI API key', ['xai-'], `${B}(xai-[A-Za-z0-9]{80})${E}`, 'critical', { minEntropy: 4 }),
  rule('Notion token', ['ntn_'], `${B}(ntn_[0-9]{11}[A-Za-z0-9]{35})${E}`, 'critical', { minEntropy: 4 }),
  rule('LangSmith API key', ['lsv2_pt_', 'lsv2_sk_'], `${B}(lsv2_(?:pt|sk)_[a-z0-9]{32}_[a-z0-9]{10})${E}`, 'critical', { minEntropy: 3 }),
  rule('Pinecone API key', ['pcsk_'], `${B}(pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{63})${E}`, 'critical', { minEntropy: 3 }),

  // Chat, mail and messaging (Slack: gitleaks' nine rules, then detect-secrets' wider legacy pattern)
  rule('Slack bot token', ['xoxb-'], `${B}(xoxb-[0-9]{10,13}-[0-9]{10,13}[A-Za-z0-9-]*)${E}`, 'critical', { minEntropy: 3 }),
  rule('Slack user token', ['xoxp-', 'xoxe-'], `${B}(xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9-]{28,34})${E}`, 'critical', { minEntropy: 2 }),
  rule('Slack app token', ['xapp-'], `${B}(xapp-\\d-[A-Za-z0-9]+-\\d+-[A-Za-z0-9]+)${E}`, 'critical', { minEntropy: 2 }),
  rule('Slack configuration token', ['xoxe.xoxb-', 'xoxe.xoxp-'], `${B}(xoxe\\.xox[bp]-\\d-[A-Za-z0-9]{163,166})${E}`, 'critical', { minEntropy: 2 }),
  rule('Slack configuration refresh token', ['xoxe-'], `${B}(xoxe-\\d-[A-Za-z0-9]{146})${E}`, 'critical', { minEntropy: 2 }),
  rule('Slack legacy bot token', ['xoxb-'], `${B}(xoxb-[0-9]{8,14}-[A-Za-z0-9]{18,26})${E}`, 'critical', { minEntropy: 2 }),
  rule('Slack legacy workspace token', ['xoxa-', 'xoxr-'], `${B}(xox[ar]-(?:\\d-)?[0-9A-Za-z]{8,48})${E}`, 'critical', {
    // As short as 13 characters, shorter than the token runs keywords are looked up in.
    minEntropy: 2, fullText: true,
  }),
  rule('Slack legacy token', ['xoxo-', 'xoxs-'], `${B}(xox[os]-\\d+-\\d+-\\d+-[a-fA-F\\d]+)${E}`, 'critical', { minEntropy: 2 }),
  rule('Slack token', ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-'], `${B}(xox[abposr]-(?:\\d-)?\\d{6,14}(?:-\\d{6,14})*-[A-Za-z0-9]{8,})${E}`, 'critical', { minEntropy: 2 }),
  rule('Slack webhook', ['hooks.slack.com'], `hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9+/_]{24,})`, 'high', { minEntropy: 3 }),
  rule('Microsoft Teams webhook', ['webhook.office.com'], `webhook\\.office\\.com/webhookb2/([\\w@-]{40,}/IncomingWebhook/[A-Za-z0-9]{32}/[\\w-]{36})`, 'high'),
  rule('Discord webhook', ['discord'], `discord(?:app)?\\.com/api/webhooks/\\d{17,20}/([\\w-]{60,72})`, 'high'),
  rule('Discord bot token', [], `${B}([MNO][\\w-]{23,25}\\.[\\w-]{6}\\.[\\w-]{27,38})${E}`, 'critical', { minEntropy: 4 }),
  rule('Telegram bot token', [':aa'], `${B_TELEGRAM}(\\d{8,10}:AA[\\w-]{33})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('SendGrid API key', ['sg.'], `${B}(SG\\.[\\w-]{20,24}\\.[\\w-]{39,50})${E}`, 'critical', { minEntropy: 3 }),
  rule('SendGrid API key', ['sg.'], `${B}(SG\\.[\\w=.-]{66})${E}`, 'critical', { minEntropy: 2 }),
  rule('Sendinblue API key', ['xkeysib-'], `${B}(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})${E}`, 'critical', { minEntropy: 2 }),
  rule('Resend API key', ['re_'], `${B}(re_${BASE58}{8}_${BASE58}{24})${E}`, 'critical', { minEntropy: 3 }),
  // detect-secrets' Mailchimp plugin; gitleaks' end-of-value rule keeps `initialize(token: …-us18)` out.
  rule('Mailchimp API key', ['-us'], `${B}([a-f0-9]{32}-us\\d{1,2})${E}`, 'critical', { minEntropy: 3, strictEnd: true }),
  rule('Twilio API key', [], `${B_ALNUM}(SK[0-9a-fA-F]{32})(?![A-Za-z0-9])`, 'critical', { minEntropy: 3 }),
  // detect-secrets' Twilio plugin: account SIDs and keys, placeholder `x`s included.
  rule('Twilio key', [], `${B_ALNUM}((?:AC|SK)[a-z0-9]{32})(?![A-Za-z0-9])`, 'medium', { allowFiller: true }),
  rule('Facebook access token', ['eaam', 'eaac'], `${B}(EAA[MC][A-Za-z0-9]{100,})${E}`, 'critical', { minEntropy: 4 }),
  rule('Facebook access token', [], `${B_ALNUM}(\\d{15,16}(?:\\||%7[Cc]|%)[\\w-]{27,40})${E}`, 'critical', { minEntropy: 3, context: ['facebook'] }),
  rule('Twitter bearer token', ['aaaaaaaaaaaaaaaaaaaaaa'], `${B}(A{22}[A-Za-z0-9%]{80,120})${E}`),
  rule('Sentry token', ['sntryu_'], `${B}(sntryu_[a-f0-9]{64})${E}`, 'critical', { minEntropy: 3.5 }),
  rule('Sentry token', ['sntrys_'], `${B}(sntrys_eyJpYXQiO[A-Za-z0-9+/=]{40,400}_[A-Za-z0-9+/]{43})(?![A-Za-z0-9+/])`, 'critical', { minEntropy: 4.5 }),
  rule('Grafana token', ['glsa_'], `${B}(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})${E}`, 'critical', { minEntropy: 3 }),
  rule('Grafana token', ['glc_'], `${B}(glc_[A-Za-z0-9+/]{32,400}={0,3})(?![A-Za-z0-9+/=])`, 'critical', { minEntropy: 3 }),
  rule('Grafana API key', ['eyjrijoi'], `${B}(eyJrIjoi[A-Za-z0-9]{70,400}={0,3})(?![A-Za-z0-9=])`, 'critical', { minEntropy: 3 }),
  rule('New Relic key', ['nrak-', 'nrjs-', 'nrii-'], `${B}(NRAK-[A-Za-z0-9]{27}|NRJS-[a-f0-9]{19}|NRII-[\\w-]{32})${E}`),
  rule('Linear API key', ['lin_api_'], `${B}(lin_api_[A-Za-z0-9]{40})${E}`, 'critical', { minEntropy: 2 }),
  rule('Figma personal access token', ['figd_'], `${B}(figd_[\\w-]{40,44})${E}`, 'critical', { minEntropy: 3 }),
  rule('MaxMind license key', ['_mmk'], `${B}([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)${E}`, 'critical', { minEntropy: 4 }),
  rule('Frame.io token', ['fio-u-'], `${B}(fio-u-[\\w=-]{64})${E}`),
  rule('Airtable token', [], `${B}(pat[A-Za-z0-9]{14}\\.[a-f0-9]{64})${E}`),
  rule('Django secret key', ['django-insecure-'], `["'](django-insecure-[^"'\\s]{1,250})["']`, 'critical', { fullText: true }),

  // Payments and commerce
  rule('Stripe live key', ['sk_live_', 'rk_live_', 'sk_prod_', 'rk_prod_'], `${B}([sr]k_(?:live|prod)_[A-Za-z0-9]{10,247})${E}`, 'critical', { minEntropy: 2 }),
  rule('Stripe test key', ['sk_test_', 'rk_test_'], `${B}([sr]k_test_[A-Za-z0-9]{10,247})${E}`, 'high', { minEntropy: 2 }),
  rule('Stripe webhook secret', ['whsec_'], `${B}(whsec_[A-Za-z0-9]{32,})${E}`, 'critical', { minEntropy: 3 }),
  rule('Square token', ['sq0atp-', 'sq0csp-', 'eaaa'], `${B}((?:EAAA|sq0atp-)[\\w-]{22,60}|sq0csp-[\\w\\\\-]{43})${E}`, 'critical', { minEntropy: 2 }),
  rule('Shopify token', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], `${B}(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})${E}`, 'critical', { minEntropy: 2 }),
  rule('Shippo token', ['shippo_'], `${B}(shippo_(?:live|test)_[a-fA-F0-9]{40})${E}`, 'critical', { minEntropy: 2 }),
  rule('Duffel token', ['duffel_'], `${B}(duffel_(?:test|live)_[\\w=-]{43})${E}`, 'critical', { minEntropy: 2 }),
  rule('EasyPost token', ['ezak', 'eztk'], `${B}(EZ[AT]K[A-Za-z0-9]{54})${E}`, 'critical', { minEntropy: 2 }),
  rule('Flutterwave key', ['flwseck', 'flwpubk'], `${B}(FLW(?:SECK|PUBK)_TEST-[a-hA-H0-9]{32}-X|FLWSECK_TEST-[a-hA-H0-9]{12})${E}`, 'critical', { minEntropy: 2 }),
  rule('Adobe client secret', ['p8e-'], `${B}(p8e-[A-Za-z0-9]{32})${E}`, 'critical', { minEntropy: 2 }),
  rule('Adyen API key', ['aqe'], `${B}(AQE[a-z0-9]{5,}\\.[\\w=-]{50,80})${E}`, 'critical', { minEntropy: 2 }),
  rule('Adyen client key', ['test_', 'live_'], `${B}((?:test|live)_[A-Za-z0-9]{30,40})${E}`, 'critical', { minEntropy: 2, context: ['adyen'] }),
  rule('Chargebee access token', ['test_', 'live_'], `${B}((?:test|live)_[0-9A-Za-z]{32,34})${E}`, 'critical', { minEntropy: 3 }),
  rule('Braintree access token', ['access_token$'], `${B}(access_token\\$(?:production|sandbox)\\$[a-z0-9]{16})${E}`, 'critical', {
    // The format's own `$`s would read as a template marker: check only for `x` filler.
    minEntropy: 2, fullText: true, allowFiller: true, accept: (s) => !/[xX]{5,}/.test(s),
  }),
  rule('Braintree tokenization key', ['production_', 'sandbox_'], `${B}((?:production|sandbox)_[a-z0-9]{8}_[a-z0-9]{16})${E}`, 'critical', { minEntropy: 2 }),
];
