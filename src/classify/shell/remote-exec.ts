import { FETCHERS, INTERPRETERS, NETCATS, SHELLS, positionals, quoteJoin, type CommandView, type NestedProgram } from './commands.js';
import type { Finding } from './findings.js';
import { isCredentialPath, isPlantedLibrary, normalizePath } from './paths.js';
import { cronCommands, persistedProgram } from './persistence.js';
import type { ShellCommand, ShellWord } from './script.js';
import { ownerOf, viewOf, type ScriptView } from './view.js';

/** Commands that print a file's contents. */
const READERS = new Set([
  'cat', 'tac', 'head', 'tail', 'less', 'more', 'most', 'nl', 'od', 'xxd', 'hexdump', 'strings', 'base64', 'base32', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'awk', 'gawk',
  'sed', 'cut', 'sort', 'uniq', 'diff', 'cmp', 'type', 'bat', 'batcat', 'view', 'paste', 'column', 'tr', 'zcat', 'openssl', 'gpg', 'jq', 'yq',
]);
/** Commands that copy or pack files (their last argument is the destination). */
const COPIERS = new Set(['cp', 'scp', 'rsync', 'tar', 'zip', '7z', '7za', 'rar', 'gzip', 'bzip2', 'xz', 'mv', 'install', 'dd']);
/** Commands that decode an opaque blob, so `echo … | base64 -d | sh` hides what runs. */
function isDecoder(view: CommandView | undefined): boolean {
  if (!view) return false;
  const args = view.args.slice(1);
  switch (view.name) {
    case 'base64':
    case 'base32':
      return args.some((a) => /^(-d|-D|--decode)$/.test(a) || /^-[a-z]*d[a-z]*$/.test(a));
    case 'openssl':
      return args.includes('-d') && args.some((a) => a === 'base64' || a === '-base64' || a === '-a');
    case 'xxd':
      return args.some((a) => /^-[a-z]*r/.test(a));
    case 'rev':
    case 'uudecode':
      return true;
    case 'printf':
    case 'echo':
      return args.some((a) => /(\\x[0-9a-f]{2}|\\[0-7]{3}){3}/i.test(a));
  }
  return false;
}

/**
 * isGenerator: a program whose output is a command line written at run time, so that no filter sees it —
 * `tr` rotating letters (`tr a-z n-za-m`), an interpreter printing one (`python3 -c 'print(…)'`, `awk 'BEGIN{printf…}'`).
 */
function isGenerator(view: CommandView | undefined): boolean {
  if (!view) return false;
  if (view.name === 'tr') return view.args.slice(1).some((a) => /^\[?[a-zA-Z]-[a-zA-Z]/.test(a)) && view.args.slice(1).some((a) => /[n-zN-Z]-[za-mZA-M]/.test(a));
  if (view.name === 'awk' || view.name === 'gawk' || view.name === 'mawk') return view.args.some((a) => /\bBEGIN\s*\{[^}]*\bprintf?\b/.test(a));
  if (INTERPRETERS.has(view.name) && !SHELLS.has(view.name)) return view.args.slice(1).some((a, i, rest) => /^-[a-zA-Z]*[ce]$/.test(a) && /\b(?:print|echo|puts|console\.log|say)\b/.test(rest[i + 1] ?? ''));
  return false;
}

/** runsStdin reports whether a command runs what it reads on stdin (`sh`, `bash -s`, `python -`, `iex`). */
function runsStdin(view: CommandView | undefined): boolean {
  if (!view || !INTERPRETERS.has(view.name)) return false;
  if (view.name === 'source' || view.name === '.') return view.args.slice(1).some((a) => a === '/dev/stdin' || a === '-');
  const flags = view.args.slice(1).filter((a) => a.startsWith('-') && a !== '-');
  if (flags.some((f) => /^-[a-zA-Z]*[ce]$/.test(f) || f === '--eval' || f === '--command' || f === '-m' || f === '-p')) return false;
  const pos = positionals(view.args);
  return pos.length === 0 || pos[0] === '-' || flags.includes('-s') || pos[0] === '/dev/stdin';
}

/** runsWord reports whether a command runs the text of one of its words (`sh -c "$(…)"`, `eval "$(…)"`, `. <(…)`). */
function runsWord(view: CommandView, word: ShellWord): boolean {
  const at = view.words.indexOf(word);
  if (at < 0) return false;
  if (at === 0 || view.name === 'eval' || view.name === 'source' || view.name === '.') return true;
  if (!INTERPRETERS.has(view.name)) return false;
  const before = view.args[at - 1] ?? '';
  return /^-[a-zA-Z]*[ce]$|^--(eval|command)$|^-command$/i.test(before) || positionals(view.args.slice(0, at + 1)).length === 1;
}

const takesUrl = (v: CommandView | undefined): boolean => !!v && v.args.some((a) => /^(?:https?|ftps?):\/\/\S/i.test(a));
const isFetcher = (v: CommandView | undefined): boolean => !!v && (FETCHERS.has(v.name) || v.name === 'scp' || v.name === 'rsync');
const isNetcat = (v: CommandView | undefined): boolean => !!v && NETCATS.has(v.name);

/** printedText is what `echo`/`printf` (escapes read) or a heredoc / here-string fed to `cat` writes to stdout. */
function printedText(v: CommandView | undefined): string | undefined {
  if (!v) return undefined;
  if (v.name === 'echo' || v.name === 'printf') {
    const words = v.name === 'echo' ? v.args.slice(1).filter((a, i) => i > 0 || !/^-[neE]+$/.test(a)) : v.args.slice(1);
    const text = words.join(' ');
    return text.includes('\\') ? text.replace(/\\n/g, '\n').replace(/\\t/g, '\t') : text;
  }
  if (v.name === 'cat' && positionals(v.args).length === 0) {
    for (const r of v.cmd.redirs) {
      if (r.op === '<<<' && r.target) return r.target.value;
      if ((r.op === '<<' || r.op === '<<-') && r.heredoc) return r.heredoc.value;
    }
  }
  return undefined;
}

/**
 * pipedPrograms lists the command text a script writes and runs, or schedules, itself: printed into a
 * shell (`echo "rm -rf /" | sh`, `cat <<EOF | bash`), into `at`/`batch`, into `crontab -` or a cron
 * file (each line's command after its schedule), or substituted into `sh -c "$(printf …)"`.
 */
export function pipedPrograms(sv: ScriptView): NestedProgram[] {
  const out: NestedProgram[] = [];
  for (const pipe of sv.pipelines) {
    // Each printed text goes to the first command after it that runs or schedules it: one pass per pipeline.
    let printed: string[] = [];
    for (const c of pipe) {
      const v = viewOf(sv, c);
      const cron = v?.name === 'crontab' && (positionals(v.args).length === 0 || positionals(v.args).includes('-'));
      const runs = v !== undefined && ((SHELLS.has(v.name) && runsStdin(v)) || v.name === 'at' || v.name === 'batch');
      if ((cron || runs) && printed.length > 0) {
        for (const text of printed) {
          if (!cron) out.push({ language: 'shell', text });
          else for (const line of cronCommands(text, false)) out.push({ language: 'shell', text: line });
        }
        printed = [];
      }
      const text = printedText(v);
      if (text?.trim()) printed.push(text);
    }
  }
  // Text printed into a file that runs by itself later — a cron file (each line's command after its schedule), a shell's
  // startup file, a git hook, a systemd unit's Exec= lines (`echo "* * * * * root curl … | sh" > /etc/cron.d/x`,
  // `echo 'bash -i >& /dev/tcp/…' >> ~/.bashrc`, `… | tee -a ~/.profile`).
  sv.script.commands.forEach((cmd, i) => {
    const text = printedText(sv.views[i]);
    if (!text) return;
    for (const r of cmd.redirs) {
      const program = (r.op === '>' || r.op === '>>' || r.op === '>|') && r.target ? persistedProgram(r.target.value, text) : undefined;
      if (program) out.push({ language: 'shell', text: program });
    }
  });
  for (const pipe of sv.pipelines) {
    for (let k = 1; k < pipe.length; k++) {
      const tee = viewOf(sv, pipe[k]!);
      const text = tee?.name === 'tee' ? printedText(viewOf(sv, pipe[k - 1]!)) : undefined;
      if (!text) continue;
      for (const file of positionals(tee!.args)) {
        const program = persistedProgram(file, text);
        if (program) out.push({ language: 'shell', text: program });
      }
    }
  }
  // `set -- rm -rf /; "$@"`: the positional parameters a script set itself, run as a command.
  let positional: string[] | undefined;
  sv.script.commands.forEach((cmd, i) => {
    const v = sv.views[i];
    if (v?.name === 'set' && v.args[1] === '--') positional = v.args.slice(2);
    const first = cmd.argv[0];
    if (positional && positional.length > 0 && first?.pieces.length === 1 && first.pieces[0]!.kind === 'param' && /^[@*]$/.test(first.pieces[0]!.param ?? '')) {
      out.push({ language: 'shell', text: [quoteJoin(positional), ...cmd.argv.slice(1).map((w) => w.raw)].join(' ') });
    }
  });
  for (const subst of sv.script.substs) {
    const inner = sv.sequences.get(subst.sequence) ?? [];
    if (inner.length !== 1) continue;
    const text = printedText(viewOf(sv, inner[0]!));
    const owner = ownerOf(sv, subst);
    const ov = owner && viewOf(sv, owner.cmd);
    if (text?.trim() && owner && ov && SHELLS.has(ov.name) && runsWord(ov, owner.word)) out.push({ language: 'shell', text });
  }
  return out;
}

/**
 * downloadExec finds code fetched from the network (or decoded from an opaque blob) and run
 * straight away: `curl … | sh`, `sh -c "$(curl …)"`, `bash <(wget -O- …)`, `nc host 80 | sh`,
 * `curl -o x.sh … && bash x.sh`, `echo … | base64 -d | bash`.
 */
export function downloadExec(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  const src = sv.script.source;
  for (const pipe of sv.pipelines) {
    const views = pipe.map((c) => viewOf(sv, c));
    const sink = views.findIndex((v, i) => i > 0 && runsStdin(v));
    if (sink < 0) continue;
    const upstream = views.slice(0, sink);
    const start = pipe[0]!.start;
    const end = pipe[sink]!.end;
    // Any program handed a URL whose output a shell runs fetches code: also one named through variables (`a=c;b=url;$a$b … | bash`).
    if (upstream.some((v) => isFetcher(v) || takesUrl(v))) out.push({ id: 'command_injection', severity: 'critical', label: 'download and execute', text: src, start, end });
    else if (upstream.some(isNetcat)) out.push({ id: 'command_injection', severity: 'critical', label: 'remote shell', text: src, start, end });
    else if (upstream.some(isDecoder)) out.push({ id: 'command_injection', severity: 'critical', label: 'decode and execute', text: src, start, end });
    else if (upstream.some(isGenerator)) out.push({ id: 'command_injection', severity: 'high', label: 'runs the commands another program prints', text: src, start, end });
  }
  for (const subst of sv.script.substs) {
    const inner = (sv.sequences.get(subst.sequence) ?? []).map((c) => viewOf(sv, c));
    const fetches = inner.some(isFetcher);
    const decodes = inner.some(isDecoder);
    if (!fetches && !decodes) continue;
    const owner = ownerOf(sv, subst);
    const ov = owner && viewOf(sv, owner.cmd);
    if (!owner || !ov) continue;
    const fedToShell = SHELLS.has(ov.name) && owner.cmd.redirs.some((r) => r.target === owner.word && r.op.startsWith('<'));
    if (runsWord(ov, owner.word) || fedToShell) {
      out.push({ id: 'command_injection', severity: 'critical', label: fetches ? 'download and execute' : 'decode and execute', text: src, start: owner.cmd.start, end: owner.cmd.end });
    }
  }
  out.push(...downloadThenRun(sv));
  return out;
}

/**
 * downloadThenRun finds `curl -o f URL; sh f` / `wget URL -O f && chmod +x f && ./f`, and on Windows
 * `curl URL -o %TEMP%\x.exe && %TEMP%\x.exe` / `certutil -urlcache -f URL x.exe & x.exe`.
 */
function downloadThenRun(sv: ScriptView): Finding[] {
  const saved = new Map<string, ShellCommand>();
  const out: Finding[] = [];
  sv.script.commands.forEach((cmd, i) => {
    const v = sv.views[i];
    if (!v) return;
    if (v.name === 'curl' || v.name === 'wget' || v.name === 'certutil') {
      for (const f of downloadedFiles(v)) saved.set(baseName(f), cmd);
      return;
    }
    if (saved.size === 0) return;
    const pos = positionals(v.args);
    // A program run by its path, or a Windows executable by its name (the working directory is searched first there).
    const runs = INTERPRETERS.has(v.name) ? pos[0] : v.args[0]!.includes('/') || WINDOWS_PROGRAM.test(v.args[0]!) ? v.args[0] : undefined;
    if (runs && saved.has(baseName(runs))) {
      const from = saved.get(baseName(runs))!;
      out.push({ id: 'command_injection', severity: 'critical', label: 'download and execute', text: sv.script.source, start: from.start, end: cmd.end });
    }
  });
  return out;
}

const WINDOWS_PROGRAM = /\.(?:exe|com|bat|cmd|ps1|vbs|js|hta|scr|msi)$/i;

function downloadedFiles(v: CommandView): string[] {
  const files: string[] = [];
  const a = v.args;
  if (v.name === 'certutil') {
    // `certutil -urlcache [-split] -f URL [file]`: the file, or the URL's last name.
    const pos = positionals(a);
    const url = pos.findIndex((p) => /^\w+:\/\//.test(p));
    if (url < 0 || !a.some((x) => /^[-/]urlcache$/i.test(x))) return files;
    files.push(pos[url + 1] ?? pos[url]!.split('?')[0]!);
    return files;
  }
  for (let i = 1; i < a.length; i++) {
    if (/^(-o|--output|-O|--output-document)$/.test(a[i]!) && a[i + 1] && !a[i + 1]!.startsWith('-')) files.push(a[i + 1]!);
    else if (/^--output(-document)?=/.test(a[i]!)) files.push(a[i]!.split('=')[1]!);
  }
  const remoteName = (v.name === 'wget' && !files.length) || a.includes('-O') || a.includes('--remote-name');
  if (remoteName) for (const u of positionals(a)) if (/^\w+:\/\//.test(u)) files.push(u.split('?')[0]!);
  for (const r of v.cmd.redirs) if ((r.op === '>' || r.op === '>>') && r.target) files.push(r.target.value);
  return files;
}

function baseName(p: string): string {
  // `%TEMP%\x.exe` reaches the rules as `%TEMP%x.exe` (the backslash read as an escape): the name after the variable.
  return (p.replace(/\/+$/, '').split('/').pop() ?? p).replace(/^(?:%\w+%|\$\{?\w+\}?)/, '');
}

const AWKS = new Set(['awk', 'gawk']);
/** Mining programs: the usual payload of a compromised build machine or agent sandbox. */
const MINERS = new Set(['xmrig', 'xmr-stak', 'minerd', 'cpuminer', 'cpuminer-multi', 'ccminer', 't-rex', 'nbminer', 'lolminer', 'ethminer', 'cgminer', 'bfgminer', 'nanominer', 'phoenixminer', 'gminer', 'teamredminer', 'srbminer', 'xmrig-cuda']);

/**
 * reverseShell finds shells wired to the network: `/dev/tcp/host/port` redirections, `nc -e /bin/sh`,
 * `ncat --exec`, `socat … exec:`, `mkfifo` pipes through nc/telnet, gawk's `/inet/tcp`; and, beside
 * them, `ssh -R` tunnels and cryptominers.
 */
export function reverseShell(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  const src = sv.script.source;
  let fifo: ShellCommand | undefined;
  let netcat: ShellCommand | undefined;
  sv.script.commands.forEach((cmd, i) => {
    const v = sv.views[i];
    const targets = [...cmd.redirs.flatMap((r) => (r.target ? [r.target.value] : [])), ...cmd.argv.map((w) => w.value)];
    if (targets.some((t) => /^\/dev\/(tcp|udp)\/[^/]+\/\w+/.test(t))) {
      out.push({ id: 'command_injection', severity: 'critical', label: 'reverse shell over /dev/tcp', text: src, start: cmd.start, end: cmd.end });
    }
    if (!v) return;
    // gawk's network files: `awk 'BEGIN {s = "/inet/tcp/0/10.0.0.1/4444"; …}'`
    if (AWKS.has(v.name) && v.args.some((a) => /\/inet[46]?\/(?:tcp|udp)\/\d+\/[^/\s"']+\/\d+/.test(a))) {
      out.push({ id: 'command_injection', severity: 'critical', label: `reverse shell over ${v.name} /inet/tcp`, text: src, start: cmd.start, end: cmd.end });
    }
    // A remote forward makes the other host's port reach into this one: a tunnel out through the firewall.
    if (v.name === 'ssh' && v.args.slice(1).some((a, j, all) => /^-(?!o)[a-zA-Z]*R/.test(a) || /^-oRemoteForward\b/i.test(a) || (all[j - 1] === '-o' && /^RemoteForward\b/i.test(a)))) {
      out.push({ id: 'command_injection', severity: 'high', label: 'ssh reverse tunnel (-R)', text: src, start: cmd.start, end: cmd.end });
    }
    if (MINERS.has(v.name) || v.args.some((a) => /^stratum\+(?:tcp|ssl|tls):\/\//i.test(a))) {
      out.push({ id: 'command_injection', severity: 'high', label: `cryptocurrency miner (${v.name})`, text: src, start: cmd.start, end: cmd.end });
    }
    if (v.name === 'mkfifo' || (v.name === 'mknod' && v.args.includes('p'))) fifo = cmd;
    const args = v.args.slice(1);
    const shellArg = (a: string | undefined): boolean => !!a && /^(\/[\w/]*\/)?(ba|z|k|da|c|tc)?sh(\.exe)?$|^cmd(\.exe)?$|^powershell/i.test(a);
    const execFlag = args.findIndex((a, j) => /^-[a-zA-Z]*[ec]$/.test(a) && shellArg(args[j + 1]));
    if (isNetcat(v)) {
      netcat = cmd;
      const ncatExec = args.some((a) => /^--(exec|sh-exec|lua-exec)/.test(a));
      const socatExec = v.name === 'socat' && args.some((a) => /(^|,)(exec|system):/i.test(a));
      if (execFlag >= 0 || ncatExec || socatExec) out.push({ id: 'command_injection', severity: 'critical', label: `${v.name} shell`, text: src, start: cmd.start, end: cmd.end });
    } else if (execFlag >= 0 && args.some((a) => /(^|[^a-z])(nc|ncat|netcat)$/i.test(a) || /^-[a-z]*l[a-z]*p$/.test(a))) {
      out.push({ id: 'command_injection', severity: 'critical', label: 'netcat shell', text: src, start: cmd.start, end: cmd.end });
    }
  });
  if (fifo && netcat) out.push({ id: 'command_injection', severity: 'critical', label: 'reverse shell through a fifo', text: src, start: fifo.start, end: netcat.end });
  return out;
}

/** Directories holding nothing but credentials: packing or copying one whole takes them all. */
const CREDENTIAL_DIR = /^(?:\/home\/[^/]+|\/root)\/\.(ssh|aws|gnupg|kube|docker|azure|config\/gcloud|password-store)\/?$|^\/etc\/ssl\/private\/?$/;

function isCredentialDir(p: string): boolean {
  return p.length <= 300 && CREDENTIAL_DIR.test(normalizePath(p.replace(/["']/g, '')));
}

/** A variable named for a secret: `$AWS_SECRET_ACCESS_KEY`, `${GITHUB_TOKEN}`, `$DB_PASSWORD`. */
const SECRET_VARIABLE = /\$\{?[A-Za-z_][A-Za-z0-9_]*(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)[A-Za-z0-9_]*\}?/i;

/**
 * dumpsSecrets names what a command prints that holds secrets: the whole environment (`env`,
 * `printenv`, `set`, `export -p`, `declare -x`), or a variable named for a secret (`echo $API_KEY`).
 */
function dumpsSecrets(v: CommandView): string | undefined {
  const rest = v.args.slice(1);
  const named = positionals(v.args);
  switch (v.name) {
    case 'env':
      // `env` with nothing to run (assignments at most) prints the environment.
      return named.every((p) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(p)) ? 'the environment' : undefined;
    case 'printenv':
      if (named.length === 0) return 'the environment';
      return named.find((n) => SECRET_VARIABLE.test(`$${n}`)) && `$${named.join(' $')}`;
    case 'set':
    case 'export':
      return rest.length === 0 || (v.name === 'export' && rest[0] === '-p') ? 'the environment' : undefined;
    case 'declare':
    case 'typeset':
      return rest.length > 0 && rest.every((a) => /^-[a-zA-Z]*[px][a-zA-Z]*$/.test(a)) ? 'the environment' : undefined;
    case 'echo':
    case 'printf':
    case 'print':
      return rest.find((a) => SECRET_VARIABLE.test(a))?.match(SECRET_VARIABLE)?.[0];
    case 'cat':
      return rest.some((a) => /^\/proc\/(self|\d+)\/environ$/.test(a)) ? 'the environment' : undefined;
    case 'gpg':
    case 'gpg2':
      return rest.some((a) => /^--export-secret-(?:sub)?keys$/.test(a)) ? 'the GnuPG secret keys' : undefined;
  }
  return undefined;
}

/** egress: a command that talks to the network (`openssl` only as `s_client`: otherwise it encrypts, hashes or encodes locally). */
function egress(v: CommandView | undefined): boolean {
  return isFetcher(v) || (isNetcat(v) && (v!.name !== 'openssl' || v!.args.includes('s_client')));
}

/** sendsStdin: a network client that sends what it reads on stdin as a body or an upload (`curl -d @-`, `curl -T -`, `nc host port`). */
function sendsStdin(v: CommandView): boolean {
  if (!isFetcher(v)) return egress(v);
  const a = v.args;
  return a.some((x, j) => {
    if (j === 0) return false;
    if ((x === '-T' || x === '--upload-file') && a[j + 1] === '-') return true;
    if (/^--(post|body)-file=(-|\/dev\/stdin)$/.test(x) || (/^--(post|body)-file$/.test(x) && (a[j + 1] === '-' || a[j + 1] === '/dev/stdin'))) return true;
    return /(^|=)@(-|\/dev\/stdin)$/.test(x) && !/^(-H|--header)$/.test(a[j - 1] ?? '') && !/^(-H|--header)/.test(x);
  });
}

/**
 * secretEgress finds secrets sent over the network from the shell: the environment or a secret
 * variable piped into a network client (`env | curl -d @- …`, `echo $AWS_SECRET_ACCESS_KEY | nc …`),
 * the environment substituted into one (`curl -d "$(env)" …`), and credential directories packed or
 * copied to one (`tar czf - ~/.ssh | curl -T - …`, `scp -r ~/.aws host:`).
 */
export function secretEgress(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  const src = sv.script.source;
  for (const pipe of sv.pipelines) {
    const views = pipe.map((c) => viewOf(sv, c));
    const sink = views.findIndex((v, i) => i > 0 && egress(v));
    if (sink < 0) continue;
    for (let i = 0; i < sink; i++) {
      const v = views[i];
      if (!v) continue;
      const what = dumpsSecrets(v) ?? (COPIERS.has(v.name) ? v.args.slice(1).find(isCredentialDir) : undefined);
      // One variable piped on is how tokens are handed to a client unseen (`echo "Authorization: Bearer $T" | curl -H @- …`):
      // only one sent on as the body or an upload counts.
      if (what && (!what.startsWith('$') || sendsStdin(views[sink]!))) {
        const severity = what.startsWith('$') ? 'high' : 'critical';
        out.push({ id: 'command_injection', severity, label: `sends ${what} over the network`, text: src, start: pipe[i]!.start, end: pipe[sink]!.end });
        break;
      }
    }
  }
  for (const subst of sv.script.substs) {
    const inner = (sv.sequences.get(subst.sequence) ?? []).map((c) => viewOf(sv, c));
    const what = inner.map((v) => (v ? dumpsSecrets(v) : undefined)).find((w) => w === 'the environment');
    if (!what) continue;
    const owner = ownerOf(sv, subst);
    const ov = owner && viewOf(sv, owner.cmd);
    if (owner && egress(ov)) out.push({ id: 'command_injection', severity: 'critical', label: `sends ${what} over the network`, text: src, start: owner.cmd.start, end: owner.cmd.end });
  }
  sv.script.commands.forEach((cmd, i) => {
    const v = sv.views[i];
    if (v && uploadsEachFile(v)) {
      const credentials = CREDENTIAL_FILE_NAME.test(src);
      out.push({ id: 'command_injection', severity: credentials ? 'critical' : 'high', label: `uploads ${credentials ? 'key and credential files' : 'each file'} ${v.find ? 'find' : 'xargs'} selects`, text: src, start: cmd.start, end: cmd.end });
      return;
    }
    if (!v || (v.name !== 'scp' && v.name !== 'rsync')) return;
    const pos = positionals(v.args);
    const dir = pos.slice(0, -1).find(isCredentialDir);
    if (dir && /^[^/]*:/.test(pos[pos.length - 1] ?? '')) out.push({ id: 'command_injection', severity: 'critical', label: `sends ${dir} over the network`, text: src, start: cmd.start, end: cmd.end });
  });
  return out;
}

/** Names of key and credential files as a search selects them (`-name '*.pem'`, `-name 'id_rsa*'`). */
const CREDENTIAL_FILE_NAME = /\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.(?:pem|key|p12|pfx|jks|kdbx|ovpn|ppk|keystore)\b|(?:^|[\s'"*/])(?:\.env|\.netrc|\.pgpass|\.git-credentials|credentials|wallet\.dat|\.npmrc|\.pypirc)\b/;

/**
 * uploadsEachFile: a network client that `find -exec` or `xargs` runs once per file found, with that
 * file as its upload (`curl -F f=@{}`, `curl -T {}`, `wget --post-file={}`, `scp {} host:`), i.e. a
 * search whose results leave the machine.
 */
function uploadsEachFile(v: CommandView): boolean {
  if (!v.find && !v.wrappers.includes('xargs')) return false;
  const a = v.args;
  if (v.name === 'scp' || v.name === 'rsync') {
    const pos = positionals(a);
    return pos.slice(0, -1).some((p) => p.includes('{}')) && /^[^/]*:/.test(pos[pos.length - 1] ?? '');
  }
  if (!isFetcher(v)) return false;
  return a.some((x, j) => j > 0 && (/@\{\}/.test(x) || (/^(-T|--upload-file|--post-file|--body-file)$/.test(x) && a[j + 1] === '{}') || /^--(post|body)-file=\{\}$/.test(x)));
}

/**
 * Files that decide who may log in and as whom, and what every program loads: writing to one plants
 * access (`>> ~/.ssh/authorized_keys`, `sed -i … /etc/ssh/sshd_config`, `tee /etc/sudoers.d/x`,
 * `/etc/ld.so.preload`). Units, cron jobs and profile scripts are how services are deployed too: a
 * write there is left to the destructive rules (and to review), not called an attack.
 */
const ACCESS_FILE =
  /(?:^|\/)(?:\.ssh\/authorized_keys2?|etc\/(?:passwd|shadow|gshadow|group|sudoers(?:\.d\/.*)?|ssh\/sshd_config(?:\.d\/.*)?|pam\.d\/.*|security\/.*|ld\.so\.preload))$/;

function isAccessFile(path: string): boolean {
  return path.length <= 300 && ACCESS_FILE.test(normalizePath(path.replace(/["']/g, '')).replace(/\/$/, ''));
}

/** Groups whose members are root in all but name. */
const ROOT_GROUPS = /(?:^|,)(?:0|sudo|wheel|root|admin|adm|docker|lxd|disk|shadow)(?:,|$)/;

/**
 * accessWrite names a command that edits an access file in place or copies one over it (`sed -i`,
 * `perl -pi`, `tee`, `cp`/`mv`/`install`/`ln` to it, `dd of=`), or makes a user root: a second UID 0,
 * a root-equivalent group, a setuid bit, a root password removed.
 */
function accessWrite(v: CommandView, pos: string[]): string | undefined {
  const flags = v.args.slice(1).filter((a) => a.startsWith('-'));
  switch (v.name) {
    case 'tee':
      return pos.find(isAccessFile) && `plants access in ${pos.find(isAccessFile)}`;
    case 'sed':
    case 'perl':
    case 'ruby': {
      if (!flags.some((f) => /^-[a-zA-Z]*i/.test(f) || f.startsWith('--in-place'))) return undefined;
      const target = pos.slice(1).find(isAccessFile);
      return target && `edits ${target} in place`;
    }
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln': {
      const dest = pos[pos.length - 1];
      return pos.length >= 2 && dest !== undefined && isAccessFile(dest) ? `replaces ${dest}` : undefined;
    }
    case 'dd': {
      const of = v.args.find((a) => a.startsWith('of='))?.slice(3);
      return of && isAccessFile(of) ? `overwrites ${of}` : undefined;
    }
    case 'useradd':
    case 'adduser':
    case 'usermod': {
      const args = v.args.slice(1);
      const uid0 = args.some((a, j) => ((a === '-u' || a === '--uid') && args[j + 1] === '0') || a === '--uid=0' || a === '-u0');
      const groups = args.flatMap((a, j) => (a === '-G' || a === '-aG' || a === '--groups' || a === '-g' || a === '--gid' ? [args[j + 1] ?? ''] : a.startsWith('--groups=') ? [a.slice(9)] : []));
      if (uid0) return 'gives a user UID 0 (root)';
      const group = groups.find((g) => ROOT_GROUPS.test(g));
      return group ? `adds a user to group ${group}` : undefined;
    }
    case 'gpasswd':
      return flags.includes('-a') && pos.some((p) => ROOT_GROUPS.test(p)) ? 'adds a user to a root-equivalent group' : undefined;
    case 'passwd':
      return flags.includes('-d') && (pos.length === 0 || pos.includes('root')) ? 'removes the root password' : undefined;
    case 'chmod': {
      const mode = pos[0] ?? '';
      // u+s, +s, 4755, 6755: a setuid program runs as its owner, whoever starts it (g+s / 2775 on a shared directory is routine).
      return /^(?:(?:[ugoa]*[ua][ugoa]*)?\+[rwxXt]*s[rwxXt]*|0?[4-7][0-7]{3})$/.test(mode) && pos.length >= 2 ? `sets the setuid bit on ${pos[1]}` : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * coveringTracks finds a script erasing the record of what was done: shell history cleared or
 * switched off, or system logs deleted, truncated or vacuumed.
 */
export function coveringTracks(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  const src = sv.script.source;
  const add = (cmd: ShellCommand, severity: 'medium' | 'high', label: string): void => {
    out.push({ id: 'destructive_operation', severity, label, text: src, start: cmd.start, end: cmd.end });
  };
  sv.script.commands.forEach((cmd, i) => {
    for (const r of cmd.redirs) {
      if ((r.op === '>' || r.op === '>|') && r.target && isRecordFile(r.target.value)) add(cmd, 'high', `empties ${r.target.value}`);
    }
    const v = sv.views[i];
    if (!v) {
      // `unset HISTFILE`, `HISTFILE=/dev/null`, `export HISTSIZE=0`
      if (/^(?:export\s+|unset\s+)?HIST(?:FILE|SIZE|FILESIZE)(?:=(?:\/dev\/null|0)?\b|\s*$)/m.test(src.slice(cmd.start, cmd.end))) add(cmd, 'medium', 'switches shell history off');
      return;
    }
    const pos = positionals(v.args);
    const flags = v.args.slice(1).filter((a) => a.startsWith('-'));
    if (v.name === 'history' && flags.some((f) => /^-[a-z]*c/.test(f))) add(cmd, 'medium', 'clears shell history');
    else if ((v.name === 'unset' || v.name === 'export') && pos.some((p) => /^HIST(?:FILE|SIZE|FILESIZE)(?:=(?:\/dev\/null|0))?$/.test(p) && (v.name === 'unset' || /=/.test(p)))) add(cmd, 'medium', 'switches shell history off');
    else if (v.name === 'set' && v.args.includes('+o') && pos.includes('history')) add(cmd, 'medium', 'switches shell history off');
    else if (['rm', 'shred', 'srm', 'wipe', 'unlink', 'truncate'].includes(v.name)) {
      const hit = pos.find(isRecordFile);
      if (hit) add(cmd, 'high', `${v.name === 'truncate' ? 'truncates' : 'deletes'} ${hit}`);
    } else if (v.name === 'ln' && v.args.includes('/dev/null') && pos.some(isRecordFile)) add(cmd, 'high', 'points a log at /dev/null');
    else if (v.name === 'journalctl' && v.args.some((a) => /^--(?:vacuum-(?:time|size|files)|rotate)/.test(a)) && v.args.some((a) => /^--vacuum/.test(a))) add(cmd, 'high', 'vacuums the system journal');
  });
  return out;
}

/** Shell histories and the system's own logs of logins and events. */
const RECORD_FILE = /(?:^|\/)(?:\.(?:bash|zsh|sh|ash|mysql|psql|python|node_repl|lesshst)_?history|\.history|var\/log\/(?:auth\.log|secure|syslog|messages|wtmp|btmp|lastlog|faillog|kern\.log|audit\/audit\.log|audit|\*|journal(?:\/.*)?)|var\/log\/?)$/;

function isRecordFile(path: string): boolean {
  return path.length <= 300 && RECORD_FILE.test(normalizePath(path.replace(/["']/g, '')).replace(/\/$/, ''));
}

/**
 * credentialAccess finds reads of credential files (`cat /etc/shadow`, `< ~/.aws/credentials`,
 * `curl -F f=@~/.ssh/id_rsa`) and writes that plant access (`>> ~/.ssh/authorized_keys`).
 */
export function credentialAccess(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  const src = sv.script.source;
  const egress = sv.views.some((v) => isFetcher(v) || isNetcat(v)) || /\/dev\/(tcp|udp)\//.test(src);
  const read = (cmd: ShellCommand, path: string, upload = false): void => {
    const severity = upload || egress ? 'critical' : 'high';
    out.push({ id: 'command_injection', severity, label: `${upload || egress ? 'exfiltrates' : 'reads'} credential file ${path}`, text: src, start: cmd.start, end: cmd.end });
  };
  sv.script.commands.forEach((cmd, i) => {
    for (const r of cmd.redirs) {
      if (!r.target) continue;
      const t = r.target.value;
      if ((r.op === '<' || r.op === '<>') && isCredentialPath(t)) read(cmd, t);
      if ((r.op === '>>' || r.op === '>' || r.op === '>|') && isAccessFile(t)) {
        out.push({ id: 'command_injection', severity: 'high', label: `plants access in ${t}`, text: src, start: cmd.start, end: cmd.end });
      }
    }
    // A library injected into the command from a scratch or hidden place (`LD_PRELOAD=/tmp/.x/libhide.so sudo -l`):
    // how rootkits hide and hijack privileged programs. jemalloc from /usr/lib is how allocators are swapped.
    for (const a of cmd.assigns) {
      const lib = a.value?.value ?? '';
      if ((a.name === 'LD_PRELOAD' || a.name === 'LD_LIBRARY_PATH' || a.name === 'DYLD_INSERT_LIBRARIES') && isPlantedLibrary(lib)) {
        out.push({ id: 'command_injection', severity: 'high', label: `${a.name} from ${lib}`, text: src, start: cmd.start, end: cmd.end });
      }
    }
    const v = sv.views[i];
    if (!v) return;
    const pos = positionals(v.args);
    if (READERS.has(v.name)) {
      const hit = pos.find((p) => isCredentialPath(p));
      if (hit) read(cmd, hit);
    } else if (COPIERS.has(v.name)) {
      const sources = v.name === 'dd' ? v.args.filter((a) => a.startsWith('if=')).map((a) => a.slice(3)) : pos.slice(0, -1);
      const hit = sources.find((p) => isCredentialPath(p));
      if (hit) read(cmd, hit, v.name === 'scp' || v.name === 'rsync');
    }
    const planted = accessWrite(v, pos);
    if (planted) out.push({ id: 'command_injection', severity: 'high', label: planted, text: src, start: cmd.start, end: cmd.end });
    if (isFetcher(v) || v.name === 'nc' || v.name === 'ncat') {
      for (let j = 1; j < v.args.length; j++) {
        const a = v.args[j]!;
        const at = /@([^;,]+)$/.exec(a)?.[1];
        const file = at ?? (/^(-T|--upload-file|--post-file|--body-file)$/.test(a) ? v.args[j + 1] : /^--(post|body)-file=/.test(a) ? a.split('=')[1] : undefined);
        if (file && isCredentialPath(file)) read(cmd, file, true);
      }
    }
  });
  return out;
}
