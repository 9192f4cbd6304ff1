/**
 * Per-tool destructive rules ported from destructive_command_guard (dcg) "packs": for each tool
 * family, the read-only forms of its commands and the forms that destroy data or state. The rule
 * data lives in ./packs/*.ts; this module compiles it once and looks packs up by command name.
 */
import type { CommandView } from './commands.js';
import type { Verdict } from './destructive.js';
import { CLUSTER_PACKS } from './packs/clusters.js';
import { DATA_PACKS } from './packs/data.js';
import { PLATFORM_PACKS } from './packs/platforms.js';
import { SERVICE_PACKS } from './packs/services.js';
import { SYSTEM_PACKS } from './packs/system.js';

/**
 * A form is a regular expression over a command's arguments joined by single spaces, anchored at
 * the first argument. Flags may come before and between its words: `fastly --token t service
 * delete` meets the form `service delete`, because a blank in a form matches blanks and any flags
 * (with one value each) in between. A form that starts with `.*` matches anywhere in the arguments.
 */
export type Form = string;

/** A dcg pack as data: the commands it governs, their read-only forms and their destructive forms. */
export interface Pack {
  /** dcg's pack id (`cdn.fastly`), so a rule can be traced to its source. */
  id: string;
  /** Command names the pack governs: lower-case, without a directory or a `.sh`/`.exe` suffix. */
  tools: string[];
  /** Read-only forms. A match keeps the generic CLI rules from reading the command as a deletion. */
  safe?: Form[];
  /** Destructive forms with their severity, most severe first. */
  deny: Array<[Form, Verdict['severity']]>;
  /** Match the forms case-insensitively (SQL and Redis keywords). */
  ignoreCase?: boolean;
}

interface CompiledPack {
  id: string;
  safe: RegExp[];
  deny: Array<{ re: RegExp; severity: Verdict['severity'] }>;
}

/** What a pack says about a command: a destructive verdict, `safe`, or nothing. */
export type PackVerdict = Verdict | 'safe' | undefined;

/**
 * Flags before or between subcommand words: `-r repo`, `--namespace=x`, `--json`. Each flag has
 * exactly one spelling here (no dash after the leading ones), so a failing match backtracks linearly.
 */
const FLAGS = String.raw`(?:--?[^\s=-][^\s=]*(?:=\S*|\s+[^\s-]\S*)?\s+)*?`;

/**
 * compileForm turns a form into a regular expression. Only blanks outside parentheses admit flags:
 * inside a repeated group (`key (\S+ )*remove`) they would overlap the group's own words and make
 * a failing match backtrack exponentially.
 */
function compileForm(form: Form, ignoreCase: boolean): RegExp {
  let body = '';
  let depth = 0;
  for (let i = 0; i < form.length; i++) {
    const ch = form[i]!;
    if (ch === '\\') {
      body += form.slice(i, i + 2);
      i++;
    } else if (ch === ' ') {
      while (form[i + 1] === ' ') i++;
      body += depth === 0 ? String.raw`\s+${FLAGS}` : String.raw`\s+`;
    } else {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      body += ch;
    }
  }
  const end = /[\w]$/.test(form) ? String.raw`(?![\w])` : '';
  // A form that matches anywhere needs no flag prefix, and one would only add backtracking.
  const prefix = form.startsWith('.*') ? '' : FLAGS;
  return new RegExp(`^${prefix}(?:${body})${end}`, ignoreCase ? 'i' : '');
}

function buildIndex(packs: Pack[]): Map<string, CompiledPack[]> {
  const index = new Map<string, CompiledPack[]>();
  for (const pack of packs) {
    const flags = pack.ignoreCase ?? false;
    const compiled: CompiledPack = {
      id: pack.id,
      safe: (pack.safe ?? []).map((f) => compileForm(f, flags)),
      deny: pack.deny.map(([f, severity]) => ({ re: compileForm(f, flags), severity })),
    };
    for (const tool of pack.tools) {
      const list = index.get(tool) ?? [];
      list.push(compiled);
      index.set(tool, list);
    }
  }
  return index;
}

const PACK_INDEX = buildIndex([...PLATFORM_PACKS, ...CLUSTER_PACKS, ...SERVICE_PACKS, ...DATA_PACKS, ...SYSTEM_PACKS]);

/** toolOf names the tool a command runs: `kafka-topics.sh` is kafka-topics, `java -jar jenkins-cli.jar` is jenkins-cli. */
function toolOf(view: CommandView): { tool: string; args: string[] } {
  const { name, args } = view;
  if (name === 'java') {
    const at = args.indexOf('-jar');
    const jar = at > 0 ? args[at + 1] : undefined;
    if (jar) return { tool: (jar.split('/').pop() ?? jar).replace(/\.jar$/i, '').toLowerCase(), args: [jar, ...args.slice(at + 2)] };
  }
  return { tool: name.replace(/\.(sh|exe|cmd|bat)$/, ''), args };
}

/**
 * packVerdict applies the packs of the command's tool: the most severe destructive form that
 * matches, else `safe` when a read-only form matches, else undefined (no pack has an opinion).
 */
export function packVerdict(view: CommandView): PackVerdict {
  const { tool, args } = toolOf(view);
  const packs = PACK_INDEX.get(tool);
  if (!packs) return undefined;
  const rest = args.slice(1).join(' ').slice(0, MAX_ARGS_TEXT);
  let best: Verdict | undefined;
  for (const pack of packs) {
    for (const rule of pack.deny) {
      const m = rule.re.exec(rest);
      if (!m) continue;
      if (!best || RANK[rule.severity] > RANK[best.severity]) best = { severity: rule.severity, label: labelOf(tool, rest, m[0].length) };
      break;
    }
  }
  if (best) return best;
  return packs.some((p) => p.safe.some((re) => re.test(rest))) ? 'safe' : undefined;
}

/** Arguments beyond this many characters are not read by the forms (they stay linear, but need not run long). */
const MAX_ARGS_TEXT = 4_096;

const RANK: Record<Verdict['severity'], number> = { medium: 0, high: 1, critical: 2 };

/** labelOf shows the tool, the matched words and up to two operands after them (`kubectl delete deployment api`). */
function labelOf(tool: string, rest: string, end: number): string {
  const after = rest.slice(end).trim().split(/\s+/).filter(Boolean);
  const operands: string[] = [];
  for (const w of after) {
    if (w.startsWith('-') || operands.length === 2) break;
    operands.push(w);
  }
  const text = `${tool} ${rest.slice(0, end).trim()} ${operands.join(' ')}`.replace(/\s+/g, ' ').trim();
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
