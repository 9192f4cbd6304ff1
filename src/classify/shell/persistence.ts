import { FETCHERS, NETCATS, SHELLS, quoteJoin } from './commands.js';
import type { Finding } from './findings.js';
import { normalizePath } from './paths.js';
import type { ScriptView } from './view.js';

/**
 * Files something runs later on its own — at every login or shell, on a schedule, at boot, on a git
 * commit — so text written into them is a program, and a download-and-run or a reverse shell planted
 * there is persistence. persistedProgram returns the shell text such a file will run.
 */

/** Read whole as shell: startup files of shells, boot scripts, git hooks, ssh's rc, the MOTD scripts. */
const HOME = String.raw`(?:\/home\/[^/]+|\/root|\/Users\/[^/]+)`;
const SHELL_FILES: RegExp[] = [
  new RegExp(String.raw`^${HOME}\/\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|zlogin|zlogout|kshrc|mkshrc|cshrc|tcshrc|login|xprofile|xinitrc|xsession|xsessionrc)$`),
  new RegExp(String.raw`^${HOME}\/\.config\/fish\/(?:config\.fish|conf\.d\/[^/]+)$`),
  new RegExp(String.raw`^${HOME}\/\.ssh\/rc$`),
  /^\/etc\/(?:profile|bashrc|bash\.bashrc|zshrc|zprofile|zshenv|zsh\/\w+|rc\.local|ssh\/sshrc|X11\/Xsession\.d\/[^/]+)$/,
  /^\/etc\/(?:profile\.d|init\.d|rc\d\.d|update-motd\.d|network\/if-(?:up|pre-up|down|post-down)\.d|NetworkManager\/dispatcher\.d|apt\/apt\.conf\.d)\/[^/]+$/,
  // A repository's hooks run at the next commit, checkout or push (not the *.sample files git ships).
  /(?:^|\/)\.git\/hooks\/(?!.*\.sample$)[^/]+$/,
  /(?:^|\/)\.husky\/(?!_\/)[^/]+$/,
];

/** Files cron reads jobs from: the system ones name the user before the command. */
const CRON_FILE = /^\/etc\/(?:crontab|cron\.d\/[^/]+)$|^\/var\/spool\/cron\/(?:crontabs\/)?[^/]+$/;
/** A crontab line's schedule (five fields, or `@reboot`, `@daily`…): what follows it is the command. */
const CRON_SCHEDULE = /^\s*(?:@\w+|(?:\S+\s+){5})/;
/** Periodic cron scripts (`/etc/cron.daily/x`) are run whole. */
const CRON_SCRIPT = /^\/etc\/cron\.(?:hourly|daily|weekly|monthly)\/[^/]+$/;

/** Unit files of systemd (system and user), whose Exec…= lines run at boot, at login or on a timer. */
const SYSTEMD_UNIT = new RegExp(
  String.raw`^(?:\/etc\/systemd\/(?:system|user)|\/(?:usr\/)?lib\/systemd\/(?:system|user)|${HOME}\/\.config\/systemd\/user|\/run\/systemd\/(?:system|user))\/[^/]+\.(?:service|socket)(?:\.d\/[^/]+\.conf)?$`,
);
const SYSTEMD_EXEC = /^\s*Exec(?:Start|StartPre|StartPost|Stop|StopPost|Reload|Condition)\s*=\s*[-@:+!]*(.*)$/gm;
/** Desktop-session autostart entries (`~/.config/autostart/x.desktop`, `/etc/xdg/autostart/`). */
const AUTOSTART = new RegExp(String.raw`^(?:${HOME}\/\.config|\/etc\/xdg)\/autostart\/[^/]+\.desktop$`);
const DESKTOP_EXEC = /^\s*Exec\s*=\s*(.*)$/gm;
/** launchd jobs of macOS (`~/Library/LaunchAgents/x.plist`): the ProgramArguments run at login or boot. */
const LAUNCHD_JOB = new RegExp(String.raw`^(?:${HOME}|)\/Library\/Launch(?:Agents|Daemons)\/[^/]+\.plist$`);
const LAUNCHD_ARGS = /<key>\s*ProgramArguments\s*<\/key>\s*<array>([\s\S]*?)<\/array>|<key>\s*Program\s*<\/key>\s*<string>([^<]*)<\/string>/g;

/** cronCommands returns the commands of crontab lines (after the schedule and, in system files, the user). */
export function cronCommands(text: string, system: boolean): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line) || !CRON_SCHEDULE.test(line)) continue;
    out.push(line.replace(CRON_SCHEDULE, '').replace(system ? /^\s*\S+\s+/ : /^/, ''));
  }
  return out;
}

/** npm runs these scripts of a package by itself, on `npm install` of it or of the project. */
const NPM_INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare', 'prepublish'];
const PACKAGE_JSON = /(?:^|\/)package\.json$/;
const GITHUB_WORKFLOW = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;
const GITLAB_CI = /(?:^|\/)\.gitlab-ci\.ya?ml$/;
const TERRAFORM = /\.tf$/;
/** Git's configuration: the settings whose value git runs as a command (fsmonitor, sshCommand, pager, editor, askPass, a credential helper starting with `!`). */
const GIT_CONFIG = /(?:^|\/)(?:\.gitconfig|\.git\/config|\.config\/git\/config)$|^\/etc\/gitconfig$/;
const GIT_COMMAND_SETTING = /^\s*(?:fsmonitor|sshCommand|pager|editor|askPass|helper\s*=\s*!|(?:alias\.)?\w+\s*=\s*!)\s*=?\s*(.+)$/gim;
const LOCAL_EXEC = /provisioner\s+"local-exec"\s*\{[^}]*?\bcommand\s*=\s*"((?:[^"\\\n]|\\.)*)"/g;

/**
 * persistedProgram returns the shell text that a file at `path` will run when `text` is written into
 * it, or undefined when nothing runs that file by itself (a source file, a document). Besides
 * startup files, hooks, cron and service units: a package's install scripts, the `run` steps of a
 * GitHub workflow, the `script` lines of a GitLab pipeline and Terraform's `local-exec` commands,
 * which run at the next install, push or apply, with that machine's secrets.
 */
export function persistedProgram(path: string, text: string): string | undefined {
  if (path.length > 512 || text.trim() === '') return undefined;
  const p = normalizePath(path.trim().replace(/^["']|["']$/g, ''));
  if (PACKAGE_JSON.test(p)) return joined(npmInstallScripts(text));
  if (GIT_CONFIG.test(p)) return joined([...text.matchAll(GIT_COMMAND_SETTING)].map((m) => unquote(m[1]!)));
  if (GITHUB_WORKFLOW.test(p)) return joined(yamlCommands(text, /^(?:-\s+)?run$/).map(githubExpressions));
  if (GITLAB_CI.test(p)) return joined(yamlCommands(text, /^(?:before_script|script|after_script)$/));
  if (TERRAFORM.test(p)) return joined([...text.matchAll(LOCAL_EXEC)].map((m) => m[1]!.replace(/\\(["\\])/g, '$1')));
  if (SHELL_FILES.some((re) => re.test(p)) || CRON_SCRIPT.test(p)) return text;
  if (CRON_FILE.test(p)) return joined(cronCommands(text, !/\/var\/spool\/cron\//.test(p)));
  if (SYSTEMD_UNIT.test(p)) return joined([...text.matchAll(SYSTEMD_EXEC)].map((m) => m[1]!));
  if (AUTOSTART.test(p)) return joined([...text.matchAll(DESKTOP_EXEC)].map((m) => m[1]!.replace(/%[fFuUdDnNickvm]/g, '')));
  if (LAUNCHD_JOB.test(p)) {
    return joined(
      [...text.matchAll(LAUNCHD_ARGS)].map((m) =>
        quoteJoin(m[1] !== undefined ? [...m[1].matchAll(/<string>([^<]*)<\/string>/g)].map((a) => xmlText(a[1]!)) : [xmlText(m[2]!)]),
      ),
    );
  }
  return undefined;
}

function npmInstallScripts(text: string): string[] {
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    return [];
  }
  const scripts = (pkg as { scripts?: unknown } | null)?.scripts;
  if (!scripts || typeof scripts !== 'object') return [];
  return NPM_INSTALL_SCRIPTS.map((k) => (scripts as Record<string, unknown>)[k]).filter((v): v is string => typeof v === 'string');
}

/**
 * yamlCommands reads the commands under the keys `key` matches from CI YAML, as text, without a
 * YAML parser: `run: cmd`, a `run: |` block, and `script:` lists (`- cmd`, or `[a, b]`).
 */
function yamlCommands(text: string, key: RegExp): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)((?:-\s+)?[\w-]+)\s*:\s*(.*)$/.exec(lines[i]!);
    if (!m || !key.test(m[2]!)) continue;
    const indent = m[1]!.length + (m[2]!.startsWith('-') ? 2 : 0);
    const value = m[3]!.trim();
    if (value !== '' && !/^[|>][-+]?$/.test(value)) {
      if (value.startsWith('[')) out.push(...value.slice(1, -1).split(',').map(unquote));
      else out.push(unquote(value));
      continue;
    }
    // A block (`run: |`) or a list (`script:` then `- cmd` lines): everything indented deeper.
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim() === '') continue;
      if (line.length - line.trimStart().length <= indent && !(value === '' && /^\s*-\s/.test(line) && line.length - line.trimStart().length === indent)) break;
      out.push(value === '' ? unquote(line.trim().replace(/^-\s+/, '')) : line.trim());
      i = j;
    }
  }
  return out;
}

/**
 * githubExpressions writes a workflow's `${{ … }}` expressions as the shell sees them once expanded:
 * a variable, named as a secret when the expression reads the repository's secrets, so that
 * `echo "${{ toJSON(secrets) }}" | curl -d @- …` is a secret sent over the network.
 */
function githubExpressions(command: string): string {
  return command.replace(/\$\{\{((?:(?!\}\}).){0,200})\}\}/g, (_all, expr: string) => (/\bsecrets\b/.test(expr) ? '$GITHUB_SECRETS' : '$GITHUB_EXPRESSION'));
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(["']).*\1$/s.test(t) ? t.slice(1, -1) : t;
}

function joined(lines: string[]): string | undefined {
  const kept = lines.map((l) => l.trim()).filter(Boolean);
  return kept.length > 0 ? kept.join('\n') : undefined;
}

function xmlText(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/**
 * startupHooks finds variables set on a command line that make a shell run code later: `BASH_ENV`
 * or `ENV` for the shell started with them (`env BASH_ENV=/tmp/.p bash -c …`), and a `PROMPT_COMMAND`
 * or `PS0` that reaches the network at every prompt (`export PROMPT_COMMAND='curl …/$(whoami)'`).
 * `PROMPT_COMMAND='history -a'` is what people put there.
 */
export function startupHooks(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  const src = sv.script.source;
  if (!HOOK_VARIABLE_RE.test(src)) return out;
  sv.script.commands.forEach((cmd, i) => {
    const v = sv.views[i];
    const set = [...cmd.assigns.map((a) => [a.name, a.value?.value ?? ''] as const), ...cmd.argv.flatMap((w) => assignment(w.value))];
    if (v?.name === 'export' || v?.name === 'declare' || v?.name === 'typeset') for (const a of v.args.slice(1)) set.push(...assignment(a));
    for (const [name, value] of set) {
      if (value.trim() === '') continue;
      if ((name === 'BASH_ENV' || name === 'ENV') && v !== undefined && SHELLS.has(v.name)) {
        out.push({ id: 'command_injection', severity: 'high', label: `${name} makes the shell source ${value} first`, text: src, start: cmd.start, end: cmd.end });
      } else if ((name === 'PROMPT_COMMAND' || name === 'PS0') && NETWORK_WORD_RE.test(value)) {
        out.push({ id: 'command_injection', severity: 'high', label: `${name} reaches the network at every prompt`, text: src, start: cmd.start, end: cmd.end });
      }
    }
  });
  return out;
}

const HOOK_VARIABLE_RE = /\b(?:BASH_ENV|ENV|PROMPT_COMMAND|PS0)=/;
const NETWORK_WORD_RE = new RegExp(String.raw`(?:^|[\s;|&(\`$])(?:${[...FETCHERS, ...NETCATS].map((n) => n.replace(/[.+]/g, '\\$&')).join('|')})(?=[\s;|&)\`]|$)|\/dev\/(?:tcp|udp)\/`);

function assignment(word: string): Array<readonly [string, string]> {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
  return m ? [[m[1]!, m[2]!]] : [];
}
