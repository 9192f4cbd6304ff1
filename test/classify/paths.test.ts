import { beforeAll, describe, expect, it } from 'vitest';
import { categorize } from '../../src/classify/category.js';
import { classify, initClassifier } from '../../src/classify/classify.js';
import { detectPaths } from '../../src/classify/detectors/paths.js';
import { decodePath } from '../../src/classify/paths/decode.js';
import { resolvePath } from '../../src/classify/paths/resolve.js';
import type { Signal } from '../../src/classify/types.js';
import { collectStrings } from '../../src/classify/walk.js';

/** run feeds one tool call to detectPaths alone, as classify() would. */
function run(toolName: string, args: Record<string, unknown>): Signal[] {
  return detectPaths({ toolName, category: categorize(toolName, Object.keys(args)), fields: collectStrings(args, '/arguments') });
}
const readFile = (path: string): Signal[] => run('read_file', { path });

describe('decodePath()', () => {
  it.each([
    ['%2e%2e%2f', '../'],
    ['%252e%252e%252f', '../'],
    ['%25252e%25252e%25252f', '../'],
    ['%%32%65%%32%65%%32%66', '../'],
    ['..%%35%%63', '..\\'],
    ['%c0%ae%c0%ae%c0%af', '../'],
    ['%e0%80%ae%e0%80%ae%e0%80%af', '../'],
    ['%f0%80%80%ae%f8%80%80%80%ae%fc%80%80%80%80%af', '../'],
    ['..%c1%9c', '..\\'],
    ['..%c1%1c', '..\\'],
    ['..%c0%9v', '../'],
    ['..%bg%qf', '../'],
    ['%c0%2e%c0%2e%c0%5c', '..\\'],
    ['%uff0e%uff0e%u2215', '../'],
    ['..%u2216', '..\\'],
    ['\uff0e\uff0e\uff0f', '../'],
    ['\u2024\u2024\u2215', '../'],
    ['/0x2e0x2e0x2f', '/../'],
    ['..2f..2fetc2fpasswd', '../../etc/passwd'],
    ['Anonymizing%20known%20values.ipynb', 'Anonymizing known values.ipynb'],
  ])('decodes %s to %j', (raw, text) => {
    expect(decodePath(raw).text).toBe(text);
  });

  it('flags overlong UTF-8, which no honest encoder produces', () => {
    expect(decodePath('%c0%ae').overlong).toBe(true);
    expect(decodePath('%c3%a9t%c3%a9').overlong).toBe(false);
    expect(decodePath('caf%e9.txt').overlong).toBe(false);
  });
});

describe('resolvePath()', () => {
  it.each([
    ['docs/a/../b.md', false, 'docs/b.md'],
    ['a/b/../../c', false, 'c'],
    ['../x', true, 'x'],
    ['a/../../x', true, 'x'],
    ['/../../etc/passwd', true, '/etc/passwd'],
    ['..;/..;/etc/passwd', true, 'etc/passwd'],
    ['....//....//etc/passwd', true, 'etc/passwd'],
    ['.. ./x', true, 'x'],
    ['..\u0000/x', true, 'x'],
    ['C:\\Windows\\..\\..\\boot.ini', true, '/boot.ini'],
  ])('%j escapes: %s, resolves to %j', (path, escapes, normalized) => {
    const r = resolvePath(path);
    expect(r.escapes).toBe(escapes);
    expect(r.normalized).toBe(normalized);
  });
});

describe('detectPaths()', () => {
  it.each([
    // Plain and encoded climbs.
    ['../../etc/passwd', 'high'],
    ['..\\..\\..\\windows\\win.ini', 'high'],
    ['../users.db', 'high'],
    ['%2e%2e%2f%2e%2e%2fetc%2fpasswd', 'high'],
    ['%2e%2e/%2e%2e/app/config.yml', 'high'],
    ['%252e%252e%252f%252e%252e%252fetc%252fhosts', 'high'],
    ['..%252f..%252fetc/issue', 'high'],
    ['..%c0%af..%c0%afetc/passwd', 'high'],
    ['%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd', 'high'],
    ['..%c1%9c..%c1%9cboot.ini', 'high'],
    ['..%5c..%5c..%5cwindows%5csystem32%5cdrivers%5cetc%5chosts', 'high'],
    ['%uff0e%uff0e%u2215%uff0e%uff0e%u2215etc%u2215passwd', 'high'],
    ['\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fetc\uff0fpasswd', 'high'],
    ['..%u2216..%u2216boot.ini', 'high'],
    ['....//....//....//etc/passwd', 'high'],
    ['.../.../.../boot.ini', 'high'],
    ['..;/..;/WEB-INF/web.xml', 'high'],
    ['../../../../boot.ini%00.png', 'high'],
    ['.%00./.%00./etc/passwd', 'high'],
    ['/var/www/html/../../../etc/group', 'high'],
    ['/..\\..\\..\\..\\boot.ini', 'high'],
    ['src/../../../../root/.ssh/id_rsa', 'critical'],
    ['../../../proc/self/environ', 'critical'],
    ['\\.\\.\\/\\.\\.\\/etc/passwd', 'high'],
    // Sensitive locations named outright.
    ['/etc/shadow', 'critical'],
    ['/etc/passwd', 'high'],
    ['/etc/nginx/nginx.conf', 'high'],
    ['~/.ssh/id_ed25519', 'critical'],
    ['/home/alice/.aws/credentials', 'critical'],
    ['~/.config/gh/hosts.yml', 'critical'],
    ['/home/alice/.cargo/credentials.toml', 'critical'],
    ['/home/alice/.mozilla/firefox/x1y2.default-release/logins.json', 'critical'],
    ['C:\\Users\\bob\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\Login Data', 'critical'],
    ['/root/.bash_history', 'high'],
    ['/proc/self/environ', 'critical'],
    ['/proc/1/cmdline', 'high'],
    ['C:\\Windows\\win.ini', 'high'],
    ['c:/boot.ini', 'high'],
    ['C:\\Windows\\System32\\config\\SAM', 'critical'],
    ['C:/Windows/Panther/Unattend.xml', 'critical'],
    ['C:\\Users\\admin\\AppData\\Roaming\\Microsoft\\Credentials\\DFBE70A7E5CC19A398EBF1B96859CE5D', 'critical'],
    ['C:\\Users\\admin\\AppData\\Roaming\\Microsoft\\Protect\\S-1-5-21-1004\\', 'critical'],
    ['C:\\Windows\\NTDS\\ntds.dit', 'critical'],
    ['/var/log/apache2/access.log', 'high'],
    ['/usr/local/apache2/conf/httpd.conf', 'high'],
    ['C:\\xampp\\apache\\logs\\error.log', 'high'],
    ['/opt/lampp/etc/php.ini', 'high'],
    ['.git/config', 'high'],
    ['.env', 'medium'],
    ['config/.env.production', 'medium'],
    ['/usr/bin/env', 'medium'],
    ['ZXRjL3NoYWRvdw==', 'critical'], // base64 of etc/shadow
    // Wrappers and network paths.
    ['php://filter/convert.base64-encode/resource=index.php', 'high'],
    ['PHP://input', 'high'],
    ['file:///etc/passwd', 'high'],
    ['file://localhost/c:/windows/win.ini', 'high'],
    ['zip://uploads/avatar.zip#shell.php', 'high'],
    ['phar://uploads/avatar.jpg/test.txt', 'high'],
    ['data://text/plain;base64,PD9waHAgc3lzdGVtKCRfR0VUWzFdKTs/Pg==', 'high'],
    ['expect://id', 'critical'],
    ['\\\\attacker.example\\share\\x.txt', 'medium'],
    // Evasion without a climb.
    ['docs%2f%2e%2e%2fREADME.md', 'medium'],
    ['%2e%68%74%61%63%63%65%73%73', 'medium'],
    ['%c0%ae%c0%aeetc', 'high'],
  ])('flags %j (%s)', (path, severity) => {
    const [signal, ...rest] = readFile(path);
    expect(rest).toEqual([]);
    expect(signal).toMatchObject({ id: 'path_traversal', severity, path: '/arguments/path' });
  });

  it.each([
    'src/index.ts',
    './README.md',
    'docs/a/../b.md',
    'docs/getting_started/../api/analyzer_python.md',
    'presidio_evaluator/data_generator/../../README.md',
    'pages/common/..md',
    '/home/dev/projects/presidio/docs/installation.md',
    '/home/dev/projects/app/logs/build.log',
    '/tmp/output.txt',
    '/usr/include/stdio.h',
    '/usr/share/dict/words',
    'C:\\Users\\bob\\project\\main.c',
    '~/notes/todo.md',
    '.env.example',
    '.github/workflows/ci.yml',
    'tests/plugins/private_key_test.py',
    'detect_secrets/plugins/basic_auth.py',
    'docs/tutorial/Anonymizing%20known%20values.ipynb',
    'Makefile',
    'docs/caf%e9/menu.txt',
    'src/cookies.ts',
    'lib/cookies',
    'fixtures/logins.json.ts',
  ])('leaves %j alone', (path) => {
    expect(readFile(path)).toEqual([]);
  });

  it('checks path-like keys of any tool and location fields of file-system tools', () => {
    expect(run('upload_document', { source_file: '../../../etc/passwd' })).toHaveLength(1);
    // An archive member's name is where extraction writes (zip slip).
    expect(run('extract_archive', { archive: 'a.tar', target: '/srv/app/uploads', member: '../../../../etc/cron.d/x' })[0]).toMatchObject({ severity: 'high', path: '/arguments/member' });
    expect(run('extract_archive', { archive: 'a.tar', target: '/srv/app/uploads', member: 'docs/readme.txt' })).toEqual([]);
    expect(run('write_file', { target: '../../.ssh/authorized_keys', content: 'ssh-ed25519 AAAA' })[0]).toMatchObject({ severity: 'critical', path: '/arguments/target' });
    expect(run('send_email', { to: 'x@example.net', body: 'attached', attachments: ['report.pdf', '~/.ssh/id_rsa'] })[0]).toMatchObject({ severity: 'critical', path: '/arguments/attachments/1' });
    // A file-system tool's `source` is where to copy from when it is a lone rooted path, contents otherwise.
    expect(run('upload_file', { source: '/home/app/.aws/credentials', destination: 's3://bucket/x' })[0]).toMatchObject({ severity: 'critical', path: '/arguments/source' });
    expect(run('write_file', { path: 'src/x.ts', source: "export const up = '../../etc';" })).toEqual([]);
  });

  it('does not read file contents as a path', () => {
    expect(run('write_file', { path: 'src/a.ts', content: "import x from '../../lib/x.js';\nconst p = '../data';" })).toEqual([]);
  });

  it('checks the raw path and file parameters of URLs', () => {
    expect(run('http_request', { method: 'GET', url: 'http://example.com/static/..%2f..%2f..%2fetc/passwd' })[0]).toMatchObject({ severity: 'high', path: '/arguments/url' });
    expect(run('http_request', { method: 'GET', url: 'https://example.com/download?file=../../../../etc/passwd' })[0]?.severity).toBe('high');
    expect(run('http_request', { method: 'GET', url: 'https://example.com/index.php?page=php://filter/resource=config' })).toHaveLength(1);
    expect(run('http_request', { method: 'GET', url: 'https://github.com/org/repo/blob/main/docs/../README.md' })).toEqual([]);
  });

  it('flags a climb to a sensitive file in free text, not an ordinary relative link', () => {
    expect(run('shell', { command: 'cat ../../../../etc/passwd' })[0]).toMatchObject({ severity: 'high', path: '/arguments/command' });
    // Backslashes encoded once or twice climb on Windows servers just the same.
    expect(run('get_attachment', { name: '..%5c..%5c..%5cboot.ini' })[0]).toMatchObject({ id: 'path_traversal', path: '/arguments/name' });
    expect(run('get_attachment', { name: '..%255c..%255c..%255cwindows%255cwin.ini' })[0]).toMatchObject({ id: 'path_traversal', path: '/arguments/name' });
    expect(run('shell', { command: 'cd ../.. && ls -la' })).toEqual([]);
    expect(run('send_email', { to: 'a', body: 'See [the guide](../../docs/guide.md).' })).toEqual([]);
  });

  it('explains the finding with a short excerpt', () => {
    const [signal] = readFile(`${'a/'.repeat(100)}${'../'.repeat(120)}etc/passwd`);
    expect(signal?.evidence).toMatch(/^traversal escapes the base to system account and host files: /);
    expect(signal!.evidence.length).toBeLessThanOrEqual(140);
  });
});

describe('classify() with detectPaths', () => {
  beforeAll(async () => {
    await initClassifier();
  });

  it('reads where a link points and what it is named, and a Windows user registry hive', () => {
    expect(classify('create_symlink', { target: '/etc/shadow', link_name: 'uploads/avatar.png' }).signals).toContainEqual(expect.objectContaining({ id: 'path_traversal', severity: 'critical', path: '/arguments/target' }));
    const tar = classify('extract_archive', { archive: 'bundle.tar', dest: 'work/', members: [{ name: 'data', type: 'symlink', linkname: '/root' }] });
    expect(tar.signals).toContainEqual(expect.objectContaining({ id: 'path_traversal', path: '/arguments/members/0/linkname' }));
    expect(classify('read_file', { path: 'C:\\Users\\Administrator\\NTUSER.DAT' }).signals).toContainEqual(expect.objectContaining({ id: 'path_traversal', severity: 'critical' }));
    expect(classify('create_symlink', { target: 'releases/v2.3.1', link_name: 'current' }).signals).toEqual([]);
  });

  it('reports path_traversal on a read_file call', () => {
    const { category, signals } = classify('read_file', { path: '../../etc/shadow' });
    expect(category).toBe('filesystem');
    expect(signals).toContainEqual(expect.objectContaining({ id: 'path_traversal', severity: 'critical', path: '/arguments/path' }));
  });
});

describe('padded paths longer than PATH_MAX', () => {
  it.each([
    ['a climb of thousands of levels', `${'../'.repeat(4000)}etc/passwd`],
    ['thousands of "./" before the climb', `${'./'.repeat(3000)}../../../etc/shadow`],
    ['thousands of separators', `${'/'.repeat(5000)}etc/passwd`],
    ['a Windows climb', `${'..\\'.repeat(3000)}windows\\win.ini`],
    ['an encoded climb', `${'%2e%2e%2f'.repeat(1000)}etc/passwd`],
  ])('are still caught: %s', (_name, path) => {
    expect(readFile(path).map((s) => s.id)).toEqual(['path_traversal']);
  });

  it('keep a long ordinary path ordinary', () => {
    expect(readFile(`src/${'./'.repeat(3000)}index.ts`)).toEqual([]);
    expect(readFile(`${'a/'.repeat(2100)}x.txt`)).toEqual([]);
  });
});

describe('file tools that delete', () => {
  const destructive = (tool: string, args: Record<string, unknown>): Signal[] => classify(tool, args).signals.filter((s) => s.id === 'destructive_operation');
  it.each([
    ['the root', 'delete_file', { path: '/' }, 'deletes the root of the file system'],
    ['everything under the root', 'delete_file', { path: '/*' }, 'deletes the root of the file system'],
    ['a drive', 'deleteFile', { path: 'C:\\' }, 'deletes the root of the file system'],
    ['the home directory', 'delete_file', { path: '~' }, 'deletes a home directory'],
    ["a user's home", 'remove_directory', { dir: '/Users/ana/', recursive: true }, 'deletes a home directory'],
    ['a system directory', 'fs_remove', { path: '/etc', recursive: true }, 'deletes a system directory'],
    ['Windows itself', 'deleteDirectory', { path: 'C:\\Windows' }, 'deletes a system directory'],
    ['the home directory through an action', 'file_manager', { action: 'delete', path: '~/' }, 'deletes a home directory'],
    ['the root climbed to from /tmp', 'delete_file', { path: '/tmp/..' }, 'deletes the root of the file system'],
    ['the root climbed to from a home', 'delete_file', { path: '/home/u/../../' }, 'deletes the root of the file system'],
    ['a drive climbed to from Windows', 'delete_file', { path: 'C:\\Windows\\..' }, 'deletes the root of the file system'],
    ['the root as a target', 'fs_remove', { target: '/', recursive: true }, 'deletes the root of the file system'],
    ['a system directory as a location', 'fs_remove', { location: '/etc' }, 'deletes a system directory'],
    ['the root through a recursive_delete action', 'file_manager', { action: 'recursive_delete', path: '/' }, 'deletes the root of the file system'],
    ['the root by a full-width tool name', 'ｄｅｌｅｔｅ_ｆｉｌｅ', { path: '/' }, 'deletes the root of the file system'],
    ['the root by a namespaced tool name', 'files/delete', { p: '/' }, 'deletes the root of the file system'],
  ])('reports deleting %s', (_what, tool, args, evidence) => {
    expect(destructive(tool, args)).toEqual([expect.objectContaining({ severity: 'critical', evidence: expect.stringContaining(evidence) })]);
  });

  it.each([
    ['a build directory', 'delete_file', { path: '/home/ubuntu/projects/app/build' }],
    ['a file inside a system directory', 'delete_file', { path: '/etc/hosts' }],
    ['a project directory', 'remove_dir', { path: 'node_modules', recursive: true }],
    ['a file through an action', 'file_manager', { action: 'delete', path: 'old/report.txt' }],
    ['the root listed', 'list_directory', { path: '/' }],
    ['the root read through an action', 'file_manager', { action: 'list', path: '/' }],
    ['a climb that stays in a directory', 'delete_file', { path: '/tmp/../tmp/build' }],
    ['a file by its name', 'delete_file', { name: 'report.pdf' }],
  ])('leaves %s alone', (_what, tool, args) => {
    expect(destructive(tool, args)).toEqual([]);
  });
});
