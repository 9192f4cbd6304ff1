import { viewCommand, type CommandView } from './commands.js';
import type { ShellCommand, ShellScript, ShellSubst, ShellWord } from './script.js';

/** ScriptView indexes a ShellScript for the rules: views of every command, sequences and pipelines. */
export interface ScriptView {
  script: ShellScript;
  /** viewCommand of every command, in script.commands order (undefined for lookups and bare redirections). */
  views: Array<CommandView | undefined>;
  /** Commands of each sequence, in order. */
  sequences: Map<number, ShellCommand[]>;
  /** Runs of two or more commands joined by `|` or `|&`. */
  pipelines: ShellCommand[][];
  /** Each command's position in script.commands (viewOf in O(1): the rules call it per command). */
  positions: Map<ShellCommand, number>;
  /** The command before each one in its sequence. */
  previous: Map<ShellCommand, ShellCommand>;
}

const viewCache = new WeakMap<ShellScript, ScriptView>();

/** scriptView builds (once per script) the indexes the shell rules share. */
export function scriptView(script: ShellScript): ScriptView {
  const cached = viewCache.get(script);
  if (cached) return cached;
  const views = script.commands.map((c) => viewCommand(c));
  const sequences = new Map<number, ShellCommand[]>();
  for (const c of script.commands) {
    const list = sequences.get(c.sequence) ?? [];
    list.push(c);
    sequences.set(c.sequence, list);
  }
  const pipelines: ShellCommand[][] = [];
  const previous = new Map<ShellCommand, ShellCommand>();
  for (const list of sequences.values()) {
    list.sort((a, b) => a.index - b.index);
    for (let i = 1; i < list.length; i++) previous.set(list[i]!, list[i - 1]!);
    let run: ShellCommand[] = [];
    for (const c of list) {
      if ((c.connector === '|' || c.connector === '|&') && run.length > 0) run.push(c);
      else {
        if (run.length > 1) pipelines.push(run);
        run = [c];
      }
    }
    if (run.length > 1) pipelines.push(run);
  }
  const positions = new Map(script.commands.map((c, i) => [c, i]));
  const view = { script, views, sequences, pipelines, positions, previous };
  viewCache.set(script, view);
  return view;
}

/** viewOf returns the CommandView of a command of the script. */
export function viewOf(sv: ScriptView, cmd: ShellCommand): CommandView | undefined {
  const i = sv.positions.get(cmd);
  return i === undefined ? undefined : sv.views[i];
}

/** ownerOf finds the command whose word holds a substitution (`sh -c "$(curl …)"` → the sh command). */
export function ownerOf(sv: ScriptView, subst: ShellSubst): { cmd: ShellCommand; word: ShellWord } | undefined {
  let best: { cmd: ShellCommand; word: ShellWord } | undefined;
  for (const cmd of sv.script.commands) {
    if (cmd.sequence === subst.sequence) continue;
    const words = [...cmd.argv, ...cmd.redirs.flatMap((r) => (r.target ? [r.target] : [])), ...cmd.assigns.flatMap((a) => (a.value ? [a.value] : []))];
    for (const word of words) {
      if (word.start <= subst.start && subst.end <= word.end && (!best || word.end - word.start < best.word.end - best.word.start)) best = { cmd, word };
    }
  }
  return best;
}

/** isLastInSequence reports whether nothing runs after cmd in its sequence. */
export function isLastInSequence(sv: ScriptView, cmd: ShellCommand): boolean {
  const list = sv.sequences.get(cmd.sequence) ?? [];
  return list[list.length - 1] === cmd;
}

/** previousOf returns the command before cmd in its sequence. */
export function previousOf(sv: ScriptView, cmd: ShellCommand): ShellCommand | undefined {
  return sv.previous.get(cmd);
}
