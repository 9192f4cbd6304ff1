import type { Severity } from '../types.js';

/**
 * Sensitive locations: what local-file-inclusion lists go after. Each rule matches a resolved path
 * (lower-case, `/`-separated, see resolvePath). `rooted` rules only apply to paths that start at a
 * root (absolute, `~`, or climbing out of their base): a repository may well hold `nginx.conf` or
 * `logs/app.log`, but `/usr/local/nginx/conf/nginx.conf` is the server's.
 */
interface TargetRule {
  re: RegExp;
  /** For a path that stays inside its workspace: the name must end where the file's does (`etc/hosts`, not `docs/etc/hosts.md`). */
  relativeRe: RegExp;
  what: string;
  severity: Severity;
  rooted: boolean;
}

/** A name ends at a segment boundary or an extension/backup suffix (`shadow-`, `passwd.bak`). */
const END = '(?![a-z0-9_])';
/**
 * Inside a workspace, a name ends the path, or is cut by a backup suffix, a NUL or another separator
 * (`etc/passwd`, `etc/passwd.bak`, `etc/passwd\0.png`): `etc/passwd-policy.md` is a document about it.
 */
const END_STRICT = '(?=$|[^a-z0-9_.~-]|[-~]$|\\.(?:bak|old|orig|save|swp|backup|tmp|\\d+)$)';

const rule = (re: string, what: string, severity: Severity, rooted = false): TargetRule => ({
  re: new RegExp(re),
  relativeRe: new RegExp(re.replaceAll(END, END_STRICT)),
  what,
  severity,
  rooted,
});

const RULES: TargetRule[] = [
  // Credentials and secrets, wherever they sit.
  rule(`(?:^|/)etc/(?:g?shadow|master\\.passwd|sudoers|security/opasswd)${END}`, 'password hashes', 'critical'),
  rule(`(?:^|/)master\\.passwd${END}`, 'password hashes', 'critical'),
  rule(`(?:^|/)\\.htpasswd${END}`, 'password hashes', 'critical'),
  // Under a .ssh directory: a project's own `keys/id_ed25519.pub` (or one being written next to the code) is public by name and place.
  rule('(?:^|/)\\.ssh/(?:[^/]+/)*id_(?:rsa|dsa|ecdsa|ed25519)\\.pub$', 'SSH public key', 'high'),
  rule(`(?:^|/)(?:\\.ssh(?:/|$)|id_(?:rsa|dsa|ecdsa|ed25519)(?!\\.pub)${END})`, 'SSH keys', 'critical'),
  rule('(?:^|/)(?:\\.aws/(?:credentials|config)|\\.azure/|\\.config/gcloud/|\\.kube/config|\\.docker/config\\.json)', 'cloud credentials', 'critical'),
  rule(`(?:^|/)\\.(?:netrc|pgpass|my\\.cnf|git-credentials|npmrc|pypirc|vault-token|s3cfg|boto|dockercfg)${END}`, 'stored credentials', 'critical'),
  rule('(?:^|/)\\.gnupg(?:/|$)', 'GnuPG keys', 'critical'),
  rule('(?:^|/)(?:\\.config/(?:gh/hosts\\.yml|hub$|rclone/rclone\\.conf)|\\.cargo/credentials(?:\\.toml)?$|\\.gem/credentials$|\\.composer/auth\\.json$|\\.terraform\\.d/credentials\\.tfrc\\.json$|\\.password-store(?:/|$)|\\.local/share/keyrings(?:/|$))', 'tool credentials', 'critical'),
  rule('(?:^|/)(?:logins\\.json|key[34]\\.db|cookies\\.sqlite)$|(?:^|/)(?:default|profile \\d+)/(?:login data|cookies)$', 'browser credential store', 'critical'),
  rule('(?:^|/)proc/(?:self|thread-self|\\d+)/environ', 'process environment (secrets)', 'critical'),
  rule('(?:^|/)proc/(?:self|thread-self|\\d+)(?:/|$)', 'process internals', 'high'),
  rule('(?:^|/)(?:(?:windows|winnt)/system32/config|repair|regback)/(?:sam|system|security|software|default)', 'Windows registry hive', 'critical'),
  // A user's own hives: the HKCU keys, saved credentials and the Run entries that start programs at logon.
  rule('(?:^|/)(?:ntuser\\.dat|appdata/local/microsoft/windows/usrclass\\.dat)$', 'Windows registry hive', 'critical'),
  rule(`(?:^|/)(?:(?:auto)?unattend(?:ed)?\\.xml|sysprep(?:\\.inf|\\.xml|/)|panther/)`, 'Windows setup credentials', 'critical'),
  // The user's Credential Manager vaults and DPAPI master keys (what credential dumpers read), and the domain controller's database.
  rule('(?:^|/)appdata/(?:roaming|local)/microsoft/(?:credentials|protect|vault)(?:/|$)|(?:^|/)ntds/ntds\\.dit$|(?:^|/)ntds\\.dit$', 'Windows credential store', 'critical'),
  rule(`(?:^|/)(?:wp-config\\.php|config\\.inc\\.php|localsettings\\.php|configuration\\.php)${END}`, 'web application credentials', 'high'),
  rule('(?:^|/)\\.env(?:\\.(?!example|sample|template|dist|defaults?\\b)[a-z0-9_-]+)?$', 'dotenv secrets', 'medium'),
  rule('(?:^|/)\\.(?:bash|zsh|sh|ksh|mysql|psql|python|node_repl|sqlite|rediscli)_?history$', 'shell history', 'high'),
  rule('(?:^|/)\\.(?:git/config|git-credentials|svn/entries|hg/hgrc)$', 'repository configuration', 'high'),
  rule('(?:^|/)(?:pass(?:words?)?|passwd|users?|accounts?|logins?|credentials?)\\.(?:dat|db|db\\.php|pwd|bak|old)$', 'credential store', 'medium'),
  // System files that LFI payloads read to prove access.
  rule(`(?:^|/)etc/(?:passwd|group|hosts|issue|hostname|resolv\\.conf|crontab|fstab|motd|os-release|[a-z]+-release)${END}`, 'system account and host files', 'high'),
  rule(`(?:^|/)(?:boot\\.ini|win\\.ini|system\\.ini)${END}`, 'Windows system file', 'high'),
  rule('(?:^|/)(?:windows|winnt)/(?:system32|repair|debug|temp|[a-z]+\\.(?:ini|exe|log))', 'Windows system directory', 'high'),
  rule('(?:^|/)\\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|cshrc|tcshrc|kshrc|login)$', 'shell start-up file', 'medium'),
  // Only when rooted: the machine's own directories, server configs and logs.
  rule('^/(?:etc|root|proc|sys|boot)(?:/|$)', 'system directory', 'high', true),
  rule('^/(?:var/(?:log|run|www|lib|mail|spool|apache\\d?|lp|local|backups|db|adm|opt|nginx)|run|usr/spool)(?:/|$)', 'server data and logs', 'high', true),
  rule('^/usr/(?:local/)?(?:apache\\d?|apps|nginx|etc|php\\d*|cpanel|www|pureftpd|sbin|lib/php)(?:/|$)', 'server installation', 'high', true),
  rule('^/opt/(?:lampp|lamp|xampp|bitnami|apache\\d?|httpd|nginx|tomcat)(?:/|$)', 'server installation', 'high', true),
  rule('^/(?:windows|winnt|inetpub|program ?files(?: \\(x86\\))?|programfiles|xampp|wamp|appserv|apache\\d?|php\\d*|mysql|logs?|www|private/etc|volumes)(?:/|$)', 'server or system directory', 'high', true),
  rule('(?:^|/)(?:(?:httpd|apache2?|nginx|lighttpd|vsftpd|proftpd?|pure-ftpd|smb)(?:-[a-z]+)?\\.conf|php\\.ini|my\\.(?:cnf|ini)|sshd?_config|tomcat-users\\.xml|web\\.(?:xml|config)|metabase\\.xml|applicationhost\\.config|\\.htaccess|pureftpd\\.pdb)', 'server configuration', 'high', true),
  rule('(?:\\.log(?:\\.\\d+)?(?:\\.gz)?|[_.]log|/logs?/.*)$', 'server log', 'high', true),
  rule('^/\\.[^/]+$', 'dotfile at the file-system root', 'high', true),
];

/** First segments of a rooted path that are the machine's, not a workspace's. */
const SYSTEM_ROOT_RE = /^\/(?:usr|opt|var|bin|sbin|lib|lib64|library|system|srv|dev|private|applications|[^/]*\.(?:ini|sys|dat|exe|log))(?:\/|$)/;
/** Rooted locations that developers' tools read legitimately (headers, docs, temporary files). */
const DEV_ALLOW_RE = /^\/(?:usr\/(?:local\/)?(?:share|include|lib\/python[\d.]*|lib\/node_modules)|opt\/homebrew|var\/tmp|var\/folders|private\/(?:tmp|var\/folders)|dev\/null$)/;

const HOME_RE = /^(?:~|\/(?:home|users)\/[^/]+)(?:\/|$)/;
/**
 * Temporary directories and the usual workspace roots of containers and CI runners: scratch space and
 * checkouts, like a home (`/tmp/build/output.log`, `/workspace/app/logs/app.log` are no server's log).
 */
const WORKSPACE_RE = /^\/(?:tmp|var\/tmp|private\/tmp|workspaces?|app|apps|code|src|project|projects|repo|repos|builds|github\/workspace|usr\/src\/app|srv\/app|opt\/app)(?:\/|$)/;
const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export interface Target {
  what: string;
  severity: Severity;
  /** Matched by a rule that holds anywhere (a key, a password file), not only by where it is rooted. */
  anywhere: boolean;
}

/**
 * Where a path starts: `relative` to a workspace; `escaped` (relative, but climbed out of its base,
 * so it may well land at the root); `absolute`.
 */
export type PathScope = 'relative' | 'escaped' | 'absolute';

/**
 * sensitiveTarget names what a resolved path (from resolvePath) reaches, if it is sensitive. The
 * catch-all "system location" rule needs an absolute path: `../../lib/x.js` is not `/lib`.
 */
export function sensitiveTarget(normalized: string, scope: PathScope): Target | undefined {
  const rooted = scope !== 'relative';
  const path = rooted && !/^[/~]/.test(normalized) ? `/${normalized}` : normalized;
  // A user's home, the temporary directories and a container's workspace: only the rules that hold anywhere (keys, dotfiles) apply there.
  const system = rooted && !HOME_RE.test(path) && !WORKSPACE_RE.test(path);
  let best: TargetRule | undefined;
  for (const r of RULES) {
    if (r.rooted && !system) continue;
    if ((!best || SEVERITY_RANK[r.severity] > SEVERITY_RANK[best.severity]) && (scope === 'relative' ? r.relativeRe : r.re).test(path)) best = r;
  }
  if (best) return { what: best.what, severity: best.severity, anywhere: !best.rooted };
  if (system && scope === 'absolute' && SYSTEM_ROOT_RE.test(path) && !DEV_ALLOW_RE.test(path)) {
    return { what: 'system location outside the workspace', severity: 'medium', anywhere: false };
  }
  return undefined;
}
