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
    const body = isMessageBody(input.category, field.key);
    let text = field.value;
    let found = scanText(text, body, scope === 'full');
    // Read again as it renders: invisible characters split the words the rules look for
    // ("Igno\u200bre all previous instructions"), compatibility forms disguise them (full-width letters),
    // and tag characters carry text no reader sees.
    const shown = found ? undefined : revealText(text);
    if (shown) {
      text = shown.text;
      found = scanText(text, body, scope === 'full') ?? (shown.smuggled ? { severity: 'high', start: 0, end: Math.min(text.length, 80), reason: 'hidden text' } : undefined);
    }
    if (!found) continue;
    const [from, to] = lineAround(text, found.start, found.end);
    const line = text.slice(from, to);
    const evidence = line.trim() === '' ? excerpt(text, found.start, found.end) : excerpt(line, found.start - from, found.end - from);
    signals.push({ id: 'prompt_injection', severity: found.severity, path: field.pointer, evidence: shown ? `${shown.how}: ${evidence}` : evidence });
  }
  return signals;
}

/** Characters that render as nothing: soft hyphens, zero-width and direction controls, variation selectors. */
// eslint-disable-next-line no-misleading-character-class -- the variation selectors are the point: they render as nothing
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufe00-\ufe0f\ufeff]/g;
/** Unicode tag characters U+E0020–E007E: an invisible copy of ASCII ("ASCII smuggling"). */
const TAGS = /(?:\udb40[\udc20-\udc7e])+/g;

/**
 * revealText returns the text as a reader (or a model) takes it in, when that differs: invisible
 * characters removed, compatibility forms folded (NFKC), tag characters spelled out. `smuggled` says
 * tag characters carried words (a space, or eight characters and more; an emoji flag's few do not).
 */
export function revealText(text: string): { text: string; how: string; smuggled: boolean } | undefined {
  // eslint-disable-next-line no-control-regex
  if (!/[^\u0000-\u007f]/.test(text)) return undefined;
  let smuggled = false;
  const spelled = text.replace(TAGS, (run) => {
    let ascii = '';
    for (let i = 1; i < run.length; i += 2) ascii += String.fromCharCode(run.charCodeAt(i) - 0xdc00);
    if (ascii.includes(' ') || ascii.length >= 8) smuggled = true;
    return ascii;
  });
  const folded = spelled.replace(INVISIBLE, '').normalize('NFKC');
  if (folded === text) return undefined;
  return { text: folded, how: smuggled ? 'in tag characters' : 'normalised', smuggled };
}
