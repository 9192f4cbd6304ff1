import { API_WIPE, destructiveSql } from './destructive-cli.js';
import type { Finding } from './findings.js';
import { EXEC_CODE, NET_CODE } from './obfuscation.js';
import { isCredentialPath, pathScope } from './paths.js';

/** What an inline program (python -c, node -e, a `code` argument) does with the shell and the disk. */
export interface CodeScan {
  findings: Finding[];
  /** Command strings it hands to a shell: `os.system("…")`, `subprocess.run("…", shell=True)`, backticks. */
  shellStrings: string[];
}

const STRING = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')`;
/** Calls that run a command string through a shell. */
const SHELL_CALL = new RegExp(
  String.raw`(?:\bos\.(?:system|popen)|__import__\(\s*['"]os['"]\s*\)\.(?:system|popen)|\bsubprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|\bcommands\.getoutput|\b(?:system|exec|execSync|spawnSync|shell_exec|passthru|popen|proc_open|pcntl_exec)|Runtime\.getRuntime\(\)\.exec|\bIO\.popen|\bOpen3\.\w+|\bchild_process\.\w+|\bqx|%x)\s*\(\s*(?:\[\s*)?${STRING}`,
  'g',
);
/** List-form subprocess calls: `subprocess.run(["rm", "-rf", "/"])`. */
const ARGV_CALL = /\b(?:subprocess\.\w+|spawn|spawnSync|execFile|execFileSync|Popen)\s*\(\s*\[([^\]]{1,400})\]/g;
/** Recursive deletes through a language's file API, with the path argument. */
const RECURSIVE_DELETE = new RegExp(
  String.raw`(shutil\.rmtree|FileUtils\.(?:rm_rf|rm_r|remove_dir|remove_entry(?:_secure)?)|(?:\bfs|require\(\s*['"](?:node:)?fs(?:\/promises)?['"]\s*\))\.(?:rmSync|rmdirSync|promises\.rm|rm|rmdir)|\brimraf(?:\.sync)?|File::Path::(?:rmtree|remove_tree)|\b(?:rmtree|remove_tree)|Remove-Item)\s*(?:\(\s*)?${STRING}`,
  'g',
);
/** The same deletes aimed at the home directory by expression: `shutil.rmtree(os.path.expanduser("~"))`, `fs.rmSync(os.homedir(), …)`. */
const HOME_DELETE =
  /(shutil\.rmtree|FileUtils\.(?:rm_rf|rm_r)|(?:\bfs|require\(\s*['"](?:node:)?fs(?:\/promises)?['"]\s*\))\.(?:rmSync|rmdirSync|promises\.rm|rm|rmdir)|\brimraf(?:\.sync)?)\s*\(\s*(?:os\.path\.expanduser\(\s*['"]~\/?['"]\s*\)|(?:pathlib\.)?Path\.home\(\)|os\.environ\[\s*['"]HOME['"]\s*\]|os\.getenv\(\s*['"]HOME['"]\s*\)|(?:os|require\(\s*['"](?:node:)?os['"]\s*\))\.homedir\(\)|process\.env\.HOME|Dir\.home|ENV\[\s*['"]HOME['"]\s*\])\s*[,)]/g;
/** A module imported by expression to run a command: `__import__("os").popen("id")`, a sandbox escape's first step. */
const DYNAMIC_IMPORT_EXEC = /__import__\(\s*['"](?:os|subprocess|pty|commands)['"]\s*\)\s*\.\s*(?:system|popen|spawn|run|call|check_output|Popen|getoutput)\s*\(/;
const FILE_DELETE = new RegExp(String.raw`(os\.(?:remove|unlink|rmdir|removedirs)|fs\.(?:unlinkSync|unlink)|File\.delete|\bunlink)\s*(?:\(\s*)?${STRING}`, 'g');
const FETCH_EXEC = /\b(exec|eval|iex|Invoke-Expression)\b\s*\(?[^;\n]{0,60}(urlopen|urllib|requests\.get|DownloadString|\bfetch\s*\(|http\.get|https\.get|Net\.WebClient|curl|wget)/i;
/** Code run from an opaque blob: `exec(base64.b64decode(…))`, `eval(atob(…))`, `exec(zlib.decompress(…))`. */
const DECODE_EXEC = /\b(?:exec|eval)\s*\([^;\n]{0,80}?(?:b64decode|base64|atob\s*\(|unhexlify|codecs\.decode|zlib\.decompress|marshal\.loads|fromCharCode)/i;
/** The whole environment as a value (not one variable of it): `dict(os.environ)`, `JSON.stringify(process.env)`. */
const WHOLE_ENV = /\b(?:dict|str|repr|list|json\.dumps)\(\s*os\.environ\s*\)|\bos\.environ\.(?:copy|items)\(\)|JSON\.stringify\(\s*process\.env\s*\)|\.\.\.process\.env\b|Object\.(?:entries|keys|values)\(\s*process\.env\s*\)|\bSystem\.getenv\(\s*\)/;
/** Code that sends data out: HTTP clients, raw sockets, mail and FTP. */
const NET_EGRESS = /\b(?:requests\.(?:post|put|patch|get|request)|urllib\.request|urlopen|http\.client|httpx\.\w+|aiohttp|fetch\s*\(|axios|XMLHttpRequest|https?\.request|socket\.(?:connect|send|sendall)|smtplib|ftplib|Net::HTTP|curl_exec)/;
const LITERAL = new RegExp(STRING, 'g');
/** `name = "text"` or `name = "a" + "b"` (Python, JavaScript with const/let/var, Ruby). */
const STRING_ASSIGN = new RegExp(String.raw`(?:^|[\s;(])(?:const\s+|let\s+|var\s+)?([A-Za-z_]\w{0,40})\s*=\s*(${STRING}(?:\s*\+\s*${STRING}){0,8})\s*(?:;|$)`, 'gm');
/** A shell call given a variable: `os.system(cmd)`, `subprocess.run(cmd, shell=True)`, `execSync(cmd)`. */
const VARIABLE_SHELL_CALL = /(?:\bos\.(?:system|popen)|\bsubprocess\.(?:run|call|check_call|check_output|Popen|getoutput)|\b(?:execSync|exec|system|shell_exec|passthru|popen)|child_process\.\w+)\s*\(\s*([A-Za-z_]\w{0,40})\s*[,)]/g;
/** A recursive delete given a variable. */
const VARIABLE_DELETE = /(shutil\.rmtree|FileUtils\.(?:rm_rf|rm_r)|(?:\bfs|require\(\s*['"](?:node:)?fs(?:\/promises)?['"]\s*\))\.(?:rmSync|rmdirSync|rm|rmdir)|\brimraf(?:\.sync)?)\s*\(\s*([A-Za-z_]\w{0,40})\s*[,)]/g;
/** The same aimed at the root by expression: `shutil.rmtree(os.sep)`, `shutil.rmtree(os.path.abspath(os.sep))`, `fs.rmSync(path.sep, …)`. */
const ROOT_DELETE = /(shutil\.rmtree|(?:\bfs|require\(\s*['"](?:node:)?fs['"]\s*\))\.(?:rmSync|rmdirSync|rm))\s*\(\s*(?:os\.sep|os\.path\.abspath\(\s*os\.sep\s*\)|path\.sep|require\(\s*['"](?:node:)?path['"]\s*\)\.sep|(?:pathlib\.)?Path\(\s*['"]\/['"]\s*\)\.anchor)\s*[,)]/;

function unescapeLiteral(s: string): string {
  return s.replace(/\\(["'\\])/g, '$1').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

/** scanCode finds shell strings, reverse shells, fetched-and-run code and wide deletions in a program. */
export function scanCode(code: string, language: string): CodeScan {
  const findings: Finding[] = [];
  const shellStrings: string[] = [];
  const add = (id: Finding['id'], severity: Finding['severity'], label: string, m: RegExpExecArray): void => {
    findings.push({ id, severity, label, text: code, start: m.index, end: m.index + m[0].length });
  };
  for (const m of code.matchAll(SHELL_CALL)) {
    // Python's exec() runs Python, not a shell.
    if (/^python/.test(language) && /^exec\b/.test(m[0])) continue;
    shellStrings.push(unescapeLiteral(m[1] ?? m[2] ?? ''));
  }
  for (const m of code.matchAll(ARGV_CALL)) {
    const parts = [...m[1]!.matchAll(new RegExp(STRING, 'g'))].map((p) => unescapeLiteral(p[1] ?? p[2] ?? ''));
    if (parts.length > 0) shellStrings.push(parts.map((p) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`)).join(' '));
  }
  if (/^(ruby|perl|php)$/.test(language)) for (const m of code.matchAll(/`([^`]{1,2000})`/g)) shellStrings.push(m[1]!);
  // A program whose language is a shell is a shell script.
  if (/^(?:bash|sh|shell|zsh|dash|ksh)$/.test(language)) shellStrings.push(code);
  else {
    // Notebook kernels run `!cmd`, `%sx cmd` / `%system cmd` lines and `%%bash` / `%%sh` / `%%script bash` cells in a shell.
    const cell = /^\s*%%(?:bash|sh|system|script\s+(?:\S*\/)?(?:ba)?sh)\b[^\n]*\n([\s\S]*)$/.exec(code);
    if (cell) shellStrings.push(cell[1]!);
    for (const m of code.matchAll(/^[ \t]*(?:!|%(?:sx|system)\s)(.+)$/gm)) shellStrings.push(m[1]!);
  }
  // A command or path first put in a variable (`cmd = "rm -rf " + "/"; os.system(cmd)`, `p = "/"; shutil.rmtree(p)`).
  const vars = new Map<string, string>();
  for (const m of code.matchAll(STRING_ASSIGN)) vars.set(m[1]!, [...m[2]!.matchAll(LITERAL)].map((l) => unescapeLiteral(l[1] ?? l[2] ?? '')).join(''));
  if (vars.size > 0) {
    for (const m of code.matchAll(VARIABLE_SHELL_CALL)) {
      const text = vars.get(m[1]!);
      if (text !== undefined) shellStrings.push(text);
    }
    for (const m of code.matchAll(VARIABLE_DELETE)) {
      const path = vars.get(m[2]!);
      if (path === undefined) continue;
      const scope = pathScope(path);
      if (scope === 'root' || scope === 'home' || scope === 'system') add('destructive_operation', 'critical', `${m[1]}('${path}')`, m);
    }
  }
  const rootByExpression = ROOT_DELETE.exec(code);
  if (rootByExpression) add('destructive_operation', 'critical', `${rootByExpression[1]} of the file-system root`, rootByExpression);

  for (const m of code.matchAll(RECURSIVE_DELETE)) {
    const path = unescapeLiteral(m[2] ?? m[3] ?? '');
    const scope = pathScope(path);
    const severity = scope === 'root' || scope === 'home' || scope === 'system' ? 'critical' : scope === 'absolute' || scope === 'all' ? 'high' : 'medium';
    add('destructive_operation', severity, `${m[1]}('${path}')`, m);
  }
  for (const m of code.matchAll(HOME_DELETE)) add('destructive_operation', 'critical', `${m[1]} of the home directory`, m);
  const dynamic = DYNAMIC_IMPORT_EXEC.exec(code);
  if (dynamic) add('command_injection', 'high', 'command run through __import__', dynamic);
  for (const m of code.matchAll(FILE_DELETE)) {
    const path = unescapeLiteral(m[2] ?? m[3] ?? '');
    const scope = pathScope(path);
    if (scope === 'root' || scope === 'system' || scope === 'home') add('destructive_operation', 'high', `${m[1]}('${path}')`, m);
  }
  const wipe = API_WIPE.exec(code);
  if (wipe) add('destructive_operation', 'high', `${wipe[1]} call`, wipe);
  const sql = destructiveSql(code.replace(/["'`]/g, ' '));
  if (sql && /\b(execute|query|exec|run|sql|raw)\b/i.test(code)) findings.push({ id: 'destructive_operation', severity: 'high', label: `SQL: ${sql}`, text: code, start: 0, end: code.length });

  const net = NET_CODE.exec(code);
  if (net && EXEC_CODE.test(code)) add('command_injection', 'critical', 'reverse shell code', net);
  const fetched = FETCH_EXEC.exec(code);
  if (fetched) add('command_injection', 'critical', 'download and execute', fetched);
  else {
    const decoded = DECODE_EXEC.exec(code);
    if (decoded) add('command_injection', 'critical', 'decode and execute', decoded);
  }
  const egress = NET_EGRESS.test(code);
  const env = egress ? WHOLE_ENV.exec(code) : null;
  if (env) add('command_injection', 'critical', 'sends the environment over the network', env);
  // A credential file named in the program: read (and, with a network client in it, sent out). A
  // dotenv file is how programs load their own settings, so it counts only next to a network client.
  for (const m of code.matchAll(LITERAL)) {
    const path = unescapeLiteral(m[1] ?? m[2] ?? '');
    if (!isCredentialPath(path) || (!egress && /(^|\/)\.env(\.[\w-]+)?$/.test(path))) continue;
    add('command_injection', egress ? 'critical' : 'high', `${egress ? 'exfiltrates' : 'reads'} credential file ${path}`, m);
    break;
  }
  return { findings, shellStrings };
}
