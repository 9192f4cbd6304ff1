import { escapeRegex } from '../../util/glob.js';

/** What the shell rules know about paths: credential files, temporary and system locations. */

/** Files whose contents are credentials or password hashes (reading them is reconnaissance or theft). */
const CREDENTIAL_FILES: RegExp[] = [
  /(^|\/)etc\/(shadow|gshadow|master\.passwd|sudoers|security\/opasswd)(-|$)/,
  /(^|\/)etc\/passwd(-|$)/,
  /(^|\/)\.ssh\/(id_[a-z0-9_]+|identity)$/,
  /(^|\/)\.ssh\/authorized_keys2?$/,
  /(^|\/)id_(rsa|dsa|ecdsa|ed25519)$/,
  /(^|\/)\.aws\/credentials$/,
  /(^|\/)\.(git-credentials|netrc|pgpass|my\.cnf|npmrc|pypirc|vault-token|htpasswd)$/,
  /(^|\/)\.docker\/config\.json$/,
  /(^|\/)\.kube\/config$/,
  /(^|\/)\.config\/gcloud\/(credentials\.db|access_tokens\.db|application_default_credentials\.json|legacy_credentials)/,
  /(^|\/)\.azure\/(accesstokens\.json|msal_token_cache)/i,
  /(^|\/)\.terraform\.d\/credentials\.tfrc\.json$/,
  /(^|\/)\.config\/(gh\/hosts\.yml|hub|rclone\/rclone\.conf)$/,
  /(^|\/)\.(cargo\/credentials(\.toml)?|gem\/credentials|composer\/auth\.json|s3cfg|boto)$/,
  /(^|\/)\.gnupg\/(private-keys-v1\.d|secring\.gpg)/,
  // Every file of a credential directory, named by a variable or a glob (`~/.ssh/$f`, `~/.aws/*`).
  /(^|\/)\.(ssh|aws|gnupg|kube)\/(\$\{?\w+\}?|\*(?![^/]*\.pub$)[^/]*)$/,
  /(^|\/)etc\/ssl\/private\//,
  // A Kubernetes pod's service-account token: the pod's identity towards the API server.
  /(^|\/)(?:var\/)?run\/secrets\/kubernetes\.io\/serviceaccount\/token$/,
  /(^|\/)proc\/(self|\d+|\*|\[0-9\]\*|\[0-9\]\+)\/environ$/,
  /(^|\/)\.env(\.(local|prod|production|dev|development|staging|test))?$/,
  /(^|\/)\.(bash|zsh|sh|mysql|psql)_history$/,
  /(^|\/)wp-config\.php$/,
  // Browsers' saved passwords and cookies (Chrome/Chromium/Edge/Brave profiles, Firefox's logins and key store).
  /(^|\/)(?:google-chrome|chromium|BraveSoftware\/Brave-Browser|microsoft-edge|Google\/Chrome|Microsoft\/Edge)\/[^/]+\/(?:Login Data|Cookies|Web Data)$/i,
  /(^|\/)\.mozilla\/firefox\/[^/]+\/(?:logins\.json|key[34]\.db|cookies\.sqlite)$/,
  /(^|[\\/])(repair|config)[\\/](sam|system|security)$/i,
  /(^|[\\/])(boot|win)\.ini$/i,
  /(^|[\\/])(unattend|sysprep)\.xml$/i,
  /(^|[\\/])ntds\.dit$/i,
];

/** normalizePath resolves `~`, `$HOME` and `\` so the patterns above see one spelling. */
export function normalizePath(p: string): string {
  return p
    .replace(/^(~[a-z_][a-z0-9_-]*|~|\$\{?HOME\}?)(?=\/|$)/i, '/home/user')
    .replace(/%[a-z_]+%/gi, 'C:')
    .replace(/\\+/g, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/\/\.(?=\/|$)/g, '');
}

// Credential files a glob may be written to reach: /etc/sh[a]dow, /e?c/shadow, a star for a directory or for the id_ of a key.
const GLOB_TARGETS = [
  '/etc/shadow', '/etc/gshadow', '/etc/passwd', '/etc/sudoers', '/etc/master.passwd', '/proc/self/environ', '/proc/1/environ',
  '/home/user/.ssh/id_rsa', '/home/user/.ssh/id_ed25519', '/home/user/.ssh/id_ecdsa', '/home/user/.ssh/id_dsa', '/root/.ssh/id_rsa', '/root/.ssh/id_ed25519',
  '/home/user/.aws/credentials', '/root/.aws/credentials', '/home/user/.kube/config', '/home/user/.docker/config.json', '/home/user/.git-credentials',
  '/home/user/.netrc', '/home/user/.pgpass',
];

/** globRegex reads a shell glob (`*`, `?`, `[…]`, `[!…]`) as an anchored regular expression over one path, or undefined. */
function globRegex(glob: string): RegExp | undefined {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) return undefined;
      const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
      out += `[${body}]`;
      i = end;
    } else out += escapeRegex(c);
  }
  try {
    return new RegExp(`^${out}$`);
  } catch {
    return undefined;
  }
}

/** isCredentialPath reports whether a path names a credential file (`/etc/shadow`, `~/.ssh/id_rsa`…), also through a glob. */
export function isCredentialPath(p: string): boolean {
  if (p.length < 4 || p.length > 300) return false;
  const n = normalizePath(p.replace(/["']/g, ''));
  if (CREDENTIAL_FILES.some((re) => re.test(n))) return true;
  // Aimed at a file: the last name keeps some letters of it (`/etc/*` is every file, which `grep -r x /etc/*` searches).
  if (!/[*?[]/.test(n) || !n.startsWith('/') || !/[A-Za-z_].*[A-Za-z_]/.test(n.slice(n.lastIndexOf('/') + 1).replace(/\[[^\]]*\]/g, ''))) return false;
  const re = globRegex(n);
  return re !== undefined && GLOB_TARGETS.some((t) => re.test(t));
}

/**
 * isPlantedLibrary: a library to preload from a scratch or hidden place (`/tmp/.x/libhide.so`,
 * `/dev/shm/x.so`) — how rootkits hide and hijack programs; jemalloc from /usr/lib is how allocators are swapped.
 */
export function isPlantedLibrary(lib: string): boolean {
  return lib.split(/[\s:]+/).some((l) => isTempPath(l) || /(^|\/)\.[^/.]/.test(l) || /^\/dev\/shm\//.test(l));
}

/** isTempPath reports whether a path is inside a temporary directory (`/tmp/x`, `$TMPDIR/x`). */
export function isTempPath(p: string): boolean {
  const n = normalizePath(p);
  if (n.includes('..')) return false;
  return /^(\/tmp|\/var\/tmp|\/private\/tmp|\/dev\/shm|\$\{?(TMPDIR|TMP|TEMP|RUNNER_TEMP)\}?)\/./.test(n);
}

const SYSTEM_DIRS = new Set(
  ['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64', 'libx32', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'usr', 'var', 'Users', 'System', 'Library', 'Applications', 'Volumes', 'snap', 'nix'].map(
    (d) => `/${d}`,
  ),
);

/** The scope a deletion reaches. */
export type PathScope = 'root' | 'home' | 'system' | 'absolute' | 'temp' | 'relative' | 'all' | 'unknown';

/**
 * pathScope classifies a deletion target: the filesystem root or everything in it (`/`, `/*`), a
 * home directory (`~`, `$HOME`, `/home/x`), a system directory or a whole top-level one (`/etc`,
 * `/usr/lib`), another absolute path, a temporary path, the working directory itself or all of it
 * (`.`, `*`, `.*`), another relative path, or an expansion we cannot see through.
 */
/** Where databases, queues and container runtimes keep their data. */
const DATA_DIRS = /^\/var\/lib\/(?:postgresql|pgsql|mysql|mariadb|mongodb|redis|docker|containerd|etcd|elasticsearch|opensearch|cassandra|kafka|zookeeper|rabbitmq|clickhouse|influxdb|neo4j|couchdb)(?:\/|$)/;

export function pathScope(raw: string): PathScope {
  const p = raw.replace(/["']/g, '');
  if (isTempPath(p)) return 'temp';
  const n = normalizePath(p).replace(/\/+$/, '') || '/';
  if (n === '/' || /^\/\*+$/.test(n) || /^\/\.\*$/.test(n)) return 'root';
  if (/^[a-z]:\/?\*?$/i.test(n)) return 'root';
  if (/^\/home\/[^/]+(\/\*|\/\.\*)?$/.test(n) || n === '/home' || n === '/root' || /^\/Users\/[^/]+$/.test(n)) return 'home';
  if (n === '.' || n === '..' || n === '*' || n === '.*' || /^(\.\.\/)+\.\.?$/.test(n) || n === './*' || n === '../*') return 'all';
  if (n.startsWith('/')) {
    const top = `/${n.split('/')[1] ?? ''}`;
    if (SYSTEM_DIRS.has(top)) {
      // A database's or container runtime's data directory is the system's state, however deep.
      if (DATA_DIRS.test(n)) return 'system';
      const depth = n.split('/').filter(Boolean).length;
      if (depth <= 1 || top === '/etc' || top === '/boot' || top === '/bin' || top === '/sbin' || top === '/usr' || top === '/lib' || top === '/lib64') return 'system';
      if (depth === 2 && /\*$/.test(n)) return 'system';
    }
    return 'absolute';
  }
  if (/^[a-z]:\//i.test(n)) return 'system';
  if (n.startsWith('$') || n.startsWith('`')) return 'unknown';
  return 'relative';
}
