import { analyzeCodeField, analyzeCommand, warmUpAnalysis } from '../shell/analyze.js';
import { commandFields } from '../shell/fields.js';
import { openParseBudget } from '../shell/parse.js';
import { evidenceOf, SEVERITY_RANK, type Finding } from '../shell/findings.js';
import type { DetectionInput, Signal } from '../types.js';

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
      const prev = worst.get(f.id);
      if (!prev || SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev.severity]) worst.set(f.id, f);
    }
    for (const f of worst.values()) signals.push({ id: f.id, severity: f.severity, path: field.pointer, evidence: evidenceOf(f) });
  }
  return signals;
}
