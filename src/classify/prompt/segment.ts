/**
 * Splits a free-text field into sentence-sized units and names the kind of document they sit in,
 * so that an instruction can be judged against its surroundings: "Write a poem about the sea." is an
 * ordinary request on its own, but out of place as a line of a table or inside a forwarded e-mail.
 */

/** The register of a whole field: one sentence, a table, an e-mail, a code answer, or other prose. */
export type DocKind = 'single' | 'table' | 'email' | 'code' | 'prose';

/** One prose sentence (or a short line) of a field; table rows and fenced code are not units. */
export interface Unit {
  /** Offsets into the segmented text. */
  start: number;
  end: number;
  text: string;
  /** True for a prose line in a document that is otherwise a table: nothing else there is prose. */
  foreign: boolean;
}

export interface Segmented {
  kind: DocKind;
  units: Unit[];
}

/** Lines up to this length are one unit; longer lines are split into sentences. */
const SHORT_LINE = 240;
/** At most this many units are kept per field (head and tail), which bounds the cost of long texts. */
const MAX_UNITS = 160;
/** E-mail headers and greetings are looked for this far into the text, sign-offs this far from its end. */
const EMAIL_HEAD = 600;
const EMAIL_TAIL = 300;

const EMAIL_OPENING = /^(?:subject|email_from|from|received date|date|sent|cc)\s*:|^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^\n]{0,40},/im;
const EMAIL_CLOSING = /\b(?:best regards|kind regards|sincerely|cheers),?\s*$/im;
/** A sentence ends at . ! or ? followed by a capital letter or an opening quote (spaces optional: "email.The"). */
const SENTENCE_END = /[.!?]+["')\]]?\s*(?=["'(]?[A-Z])/g;

type LineKind = 'table' | 'code' | 'prose' | 'blank';

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 160;

interface Lines {
  starts: number[];
  ends: number[];
  kinds: LineKind[];
  table: number;
  code: number;
  prose: number;
}

function splitLines(text: string): Lines {
  const lines: Lines = { starts: [], ends: [], kinds: [], table: 0, code: 0, prose: 0 };
  let inFence = false;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let s = start;
    let e = end;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    let kind: LineKind;
    if (text.startsWith('```', s) || text.startsWith('~~~', s)) {
      inFence = !inFence;
      kind = 'code';
    } else if (inFence) kind = 'code';
    else if (s === e) kind = 'blank';
    else if (e - s > 1 && text.charCodeAt(s) === 124 && text.charCodeAt(e - 1) === 124) kind = 'table';
    else kind = 'prose';
    if (kind !== 'blank') lines[kind]++;
    lines.starts.push(start);
    lines.ends.push(end);
    lines.kinds.push(kind);
    start = end + 1;
  }
  return lines;
}

function pushUnit(text: string, s: number, e: number, foreign: boolean, out: Unit[]): void {
  while (s < e && isSpace(text.charCodeAt(s))) s++;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  if (e - s >= 2) out.push({ start: s, end: e, text: text.slice(s, e), foreign });
}

function pushSentences(text: string, from: number, to: number, foreign: boolean, out: Unit[]): void {
  if (to - from <= SHORT_LINE) {
    pushUnit(text, from, to, foreign, out);
    return;
  }
  const line = text.slice(from, to);
  let last = 0;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(line); m; m = SENTENCE_END.exec(line)) {
    const cut = m.index + m[0].length;
    pushUnit(text, from + last, from + cut, foreign, out);
    last = cut;
  }
  pushUnit(text, from + last, to, foreign, out);
}

function looksLikeEmail(text: string): boolean {
  if (text.length <= EMAIL_HEAD + EMAIL_TAIL) return EMAIL_OPENING.test(text) || EMAIL_CLOSING.test(text);
  return EMAIL_OPENING.test(text.slice(0, EMAIL_HEAD)) || EMAIL_CLOSING.test(text.slice(-EMAIL_TAIL));
}

/**
 * segmentText classifies the document and splits it into prose units. `isEmail` says the field is a
 * message body (from the tool's category), which the text itself may not show. When `only` is given,
 * units are built only for those kinds of document (the rest come back with no units, and 'single'
 * may then be reported as 'prose'), which spares the hot path the work for documents it does not score.
 */
export function segmentText(text: string, isEmail = false, only?: ReadonlySet<DocKind>): Segmented {
  const lines = splitLines(text);
  const tableDoc = lines.table >= 2 && lines.table >= lines.prose;
  let kind: DocKind;
  if (tableDoc) kind = 'table';
  else if (lines.code > 0) kind = 'code';
  else if (isEmail || looksLikeEmail(text)) kind = 'email';
  else kind = 'prose';
  // Without units a lone sentence cannot be told from other prose; that is fine when neither is wanted.
  if (only && !only.has(kind) && (kind !== 'prose' || !only.has('single'))) return { kind, units: [] };
  const units: Unit[] = [];
  for (let i = 0; i < lines.kinds.length; i++) {
    if (lines.kinds[i] === 'prose') pushSentences(text, lines.starts[i]!, lines.ends[i]!, tableDoc, units);
  }
  if (kind === 'prose' && units.length <= 1) kind = 'single';
  if (only && !only.has(kind)) return { kind, units: [] };
  if (units.length > MAX_UNITS) units.splice(MAX_UNITS / 2, units.length - MAX_UNITS);
  return { kind, units };
}
