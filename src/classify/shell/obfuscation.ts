import type { Finding } from './findings.js';
import type { ShellCommand, ShellScript } from './script.js';
import type { ScriptView } from './view.js';

/**
 * obfuscation finds tricks that hide a command from filters: `${IFS}` as a space, a command name
 * split by quotes or backslashes (`w'h'o'am'i`), globbed paths (`/???/c?t`), brace lists
 * (`{cat,/etc/passwd}`), and commands kept in a variable set just before (`CMD=$'id';$CMD`).
 */
export function obfuscation(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  const src = sv.script.source;
  const assigned = new Map<string, string>();
  for (const cmd of sv.script.commands) for (const a of cmd.assigns) assigned.set(a.name, a.value?.value ?? '');
  const hit = (cmd: ShellCommand, label: string): void => {
    out.push({ id: 'command_injection', severity: 'high', label, text: src, start: cmd.start, end: cmd.end });
  };
  for (const cmd of sv.script.commands) {
    const words = [...cmd.argv, ...cmd.redirs.flatMap((r) => (r.target ? [r.target] : []))];
    if (words.some((w) => w.pieces.length > 1 && w.pieces.some((p) => p.kind === 'param' && p.param === 'IFS'))) {
      hit(cmd, '${IFS} obfuscation');
      continue;
    }
    if (words.some((w) => w.pieces.some((p) => p.kind === 'param' && /^\$\{(PATH|HOME|PWD|SHELLOPTS|LS_COLORS|BASH):[-\d]/.test(p.value)))) {
      hit(cmd, 'characters sliced from a variable');
      continue;
    }
    if (words.some((w) => w.pieces.some((p) => p.kind === 'subst' && DECODED_LITERAL_RE.test(p.value)))) {
      hit(cmd, 'argument decoded from a literal at run time');
      continue;
    }
    const first = cmd.argv[0];
    if (!first) continue;
    const raw = first.raw.replace(/^\\/, '');
    const value = first.value;
    if (/^[\w./-]+$/.test(value) && /['"\\]/.test(raw) && !/^(["'])[^"']*\1$/.test(raw)) {
      hit(cmd, 'command name split by quotes');
    } else if (/^\$'/.test(raw) && /\\(x[0-9a-f]{2}|[0-7]{3})/i.test(raw)) {
      hit(cmd, 'command name written in escapes');
    } else if (value.includes('/') && /[?*[]/.test(value) && /^[/?*[\]\w.-]+$/.test(value)) {
      hit(cmd, 'globbed command path');
    } else if (/^\{[^{}\s]+,[^{}]*\}$/.test(value)) {
      hit(cmd, 'command in a brace list');
    } else if ((cmd.argv.length > 1 || first.pieces.length > 1) && first.pieces.some((p) => p.kind === 'subst' && TEXT_MAKER_RE.test(p.value))) {
      // `$(echo rm) -rf /`, `` `printf r`m x ``: the name is printed by a command, so no filter sees it (not `$(which python3)`;
      // a lone `$(echo hello)` runs what it prints with nothing to act on).
      hit(cmd, 'command name printed by a command substitution');
    } else if (first.pieces.length > 1 && first.pieces.some((p) => p.kind === 'param') && first.pieces.every((p) => p.kind === 'param' || (QUOTABLE.has(p.kind) && p.value.length <= 2 && !p.value.includes('/')))) {
      // `$a$b`, `c$@at`, `${x}at`: the name exists only once the shell expands it (not `$HOME/bin/tool`, `${CROSS}gcc`).
      hit(cmd, 'command name assembled from variables');
    } else if (first.pieces.length === 1 && first.pieces[0]!.kind === 'param') {
      const name = first.pieces[0]!.param ?? '';
      const stored = assigned.get(name);
      if (stored !== undefined || (name.length > 0 && src.includes(`${name}=`))) hit(cmd, `command hidden in $${name}`);
    }
  }
  return out;
}

const QUOTABLE = new Set(['lit', 'sgl', 'dbl']);
/** A substitution that prints text it was given or transforms, rather than finding a program (`which`, `command -v`). */
const TEXT_MAKER_RE = /^(?:\$\(|`)\s*(?:echo|printf|rev|tr|base64|base32|xxd|cut|sed|awk|head|tail|cat\s*<<|printenv)\b/;
/** `$(echo L2V0Yy9zaGFkb3c= | base64 -d)`, `$(base64 -d <<< …)`, `$(echo 2f6574 | xxd -r -p)`: a constant hidden from filters, decoded when run. */
const DECODED_LITERAL_RE =
  /^\$\(\s*(?:(?:echo|printf)\s+(?:-[a-z]+\s+)*(['"]?)[A-Za-z0-9+/]{8,}={0,2}\1\s*\|\s*(?:base64\s+(?:-d|--decode|-D)|base32\s+(?:-d|--decode)|openssl\s+(?:base64|enc\s+-base64)\s+-d|xxd\s+(?:-[a-z]+\s+)*-r)|(?:base64|base32)\s+(?:-d|--decode|-D)\s*<<<)/;

/** Payload text that needs no parse: shellshock, /dev/tcp, reverse-shell code, PHP, code calls. */
const SHELLSHOCK_ANY = /\(\)\s*\{\s*:?\s*;?\s*\}\s*;/;
const SHELLSHOCK_ANON = /(^|[\s='"])\(\)\s*\{\s*:?\s*;?\s*\}\s*;/;
const DEV_TCP = /\/dev\/(tcp|udp)\/[^\s/]+\/\d+/;
/** A network primitive and a way to run commands in the same code: the two halves of a reverse shell. */
export const NET_CODE = /(socket\s*\.\s*socket|\bsocket\s*\(|socket\.create_connection|fsockopen|TCPSocket|TCPClient|IO::Socket|use\s+Socket|\/inet\/tcp\/|net\.(?:connect|createConnection)\s*\(|require\(\s*['"](?:node:)?net['"]\s*\)\s*\.\s*(?:connect|createConnection)|new\s+Socket\s*\()/i;
export const EXEC_CODE = /(subprocess|os\.dup2|pty\.spawn|\bexec\s*[("'\s]|\bsystem\s*\(|popen|\/bin\/(ba)?sh|cmd\.exe|child_process|proc_open|shell_exec|Invoke-Expression|\biex\b|spawn\s*\()/i;
const PHP_SHELL = /<\?(php|=)?[\s\S]{0,200}?\b(system|exec|passthru|shell_exec|eval|include|popen|assert|proc_open)\s*\(|\$_(GET|POST|REQUEST|COOKIE)\s*\[/i;
const CODE_CALL = /(system|exec|passthru|shell_exec|popen|proc_open|eval|assert)\s*\(\s*['"$]|(phpinfo|phpversion)\s*\(\s*\)|<\?php/i;
// eslint-disable-next-line no-control-regex -- ESC itself is what is looked for
const TERMINAL_ESCAPE = /(?:^|\n)[ \t]*(?:\\033|\\e|\\x1b|\x1b)\[\d*[A-DHJK]/;
const WIN_PROBE = /(^|[\s+|&;])dir[\s+]+(c:|%\w+%)|(^|[\s+|&;])type[\s+]+(c:|%\w+%)/i;

/**
 * payloadText finds payloads by their text, parsed or not: shellshock, /dev/tcp, reverse-shell
 * code, PHP web shells, terminal escapes; and in strings that do not parse, code calls
 * (`system('id')`) and Windows probes (`dir c:\`).
 */
export function payloadText(script: ShellScript): Finding[] {
  const src = script.source;
  const out: Finding[] = [];
  const at = (re: RegExp, label: string, severity: Finding['severity']): void => {
    const m = re.exec(src);
    if (m) out.push({ id: 'command_injection', severity, label, text: src, start: m.index, end: m.index + m[0].length });
  };
  at(script.parsed ? SHELLSHOCK_ANON : SHELLSHOCK_ANY, 'shellshock function definition', 'critical');
  at(DEV_TCP, 'reverse shell over /dev/tcp', 'critical');
  if (NET_CODE.test(src) && EXEC_CODE.test(src)) at(NET_CODE, 'reverse shell code', 'critical');
  at(PHP_SHELL, 'web shell code', 'critical');
  at(TERMINAL_ESCAPE, 'terminal escape sequence before a command', 'high');
  if (!script.parsed) {
    at(CODE_CALL, 'code execution call', 'high');
    at(WIN_PROBE, 'windows file probe', 'high');
  }
  return out;
}
