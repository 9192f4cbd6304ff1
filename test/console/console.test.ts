import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AegisClient } from '../../src/sdk/index.js';
import { call, newOrg, startTestGateway, type TestGateway, type TestOrg } from '../helpers/gateway.js';
import { pendingCheck, requireReview } from '../helpers/pending.js';
import { eventually } from '../helpers/wait.js';

/**
 * The reviewer console in a real browser: Debian's Chromium, headless, driven by playwright-core.
 * tools/test-prereqs.sh installs Chromium when it is missing. Screenshots of the main screens go to
 * test-results/console/ for a reviewer of the code to look at.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = fileURLToPath(new URL('../../test-results/console/', import.meta.url));

let gw: TestGateway;
let org: TestOrg;
let reviewerKey: string;
let agentKey: string;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: run tools/test-prereqs.sh as root (apt-get install chromium)`);
  gw = await startTestGateway();
  org = await newOrg(gw, 'console');
  [reviewerKey, agentKey] = await Promise.all([org.keyFor('reviewer'), org.keyFor('agent')]);
  await requireReview(gw, org, 'deploy');
  // Every check writes an anomaly event, so the anomalies table has rows.
  const config = await call(gw.url, 'PATCH', '/api/v1/config', { key: org.adminKey, body: { anomaly_threshold: 0 } });
  expect(config.status).toBe(200);
  fs.mkdirSync(SHOTS, { recursive: true });
  const profile = fs.mkdtempSync(path.join(inject('tmpRoot'), 'chromium-'));
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1366, height: 860 } });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (err) => pageErrors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // HTTP errors the console handles (409, 401 …) are logged by Chromium as "Failed to load resource".
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(`console error: ${msg.text()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await gw?.shutdown();
});

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
/** listSettled waits out the console's pause after the list moved (a click then decides nothing). */
const listSettled = (): Promise<void> => new Promise((r) => setTimeout(r, 900));

const card = (agent: string): Locator => page.locator('#queue-list li.card').filter({ has: page.locator('.agent', { hasText: new RegExp(`^${agent}$`) }) });
const announced = (text: string | RegExp) => page.locator('#announcer p', { hasText: text }).first().waitFor({ state: 'attached' });

async function signIn(key: string, email: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function checkOf(id: string) {
  return (await call(gw.url, 'GET', `/api/v1/check/${id}`, { key: org.adminKey })).body;
}

describe('the reviewer console', () => {
  it('is served at /console with security headers, without a key', async () => {
    const res = await fetch(`${gw.url}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toMatch(/<script type="module" src="\/console\/app.js"><\/script>/);

    const js = await fetch(`${gw.url}/console/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    // (fetch adds "Cache-Control: no-cache" to a conditional request unless the request sets its own.)
    const again = await fetch(`${gw.url}/console/app.js`, { headers: { 'if-none-match': js.headers.get('etag')!, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
    for (const missing of ['/console/nope.js', '/console/%2e%2e%2fpackage.json', '/console/assets.ts']) {
      const res404 = await fetch(`${gw.url}${missing}`);
      expect(res404.status, missing).toBe(404);
      expect(res404.headers.get('x-content-type-options'), missing).toBe('nosniff');
    }
  });

  it('signs in with a reviewer key and an e-mail, and refuses other roles', async () => {
    await page.goto(`${gw.url}/console`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('01-sign-in');
    await signIn(agentKey, 'dana@example.com');
    await page.getByRole('alert').filter({ hasText: 'This key has the role agent' }).waitFor();
    await signIn('aeg_not-a-key-at-all-000000000000000000000', 'dana@example.com');
    await page.getByRole('alert').filter({ hasText: 'does not accept this key' }).waitFor();
    await signIn(reviewerKey, '');
    await page.getByRole('alert').filter({ hasText: 'Enter your e-mail' }).waitFor();

    await signIn(reviewerKey, 'dana@example.com');
    await page.locator('#session-who', { hasText: 'Signed in as dana@example.com (reviewer)' }).waitFor();
    await page.getByRole('heading', { name: 'Pending checks' }).waitFor();
    // The key is in this tab's sessionStorage, never in the URL; reviewers see no audit log.
    expect(page.url()).not.toContain(reviewerKey);
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('aegis.console.session'))).toContain(reviewerKey);
    expect(await page.getByRole('button', { name: 'Audit log' }).count()).toBe(0);
    await page.locator('#queue-empty', { hasText: 'Nothing is waiting' }).waitFor();
  });

  let approvedId: string;

  it('shows a pending check live; approving it lets the agent’s blocking call run', async () => {
    const aegis = new AegisClient({ baseUrl: gw.url, apiKey: agentKey, agentId: 'deployer-sdk' });
    const deploy = aegis.guard('deploy', async (args: { service: string; version: string; card: string; aws_key: string }) => `deployed ${args.service} ${args.version}`);
    // Created after sign-in: the queue's live update has to bring it in.
    const running = deploy({ service: 'billing', version: '1.2.3', card: '4111 1111 1111 1111', aws_key: 'AKIAQYLPMN5HHHIZTQWE' });

    const item = card('deployer-sdk');
    await item.waitFor();
    await announced('New pending check: deploy by deployer-sdk, HIGH risk.');
    approvedId = (await item.getAttribute('data-check-id'))!;
    const check = await checkOf(approvedId);
    expect(check.status).toBe('pending');
    await item.getByText('HIGH risk').waitFor();
    await item.locator('dd code', { hasText: check.policy_name }).waitFor();
    await item.locator('pre.json', { hasText: '"service": "billing"' }).waitFor();
    // Each signal's JSON pointer is highlighted in the arguments, evidence as the server masked it.
    for (const s of check.classification.signals) {
      await item.locator(`mark.flag[data-pointer="${s.path}"]`).waitFor();
      await item.locator('.signals li', { hasText: s.id }).waitFor();
    }
    expect(check.classification.signals.map((s: { path: string }) => s.path)).toContain('/arguments/card');
    expect(await item.locator('pre.json').textContent()).not.toContain('AKIAQYLPMN5HHHIZTQWE');
    // The countdown to the timeout decision ticks.
    const countdown = item.locator('.countdown');
    const first = await countdown.textContent();
    expect(first).toMatch(/^1[45]:\d\d left, then block$/);
    await eventually(async () => expect(await countdown.textContent()).not.toBe(first), 3_000, 100);
    await shot('02-queue');

    // Filters: by risk level (in the page) and by agent (on the server).
    const queue = page.locator('#queue-view');
    await queue.getByLabel('Risk level').selectOption('CRITICAL');
    await item.waitFor({ state: 'hidden' });
    await page.locator('#queue-empty', { hasText: 'No pending check matches the filters.' }).waitFor();
    await queue.getByLabel('Risk level').selectOption('');
    await item.waitFor();
    await queue.getByLabel('Agent').fill('someone-else');
    await item.waitFor({ state: 'detached' });
    await queue.getByLabel('Agent').fill('');
    await item.waitFor();

    await item.getByLabel('Reason (optional)').fill('release approved in #ops');
    await item.getByRole('button', { name: 'Approve' }).click();
    // Decided here, the card stays in place, marked (the next card must not slide under the pointer).
    await item.locator('.outcome', { hasText: 'Approved by you' }).waitFor();
    expect(await item.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await announced('Approved: deploy by deployer-sdk.');
    await expect(running).resolves.toBe('deployed billing 1.2.3');
    await aegis.close();
    expect(await checkOf(approvedId)).toMatchObject({ status: 'decided', decision: 'allow', decided_by: 'dana@example.com', decision_reason: 'release approved in #ops' });
  });

  it('lists the decision in the history and verifies its receipt in the browser', async () => {
    await page.getByRole('button', { name: 'History' }).click();
    const row = page.locator(`#history-table tr[data-check-id="${approvedId}"]`);
    await row.getByText('dana@example.com').waitFor();
    await row.getByText('allow', { exact: true }).waitFor();
    const verify = row.getByRole('button', { name: 'Verify' });
    await verify.waitFor(); // the receipt arrives once the sequencer integrated the decision
    await verify.click();
    const result = row.locator('.verify-result');
    await result.filter({ hasText: /^Verified:/ }).waitFor();
    expect(await result.textContent()).toMatch(new RegExp(`^Verified: leaf \\d+ is in the log of \\d+ entr(y|ies) signed by aegis\\.local/log/${org.orgId}\\+[0-9a-f]{8}$`));
    await announced(/^Verified: leaf/);
    await shot('03-history-verified');

    // A gateway that serves a leaf other than the one it logged is caught, precisely.
    await page.route('**/api/v1/transparency-log/leaves/*', async (route) => {
      const res = await route.fetch();
      const leaf = await res.json();
      await route.fulfill({ response: res, json: { ...leaf, data: leaf.data.replace('"allow"', '"block"'), leaf_hash: undefined } });
    });
    await verify.click();
    await result.filter({ hasText: /^Verification failed: leaf \d+: its data hashes to \S+ but the proof is for leaf hash/ }).waitFor();
    await page.unroute('**/api/v1/transparency-log/leaves/*');
    await verify.click();
    await result.filter({ hasText: /^Verified:/ }).waitFor();
  });

  it('blocks another check, from the keyboard', async () => {
    await page.getByRole('button', { name: /^Queue/ }).click();
    const id = await pendingCheck(gw.url, agentKey, 'deployer-two');
    const item = card('deployer-two');
    await item.waitFor();
    await listSettled();
    await item.getByLabel('Reason (optional)').focus();
    await page.keyboard.type('not during the freeze');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Approve');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Block');
    await page.keyboard.press('Enter');
    await item.locator('.outcome', { hasText: 'Blocked by you' }).waitFor();
    await announced('Blocked: deploy by deployer-two.');
    expect(await checkOf(id)).toMatchObject({ decision: 'block', decided_by: 'dana@example.com', decision_reason: 'not during the freeze' });
  });

  it('marks a check someone else decided, and shows a conflicting decision plainly', async () => {
    // Decided elsewhere while the page watches: the card says so instead of vanishing.
    const elsewhere = await pendingCheck(gw.url, agentKey, 'deployer-three');
    const watched = card('deployer-three');
    await watched.waitFor();
    const bob = await call(gw.url, 'PATCH', `/api/v1/check/${elsewhere}`, { key: org.adminKey, body: { decision: 'block', decided_by: 'bob@example.com' } });
    expect(bob.status).toBe(200);
    await watched.locator('.outcome', { hasText: 'Already decided: block by bob@example.com' }).waitFor();
    // Dismiss answers once it has been there a moment: a double click on Approve must not reach it.
    await listSettled();
    await watched.getByRole('button', { name: 'Dismiss' }).click();
    await watched.waitFor({ state: 'detached' });

    // A decision that loses the race: live updates paused, decided through the API, then clicked.
    const id = await pendingCheck(gw.url, agentKey, 'deployer-four');
    const item = card('deployer-four');
    await item.waitFor();
    await listSettled();
    await page.locator('#queue-view').getByLabel('Live updates').uncheck();
    await announced('Live updates paused.');
    const alice = await call(gw.url, 'PATCH', `/api/v1/check/${id}`, { key: org.adminKey, body: { decision: 'allow', decided_by: 'alice@example.com' } });
    expect(alice.status).toBe(200);
    await item.getByRole('button', { name: 'Approve' }).click();
    await item.getByRole('alert').filter({ hasText: 'Already decided: allow by alice@example.com' }).waitFor();
    expect(await item.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await shot('04-conflict');
    await page.locator('#queue-view').getByLabel('Live updates').check();
    expect(await checkOf(id)).toMatchObject({ decision: 'allow', decided_by: 'alice@example.com' });
  });

  it('shows characters that would hide or reorder text as their escapes, and survives a crafted fragment', async () => {
    const res = await call(gw.url, 'POST', '/api/v1/check', {
      key: agentKey,
      body: { agent_id: 'billing\u202Etob', tool_name: 'deploy', arguments: { recipients: `hr@corp.example${'\u2800'.repeat(4000)}, exfil@evil.example`, attachment: 'invoice_\u202Efdp.exe' } },
    });
    expect(res.body.decision).toBe('pending');
    const item = page.locator(`#queue-list li.card[data-check-id="${res.body.check_id}"]`);
    await item.waitFor();
    const args = (await item.locator('.args pre').textContent()) ?? '';
    // The padding is one short marked run, so the address after it is in sight; the override is spelled out.
    expect(args).toContain('"hr@corp.example\\u2800 ×4000, exfil@evil.example"');
    expect(args).toContain('"invoice_\\u202Efdp.exe"');
    expect(await item.locator('h2').textContent()).toBe('deploy by billing\\u202Etob');
    await shot('05-hidden-characters');
    // A fragment naming an Object.prototype member is no view: the queue opens.
    await page.goto(`${gw.url}/console#constructor`);
    await page.locator('#queue-view').waitFor();
    expect(pageErrors.filter((e) => /is not a function/.test(e))).toEqual([]);
  });

  it('gives admins the anomalies, the searchable audit log and the kill switches', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('aegis.console.session'))).toBeNull();
    await signIn(org.adminKey, 'root@example.com');
    await page.locator('#session-who', { hasText: '(admin)' }).waitFor();

    await page.getByRole('button', { name: 'Anomalies' }).click();
    await page.locator('#anomalies-table tbody tr', { hasText: 'deployer-two' }).first().waitFor();
    await page.locator('#anomalies-view').getByLabel('Agent').fill('deployer-four');
    await page.locator('#anomalies-filters').getByRole('button', { name: 'Search' }).click();
    await page.locator('#anomalies-table tbody tr', { hasText: 'deployer-two' }).first().waitFor({ state: 'detached' });
    await page.locator('#anomalies-table tbody tr', { hasText: 'deployer-four' }).first().waitFor();
    await shot('05-anomalies');

    await page.getByRole('button', { name: 'Audit log' }).click();
    await page.locator('#audit-view').getByLabel('Search').fill('review-deploy');
    await page.locator('#audit-filters').getByRole('button', { name: 'Search' }).click();
    await page.locator('#audit-table tbody tr', { hasText: 'policy.create' }).waitFor();
    await page.locator('#audit-status', { hasText: /^1 audit entry ·/ }).waitFor();
    await shot('06-audit-log');

    await page.getByRole('button', { name: 'Kill switches' }).click();
    const switches = page.locator('#kill-switches-view');
    await switches.getByLabel('Scope').selectOption('agent');
    await switches.getByLabel('Target').fill('rogue-*');
    await switches.getByLabel('Reason').fill('exfiltration suspected');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Engage' }).click();
    const engaged = page.locator('#kill-switches-table tbody tr', { hasText: 'rogue-*' });
    await engaged.getByText('engaged').waitFor();
    await announced(/^Kill switch engaged on agent rogue-\*/);
    const blocked = await call(gw.url, 'POST', '/api/v1/check', { key: agentKey, body: { agent_id: 'rogue-1', tool_name: 'db_query', arguments: { sql: 'SELECT 1' } } });
    expect(blocked.body).toMatchObject({ decision: 'block', policy_name: 'kill-switch' });
    await shot('07-kill-switches');
    page.once('dialog', (d) => void d.accept());
    await engaged.getByRole('button', { name: 'Release the kill switch on agent rogue-*' }).click();
    await engaged.waitFor({ state: 'detached' });
    const active = await call(gw.url, 'GET', '/api/v1/kill-switches?active=true', { key: org.adminKey });
    expect(active.body.total).toBe(0);
  });

  it('labels every input, uses real buttons, and logged no script or CSP error', async () => {
    const unlabelled = await page.evaluate(() =>
      [...(globalThis as any).document.querySelectorAll('input, select, textarea')]
        .filter((el: any) => el.labels?.length === 0 && !el.getAttribute('aria-label'))
        .map((el: any) => el.id || el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    expect(await page.locator('[onclick], div[role="button"], span[role="button"]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
