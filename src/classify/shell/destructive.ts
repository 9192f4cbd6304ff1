import { INERT_COMMANDS, flagSet, positionals, type CommandView } from './commands.js';
import { cliVerdict } from './destructive-cli.js';
import type { Finding } from './findings.js';
import { pathScope, type PathScope } from './paths.js';
import type { ShellCommand, ShellScript } from './script.js';
import { scriptView, type ScriptView } from './view.js';

/** How bad one destructive command is, and what to call it. */
export interface Verdict {
  severity: 'medium' | 'high' | 'critical';
  label: string;
}

const BLOCK_DEVICE = /^\/dev\/(sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|disk\d|rdisk\d|md\d|dm-\d|mapper\/|loop\d|sr\d)/;

/**
 * findDestructive lists the commands of a script that destroy data or state: deletions of broad
 * paths, disk formatting and overwrites, permission wipes, fork bombs, history-rewriting git,
 * and the deleting verbs of cluster, cloud, service and database CLIs. Words inside the arguments
 * of printing commands (`echo "rm -rf /"`, `rg "git reset --hard"`) and here-documents fed to
 * non-shells are data, so they do not count. `remote` marks a script run on another host
 * (`ssh host '…'`), whose temporary directories are not ours to judge.
 */
export function findDestructive(script: ShellScript, remote = false): Finding[] {
  const sv = scriptView(script);
  const src = script.source;
  const out: Finding[] = [];
  const add = (cmd: ShellCommand, v: Verdict | undefined): void => {
    if (v) out.push({ id: 'destructive_operation', severity: v.severity, label: v.label, text: src, start: cmd.start, end: cmd.end });
  };
  script.commands.forEach((cmd, i) => {
    add(cmd, redirectVerdict(cmd));
    const view = sv.views[i];
    if (!view || INERT_COMMANDS.has(view.name) || isInformational(view.args)) return;
    const viaFind = view.find ? findVerdict({ ...view, args: view.find, name: 'find' }) : undefined;
    add(cmd, viaFind ?? fileVerdict(view, remote) ?? gitVerdict(view) ?? cliVerdict(view, sv));
  });
  if (isForkBomb(sv)) out.push({ id: 'destructive_operation', severity: 'critical', label: 'fork bomb', text: src, start: 0, end: src.length });
  if (!script.parsed) out.push(...codeLikeCalls(src));
  return out;
}

/** isInformational reports a run that only prints help, a version, or what it would do (`--dry-run`). */
function isInformational(args: string[]): boolean {
  const rest = args.slice(1);
  if (rest.length === 0) return false;
  // `--dry-run=none` (kubectl) and `--dry-run=false` turn the preview off.
  if (rest.some((a) => a === '--help' || a === '--dry-run' || a === '--dryrun' || (/^--dry-run=/.test(a) && !/=(none|false|0)$/i.test(a)) || a === '--what-if')) return true;
  return rest.length === 1 && /^(-h|help|--version|-V|version)$/.test(rest[0]!);
}

/** redirectVerdict flags `> /dev/sda` and truncating writes over system files (`> /etc/passwd`). */
function redirectVerdict(cmd: ShellCommand): Verdict | undefined {
  for (const r of cmd.redirs) {
    if (!r.target || !/^(>|>\||&>|>>)$/.test(r.op) || r.fd === '0') continue;
    const t = r.target.value;
    if (BLOCK_DEVICE.test(t)) return { severity: 'critical', label: `overwrites disk ${t}` };
    // The kernel's magic keys: `c` crashes the machine, `b` reboots it, `o` powers it off, `e`/`i` kill every process.
    if (/^\/proc\/sysrq-trigger$/.test(t)) return { severity: 'critical', label: 'writes to /proc/sysrq-trigger (crash, reboot or kill all)' };
    if (r.op !== '>>' && /^\/(etc|boot|bin|sbin|usr|lib|lib64)\//.test(t) && !/^\/etc\/(hosts|motd)$/.test(t)) return { severity: 'high', label: `overwrites ${t}` };
    // A file of a database's data directory emptied (`: > …/global/pg_control`): the database no longer starts.
    if (r.op !== '>>' && pathScope(t) === 'system' && /^\/var\/lib\//.test(t)) return { severity: 'high', label: `overwrites ${t}` };
  }
  return undefined;
}

const SCOPE_RANK: Record<PathScope, number> = { root: 6, home: 5, system: 4, all: 3, absolute: 2, unknown: 1, relative: 0, temp: -1 };

function worstScope(paths: string[]): { scope: PathScope; path: string } | undefined {
  let worst: { scope: PathScope; path: string } | undefined;
  for (const p of paths) {
    const scope = pathScope(p);
    if (!worst || SCOPE_RANK[scope] > SCOPE_RANK[worst.scope]) worst = { scope, path: p };
  }
  return worst;
}

/** fileVerdict covers rm, shred, mkfs, dd, partitioners, chmod/chown -R, mv, find -delete and system power/users. */
function fileVerdict(view: CommandView, remote: boolean): Verdict | undefined {
  const { name, args } = view;
  const { short, long } = flagSet(args);
  const pos = positionals(args);
  switch (name) {
    case 'rm':
    case 'unlink':
    case 'srm': {
      const recursive = short.has('r') || short.has('R') || long.has('--recursive');
      if (long.has('--no-preserve-root')) return { severity: 'critical', label: 'rm --no-preserve-root' };
      const viaFind = view.wrappers.some((w) => w.endsWith('-exec'));
      const targets = pos.filter((p) => !p.includes('{}'));
      const flags = args.slice(1).filter((a) => a.startsWith('-')).join(' ');
      if (targets.length === 0) return recursive && !viaFind ? { severity: 'medium', label: `rm ${flags} of paths read from input` } : undefined;
      const worst = worstScope(targets)!;
      const label = `${name} ${flags ? `${flags} ` : ''}${worst.path}`;
      if (recursive && targets.some((t) => /^\$\{?\w+\}?\/\*?$/.test(t))) return { severity: 'high', label: `${label} (deletes / when the variable is empty)` };
      if (targets.some((t) => /(^|\/)\.git\/?$/.test(t))) return { severity: 'high', label: `${label} (the repository's history)` };
      if (recursive) {
        if (worst.scope === 'root' || worst.scope === 'home' || worst.scope === 'system') return { severity: 'critical', label };
        if (worst.scope === 'all' || worst.scope === 'absolute') return { severity: 'high', label };
        if (worst.scope === 'unknown' || worst.scope === 'relative') return { severity: 'medium', label };
        // dcg remote.ssh: `ssh host 'rm -rf …'` is denied whatever the path.
        return remote && (short.has('f') || long.has('--force')) ? { severity: 'medium', label: `${label} on a remote host` } : undefined;
      }
      if (worst.scope === 'root' || worst.scope === 'system') return { severity: 'high', label };
      if (worst.scope === 'all') return { severity: 'medium', label };
      return undefined;
    }
    case 'shred':
    case 'wipe':
      if (pos.length === 0) return undefined;
      return { severity: pos.some((p) => BLOCK_DEVICE.test(p)) ? 'critical' : 'high', label: `${name} ${pos.join(' ')}` };
    case 'wipefs':
    case 'blkdiscard':
    case 'mkswap':
    case 'mke2fs':
      return pos.length > 0 && !short.has('n') ? { severity: 'critical', label: `${name} ${pos.join(' ')}` } : undefined;
    case 'dd': {
      const of = args.find((a) => a.startsWith('of='))?.slice(3);
      if (!of) return undefined;
      if (BLOCK_DEVICE.test(of)) return { severity: 'critical', label: `dd to disk ${of}` };
      if (pathScope(of) === 'system') return { severity: 'high', label: `dd over ${of}` };
      return undefined;
    }
    case 'fdisk':
    case 'sfdisk':
    case 'gdisk':
    case 'sgdisk':
    case 'cfdisk':
    case 'parted': {
      if (short.has('l') || short.has('p') || long.has('--list') || long.has('--print') || pos.includes('print')) return undefined;
      if (!pos.some((p) => BLOCK_DEVICE.test(p) || p.startsWith('/dev/'))) return undefined;
      return { severity: 'critical', label: `${name} ${args.slice(1).join(' ')}` };
    }
    case 'lvremove':
    case 'vgremove':
    case 'pvremove':
      return pos.length > 0 ? { severity: 'critical', label: `${name} ${pos.join(' ')}` } : undefined;
    case 'zpool':
    case 'zfs':
      return pos[0] === 'destroy' ? { severity: 'critical', label: `${name} destroy ${pos[1] ?? ''}`.trim() } : undefined;
    case 'cryptsetup':
      return pos[0] && /^(luksFormat|erase|luksErase|reencrypt)$/i.test(pos[0]) ? { severity: 'critical', label: `cryptsetup ${pos[0]}` } : undefined;
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      const recursive = short.has('R') || long.has('--recursive');
      const worst = worstScope(pos.slice(1)); // after the mode, owner or group
      if (!worst) return undefined;
      if (worst.scope === 'root') return { severity: 'critical', label: `${name} ${args.slice(1).join(' ')}` };
      if (recursive && (worst.scope === 'system' || worst.scope === 'home')) return { severity: 'high', label: `${name} ${args.slice(1).join(' ')}` };
      // Every permission taken from a system file (`chmod 000 /etc/passwd`): nothing can read it any more.
      if (name === 'chmod' && /^(?:0+|[ugoa]*-rwx)$/.test(pos[0] ?? '') && (worst.scope === 'system' || worst.scope === 'home')) return { severity: 'high', label: `${name} ${args.slice(1).join(' ')}` };
      return undefined;
    }
    case 'tar':
    case 'bsdtar':
    case 'gtar':
    case 'unzip': {
      // An archive unpacked over the root or a system directory replaces whatever files it names there.
      const extracts = name === 'unzip' || short.has('x') || long.has('--extract') || long.has('--get') || /^[a-zA-Z]*x/.test(args[1] ?? '');
      const target = args.flatMap((a, j) => (a === '-C' || a === '--directory' || (name === 'unzip' && a === '-d') ? [args[j + 1] ?? ''] : /^--directory=/.test(a) ? [a.slice(12)] : /^-C./.test(a) ? [a.slice(2)] : []))[0];
      if (!extracts || target === undefined) return undefined;
      // `/usr/local` and `/opt` are where software is unpacked (`tar -C /usr/local -xzf go.tar.gz`); the system's own directories are not.
      const dir = target.replace(/["']/g, '').replace(/\/+$/, '') || '/';
      if (pathScope(target) === 'root') return { severity: 'critical', label: `${name} unpacks over ${target}` };
      return /^\/(?:etc|boot|bin|sbin|lib|lib64|usr|usr\/(?:bin|sbin|lib|lib64))$/.test(dir) ? { severity: 'high', label: `${name} unpacks over ${target}` } : undefined;
    }
    case 'mv': {
      if (pos.length < 2) return undefined;
      const dest = pos[pos.length - 1]!;
      if (dest === '/dev/null') return { severity: 'high', label: `mv to /dev/null` };
      const worst = worstScope(pos.slice(0, -1))!;
      if (worst.scope === 'root' || worst.scope === 'home' || worst.scope === 'system') return { severity: 'high', label: `mv ${worst.path}` };
      return undefined;
    }
    case 'truncate':
      return pos.some((p) => ['system', 'root'].includes(pathScope(p))) ? { severity: 'high', label: `truncate ${pos.join(' ')}` } : undefined;
    case 'find':
    case 'fd':
    case 'bfs':
      return findVerdict(view);
    case 'shutdown':
    case 'reboot':
    case 'halt':
    case 'poweroff':
      return args.includes('-c') || args.includes('-w') ? undefined : { severity: 'high', label: `${name} ${pos.join(' ')}`.trim() };
    case 'init':
    case 'telinit':
      return pos[0] === '0' || pos[0] === '6' ? { severity: 'high', label: `init ${pos[0]}` } : undefined;
    case 'kill':
      return args.slice(1).includes('-1') && args.slice(1).some((a) => /^-(9|KILL|s)$/.test(a)) ? { severity: 'high', label: 'kill every process' } : undefined;
    case 'killall5':
      return { severity: 'high', label: 'kill every process' };
    case 'crontab':
      return short.has('r') ? { severity: 'high', label: 'crontab -r' } : undefined;
    case 'userdel':
    case 'deluser':
    case 'groupdel':
    case 'delgroup':
      return pos.length > 0 ? { severity: 'medium', label: `${name} ${pos.join(' ')}` } : undefined;
    case 'iptables':
    case 'ip6tables':
      return short.has('F') || long.has('--flush') || short.has('X') ? { severity: 'medium', label: `${name} flush` } : undefined;
    case 'ufw':
      return pos[0] === 'disable' || pos[0] === 'reset' ? { severity: 'medium', label: `ufw ${pos[0]}` } : undefined;
    case 'setenforce':
      return pos[0] === '0' || pos[0]?.toLowerCase() === 'permissive' ? { severity: 'medium', label: 'setenforce 0 (SELinux off)' } : undefined;
    case 'auditctl':
      return (args.includes('-e') && args[args.indexOf('-e') + 1] === '0') || short.has('D') ? { severity: 'medium', label: 'auditctl: audit rules removed or auditing off' } : undefined;
    case 'nft':
      return pos[0] === 'flush' ? { severity: 'medium', label: 'nft flush' } : undefined;
  }
  // A file system made on a device wipes it; one made in an image file (`mkfs.ext4 ./disk.img`) builds an image.
  if (/^mkfs(\.\w+)?$/.test(name) && pos.length > 0 && pos.some((p) => !IMAGE_FILE_RE.test(p))) return { severity: 'critical', label: `${name} ${pos.join(' ')}` };
  return undefined;
}

/** A disk image file, not a device (`./disk.img`, `/tmp/rootfs.ext4`, `build/boot.raw`). */
const IMAGE_FILE_RE = /^(?!\/dev\/)[^$`]*\.(?:img|image|raw|ext[234]|iso|qcow2?|vhdx?|vmdk|bin|fs)$/i;

/** find deletes with -delete or -exec rm; broad when it starts at /, ~ or a system dir, or has no filter. */
function findVerdict(view: CommandView): Verdict | undefined {
  const args = view.args;
  const execAt = args.findIndex((a) => /^-(exec|execdir|ok|okdir)$/.test(a));
  const execRm = execAt >= 0 && /^(rm|shred|unlink)$/.test((args[execAt + 1] ?? '').split('/').pop() ?? '');
  const deletes = args.includes('-delete') || execRm;
  if (!deletes) return undefined;
  const roots: string[] = [];
  for (const a of args.slice(1)) {
    if (a.startsWith('-') || a === '(' || a === '!' || a === '\\(') break;
    roots.push(a);
  }
  if (roots.length === 0) roots.push('.');
  // `-type f` narrows nothing: every file of the tree still goes.
  const filtered = args.some((a) => /^-(i?name|i?path|i?wholename|i?regex|mtime|mmin|atime|amin|ctime|cmin|newer|size|empty|user|group|perm|inum|links|nouser|nogroup)$/.test(a));
  const worst = worstScope(roots)!;
  const label = `find ${worst.path} ${execRm ? '-exec rm' : '-delete'}`;
  if (worst.scope === 'root' || worst.scope === 'home' || worst.scope === 'system') return { severity: filtered ? 'high' : 'critical', label };
  if (filtered) return undefined;
  if (worst.scope === 'absolute') return { severity: 'high', label };
  if (worst.scope === 'temp') return undefined;
  return { severity: 'medium', label };
}

const GIT_VALUE_OPTIONS = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--super-prefix', '--config-env']);

/** gitVerdict covers git commands that throw away work or rewrite shared history. */
function gitVerdict(view: CommandView): Verdict | undefined {
  if (view.name !== 'git') return undefined;
  const args = view.args;
  let i = 1;
  while (i < args.length && args[i]!.startsWith('-')) i += GIT_VALUE_OPTIONS.has(args[i]!) ? 2 : 1;
  const sub = args[i];
  if (!sub) return undefined;
  const rest = args.slice(i + 1);
  const { short, long } = flagSet(['git', ...rest]);
  const pos = positionals(['git', ...rest]);
  const flags = rest.filter((a) => a.startsWith('-')).join(' ');
  const high = (label: string): Verdict => ({ severity: 'high', label });
  switch (sub) {
    case 'reset':
      return long.has('--hard') || long.has('--merge') || long.has('--keep') ? high(`git reset ${flags}`) : undefined;
    case 'clean': {
      const force = short.has('f') || long.has('--force');
      const dry = short.has('n') || long.has('--dry-run') || short.has('i') || long.has('--interactive');
      return force && !dry ? high(`git clean ${flags}`) : undefined;
    }
    case 'push': {
      // --force-with-lease alone is dcg core.git's suggested safe alternative: it refuses to drop unseen commits.
      const force = short.has('f') || long.has('--force') || long.has('--mirror') || long.has('--prune');
      const del = short.has('d') || long.has('--delete') || pos.some((p) => p.startsWith(':') && p.length > 1);
      const plus = pos.some((p) => p.startsWith('+'));
      if (force || plus) return high(`git push ${flags || pos.find((p) => p.startsWith('+'))}`);
      if (del) return high('git push --delete');
      // dcg strict_git: a direct push to master bypasses review (`git push origin HEAD:master`).
      if (pos.some((p) => /(^|:)master$/.test(p))) return { severity: 'medium', label: `git push ${pos.join(' ')} (direct push to master)` };
      return undefined;
    }
    case 'branch': {
      const del = short.has('D') || ((short.has('d') || long.has('--delete')) && (short.has('f') || long.has('--force')));
      const force = short.has('f') || long.has('--force') || short.has('M') || short.has('C');
      return del || force ? high(`git branch ${flags}`) : undefined;
    }
    case 'stash':
      return pos[0] === 'drop' || pos[0] === 'clear' ? high(`git stash ${pos[0]}`) : undefined;
    case 'checkout': {
      const dash = rest.indexOf('--');
      if (dash >= 0 && rest.length > dash + 1) return high(`git checkout -- ${rest.slice(dash + 1).join(' ')}`);
      if (pos.includes('.') || short.has('f') || long.has('--force')) return high(`git checkout ${rest.join(' ')}`);
      return undefined;
    }
    case 'restore': {
      const staged = short.has('S') || long.has('--staged');
      const worktree = short.has('W') || long.has('--worktree');
      return pos.length > 0 && (!staged || worktree) ? high(`git restore ${rest.join(' ')}`) : undefined;
    }
    case 'switch':
      return long.has('--discard-changes') || short.has('f') || long.has('--force') ? { severity: 'medium', label: `git switch ${flags}` } : undefined;
    case 'reflog':
      return pos[0] === 'expire' || pos[0] === 'delete' ? high(`git reflog ${pos[0]}`) : undefined;
    case 'gc':
      return rest.some((a) => /^--prune=(now|all)/.test(a)) ? { severity: 'medium', label: `git gc ${flags}` } : undefined;
    case 'filter-branch':
    case 'filter-repo':
      return high(`git ${sub}`);
    case 'update-ref':
      return short.has('d') ? high('git update-ref -d') : undefined;
    case 'rm':
      if (long.has('--cached')) return undefined;
      return (short.has('r') && (short.has('f') || long.has('--force'))) || pos.includes('.') ? { severity: 'medium', label: `git rm ${rest.join(' ')}` } : undefined;
  }
  return undefined;
}

/** isForkBomb finds a function that starts itself in a pipe or in the background: `:(){ :|:& };:`. */
function isForkBomb(sv: ScriptView): boolean {
  for (const fn of sv.script.functions) {
    const body = sv.sequences.get(fn.sequence) ?? [];
    if (body.some((c) => c.argv[0]?.value === fn.name && (c.background || c.connector === '|'))) return true;
  }
  return /:\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;?\s*:/.test(sv.script.source);
}

/** codeLikeCalls flags a client-library call pasted as a command (`gateway.customer.delete('cus_1')`). */
function codeLikeCalls(src: string): Finding[] {
  const m = /^\s*[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+\.(delete|destroy|remove|purge|drop|truncate|cancel|void|clear\w*|delete\w*|destroy\w*)\s*\(/.exec(src);
  if (!m) return [];
  return [{ id: 'destructive_operation', severity: 'medium', label: 'deleting API call', text: src, start: 0, end: src.length }];
}
