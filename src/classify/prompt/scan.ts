import type { Category, Severity } from '../types.js';
import { unitScore } from './features.js';
import { MODEL, THRESHOLDS } from './model.js';
import { ruleHits } from './rules.js';
import { type DocKind, segmentText } from './segment.js';
import { TokenBuffer, tokenize } from './tokens.js';

/**
 * Scans one free-text value for prompt injection: phrase rules first (./rules.ts), then the learned
 * scorer over the value's prose units (./model.ts), which catches instructions that are out of place
 * in the document they sit in.
 */

export interface Finding {
  severity: Severity;
  /** Offsets of the offending phrase or sentence in the scanned text. */
  start: number;
  end: number;
  reason: string;
}

/** How much of a field to examine: not at all (SQL, shell, paths, URLs…), rules only (code), or fully. */
export type FieldScope = 'skip' | 'rules' | 'full';

const SKIP_KEYS =
  /^(?:sql|query|queries|statement|stmt|command|commands|cmd|script|shell|args|argv|path|paths|file|files|filename|filepath|file_path|dir|directory|cwd|dest|destination|src_path|url|urls|uri|href|link|endpoint|host|hostname|domain|ip|port|method|to|cc|bcc|from|sender|recipient|recipients|email|emails|id|ids|uuid|token|password|secret|key|api_key|encoding|mime_type|mimetype|content_type|language|lang|locale|format|channel|priority|status|database|db|schema|table|branch|ref|sha|hash|date|time|timestamp|regex|pattern|selector|xpath|jsonpath|cron)$|_(?:id|url|uri|path|sql|query|command|cmd)$/;
const CODE_KEYS = /^(?:code|source|source_code|program|patch|diff|snippet|function|expression|expr|template|html|css|javascript|js|python)$/;

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

/** A blank, also the invisible one of Unicode tag characters (U+E0020), which hidden words are separated by. */
const BLANK = /\s|\udb40\udc20/;

/** fieldScope decides how a string field is examined from its key and value. */
export function fieldScope(key: string, value: string): FieldScope {
  if (value.length < 8 || SKIP_KEYS.test(key)) return 'skip';
  // One long token (an id, a hash, base64) carries no sentence; Chinese, Japanese and Korean text is
  // written without spaces and does, and a markdown image or a chat marker needs none.
  if (!BLANK.test(value) && !value.includes('<|') && !value.includes('![') && !CJK.test(value)) return 'skip';
  return CODE_KEYS.test(key) ? 'rules' : 'full';
}

const BODY_KEYS = /^(?:body|content|text|message|html|plain|markdown)$/;

/** isMessageBody says a field is the body of a message: an e-mail tool's body, not its subject or recipients. */
export function isMessageBody(category: Category, key: string): boolean {
  return category === 'email' && BODY_KEYS.test(key);
}

const SCORED_KINDS: ReadonlySet<DocKind> = new Set(Object.keys(THRESHOLDS) as DocKind[]);

/** Texts longer than this are scanned as a head and a tail window, which bounds the cost per field. */
const HEAD = 8_000;
const TAIL = 4_000;

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** Reused between calls: scanning is synchronous, so one buffer serves every field. */
const TOKENS = new TokenBuffer();

function scanWindow(text: string, offset: number, isEmail: boolean, useModel: boolean): Finding | undefined {
  tokenize(text, TOKENS);
  let best: Finding | undefined;
  for (const h of ruleHits(text, TOKENS)) {
    if (!best || RANK[h.severity] > RANK[best.severity]) best = { severity: h.severity, start: offset + h.start, end: offset + h.end, reason: h.rule };
  }
  if (best || !useModel) return best;
  const doc = segmentText(text, isEmail, SCORED_KINDS);
  // Only tables and e-mails are judged (see the model's thresholds): there an instruction to the
  // reader is out of place. A lone sentence has no surroundings to be out of place in, and code
  // answers and other prose are full of legitimate imperatives; the phrase rules judge those.
  let top = THRESHOLDS[doc.kind];
  if (top === undefined) return undefined;
  let t0 = 0;
  for (const unit of doc.units) {
    while (t0 < TOKENS.count && TOKENS.start[t0]! < unit.start) t0++;
    let t1 = t0;
    while (t1 < TOKENS.count && TOKENS.start[t1]! < unit.end) t1++;
    const z = unitScore(text, unit, TOKENS, t0, t1, MODEL);
    if (z >= top) {
      top = z;
      best = { severity: 'medium', start: offset + unit.start, end: offset + unit.end, reason: 'embedded instruction' };
    }
    t0 = t1;
  }
  return best;
}

/**
 * scanText returns the most severe prompt-injection finding in `text`, or undefined. `isEmail` says
 * the text is a message body; `useModel` false restricts the scan to the phrase rules.
 */
export function scanText(text: string, isEmail: boolean, useModel: boolean): Finding | undefined {
  if (text.length <= HEAD + TAIL) return scanWindow(text, 0, isEmail, useModel);
  const head = scanWindow(text.slice(0, HEAD), 0, isEmail, useModel);
  if (head?.severity === 'high') return head;
  const tail = scanWindow(text.slice(-TAIL), text.length - TAIL, isEmail, useModel);
  if (!head) return tail;
  return tail && RANK[tail.severity] > RANK[head.severity] ? tail : head;
}
