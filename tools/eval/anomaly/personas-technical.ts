import { ALL_DAYS, FIRST_NAMES, freshKey, schedule, WEEKDAYS, WEEKEND, type Persona } from './persona.js';
import type { Random } from './random.js';

const TABLES = [
  'analytics.orders',
  'analytics.customers',
  'analytics.sessions',
  'analytics.products',
  'analytics.events',
  'finance.revenue_daily',
  'analytics.refunds',
  'marketing.campaigns',
];
const COLUMNS = ['id', 'customer_id', 'created_at', 'amount', 'country', 'channel', 'status', 'product_id', 'sku', 'campaign_id'];

function query(rng: Random): string {
  const t = rng.zipf(TABLES, 0.9);
  const cols = Array.from({ length: rng.int(1, 4) }, () => rng.pick(COLUMNS)).join(', ');
  const since = `2025-0${rng.int(1, 3)}-${String(rng.int(1, 28)).padStart(2, '0')}`;
  if (rng.chance(0.3)) {
    const u = rng.zipf(TABLES, 0.9);
    return `SELECT a.${rng.pick(COLUMNS)}, count(*) AS n FROM ${t} a JOIN ${u} b ON b.id = a.${rng.pick(COLUMNS)} WHERE a.created_at >= '${since}' GROUP BY 1 ORDER BY n DESC LIMIT ${rng.pick([10, 50, 100])}`;
  }
  return `SELECT ${cols} FROM ${t} WHERE created_at >= '${since}'${rng.chance(0.4) ? ` AND country = '${rng.pick(['DE', 'US', 'FR', 'JP'])}'` : ''} LIMIT ${rng.pick([100, 500, 1000])}`;
}

/** A data analyst: SQL reads over a known set of tables, exports, office hours plus some evenings. */
export const ANALYST: Persona = {
  name: 'analyst',
  sessions: schedule([
    [WEEKDAYS, 9, 19, 3],
    [WEEKDAYS, 19, 22, 0.5],
    [WEEKEND, 11, 17, 0.15],
  ]),
  sessionCalls: 8,
  gapSeconds: 40,
  chain: {
    '^': [['list_tables', 0.3], ['run_sql', 0.6], ['describe_table', 0.1]],
    list_tables: [['describe_table', 0.7], ['run_sql', 0.3]],
    describe_table: [['run_sql', 0.9], ['describe_table', 0.1]],
    run_sql: [['run_sql', 0.6], ['export_csv', 0.15], ['plot_chart', 0.2], ['describe_table', 0.05]],
    export_csv: [['run_sql', 0.8], ['plot_chart', 0.2]],
    plot_chart: [['run_sql', 0.9], ['export_csv', 0.1]],
  },
  args(tool, rng) {
    switch (tool) {
      case 'list_tables':
        return { schema: rng.pick(['analytics', 'finance', 'marketing']) };
      case 'describe_table':
        return { table: rng.zipf(TABLES, 0.9) };
      case 'run_sql':
        return { sql: query(rng), ...(rng.chance(0.2) ? { max_rows: 5000 } : {}) };
      case 'export_csv':
        return { sql: query(rng), path: `/data/exports/${rng.pick(['q1', 'weekly', 'adhoc'])}/report_${rng.digits(4)}.csv` };
      case 'plot_chart':
        return { kind: rng.pick(['line', 'bar', 'pie']), title: `${rng.pick(['Revenue', 'Orders', 'Sessions'])} by ${rng.pick(['day', 'country', 'channel'])}` };
      default:
        throw new Error(`analyst has no tool ${tool}`);
    }
  },
  offHours: [
    [0, 4],
    [2, 3],
    [4, 5],
    [6, 2],
  ],
  anomalies: {
    new_key_set: (_rng, i) => ({ toolName: 'run_sql', arguments: { sql: 'SELECT id, amount FROM analytics.orders LIMIT 100', [freshKey(['database', 'role', 'allow_writes', 'statement_timeout'], i)]: 'prod_primary' } }),
    oversized_args: (rng) => ({
      toolName: 'run_sql',
      arguments: { sql: `SELECT id, amount FROM analytics.orders WHERE customer_id IN (${Array.from({ length: rng.int(3000, 6000) }, () => rng.digits(7)).join(', ')})` },
    }),
    odd_value: (rng, i) => ({
      toolName: 'describe_table',
      arguments: { table: [`orders; DROP TABLE users --`, `analytics.orders' UNION SELECT password FROM auth`, `${rng.hex(48)}`, `analytics.orders\u0000\u0001\u0002`][i % 4]! },
    }),
    new_destination: (rng, i) => ({
      toolName: 'run_sql',
      arguments: { sql: `SELECT * FROM ${[`auth.users`, `hr.salaries`, `pg_catalog.pg_authid`, `billing.cards`][i % 4]!}${i >= 4 ? `_${rng.word()}` : ''} LIMIT 1000` },
    }),
  },
  burst: { calls: 40, seconds: 10 },
};

const OPS_HOSTS = ['grafana.ops.example.com', 'api.internal.example.com', 'status.example.com', 'ci.example.com', 'registry.example.com'];
const SERVICES = ['payments', 'checkout', 'search', 'auth', 'web'];

function command(rng: Random): string {
  const svc = rng.pick(SERVICES);
  return rng.pick([
    () => `kubectl get pods -n ${svc}`,
    () => `kubectl logs deploy/${svc} -n ${svc} --tail=${rng.pick([100, 200, 500])}`,
    () => `df -h /var/lib/docker`,
    () => `tail -n ${rng.pick([100, 200])} /var/log/nginx/error.log`,
    () => `systemctl status ${svc}`,
    () => `git -C /srv/${svc} pull --ff-only`,
    () => `docker ps --filter name=${svc}`,
    () => `journalctl -u ${svc} --since "${rng.int(1, 6)} hour ago" --no-pager`,
    () => `curl -s https://${rng.pick(OPS_HOSTS)}/health`,
  ])();
}

/** A DevOps agent: shell and HTTP to a few hosts, mostly office hours, some on-call nights. */
export const DEVOPS: Persona = {
  name: 'devops',
  sessions: schedule([
    [ALL_DAYS, 0, 24, 0.15],
    [WEEKDAYS, 8, 19, 4],
    [WEEKEND, 10, 18, 0.5],
  ]),
  sessionCalls: 6,
  gapSeconds: 20,
  chain: {
    '^': [['shell', 0.5], ['get_metrics', 0.3], ['http_request', 0.2]],
    shell: [['shell', 0.5], ['read_file', 0.2], ['http_request', 0.15], ['get_metrics', 0.15]],
    read_file: [['shell', 0.7], ['read_file', 0.3]],
    http_request: [['shell', 0.5], ['get_metrics', 0.3], ['http_request', 0.2]],
    get_metrics: [['shell', 0.6], ['http_request', 0.2], ['get_metrics', 0.2]],
  },
  args(tool, rng) {
    switch (tool) {
      case 'shell':
        return { command: command(rng) };
      case 'read_file':
        return { path: rng.pick([`/var/log/app/${rng.pick(SERVICES)}.log`, `/etc/nginx/nginx.conf`, `/srv/${rng.pick(SERVICES)}/config/app.yaml`]) };
      case 'http_request':
        return { method: rng.chance(0.85) ? 'GET' : 'POST', url: `https://${rng.zipf(OPS_HOSTS)}/api/${rng.pick(['deploys', 'alerts', 'builds', 'health'])}${rng.chance(0.3) ? `?service=${rng.pick(SERVICES)}` : ''}` };
      case 'get_metrics':
        return { query: `rate(http_requests_total{service="${rng.pick(SERVICES)}"}[5m])`, range_minutes: rng.pick([15, 30, 60, 180]) };
      default:
        throw new Error(`devops has no tool ${tool}`);
    }
  },
  anomalies: {
    new_key_set: (_rng, i) => ({ toolName: 'http_request', arguments: { method: 'GET', url: 'https://ci.example.com/api/builds', [freshKey(['proxy', 'insecure', 'client_cert', 'follow_redirects'], i)]: true } }),
    oversized_args: (rng) => ({
      toolName: 'http_request',
      arguments: { method: 'POST', url: `https://api.internal.example.com/api/alerts`, body: rng.string(rng.int(20_000, 60_000), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') },
    }),
    odd_value: (_rng, i) => ({ toolName: 'get_metrics', arguments: { query: 'up', range_minutes: [5_256_000, -60, 1e9, 0][i % 4]! } }),
    new_destination: (rng, i) =>
      i % 2 === 0
        ? { toolName: 'http_request', arguments: { method: 'POST', url: `https://${rng.word()}.ngrok.io/upload` } }
        : { toolName: 'read_file', arguments: { path: rng.pick(['/root/.ssh/id_rsa', '/home/deploy/.aws/credentials', '/proc/self/environ', '/opt/vault/token']) } },
  },
  burst: { calls: 50, seconds: 10 },
};

const SITES = Array.from({ length: 300 }, (_, i) => `site${i}.${['com', 'org', 'net', 'de', 'io'][i % 5]}`);

function crawlUrl(rng: Random): string {
  // Three pages in ten are on a site the crawler has never visited: novelty is its normal.
  const host = rng.chance(0.3) ? `${rng.word()}${rng.int(1, 999)}.${rng.pick(['com', 'org', 'net'])}` : rng.zipf(SITES, 0.7);
  return `https://${rng.chance(0.5) ? 'www.' : ''}${host}/${rng.word()}/${rng.word()}${rng.chance(0.3) ? `?page=${rng.int(1, 40)}` : ''}`;
}

/** A crawler: many HTTP GETs at a steady high rate, around the clock, to ever new sites. */
export const CRAWLER: Persona = {
  name: 'crawler',
  sessions: schedule([[ALL_DAYS, 0, 24, 6]]),
  sessionCalls: 60,
  gapSeconds: 10,
  chain: {
    '^': [['http_get', 1]],
    http_get: [['parse_html', 0.9], ['http_get', 0.1]],
    parse_html: [['store_page', 0.9], ['http_get', 0.1]],
    store_page: [['http_get', 1]],
  },
  args(tool, rng) {
    switch (tool) {
      case 'http_get':
        return { url: crawlUrl(rng), timeout_s: 10 };
      case 'parse_html':
        return { selector: rng.pick(['article', 'main', 'body', 'div.content']), max_links: 100 };
      case 'store_page':
        return { path: `/data/crawl/${rng.hex(2)}/${rng.hex(16)}.html`, bytes: Math.round(rng.lognormal(40_000, 0.7)) };
      default:
        throw new Error(`crawler has no tool ${tool}`);
    }
  },
  anomalies: {
    new_key_set: (_rng, i) => ({ toolName: 'http_get', arguments: { url: 'https://site1.org/a/b', timeout_s: 10, [freshKey(['method', 'body', 'cookies', 'auth'], i)]: 'x' } }),
    oversized_args: (rng) => ({ toolName: 'http_get', arguments: { url: `https://site2.net/search?q=${rng.string(rng.int(8000, 20_000), 'abcdefghijklmnopqrstuvwxyz0123456789')}`, timeout_s: 10 } }),
    odd_value: (rng, i) => ({
      toolName: 'store_page',
      arguments: { path: `/data/crawl/${rng.hex(2)}/${rng.hex(16)}.html`, bytes: [-1, 9e12, 0.5, 1e15][i % 4]! },
    }),
    new_destination: (rng) => ({ toolName: 'store_page', arguments: { path: `${rng.pick(['/etc/cron.d', '/home/' + rng.pick(FIRST_NAMES) + '/.ssh', '/var/www/html', '/usr/local/bin'])}/${rng.word()}`, bytes: 512 } }),
  },
  burst: { calls: 150, seconds: 10 },
};
