import { embeddedJson } from '../embedded.js';
import { persistedProgram } from './persistence.js';
import type { DetectionInput, StringField } from '../types.js';

/** A string of the call that holds a command line (`shell`) or a program (`code`). */
export interface CommandField {
  pointer: string;
  text: string;
  kind: 'shell' | 'code';
  /** The interpreter a `code` field is for (`python`, `node`…), '' if unknown. */
  language: string;
  /** Text written into a file that runs later (persistedProgram): only what is severe counts, not a build step's `rm -rf dist`. */
  written?: boolean;
}

const COMMAND_KEY = /^(command|commands|cmd|cmds|cmdline|command_?line|script|scripts|shell|shell_?command|bash|bash_?command|sh|exec|entrypoint|run)$|[_-](command|cmd|script)$/;
const ARGV_KEY = /^(args|argv|arguments)$/;
/** Keys that name the program a call runs when its arguments come separately (`{ program: 'rm', args: ['-rf', '/'] }`). */
const PROGRAM_KEY = /^(program|executable|binary|bin|exe|file|process)$/;
const CODE_KEY = /^(code|source|source_code|program|snippet|cell|python|javascript|js|ruby|perl|php)$/;
/** Keys of a shell call that hold words about the command, not the command. */
const PROSE_KEY = /^(description|reason|explanation|comment|message|title|summary|notes?|purpose|intent|goal|rationale|thoughts?|thinking|cwd|workdir|working_?dir(ectory)?|dir|directory|path|timeout|env|name|id|language|lang|stdin|output|user|host|hostname)$/;
/** Marks of JavaScript or Python source, which a `script` field of a browser or notebook tool holds. */
const PROGRAM_SYNTAX = /=>|\bfunction\s*\(|\b(const|let|var)\s+\w+\s*=|\b(document|window|console)\.|\)\s*\{|^\s*(import|from)\s+\w|\bdef\s+\w+\(|\.then\(/m;
const LANGUAGES = /(python|node|javascript|typescript|ruby|perl|php|bash|shell|powershell)/;

/** commandFields picks the strings of a call that are command lines or programs, joining argv arrays. */
export function commandFields(input: DetectionInput): CommandField[] {
  const out: CommandField[] = [];
  const arrays = new Map<string, StringField[]>();
  const scalars: StringField[] = [];
  for (const f of input.fields) {
    const m = /^(.*)\/\d+$/.exec(f.pointer);
    if (m) {
      const list = arrays.get(m[1]!) ?? [];
      list.push(f);
      arrays.set(m[1]!, list);
    } else scalars.push(f);
  }
  const parentOf = (pointer: string): string => pointer.slice(0, pointer.lastIndexOf('/'));
  // Argument lists by the object that holds them, looked up once per command field.
  const argvArrays = new Map<string, StringField[]>();
  for (const [ptr, items] of arrays) if (ARGV_KEY.test(items[0]!.key) && !argvArrays.has(parentOf(ptr))) argvArrays.set(parentOf(ptr), items);
  const argvLines = new Map<string, StringField>();
  for (const f of scalars) if (ARGV_KEY.test(f.key) && !argvLines.has(parentOf(f.pointer))) argvLines.set(parentOf(f.pointer), f);
  const shellCategory = input.category === 'shell';
  const language = languageOf(input);
  // A database tool that names a language (`bigquery_python`) or any tool that runs (`execute_sql_and_python`) runs its code.
  const runsCode = input.category === 'database' || /(?:^|_)(?:run|exec|execute|eval|evaluate)(?:_|$)/.test(input.toolName.toLowerCase().replace(/[\s.-]+/g, '_'));

  // A tool named after a CLI (`git {args}`, `kubectl {args: […]}`, `terraform {command: "destroy"}`) runs that
  // program with what it is given: its command and argument fields are read with the program in front.
  const cli = input.embedded ? undefined : cliOfTool(input.toolName);
  const taken = new Set<string>();
  if (cli) {
    const withCli = (pointer: string, text: string): void => {
      const t = text.trim();
      out.push({ pointer, text: t === cli || t.startsWith(`${cli} `) ? t : `${cli} ${t}`, kind: 'shell', language: '' });
      taken.add(pointer);
    };
    // `git { subcommand: "push", args: ["--force", "origin", "main"] }`: one command line, the subcommand first.
    const sub = scalars.find((f) => f.pointer === '/arguments/subcommand');
    const subArgs = arrays.get('/arguments/args') ?? arrays.get('/arguments/argv') ?? arrays.get('/arguments/arguments');
    const subLine = scalars.find((f) => /^\/arguments\/(?:args|argv|arguments)$/.test(f.pointer));
    if (sub && (subArgs || subLine)) {
      withCli(sub.pointer, `${sub.value} ${subArgs ? joinArgv(subArgs.map((i) => i.value)) : subLine!.value}`);
      if (subArgs) taken.add(parentOf(subArgs[0]!.pointer));
      if (subLine) taken.add(subLine.pointer);
    }
    for (const f of scalars) if (/^\/arguments\/[^/]+$/.test(f.pointer) && !taken.has(f.pointer) && (COMMAND_KEY.test(f.key) || ARGV_KEY.test(f.key) || f.key === 'subcommand')) withCli(f.pointer, f.value);
    for (const [ptr, items] of arrays) if (/^\/arguments\/[^/]+$/.test(ptr) && !taken.has(ptr) && (COMMAND_KEY.test(items[0]!.key) || ARGV_KEY.test(items[0]!.key))) withCli(ptr, joinArgv(items.map((i) => i.value)));
    // An AWS call as structured data: `{ service: "ec2", operation: "TerminateInstances" }`.
    const service = scalars.find((f) => f.pointer === '/arguments/service')?.value;
    const operation = scalars.find((f) => /^\/arguments\/(?:operation|action|api|method)$/.test(f.pointer));
    if (cli === 'aws' && service && operation && /^[\w-]{1,64}$/.test(service) && /^[\w-]{1,64}$/.test(operation.value)) {
      withCli(operation.pointer, `${service.toLowerCase()} ${operation.value.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '-').toLowerCase()}`);
    }
  }

  // The arguments beside a one-word command or program: an argv array, or a string of them (`{ command: 'rm', args: '-rf /' }`).
  const argvBeside = (f: StringField): string | undefined => {
    if (/\s/.test(f.value.trim())) return undefined;
    const container = parentOf(f.pointer);
    const items = argvArrays.get(container);
    if (items) return joinArgv([f.value, ...items.map((a) => a.value)]);
    const line = argvLines.get(container);
    return line && line !== f ? `${joinArgv([f.value])} ${line.value}` : undefined;
  };

  for (const f of scalars) {
    if (taken.has(f.pointer)) continue;
    const program = COMMAND_KEY.test(f.key) || PROGRAM_KEY.test(f.key) ? argvBeside(f) : undefined;
    if (COMMAND_KEY.test(f.key) || program !== undefined) {
      const text = program ?? f.value;
      if (shellCategory || input.category === 'code' || looksLikeCommand(text)) out.push({ pointer: f.pointer, text, kind: 'shell', language: '' });
    } else if (CODE_KEY.test(f.key) && (input.category === 'code' || shellCategory || (language !== '' && runsCode))) {
      out.push({ pointer: f.pointer, text: f.value, kind: 'code', language });
    }
  }
  for (const [ptr, items] of arrays) {
    const key = items[0]!.key;
    if (!COMMAND_KEY.test(key) || taken.has(ptr)) continue;
    if (/s$/.test(key) || items.every((i) => /\s/.test(i.value.trim()))) {
      for (const i of items) if (shellCategory || looksLikeCommand(i.value)) out.push({ pointer: i.pointer, text: i.value, kind: 'shell', language: '' });
    } else out.push({ pointer: ptr, text: joinArgv(items.map((i) => i.value)), kind: 'shell', language: '' });
  }
  // `{ command: "bash", stdin: "curl … | sh" }`: a shell or interpreter started without a script reads its program from stdin.
  for (const f of [...out]) {
    const reader = f.kind === 'shell' ? STDIN_PROGRAM_RE.exec(f.text) : null;
    if (!reader) continue;
    const holder = parentOf(f.pointer);
    for (const s of scalars) {
      if (!STDIN_KEY.test(s.key) || parentOf(s.pointer) !== holder || taken.has(s.pointer)) continue;
      const lang = reader[1]!.toLowerCase();
      out.push(/sh$/.test(lang) ? { pointer: s.pointer, text: s.value, kind: 'shell', language: '' } : { pointer: s.pointer, text: s.value, kind: 'code', language: lang.startsWith('python') ? 'python' : lang });
      taken.add(s.pointer);
    }
  }
  // `write_file { path: "~/.bashrc", content: "curl … | sh" }`: text written into a file that runs by itself later is a program.
  for (const f of scalars) {
    if (!WRITTEN_KEY.test(f.key) || taken.has(f.pointer)) continue;
    const holder = parentOf(f.pointer);
    const target = scalars.find((s) => TARGET_KEY.test(s.key) && parentOf(s.pointer) === holder);
    const program = target ? persistedProgram(target.value, f.value) : undefined;
    if (program) {
      out.push({ pointer: f.pointer, text: program, kind: 'shell', language: '', written: true });
      taken.add(f.pointer);
    }
  }
  if (out.length === 0 && shellCategory) {
    // JSON text is a document, read as arguments of its own (classify()), not a command line.
    for (const f of scalars) if (!PROSE_KEY.test(f.key) && !ARGV_KEY.test(f.key) && embeddedJson(f.value) === undefined) out.push({ pointer: f.pointer, text: f.value, kind: 'shell', language: '' });
    for (const [ptr, items] of arrays) if (ARGV_KEY.test(items[0]!.key)) out.push({ pointer: ptr, text: joinArgv(items.map((i) => i.value)), kind: 'shell', language: '' });
  }
  return out;
}

/** Keys of the file a write goes to, and of the text written. */
const TARGET_KEY = /^(?:path|file|file_?path|filename|file_?name|target|target_?file|dest|destination|output|output_?path)$/;
const WRITTEN_KEY = /^(?:content|contents|text|data|body|new_?string|new_?str|new_?content|new_?text|append|line|lines|insert|insert_?text|file_?text)$/;

/** A shell or interpreter named alone (or with `-s`, `-`): it runs what it reads from stdin. */
const STDIN_PROGRAM_RE = /^\s*(?:sudo\s+)?(?:\/\S*\/)?((?:ba|z|da|k|a|fi)?sh|python[23]?(?:\.\d+)?|node|perl|ruby|php)(?:\s+(?:-s|-|-i|-l|--login|-x|-e))*\s*$/i;
const STDIN_KEY = /^(?:stdin|input|std_in|input_data|script_input)$/;

/** Command-line programs agents are given as tools of their own, whose subcommands can destroy. */
const CLI_PROGRAMS = new Set([
  'git', 'gh', 'glab', 'kubectl', 'oc', 'helm', 'terraform', 'tofu', 'pulumi', 'aws', 'gcloud', 'gsutil', 'az', 'doctl', 'docker', 'podman', 'heroku',
  'fly', 'flyctl', 'vercel', 'netlify', 'firebase', 'supabase', 'wrangler', 'eksctl', 'psql', 'mysql', 'redis-cli', 'mongosh', 'rclone', 's3cmd', 'systemctl', 'npm',
]);

/** cliOfTool names the program a tool is named after: `git`, `git_command`, `kubectl-cli`, `run_terraform` (not `docker_exec`: that runs its command in a container). */
function cliOfTool(toolName: string): string | undefined {
  const name = toolName.toLowerCase().replace(/[\s.]+/g, '_');
  if (CLI_PROGRAMS.has(name)) return name;
  const m = /^(?:(?:run|exec|execute)_)?([a-z0-9-]+?)(?:[_-](?:command|cmd|cli|tool))?$/.exec(name);
  return m && CLI_PROGRAMS.has(m[1]!) && m[1] !== name ? m[1] : undefined;
}

function languageOf(input: DetectionInput): string {
  const declared = input.fields.find((f) => /^(language|lang|runtime|kernel)$/.test(f.key))?.value.toLowerCase() ?? '';
  const m = LANGUAGES.exec(declared) ?? LANGUAGES.exec(input.toolName.toLowerCase());
  const lang = m?.[1] ?? '';
  return lang === 'javascript' || lang === 'typescript' ? 'node' : lang;
}

/**
 * looksLikeCommand keeps prose out of the analysis for calls that are not shell tools: a command
 * starts with a lower-case program name or path, and is not a paragraph of sentences.
 */
function looksLikeCommand(text: string): boolean {
  const t = text.trim();
  if (!/^(sudo\s|[a-z0-9_./~$\\({-])/.test(t) || PROGRAM_SYNTAX.test(t)) return false;
  const words = t.split(/\s+/);
  const sentences = (t.match(/[a-z][.!?](\s|$)/g) ?? []).length;
  return !(words.length > 12 && sentences >= 2);
}

function joinArgv(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./~-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
