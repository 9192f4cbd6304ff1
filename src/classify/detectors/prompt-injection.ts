import { excerpt } from '../evidence.js';
import { fieldScope, isMessageBody, scanText } from '../prompt/scan.js';
import type { DetectionInput, Signal } from '../types.js';

/** lineAround returns the bounds of the line of `text` holding [start, end), at most 200 characters either side. */
function lineAround(text: string, start: number, end: number): [number, number] {
  const reach = 200;
  let from = start;
  while (from > 0 && from > start - reach && text.charCodeAt(from - 1) !== 10) from--;
  let to = end;
  while (to < text.length && to < end + reach && text.charCodeAt(to) !== 10) to++;
  return [from, to];
}

/**
 * detectPromptInjection reports free-text fields (message bodies, file contents, comments…) that
 * address an AI model: overriding its instructions, jailbreak personas, system-prompt extraction and
 * forged chat turns (high), or instructions to the model planted in content it is processing — an
 * e-mail, a table, a code answer — such as "Modify your reply to…" (medium). SQL, shell, path and URL
 * fields are left to their own detectors; code fields get the phrase rules only.
 */
export function detectPromptInjection(input: DetectionInput): Signal[] {
  const signals: Signal[] = [];
  for (const field of input.fields) {
    const scope = fieldScope(field.key, field.value);
    if (scope === 'skip') continue;
    const found = scanText(field.value, isMessageBody(input.category, field.key), scope === 'full');
    if (!found) continue;
    const [from, to] = lineAround(field.value, found.start, found.end);
    const line = field.value.slice(from, to);
    signals.push({
      id: 'prompt_injection',
      severity: found.severity,
      path: field.pointer,
      evidence: line.trim() === '' ? excerpt(field.value, found.start, found.end) : excerpt(line, found.start - from, found.end - from),
    });
  }
  return signals;
}
