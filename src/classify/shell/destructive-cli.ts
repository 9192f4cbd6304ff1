import { flagSet, positionals, type CommandView } from './commands.js';
import type { Verdict } from './destructive.js';
import { packVerdict } from './packs.js';
import { viewOf, type ScriptView } from './view.js';

/** Subcommand verbs that delete for good wherever they appear among a CLI's first words. */
const DELETE_VERB = /^(delete|destroy|purge|drop|truncate|wipe|terminate|deregister|flushall|flushdb|batch-delete)([-_:][\w-]+)?$|^[\w-]+[-_:](delete|destroy|purge|drop|reset|wipe)$|^deletefile$/i;
/** Verbs that remove or stop something; they count as the first words of a subcommand chain only. */
const REMOVE_VERB = /^(rm|rmi|rb|remove|remove[-_][\w-]+|del|prune|reset|force[-_]reset|revoke|disable|forget|forget[-_][\w-]+|rollback|roll|dedupe|break-lock|unregister|unsubscribe|cancel|archive|kill|stop|undeploy|unpublish|yank|erase|publish|uninstall)$/i;
/** Flags that make a sync, copy or admin command delete (`rsync --delete`, `kafka-topics --delete`). */
const DELETE_FLAG = /^--(delete|delete-[\w-]+|del|remove|remove-all|remove-source-files|purge|force-delete|reset-offsets|cleanup|zap-all|wipe|drop|truncate|prune)(=.*)?$/;
/** Everyday file and text tools: a word like `delete` among their arguments is a file name. */
const FILE_TOOLS = new Set([
  'cat', 'ls', 'less', 'more', 'head', 'tail', 'vim', 'vi', 'nano', 'emacs', 'code', 'open', 'xdg-open', 'touch', 'mkdir', 'cp', 'wc', 'file', 'stat', 'du', 'tar', 'zip', 'unzip',
  'cd', 'pushd', 'sed', 'awk', 'sort', 'uniq', 'cut', 'tr', 'tee', 'diff', 'patch', 'ln', 'readlink', 'realpath', 'basename', 'dirname', 'tree', 'jq', 'yq', 'make', 'cmake', 'go',
  'python', 'python3', 'node', 'ruby', 'perl', 'php', 'bash', 'sh', 'zsh', 'git', 'ssh', 'sudo', 'xargs', 'env', 'sleep', 'date', 'export', 'source', '.', 'set', 'unset', 'cargo',
]);
/** Commands with rules of their own (./destructive.ts, specificVerdict): the generic shape would misread them. */
const HANDLED_ELSEWHERE = new Set(['docker', 'podman', 'nerdctl', 'kubectl', 'oc', 'git', 'rm', 'srm', 'unlink', 'rmdir', 'shred', 'wipe', 'dd', 'mv', 'chmod', 'chown', 'chgrp', 'find', 'fd', 'bfs', 'kill', 'killall', 'pkill', 'truncate', 'crontab', 'systemctl', 'service', 'rsync', 'scp']);
/** Client-library calls that drop whole indexes, tables or record sets (`Project.destroy_all`). */
export const API_WIPE = /\.(deleteIndex|clearObjects|clearIndex|dropDatabase|drop_database|dropCollection|drop_collection|destroy_all|delete_all|deleteMany\s*\(\s*\{\s*\}|flushall|flushdb|truncate_table)\b/;
const LOCAL_RUNNERS = new Set(['run', 'exec', 'x', 'run-script', 'dlx', 'script', 'task']);

/**
 * cliVerdict covers the deleting verbs of service, cluster, cloud, backup, queue and database
 * CLIs. The tool's dcg packs (./packs.ts) speak first: a destructive form is the verdict, a
 * read-only form ends the matter. Then the rules below (`docker system prune`, `curl -X DELETE`,
 * `dropdb`, `psql -c "DROP …"`, `rsync --delete`) and the generic `<tool> <noun…>
 * delete|remove|purge …` shape most CLIs share.
 */
export function cliVerdict(view: CommandView, sv: ScriptView): Verdict | undefined {
  const pack = packVerdict(view);
  if (pack === 'safe') return undefined;
  return pack ?? specificVerdict(view, sv) ?? genericVerdict(view);
}

function specificVerdict(view: CommandView, sv: ScriptView): Verdict | undefined {
  const { name, args } = view;
  const { short, long } = flagSet(args);
  const pos = positionals(args);
  switch (name) {
    case 'docker':
    case 'podman':
    case 'nerdctl': {
      const [a, b] = pos;
      if ((a === 'system' || a === 'volume' || a === 'image' || a === 'container' || a === 'network' || a === 'builder' || a === 'buildx') && (b === 'prune' || b === 'rm' || b === 'remove')) {
        return { severity: a === 'system' || a === 'volume' ? 'high' : 'medium', label: `${name} ${a} ${b}` };
      }
      if ((a === 'rm' || a === 'rmi') && (short.has('f') || long.has('--force'))) return { severity: 'medium', label: `${name} ${a} -f` };
      if (a === 'kill' || a === 'stop') return { severity: 'medium', label: `${name} ${a}` };
      if (a === 'compose' && pos.includes('down') && (short.has('v') || long.has('--volumes'))) return { severity: 'high', label: `${name} compose down -v` };
      return undefined;
    }
    case 'cdk':
    case 'cdktf': {
      if (pos.includes('destroy') || args.some((a) => /^--?destroy$/.test(a))) return { severity: 'high', label: `${name} destroy` };
      if (pos[0] === 'state' && (pos[1] === 'rm' || pos[1] === 'delete')) return { severity: 'medium', label: `${name} state rm` };
      if (pos[0] === 'stack' && (pos[1] === 'rm' || pos[1] === 'remove')) return { severity: 'high', label: `${name} stack rm` };
      return undefined;
    }
    case 'aws': {
      const op = pos.slice(0, 4).find((p) => /^(delete|batch-delete|remove|terminate|deregister|purge|revoke|disable|detach|disassociate|cancel|reset|stop|unsubscribe|rb|rm|destroy|put-secret-value|update-secret|create-invalidation|empty)(-[\w-]+)?$/.test(p));
      if (op) return { severity: /^(delete|batch-delete|terminate|purge|rb|rm|destroy)/.test(op) ? 'high' : 'medium', label: `aws ${pos.slice(0, pos.indexOf(op) + 1).join(' ')}` };
      if ((pos[1] === 'sync' || pos[1] === 'mv') && (long.has('--delete') || pos[1] === 'mv')) return { severity: pos[1] === 'sync' ? 'high' : 'medium', label: `aws ${pos[0]} ${pos[1]}${pos[1] === 'sync' ? ' --delete' : ''}` };
      return undefined;
    }
    case 'curl':
    case 'wget':
    case 'http':
    case 'https':
    case 'xh':
    case 'httpie':
      return httpVerdict(view);
    case 'gh':
    case 'glab':
      if (pos[0] === 'api') return httpVerdict(view);
      return undefined;
    case 'dropdb':
    case 'dropuser':
      return pos.length > 0 ? { severity: 'high', label: `${name} ${pos[pos.length - 1]}` } : undefined;
    case 'mysqladmin':
      return pos.some((p) => /^(drop|shutdown)$/i.test(p)) ? { severity: 'high', label: `mysqladmin ${pos.find((p) => /^(drop|shutdown)$/i.test(p))} ${pos[pos.length - 1]}` } : undefined;
    case 'psql':
    case 'mysql':
    case 'mariadb':
    case 'sqlite3':
    case 'sqlite':
    case 'duckdb':
    case 'clickhouse-client':
    case 'clickhouse':
    case 'cqlsh':
    case 'mongosh':
    case 'mongo':
    case 'cockroach':
    case 'snowsql':
    case 'bq':
    case 'sqlcmd':
    case 'usql':
      return sqlVerdict(view, sv);
    case 'rsync':
      if (short.has('n') || long.has('--list-only')) return undefined;
      return args.some((a) => DELETE_FLAG.test(a)) ? { severity: 'high', label: `rsync ${args.filter((a) => DELETE_FLAG.test(a)).join(' ')}` } : undefined;
    case 'borgmatic':
      return /^(delete|prune|recreate|break-lock|compact)$/.test(pos[0] ?? '') ? { severity: 'high', label: `borgmatic ${pos[0]}` } : undefined;
    case 'systemctl':
      if (/^(stop|disable|mask|kill|isolate)$/.test(pos[0] ?? '') && pos.length > 1) return { severity: 'medium', label: `systemctl ${pos[0]} ${pos[1]}` };
      if (/^(poweroff|reboot|halt|kexec|suspend|hibernate)$/.test(pos[0] ?? '')) return { severity: 'high', label: `systemctl ${pos[0]}` };
      return undefined;
    case 'service':
      return /^(stop|kill)$/.test(pos[1] ?? '') ? { severity: 'medium', label: `service ${pos[0]} ${pos[1]}` } : undefined;
    case 'nginx':
    case 'openresty':
      return args.includes('-s') && /^(stop|quit)$/.test(args[args.indexOf('-s') + 1] ?? '') ? { severity: 'medium', label: `${name} -s ${args[args.indexOf('-s') + 1]}` } : undefined;
    case 'haproxy':
      return args.some((a) => a === '-sf' || a === '-st') ? { severity: 'medium', label: `haproxy ${args.find((a) => a === '-sf' || a === '-st')}` } : undefined;
    case 'socat':
    case 'nc':
    case 'ncat':
    case 'nsupdate':
    case 'redis-cli':
    case 'valkey-cli':
      return fedVerdict(view, sv);
    case 'ssh-add':
      return short.has('d') || short.has('D') ? { severity: 'medium', label: `ssh-add ${short.has('D') ? '-D' : '-d'}` } : undefined;
    case 'ssh-keygen':
      return short.has('R') ? { severity: 'medium', label: 'ssh-keygen -R' } : undefined;
    case 'scp':
      return scpVerdict(pos);
    case 'pacman':
    case 'yay':
    case 'paru':
      return args.some((a) => /^-R/.test(a)) ? { severity: 'medium', label: `${name} -R` } : undefined;
    case 'twine':
      return /^(upload|push|yank)$/.test(pos[0] ?? '') ? { severity: 'medium', label: `${name} ${pos[0]}` } : undefined;
    case 'rake':
    case 'rails':
    case 'gitlab-rake':
    case 'artisan':
    case 'manage.py':
    case 'django-admin':
    case 'mix':
    case 'prisma':
    case 'sequelize':
    case 'knex':
    case 'alembic': {
      const task = pos.find((p) => /(^|[:.])(drop|reset|wipe|flush|fresh|purge|destroy|restore|rollback)$/.test(p) || p === 'flush' || p === 'downgrade');
      return task ? { severity: 'high', label: `${name} ${task}` } : undefined;
    }
    case 'php':
      if (pos[0] === 'artisan') return specificVerdict({ ...view, name: 'artisan', args: args.slice(1) }, sv);
      if (/manage\.py$/.test(pos[0] ?? '')) return specificVerdict({ ...view, name: 'manage.py', args: args.slice(1) }, sv);
      return undefined;
    case 'python':
    case 'python3':
      if (/manage\.py$/.test(pos[0] ?? '')) return specificVerdict({ ...view, name: 'manage.py', args: args.slice(1) }, sv);
      return undefined;
  }
  if (/^kafka-[\w-]+(\.sh)?$/.test(name)) {
    const flag = args.find((a) => /^--(delete|reset-offsets|delete-offsets)$/.test(a));
    return flag ? { severity: 'high', label: `${name} ${flag}` } : undefined;
  }
  return undefined;
}

/** genericVerdict applies the `<tool> <noun…> <verb>` shape and deleting flags to any other CLI. */
function genericVerdict(view: CommandView): Verdict | undefined {
  const { name, args } = view;
  if (FILE_TOOLS.has(name) || HANDLED_ELSEWHERE.has(name)) return undefined;
  const wipe = args.slice(1).map((a) => API_WIPE.exec(a)).find((m) => m !== null);
  if (wipe) return { severity: 'high', label: `${name}: ${wipe[0]}` };
  const pos = positionals(args);
  for (let i = 0; i < Math.min(pos.length, 6); i++) {
    const p = pos[i]!;
    if (i > 0 && LOCAL_RUNNERS.has(pos[i - 1]!)) break;
    if (DELETE_VERB.test(p)) return { severity: 'high', label: `${name} ${pos.slice(0, i + 1).join(' ')}` };
    if (i <= 3 && REMOVE_VERB.test(p) && pos.slice(0, i).every((q) => /^[a-z][\w:-]*$/i.test(q))) {
      return { severity: 'medium', label: `${name} ${pos.slice(0, i + 1).join(' ')}` };
    }
  }
  const flag = args.slice(1).find((a) => DELETE_FLAG.test(a) && !/=(false|no|0)$/i.test(a));
  if (flag) {
    const at = args.indexOf(flag);
    if (/^(false|no|0)$/i.test(args[at + 1] ?? '')) return undefined;
    return { severity: 'medium', label: `${name} ${flag}` };
  }
  return undefined;
}

/**
 * Requests other than DELETE that destroy or reconfigure a service (dcg search.elasticsearch,
 * search.meilisearch, monitoring.prometheus, cicd.jenkins): the methods, the path, the severity.
 */
const HTTP_RULES: Array<[RegExp, RegExp, Verdict['severity']]> = [
  [/^(POST|PUT)$/, /\/api\/v1\/admin\/tsdb\/(delete_series|clean_tombstones)\b/, 'critical'],
  [/^(POST|PUT)$/, /(_delete_by_query|\/doDelete\b|\/delete(-batch|_all)?(\/|$|\?)|\/purge(\/|$)|\/_flush|\/_close(\/|$|\?)|\/wipe(\/|$))/i, 'high'],
  [/^(POST|PUT|PATCH)$/, /\/_cluster\/settings\b/, 'high'],
];
const DATA_FLAG = /^(-d|--data|--data-raw|--data-binary|--data-urlencode|--json|-F|--form)(=|$)/;
/** A GraphQL mutation, and after it a deleting field: two linear searches (`mutation[\s\S]*delete` backtracks on every `mutation`). */
export function graphqlDelete(body: string): boolean {
  const at = /\bmutation\b/i.exec(body);
  return at !== null && /\b(delete|destroy|remove|purge)/i.test(body.slice(at.index));
}

/** httpVerdict flags DELETE requests, POSTs/PUTs to deleting endpoints (HTTP_RULES) and GraphQL delete mutations. */
function httpVerdict(view: CommandView): Verdict | undefined {
  const { name, args } = view;
  let method = '';
  for (let i = 1; i < args.length; i++) {
    const m = /^(?:-X|--request|--method)(?:=)?(\w*)$/.exec(args[i]!);
    if (m) method = (m[1] || args[i + 1] || '').toUpperCase();
  }
  const pos = positionals(args).filter((p) => !/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/.test(p) || name === 'curl');
  if (!method && (name === 'http' || name === 'https' || name === 'xh' || name === 'httpie')) {
    method = positionals(args).find((p) => /^(GET|POST|PUT|PATCH|DELETE)$/.test(p)) ?? '';
  }
  if (!method && args.some((a) => DATA_FLAG.test(a))) method = 'POST';
  const url = pos.find((p) => /^(\w+:\/\/|:\d|localhost|[\w.-]+:\d+\/|\/?[\w-]+\/)/.test(p)) ?? pos[pos.length - 1] ?? '';
  return requestVerdict(method, url, args.join(' '));
}

/**
 * requestVerdict judges one HTTP request, from a command line or a tool's own method and URL
 * arguments: DELETE, a POST/PUT to a deleting endpoint, a GraphQL delete mutation (in `body`).
 */
export function requestVerdict(method: string, url: string, body: string): Verdict | undefined {
  if (method === 'DELETE') return { severity: 'high', label: `DELETE ${url}`.trim() };
  const rule = HTTP_RULES.find(([methods, path]) => methods.test(method) && path.test(url));
  if (rule) return { severity: rule[2], label: `${method} ${url}` };
  if (method === 'POST' && /graphql/i.test(url) && graphqlDelete(body)) return { severity: 'high', label: `GraphQL delete mutation to ${url}` };
  return undefined;
}

/**
 * DROP/TRUNCATE, dcg database.mysql's RESET MASTER (deletes every binary log) and GRANT ALL ON *.*
 * (a new superuser), and database.sqlite's VACUUM INTO (overwrites its target file).
 */
const DROP_SQL = /\b(drop\s+(table|database|schema|index|view|user|role|collection|keyspace|materialized\s+view)\b|truncate\s+(table\s+)?[\w."`[]|alter\s+table\s+\S+\s+drop\b|reset\s+(master|slave|replica)\b|vacuum\s+into\b|grant\s+all\s+(privileges\s+)?on\s+\*\.\*)/i;
const MONGO_DROP = /\.(drop|dropDatabase|dropCollection)\s*\(|\.(deleteMany|remove)\s*\(\s*\{\s*\}\s*\)/;

/** destructiveSql returns the first statement of `sql` that drops, truncates, or deletes/updates every row. */
export function destructiveSql(sql: string): string | undefined {
  for (const stmt of sql.split(';')) {
    const s = stmt.trim();
    const drop = DROP_SQL.exec(s) ?? MONGO_DROP.exec(s);
    if (drop) return drop[0];
    if (/^\s*delete\s+from\s+\S+/i.test(s) && !/\bwhere\b/i.test(s)) return s.slice(0, 60);
    if (/^\s*update\s+\S+\s+set\b/i.test(s) && !/\bwhere\b/i.test(s)) return s.slice(0, 60);
  }
  return undefined;
}

/** sqlVerdict flags destructive SQL given to a database shell: in its arguments (`psql -c "DROP TABLE x"`) or on stdin. */
function sqlVerdict(view: CommandView, sv: ScriptView): Verdict | undefined {
  for (const t of [...view.args.slice(1), ...fedText(view, sv)]) {
    const hit = destructiveSql(t);
    if (hit) return { severity: 'high', label: `${view.name}: ${hit.trim()}` };
  }
  // dcg database.sqlite: a script file run into the database is applied unseen.
  const script = view.name.startsWith('sqlite') ? view.cmd.redirs.find((r) => r.op === '<' && r.target) : undefined;
  if (script) return { severity: 'medium', label: `${view.name} runs ${script.target!.value} unreviewed` };
  return undefined;
}

/**
 * Tools that take destructive instructions on stdin (dcg dns.generic, loadbalancer.haproxy): the
 * instruction pattern, the severity and what to call it. An admin socket only counts when the
 * command talks to one (`socat stdio /run/haproxy.sock`).
 */
const FED_RULES: Record<string, { text: RegExp; severity: Verdict['severity']; what: string; socket?: boolean }> = {
  nsupdate: { text: /(^|\n|;)\s*(update\s+)?(delete|del)\b/i, severity: 'high', what: 'nsupdate delete' },
  socat: { text: /\b(disable|shutdown|del|clear|kill)\s+(server|sessions?|frontend|backend|map|acl|table)\b/i, severity: 'medium', what: 'admin socket', socket: true },
  'redis-cli': { text: /\b(flushall|flushdb)\b/i, severity: 'high', what: 'redis-cli' },
};
FED_RULES.nc = FED_RULES.ncat = FED_RULES.socat!;
FED_RULES['valkey-cli'] = FED_RULES['redis-cli']!;

/** fedVerdict reads what a command gets on stdin (echo/printf earlier in its pipe, a here-doc or here-string) against FED_RULES. */
function fedVerdict(view: CommandView, sv: ScriptView): Verdict | undefined {
  const rule = FED_RULES[view.name];
  if (!rule || (rule.socket && !view.args.some((a) => /\.sock$|^unix-connect:/i.test(a)))) return undefined;
  for (const text of fedText(view, sv)) {
    if (rule.text.test(text)) return { severity: rule.severity, label: `${rule.what}: ${text.trim().split('\n')[0]}` };
  }
  return undefined;
}

/** fedText lists the texts a command reads on stdin: its here-docs and here-strings, and what echo/printf print into its pipe. */
export function fedText(view: CommandView, sv: ScriptView): string[] {
  const out: string[] = [];
  for (const r of view.cmd.redirs) {
    if (r.op === '<<<' && r.target) out.push(r.target.value);
    if (r.heredoc) out.push(r.heredoc.value);
  }
  const pipe = sv.pipelines.find((p) => p.includes(view.cmd));
  for (const c of pipe ?? []) {
    if (c === view.cmd) break;
    const v = viewOf(sv, c);
    if (v && (v.name === 'echo' || v.name === 'printf')) out.push(v.args.slice(1).filter((a) => !/^-[neE]+$/.test(a)).join(' ').replace(/\\n/g, '\n'));
  }
  return out;
}

/** scpVerdict flags copies that overwrite a remote system directory (`scp x host:/etc/`). */
function scpVerdict(pos: string[]): Verdict | undefined {
  if (pos.length < 2) return undefined;
  const dest = pos[pos.length - 1]!;
  const m = /^[^/:\s]+:(\/.*)$/.exec(dest);
  if (!m) return undefined;
  const path = m[1]!;
  if (path === '/' || /^\/(etc|bin|sbin|lib|lib64|lib32|boot|usr|var\/lib|root|sys|proc|dev)(\/|$)/.test(path)) return { severity: 'high', label: `scp over ${dest}` };
  return undefined;
}
