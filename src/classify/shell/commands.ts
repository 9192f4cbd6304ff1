import { commandName, type ShellCommand, type ShellWord } from './script.js';

/** A simple command seen through its wrappers: `sudo env X=1 nice rm -rf /` is viewed as `rm -rf /`. */
export interface CommandView {
  cmd: ShellCommand;
  /** The words from the executed command's name on. */
  words: ShellWord[];
  args: string[];
  /** Lower-cased name without its directory. */
  name: string;
  /** The wrappers that were peeled off, outermost first (`sudo`, `xargs`, `find -exec`…). */
  wrappers: string[];
  /** The `find` command whose -exec this view runs, if it is one. */
  find?: string[];
}

export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'busybox', 'rbash']);
export const INTERPRETERS = new Set([
  ...SHELLS,
  'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'nodejs', 'php', 'lua', 'deno', 'bun', 'tclsh', 'pwsh', 'powershell', 'iex', 'invoke-expression', 'source', '.',
]);
export const FETCHERS = new Set(['curl', 'wget', 'fetch', 'lwp-download', 'lwp-request', 'http', 'https', 'xh', 'aria2c', 'iwr', 'invoke-webrequest', 'irm', 'invoke-restmethod', 'certutil', 'bitsadmin', 'tftp', 'ftp']);
export const NETCATS = new Set(['nc', 'ncat', 'netcat', 'nc.traditional', 'nc.openbsd', 'socat', 'telnet', 'openssl', 'cryptcat', 'pwncat']);

/** Flags of common wrappers that take a value (`sudo -u root`, `timeout -s KILL 5`). */
const WRAPPER_VALUE_FLAGS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group', '--host', '--prompt', '--chdir']),
  doas: new Set(['-u', '-C']),
  env: new Set(['-u', '-C', '-S', '--unset', '--chdir', '--split-string']),
  nice: new Set(['-n', '--adjustment']),
  ionice: new Set(['-c', '-n', '-p', '--class', '--classdata']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  stdbuf: new Set(['-i', '-o', '-e']),
  xargs: new Set(['-I', '-n', '-P', '-L', '-d', '-a', '-E', '-s', '-l', '--max-args', '--max-procs', '--delimiter', '--arg-file', '--replace']),
  strace: new Set(['-o', '-e', '-p', '-s', '-u']),
  exec: new Set(['-a']),
  taskset: new Set([]),
  chroot: new Set(['--userspec', '--groups']),
  flock: new Set(['-w', '-E', '--timeout', '--conflict-exit-code']),
  parallel: new Set(['-j', '-S', '--jobs', '-n', '-N', '-d', '-a', '-I', '--delay', '--timeout']),
};

/** Wrappers whose first positional argument is not the command (`timeout 5 cmd`, `chroot /mnt cmd`). */
const WRAPPER_POSITIONAL: Record<string, number> = { timeout: 1, chroot: 1, taskset: 1, flock: 1 };

const SIMPLE_WRAPPERS = new Set([
  'sudo', 'doas', 'env', 'command', 'builtin', 'exec', 'nohup', 'time', 'nice', 'ionice', 'timeout', 'stdbuf', 'xargs', 'strace', 'ltrace',
  'setsid', 'unbuffer', 'chroot', 'taskset', 'flock', 'caffeinate', 'proxychains', 'proxychains4', 'torsocks', 'firejail', 'catchsegv', 'parallel', 'run-one', 'chronic', 'noglob', 'nocorrect',
]);

/**
 * viewCommand peels wrappers off a simple command: sudo/doas/env/command/nice/nohup/time/timeout/
 * xargs/… and `find … -exec cmd {} \;`. Returns undefined for `command -v x` (a lookup, not a run)
 * and for commands with no words.
 */
export function viewCommand(cmd: ShellCommand): CommandView | undefined {
  let words = cmd.argv;
  const wrappers: string[] = [];
  let find: string[] | undefined;
  for (let hop = 0; hop < 8 && words.length > 0; hop++) {
    const name = commandName(words[0]);
    if (name === 'find' || name === 'fd' || name === 'bfs') {
      const inner = findExec(words);
      if (!inner) break;
      wrappers.push(`${name} -exec`);
      find = words.map((w) => w.value);
      words = inner;
      continue;
    }
    if (!SIMPLE_WRAPPERS.has(name)) break;
    if ((name === 'command' || name === 'type' || name === 'builtin') && words.slice(1).some((w) => /^-[a-zA-Z]*[vV]/.test(w.value))) return undefined;
    const valueFlags = WRAPPER_VALUE_FLAGS[name] ?? new Set<string>();
    let i = 1;
    let positional = WRAPPER_POSITIONAL[name] ?? 0;
    while (i < words.length) {
      const v = words[i]!.value;
      if (v === '--') {
        i++;
        break;
      }
      if (v.startsWith('-') && v.length > 1) {
        if (name === 'sudo' && /^-[a-zA-Z]*[lve]$/.test(v) && !/^-[a-zA-Z]*[ui]/.test(v)) return undefined;
        i += valueFlags.has(v) ? 2 : 1;
        continue;
      }
      if (/^-?\d+$/.test(v) && (name === 'nice' || name === 'timeout')) {
        if (name === 'timeout') positional = 0;
        i++;
        continue;
      }
      if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) {
        i++;
        continue;
      }
      if (positional > 0) {
        positional--;
        i++;
        continue;
      }
      break;
    }
    if (i >= words.length) {
      // A bare wrapper (`sudo -i`, `xargs` alone) runs a shell or echo: nothing more to see.
      return { cmd, words, args: words.map((w) => w.value), name, wrappers, find };
    }
    wrappers.push(name);
    words = words.slice(i);
  }
  if (words.length === 0) return undefined;
  return { cmd, words, args: words.map((w) => w.value), name: commandName(words[0]), wrappers, find };
}

/** findExec returns the command of `find … -exec cmd … {} ;` (or -execdir/-ok), or `rm` for -delete. */
function findExec(words: ShellWord[]): ShellWord[] | undefined {
  const at = words.findIndex((w) => w.value === '-exec' || w.value === '-execdir' || w.value === '-ok' || w.value === '-okdir');
  if (at < 0) return undefined;
  const rest = words.slice(at + 1);
  const end = rest.findIndex((w) => w.value === ';' || w.value === '+' || w.value === '\\;');
  return end >= 0 ? rest.slice(0, end) : rest;
}

/** flagSet collects the single-letter flags of a command (`-rf` → r, f) and its long flags. */
export function flagSet(args: string[]): { short: Set<string>; long: Set<string> } {
  const short = new Set<string>();
  const long = new Set<string>();
  for (const a of args) {
    if (a === '--') break;
    if (a.startsWith('--')) long.add(a.split('=')[0]!);
    else if (/^-[A-Za-z]+$/.test(a)) for (const c of a.slice(1)) short.add(c);
  }
  return { short, long };
}

/** positionals returns the arguments that are not flags (after the command name). */
export function positionals(args: string[]): string[] {
  const out: string[] = [];
  let rest = false;
  for (const a of args.slice(1)) {
    if (!rest && a === '--') rest = true;
    else if (rest || !a.startsWith('-') || a === '-') out.push(a);
  }
  return out;
}

/** Commands that only print or look up their arguments; dangerous words in them are data. */
export const INERT_COMMANDS = new Set([
  'echo', 'printf', 'print', 'tldr', 'man', 'info', 'help', 'whatis', 'apropos', 'which', 'whereis', 'type', 'hash', 'command', 'compgen', 'complete', 'alias', 'unalias',
  'grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'git-grep', 'cowsay', 'figlet', 'banner', 'logger', 'notify-send', 'say', 'wall', 'write', 'read', ':', 'true', 'false', 'test', '[', '[[',
]);

/** An inline program: `bash -c 'STRING'`, `python -c CODE`, `ssh host CMD…`, a heredoc fed to a shell. */
export interface NestedProgram {
  language: 'shell' | 'code';
  text: string;
  /** The program runs on another host (`ssh host …`), where our temporary directories mean nothing. */
  remote?: boolean;
}

/** A shell named by the variable that holds it: `$SHELL`, `${BASH}`, `$0` (the running shell). */
const SHELL_VARIABLE_RE = /^\$\{?(?:shell|bash|0)\}?$/;

const CODE_FLAGS: Record<string, string[]> = {
  python: ['-c'], python2: ['-c'], python3: ['-c'], perl: ['-e', '-E'], ruby: ['-e'], node: ['-e', '--eval', '-p', '--print'], nodejs: ['-e', '--eval'],
  php: ['-r'], lua: ['-e'], deno: ['eval'], bun: ['-e', '--eval'], osascript: ['-e'], awk: [], gawk: [], mawk: [], nawk: [],
};

/** nestedPrograms lists the programs a command runs from a string (shell -c, interpreters, ssh, eval, heredocs). */
export function nestedPrograms(view: CommandView): NestedProgram[] {
  const { name, args } = view;
  const out: NestedProgram[] = [];
  const shellString = (s: string | undefined): void => {
    if (s !== undefined && s.trim()) out.push({ language: 'shell', text: s });
  };
  // `$SHELL -c …`, `$0 -c …`, `${BASH} -c …`: the shell by the variable that names it.
  if (SHELLS.has(name) || SHELL_VARIABLE_RE.test(name) || name === 'su' || name === 'runuser' || name === 'sg' || name === 'script' || name === 'flock') {
    const at = args.findIndex((a, i) => i > 0 && (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(a) || a === '--command'));
    if (at > 0) shellString(args[at + 1]);
    const eq = args.find((a) => a.startsWith('--command='));
    if (eq) shellString(eq.slice('--command='.length));
    if ((SHELLS.has(name) || SHELL_VARIABLE_RE.test(name)) && positionals(args).length === 0) {
      for (const r of view.cmd.redirs) {
        if (r.op === '<<<' && r.target) shellString(r.target.value);
        if ((r.op === '<<' || r.op === '<<-') && r.heredoc) shellString(r.heredoc.value);
      }
    }
  } else if (name === 'eval') {
    shellString(args.slice(1).join(' '));
  } else if (name === 'at' || name === 'batch') {
    // The job `at` reads from a here-string or heredoc (piped text is pipedPrograms').
    for (const r of view.cmd.redirs) {
      if (r.op === '<<<' && r.target) shellString(r.target.value);
      if ((r.op === '<<' || r.op === '<<-') && r.heredoc) shellString(r.heredoc.value);
    }
  } else if (name === 'alias') {
    // `alias ls='rm -rf ~'`: what the name runs from now on.
    for (const a of args.slice(1)) {
      const eq = a.indexOf('=');
      if (eq > 0 && !a.startsWith('-')) shellString(a.slice(eq + 1));
    }
  } else if (name === 'watch') {
    const at = args.findIndex((a, i) => i > 0 && !a.startsWith('-') && !/^-[nq]$/.test(args[i - 1] ?? '') && !/^--(interval|errexit)$/.test(args[i - 1] ?? ''));
    if (at > 0) shellString(args.slice(at).join(' '));
  } else if (name === 'ssh') {
    const rest = sshRemoteCommand(args);
    if (rest.length > 0) out.push({ language: 'shell', text: rest.join(' '), remote: true });
  } else if (name === 'ansible') {
    // dcg infrastructure.ansible: `ansible web -m shell -a 'rm -rf /srv/app'` runs the command on every host.
    const valueOf = (flags: string[]): string | undefined => {
      const at = args.findIndex((a) => flags.includes(a));
      return at > 0 ? args[at + 1] : undefined;
    };
    const module = valueOf(['-m', '--module-name']);
    const command = valueOf(['-a', '--args']);
    if (module && /^(ansible\.builtin\.)?(shell|command|raw)$/.test(module) && command) out.push({ language: 'shell', text: command, remote: true });
  } else if ((name === 'docker' || name === 'podman' || name === 'kubectl' || name === 'oc') && args.includes('exec')) {
    const dash = args.indexOf('--');
    if (dash > 0) shellString(quoteJoin(args.slice(dash + 1)));
    else {
      const pos = positionals(args);
      const at = pos.indexOf('exec');
      if (at >= 0 && pos.length > at + 2) shellString(quoteJoin(pos.slice(at + 2)));
    }
  } else if (name === 'cmd' || name === 'cmd.exe') {
    const at = args.findIndex((a) => /^\/[ck]$/i.test(a));
    if (at > 0) shellString(args.slice(at + 1).join(' '));
  } else if (name === 'pwsh' || name === 'powershell' || name === 'powershell.exe') {
    const at = args.findIndex((a) => /^-(c|command)$/i.test(a));
    if (at > 0) out.push({ language: 'code', text: args.slice(at + 1).join(' ') });
  } else if (CODE_FLAGS[name] !== undefined || /^python\d(\.\d+)?$/.test(name)) {
    const flags = CODE_FLAGS[name] ?? ['-c'];
    if (flags.length === 0) {
      const prog = positionals(args)[0];
      if (prog) out.push({ language: 'code', text: prog });
    }
    for (let i = 1; i < args.length; i++) {
      const a = args[i]!;
      if (flags.includes(a) && args[i + 1] !== undefined) out.push({ language: 'code', text: args[i + 1]! });
      else if (/^-[a-zA-Z]+$/.test(a) && flags.some((f) => f.length === 2 && a.endsWith(f[1]!)) && args[i + 1] !== undefined) out.push({ language: 'code', text: args[i + 1]! });
    }
    if (positionals(args).length === 0) {
      for (const r of view.cmd.redirs) {
        if (r.op === '<<<' && r.target) out.push({ language: 'code', text: r.target.value });
        if ((r.op === '<<' || r.op === '<<-') && r.heredoc) out.push({ language: 'code', text: r.heredoc.value });
      }
    }
  }
  return out;
}

const SSH_VALUE_FLAGS = new Set(['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w', '-B']);

function sshRemoteCommand(args: string[]): string[] {
  let i = 1;
  while (i < args.length) {
    const a = args[i]!;
    if (a.startsWith('-') && a.length > 1) {
      i += SSH_VALUE_FLAGS.has(a) ? 2 : 1;
      continue;
    }
    break;
  }
  return args.slice(i + 1);
}

/** quoteJoin writes argv back as a shell command line, quoting what needs it. */
export function quoteJoin(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
