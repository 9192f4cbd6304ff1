import { describe, expect, it } from 'vitest';
import { extractDestinations, pathRoot, registrableDomain, type Destination } from '../../src/anomaly/destinations.js';

const of = (key: string, value: string): Destination[] => extractDestinations([{ key, value }]);
const values = (ds: Destination[], kind: Destination['kind']): string[] => ds.filter((d) => d.kind === kind).map((d) => d.value);

describe('registrableDomain()', () => {
  it.each([
    ['api.internal.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['www.bbc.co.uk', 'bbc.co.uk'],
    ['shop.example.com.au', 'example.com.au'],
    ['a.b.example.io', 'example.io'],
    ['10.0.0.1', '10.0.0.1'],
    ['[::1]', '[::1]'],
    ['localhost', 'localhost'],
  ])('takes %s to %s', (host, domain) => {
    expect(registrableDomain(host)).toBe(domain);
  });
});

describe('pathRoot()', () => {
  it.each<[string, string | undefined]>([
    ['/var/log/nginx/access.log', '/var/log'],
    ['/etc/passwd', '/etc'],
    ['/etc', '/etc'],
    ['/data/crawl/ab/x.html', '/data/crawl'],
    ['~/.ssh/id_rsa', '~/.ssh'],
    ['reports/q1/summary.csv', 'reports'],
    ['../../etc/shadow', '../../etc'],
    ['C:\\Users\\anna\\file.txt', 'c:/Users/anna'],
    ['report.csv', undefined],
  ])('takes %s to %s', (path, root) => {
    expect(pathRoot(path)).toBe(root);
  });
});

describe('extractDestinations()', () => {
  it('finds URL hosts and their domains in any field', () => {
    const ds = of('body', 'see https://API.Example.com/x and s3://bucket-1/key, or http://user:pw@10.0.0.5:8080/a');
    expect(values(ds, 'domain')).toEqual(['example.com', 'bucket-1', '10.0.0.5']);
    expect(values(ds, 'host')).toEqual(['api.example.com', 'bucket-1', '10.0.0.5']);
  });

  it('finds recipients only under recipient-like keys', () => {
    expect(values(of('to', 'Anna <anna@Mail.Acme.com>, ben@globex.co.uk'), 'recipient')).toEqual(['anna@mail.acme.com', 'ben@globex.co.uk']);
    expect(values(of('cc', 'x@y.org'), 'recipient_domain')).toEqual(['y.org']);
    expect(values(of('billing_email', 'x@y.org'), 'recipient')).toEqual(['x@y.org']);
    expect(of('body', 'write to anna@acme.com')).toEqual([]);
  });

  it.each<[string, string[]]>([
    ['SELECT a.id FROM analytics.orders a JOIN "Sales"."Customers" c ON c.id = a.cid', ['analytics.orders', 'sales.customers']],
    ['insert into audit_log (id) values (1)', ['audit_log']],
    ['UPDATE accounts SET balance = 0', ['accounts']],
    ['DELETE FROM sessions WHERE true', ['sessions']],
    ['DROP TABLE IF EXISTS tmp_users', ['tmp_users']],
    ['WITH x AS (SELECT * FROM src) SELECT * FROM x', ['src', 'x']],
    ['SELECT 1 FROM (SELECT 2) AS t', []],
  ])('finds the tables of %s', (sql, tables) => {
    expect(values(of('sql', sql), 'table')).toEqual(tables);
  });

  it('does not read prose as SQL', () => {
    expect(of('query', 'update status from customer')).toEqual([]);
    expect(of('reason', 'Update billing plan please')).toEqual([]);
  });

  it('finds path roots under path-like keys and in command lines', () => {
    expect(values(of('path', '/srv/app/config/app.yaml'), 'path_root')).toEqual(['/srv/app']);
    expect(values(of('output_path', 'exports/q1.csv'), 'path_root')).toEqual(['exports']);
    expect(values(of('command', 'tail -n 100 /var/log/app.log > /tmp/out.txt; cat ~/.aws/credentials'), 'path_root')).toEqual(['/var/log', '/tmp', '~/.aws']);
  });

  it('keeps at most 16 destinations of at most 200 characters', () => {
    const ds = of('body', Array.from({ length: 40 }, (_, i) => `https://h${i}.${'d'.repeat(300)}.com/`).join(' '));
    expect(ds).toHaveLength(16);
    for (const d of ds) expect(d.value.length).toBeLessThanOrEqual(200);
  });
});
