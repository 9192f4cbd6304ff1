import { scanCode } from './code.js';
import { FETCHERS, NETCATS, SHELLS, nestedPrograms, positionals, viewCommand, type CommandView } from './commands.js';
import { isCredentialPath } from './paths.js';
import { parseScript } from './parse.js';

/**
 * What an injected command is for: reconnaissance (`id`, `uname -a`, `net user`), a time delay for
 * blind injection (`sleep 5`, `ping -n 30`), an out-of-band fetch, lookup or connection, a probe,
 * a code call from another language (`system('id')`), inline code, a web shell, or a listing.
 */
export type PayloadKind = 'recon' | 'delay' | 'fetch' | 'netcat' | 'dns' | 'probe' | 'code' | 'inline' | 'webshell' | 'listing';

export interface Payload {
  kind: PayloadKind;
  /** Strong payloads are injection wherever they are chained; weak ones need another hint. */
  strong: boolean;
  label: string;
}

/** Reconnaissance commands that ordinary tool calls do not chain after another command. */
const RECON = new Set([
  'id', 'whoami', 'uname', 'last', 'lastlog', 'netstat', 'ifconfig', 'ipconfig', 'systeminfo', 'sysinfo', 'tasklist', 'wmic', 'nltest', 'netsh', 'getuid',
  'phpinfo', 'whoami.exe', 'ipconfig.exe', 'systeminfo.exe', 'quser', 'qwinsta', 'gpresult', 'cmdkey',
]);
/** Reconnaissance-ish commands that are also everyday commands. */
const WEAK_RECON = new Set(['hostname', 'groups', 'w', 'who', 'users', 'ps', 'arp', 'route', 'pwd', 'ver', 'getent', 'env', 'printenv', 'set', 'history', 'ls', 'dir', 'uptime', 'df', 'lsb_release']);
/** Other languages' command and code calls, pasted where a value belongs (`;system('id')`). */
const CODE_CALLS = /^(system|passthru|shell_exec|popen|proc_open|pcntl_exec|assert|phpinfo|include|require|require_once|include_once|phpversion|file_get_contents)$/i;
const FILE_READERS = /^(cat|tac|head|tail|more|less|nl|strings|base64|xxd|od|type|grep)$/;
/** Files that describe the machine and its users; reading them is the next step after `id`. */
const RECON_FILE = /^(\/etc\/(group|issue|issue\.net|os-release|lsb-release|[\w-]+-release|crontab|fstab)|\/proc\/(version|cpuinfo|self\/\w+|\d+\/\w+)|\/root\/.*|.*\.bash_history)$/;
const INLINE_INTERPRETER = /^(python[\d.]*|perl|ruby|php|node|nodejs|lua|pwsh|powershell(\.exe)?)$/;
const CODE_RUNS_COMMANDS = /(\bsystem\s*\(|\bexec\s*\(|popen|subprocess|child_process|\bspawn|passthru|shell_exec|`[^`]+`)/i;
const NETWORK_CODE = /(socket|fsockopen|downloadstring|downloadfile|invoke-expression|\biex\b|urlopen|net\.webclient)/i;
const LOOPBACK = /^(127(\.\d{1,3}){0,3}|localhost|::1|0|0\.0\.0\.0)$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const RAW_IP_URL = /^(\w+:\/\/)?(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\])(:\d+)?(\/|$)/i;
const LOCAL_URL = /^(\w+:\/\/)?(localhost|127(\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)(:\d+)?(\/|$)/i;
const SENSITIVE_DIR = /^(\/|\/etc|\/root|\/home|\/home\/\*|\/var\/www|\/var\/www\/\*|\/etc\/\*|[a-z]:[\\/]?|[a-z]:\\.*|%\w+%.*|\/tmp|\/var\/log)\/?\*?$/i;

/** What the classifiers below look at: the view, its lower-cased name, arguments and positionals. */
interface Subject {
  view: CommandView;
  name: string;
  rest: string[];
  pos: string[];
  depth: number;
}

type Classifier = (s: Subject) => Payload | undefined;

const strong = (kind: PayloadKind, label: string): Payload => ({ kind, strong: true, label });
const weak = (kind: PayloadKind, label: string): Payload => ({ kind, strong: false, label });

/** baseName strips a command's directory and the `/n` of mangled newline payloads (`whoami/n`). */
function baseName(v: string): string {
  const s = v.replace(/[\\/]n$/, '').replace(/\\/g, '/');
  const slash = s.lastIndexOf('/');
  return (slash >= 0 && slash < s.length - 1 ? s.slice(slash + 1) : s).toLowerCase();
}

const codeCall: Classifier = ({ view, name, rest }) =>
  CODE_CALLS.test(name) && (rest.length > 0 || /phpinfo|phpversion/.test(name) || view.cmd.argv[0]?.raw.includes('(')) ? strong('code', 'code execution call') : undefined;

const delay: Classifier = ({ name, rest, pos }) => {
  if (name === 'sleep' && /^\d+(\.\d+)?[smhd]?$/.test(pos[0] ?? '')) return strong('delay', 'time delay');
  if (name === 'timeout' && rest.some((a) => /^\/t$/i.test(a))) return strong('delay', 'time delay');
  if (name !== 'ping') return undefined;
  const counted = rest.some((a, i) => /^-[ni]$/.test(a) && /^\d+$/.test(rest[i + 1] ?? ''));
  if (counted || pos.some((p) => LOOPBACK.test(p))) return strong('delay', 'time delay');
  if (pos.some((p) => p.includes('$') || p.includes('`'))) return strong('dns', 'out-of-band lookup');
  return weak('listing', 'ping');
};

const recon: Classifier = ({ name, pos }) => {
  if (RECON.has(name)) return strong('recon', 'reconnaissance');
  if (FILE_READERS.test(name) && pos.some((p) => isCredentialPath(p) || RECON_FILE.test(p))) return strong('recon', 'reads a system file');
  if (name === 'net' && /^(user|users|localgroup|group|view|share|accounts|session|use|start|stop|config)$/i.test(pos[0] ?? '')) return strong('recon', 'windows net command');
  if (name === 'reg' && /^(add|query|delete|save|export|import)$/i.test(pos[0] ?? '')) return strong('recon', 'windows registry');
  if ((name === 'dir' || name === 'type') && pos.some((p) => /^([a-z]:|%\w+%)/i.test(p) || (p.includes('\\') && !p.startsWith('\\')))) return strong('recon', 'windows file probe');
  return undefined;
};

/** inlineCode classifies `python -c`, `perl -e`, `powershell -enc` by what their code runs. */
const inlineCode: Classifier = ({ view, name, rest, depth }) => {
  if (!INLINE_INTERPRETER.test(name)) return undefined;
  if (/^(pwsh|powershell)/.test(name) && rest.some((a) => /^-e(nc|ncodedcommand)?$/i.test(a))) return strong('inline', 'encoded powershell');
  const programs = nestedPrograms(view);
  if (depth < 2) {
    for (const program of programs) {
      const inner = scanCode(program.text, name).shellStrings.map((s) => firstPayload(s, depth)).find((p) => p !== undefined);
      if (inner) return { ...inner, label: `inline code running ${inner.label}` };
    }
  }
  if (programs.some((p) => NETWORK_CODE.test(p.text))) return strong('inline', 'inline code opening connections');
  if (programs.some((p) => CODE_RUNS_COMMANDS.test(p.text))) return weak('inline', 'inline code running commands');
  if (/^(perl|python[\d.]*|ruby)$/.test(name) && /(x|\*)\s*\d{3,}/.test(rest.join(' '))) return strong('probe', 'overflow probe');
  return undefined;
};

/** nestedShell classifies `sh -c 'id'` and `eval 'id'` by the command they run. */
const nestedShell: Classifier = ({ view, name, depth }) => {
  if (!(SHELLS.has(name) || name === 'eval') || depth >= 2) return undefined;
  for (const program of nestedPrograms(view)) {
    const inner = firstPayload(program.text, depth);
    if (inner) return inner;
  }
  return undefined;
};

const printed: Classifier = ({ name, rest, pos }) => {
  if (name !== 'echo' && name !== 'printf') return undefined;
  if (/<\?(php|=)|<%|\$_(GET|POST|REQUEST)\[/i.test(rest.join(' '))) return strong('webshell', 'server-side code');
  if (/<script\b/i.test(rest.join(' '))) return weak('webshell', 'script injection probe');
  if (/^(inject\w*|vulnerable|pwned|hacked)$/i.test(pos[0] ?? '')) return weak('listing', 'marker');
  return undefined;
};

const network: Classifier = ({ name, rest, pos }) => {
  if (FETCHERS.has(name)) {
    if (name === 'certutil' || name === 'bitsadmin' || name === 'tftp') return strong('fetch', 'download');
    const urls = pos.filter((p) => /^(\w+:\/\/|\d{1,3}(\.\d{1,3}){3})/.test(p));
    if (urls.some((u) => (RAW_IP_URL.test(u) && !LOCAL_URL.test(u)) || /\$\(|`/.test(u))) return strong('fetch', 'out-of-band request');
    if (urls.length > 0 && urls.every((u) => LOCAL_URL.test(u))) return undefined;
    if (rest.some((a) => /@-$/.test(a) || a === '-T')) return undefined;
    return weak('fetch', 'request');
  }
  if (NETCATS.has(name)) {
    if (rest.some((a) => /\.sock$|^unix(-connect|-client)?:|^abstract-connect:/i.test(a))) return undefined;
    // openssl talks to the network only as s_client / s_server; otherwise it hashes, encodes or encrypts here.
    if (name === 'openssl' && !rest.some((a) => a === 's_client' || a === 's_server')) return undefined;
    const executes = rest.some((a) => /^-[a-zA-Z]*[ecl][a-zA-Z]*$/.test(a) || /^--(exec|sh-exec|lua-exec|listen)/.test(a) || /^(exec|system):/i.test(a));
    if (name !== 'openssl' && (executes || pos.some((p) => IPV4.test(p) && !LOOPBACK.test(p)))) return strong('netcat', 'raw network connection');
    return weak('netcat', 'network connection');
  }
  if (name === 'nslookup' || name === 'dig' || name === 'host') {
    return pos.some((p) => p.includes('$') || p.includes('`')) ? strong('dns', 'out-of-band lookup') : weak('dns', 'dns lookup');
  }
  return undefined;
};

const listing: Classifier = ({ name, pos }) => {
  if (!WEAK_RECON.has(name)) return undefined;
  return weak('listing', pos.some((p) => SENSITIVE_DIR.test(p)) ? 'listing' : 'reconnaissance');
};

const CLASSIFIERS: Classifier[] = [codeCall, delay, recon, inlineCode, nestedShell, printed, network, listing];

/** classifyPayload says what kind of injected command `view` would be, if it looks like one. */
export function classifyPayload(view: CommandView, depth = 0): Payload | undefined {
  const subject: Subject = { view, name: baseName(view.args[0] ?? ''), rest: view.args.slice(1), pos: positionals(view.args), depth };
  for (const classify of CLASSIFIERS) {
    const payload = classify(subject);
    if (payload) return payload;
  }
  return undefined;
}

/** firstPayload returns the payload of the first command of a shell string that has one. */
function firstPayload(text: string, depth: number): Payload | undefined {
  for (const cmd of parseScript(text).commands) {
    const inner = viewCommand(cmd);
    const payload = inner && classifyPayload(inner, depth + 1);
    if (payload) return payload;
  }
  return undefined;
}

/** listsSensitiveDir reports whether a command lists a sensitive directory (`ls -la /home`). */
export function listsSensitiveDir(view: CommandView): boolean {
  return positionals(view.args).some((p) => SENSITIVE_DIR.test(p) && p !== '/tmp');
}
