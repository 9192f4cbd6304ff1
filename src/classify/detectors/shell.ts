import { analyzeCodeField, analyzeCommand, warmUpAnalysis } from '../shell/analyze.js';
import { commandFields } from '../shell/fields.js';
import { openParseBudget } from '../shell/parse.js';
import { isPlantedLibrary } from '../shell/paths.js';
import { evidenceOf, SEVERITY_RANK, type Finding } from '../shell/findings.js';
import { excerpt } from '../evidence.js';
import type { DetectionInput, Signal, StringField } from '../types.js';

/** initShell warms mvdan-sh's parser and the rules up (~0.1–0.2 s), so the first calls do not pay for compilation. */
export async function initShell(): Promise<void> {
  warmUpAnalysis();
}

/**
 * detectShell parses the command lines of a call (fields named like `command`/`cmd`/`script`, every
 * string of a shell tool, the shell strings a `code` call hands to os.system/subprocess/exec) and
 * reports `command_injection` (payloads chained or substituted into a command, download-and-run,
 * reverse shells, credential reads, obfuscation) and `destructive_operation` (rm -rf of broad paths,
 * disk wipes, git history loss, deleting cloud/cluster/database verbs). At most one signal per id
 * and field: the most severe.
 */
export function detectShell(input: DetectionInput): Signal[] {
  const signals: Signal[] = [];
  if (!input.embedded) openParseBudget();
  for (const field of commandFields(input)) {
    const findings = field.kind === 'shell' ? analyzeCommand(field.text) : analyzeCodeField(field.text, field.language);
    const worst = new Map<Finding['id'], Finding>();
    for (const f of findings) {
      if (field.written && SEVERITY_RANK[f.severity] < SEVERITY_RANK.high) continue;
      const prev = worst.get(f.id);
      if (!prev || SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev.severity]) worst.set(f.id, f);
    }
    for (const f of worst.values()) signals.push({ id: f.id, severity: f.severity, path: field.pointer, evidence: evidenceOf(f) });
  }
  for (const field of input.fields) {
    const loader = codeLoadingVariable(field);
    if (loader) signals.push(loader);
  }
  if (input.category !== 'database') {
    const taken = new Set(signals.map((s) => s.path));
    for (const field of input.fields) {
      if (taken.has(field.pointer)) continue;
      const injected = parameterInjection(field) ?? queryParameterInjection(field);
      if (injected) signals.push(injected);
    }
  }
  return signals;
}

/**
 * Keys of values a tool puts into a command line it builds (`ping ${host}`, `git checkout ${branch}`):
 * a name, an address, a file, a version. None of them ever holds a shell separator.
 */
const PARAMETER_KEY =
  /^(?:host|hostname|hosts|ip|ip_?addr(?:ess)?|address|domain|target|server|node|port|user|username|login|file|filename|file_?name|path|filepath|file_?path|dir|directory|folder|files|input|output|in_?file|out_?file|(?:input|output|source|src|target|dest)_?(?:file|path|dir|name)|dest|destination|dst|archive|member|branch|ref|tag|commit|sha|revision|repo|repository|package|packages|pkg|module|version|image|container|pod|namespace|service|interface|iface|device|disk|volume|bucket|region|zone|cluster)$|(?:^|_)(?:id|ref)$/;
/**
 * A name-like value that a shell separator or substitution continues (commix's payload shapes):
 * `127.0.0.1;id`, `db-01 | nc …`, `x && curl …`, `` a`sleep 5` ``, `a$(id)`, `a${IFS}…`, a newline, and
 * their URL-encoded forms. Not a lone `&` (`R&D/report.pdf`) nor `${VAR}` (`/home/${USER}/src`, a template).
 */
const SEPARATOR_AFTER_NAME = /^[\w.:/@~+=,\-[\]"']{0,256}?[ \t]*(?:;|\|\|?|&&|`|\$\(|\$\{IFS\}|\n|\r|%0a|%0d|%3b|%7c|%26%26|%60|%24%28)\s*\S/i;

/**
 * Programs a payload runs after a plain separator. A backtick, `$(`, `${IFS}` or a newline is shell
 * syntax whatever follows; after `;`, `|` or `&&` the next word must be a command
 * (`notes/meeting; follow-up.md` is a file name).
 */
const PAYLOAD_PROGRAM =
  /^(?:id|whoami|uname|hostname|cat|tac|head|tail|less|more|ls|dir|pwd|echo|printf|sleep|ping|nslookup|dig|host|curl|wget|nc|ncat|netcat|socat|telnet|bash|sh|zsh|dash|ksh|csh|python[23]?|perl|php|ruby|node|lua|awk|busybox|rm|touch|mkdir|cp|mv|chmod|chown|kill|env|printenv|set|export|unset|eval|exec|source|base64|xxd|openssl|ssh|scp|ftp|tftp|powershell|pwsh|cmd|net|type|ipconfig|ifconfig|netstat|systeminfo|tasklist|reg|certutil|bitsadmin|sudo|su|crontab|nohup|timeout|find|xargs|grep|sed|tee|dd|mkfifo|str=|[a-z]\w*=\$\()(?=$|[\s;|&<>`$'"()]|%20|%09|\$\{IFS\})/i;

/** Keys of a repository or download source a tool hands to git, curl, rsync… as an argument. */
const SOURCE_KEY = /^(?:url|uri|remote|origin|source|src|repo_?url|clone_?url|git_?url|upstream)$/;

/**
 * Options by which the program a parameter is handed to runs a command of the caller's choosing
 * (argument injection: the value is one argv element, so no shell separator is needed):
 * `git clone --upload-pack='touch x'`, `-c core.sshCommand=…`, `ssh -oProxyCommand=…`,
 * `tar --checkpoint-action=exec=…`, `--to-command`, `--use-compress-program`, `rsync -e`/`--rsh`,
 * `zip -TT`/`--unzip-command`, `find -exec`, and git's `ext::` transport (`ext::sh -c …`).
 */
const EXEC_OPTION =
  /^(?:--(?:upload-pack|receive-pack|exec|config|checkpoint-action|to-command|use-compress-program|rsh|unzip-command|command|run|eval|ssh-command)\b|-u\s*\S|-c\s*(?:core\.(?:sshCommand|fsmonitor|hooksPath|pager|editor|gitProxy|askPass)|protocol\.[\w-]+\.allow|alias\.|credential\.helper)|-o\s*(?:ProxyCommand|LocalCommand|PermitLocalCommand)|-(?:e|TT|I)\s*\S|-exec(?:dir)?\b)|^ext::\S/i;

/** parameterInjection reports shell syntax in the value of a parameter that names a host, file, branch… */
function parameterInjection(field: StringField): Signal | undefined {
  const value = field.value;
  if ((PARAMETER_KEY.test(field.key) || SOURCE_KEY.test(field.key)) && value.length <= 4096 && EXEC_OPTION.test(value)) {
    return { id: 'command_injection', severity: 'high', path: field.pointer, evidence: excerpt(`a ${field.key} value that is an option running a command (argument injection): ${value}`) };
  }
  if (value.length > 4096) return undefined;
  if (/^[a-z][\w+.-]*:\/\//i.test(value)) {
    // A URL holds `;` and `&` of its own; a command after a blank and a separator is not part of it
    // (`https://github.com/foo/bar.git; rm -f /tmp/f; mkfifo /tmp/f …`).
    if (!PARAMETER_KEY.test(field.key) && !SOURCE_KEY.test(field.key)) return undefined;
    const chained = /^\S+?\s*(?:;|&&|\|\|?)\s*(\S.*)$/s.exec(value);
    if (!chained || !/\s/.test(value) || !PAYLOAD_PROGRAM.test(chained[1]!)) return undefined;
    return { id: 'command_injection', severity: 'high', path: field.pointer, evidence: excerpt(`a command chained after the ${field.key} URL: ${value}`) };
  }
  if (!PARAMETER_KEY.test(field.key)) return undefined;
  const m = SEPARATOR_AFTER_NAME.exec(value);
  if (!m) return undefined;
  const separator = /(;|\|\|?|&&|%3b|%7c|%26%26)\s*\S$/i.exec(m[0]);
  if (separator) {
    const next = value.slice(m.index + m[0].length - 1).replace(/^(?:%20|%09|\s)+/i, '');
    if (!PAYLOAD_PROGRAM.test(next) && !/^\/(?:bin|usr\/bin|usr\/local\/bin)\//.test(next)) return undefined;
  }
  return { id: 'command_injection', severity: 'high', path: field.pointer, evidence: excerpt(`shell syntax in a ${field.key} value: ${value}`) };
}

/**
 * Environment variables that make the program started with them run code of the caller's choosing:
 * a script every bash sources, a command run at every prompt, modules loaded first, a program git
 * runs for ssh or diffs, a library the dynamic linker loads into every process.
 */
const CODE_VARIABLE_RE = /^(?:BASH_ENV|PROMPT_COMMAND|PYTHONSTARTUP|PERL5OPT|PERL5DB|GIT_EXTERNAL_DIFF|LD_AUDIT)$/;
/** `ssh -i ~/.ssh/deploy_key -o StrictHostKeyChecking=no`: the ssh git should run, as CI sets it; anything else, or shell syntax, runs other code. */
const PLAIN_SSH_RE = /^\s*(?:\S*\/)?ssh(?:\s+[^;|&`$()<>\n]*)?$/;
const PRELOAD_VARIABLE_RE = /^(?:LD_PRELOAD|LD_LIBRARY_PATH|DYLD_INSERT_LIBRARIES)$/;

/** codeLoadingVariable reports an environment of a call (`{ env: { BASH_ENV: … } }`) that runs code. */
function codeLoadingVariable(field: StringField): Signal | undefined {
  const name = field.name ?? field.key;
  if (!/\/(?:env|environment|envs|env_vars|environment_variables)\/[^/]+$/i.test(field.pointer) || field.value.trim() === '') return undefined;
  const value = field.value.trim();
  let why: string | undefined;
  // As for `LD_PRELOAD=… cmd` on a command line (credentialAccess): a library from a scratch or hidden place.
  if (PRELOAD_VARIABLE_RE.test(name)) why = isPlantedLibrary(value) ? 'a library loaded into every process' : undefined;
  else if (name === 'NODE_OPTIONS') why = /(?:^|\s)(?:-r|--require|--import|--loader|--experimental-loader)(?:\s|=)/.test(value) ? 'a module loaded before the program' : undefined;
  else if (name === 'RUBYOPT') why = /(?:^|\s)-r/.test(value) ? 'a library loaded before the program' : undefined;
  else if (name === 'GIT_SSH_COMMAND' || name === 'GIT_SSH') why = PLAIN_SSH_RE.test(value) ? undefined : 'a command git runs in place of ssh';
  else if (CODE_VARIABLE_RE.test(name)) why = 'a command or script the program runs';
  return why ? { id: 'command_injection', severity: 'high', path: field.pointer, evidence: excerpt(`${name} in the environment names ${why}: ${value}`) } : undefined;
}

/**
 * queryParameterInjection applies parameterInjection to the query parameters of a URL the call
 * requests (`https://tools.example.com/api/ping?host=127.0.0.1;cat /etc/passwd`): a service that puts
 * `host` into a command line is as injectable behind HTTP as behind a tool.
 */
function queryParameterInjection(field: StringField): Signal | undefined {
  const value = field.value.trim();
  if (value.length > 4096 || !/^https?:\/\/[^?#\s]+\?/i.test(value)) return undefined;
  const query = value.slice(value.indexOf('?') + 1).split('#')[0]!;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    let name: string;
    let param: string;
    try {
      name = decodeURIComponent(pair.slice(0, eq).replace(/\+/g, ' ')).toLowerCase();
      param = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      continue;
    }
    const found = parameterInjection({ pointer: field.pointer, key: name, value: param });
    if (found) return { ...found, evidence: excerpt(`in the URL's ${name} parameter: ${found.evidence}`) };
  }
  return undefined;
}
