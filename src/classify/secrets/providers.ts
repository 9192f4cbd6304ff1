import type { ProviderRule } from './provider-rule.js';
import { INFRA_RULES } from './providers-infra.js';
import { SERVICE_RULES } from './providers-services.js';
import { trieSource } from './trie.js';

export type { ProviderRule } from './provider-rule.js';

/** PROVIDER_RULES, most specific first (an earlier rule wins an overlapping span). */
export const PROVIDER_RULES: readonly ProviderRule[] = [...INFRA_RULES, ...SERVICE_RULES];

const ALWAYS = PROVIDER_RULES.filter((r) => r.keywords.length === 0);
const FULL_TEXT = PROVIDER_RULES.filter((r) => r.fullText && r.keywords.length > 0);
const KEYWORDS = [...new Set(PROVIDER_RULES.filter((r) => !r.fullText).flatMap((r) => r.keywords))].sort((a, b) => b.length - a.length);
/** One pass over the text finds every keyword present (longest alternative first). */
const KEYWORD_RE = new RegExp(trieSource(KEYWORDS), 'g');
/** The `fullText` rules' keywords, looked up in one pass over the whole lower-cased text. */
const FULL_TEXT_RE = new RegExp(trieSource(new Set(FULL_TEXT.flatMap((r) => r.keywords))), 'g');
/** A matched keyword implies the shorter keywords it starts with (`sk_live_` → `sk_`). */
const IMPLIED = new Map(KEYWORDS.map((k) => [k, KEYWORDS.filter((o) => k.startsWith(o))]));

/**
 * rulesFor returns the provider rules worth running on a text, given the lower-cased parts of it
 * that can hold a token (`runs`) and the whole lower-cased text: those whose keyword occurs there,
 * and those without keywords.
 */
export function rulesFor(runs: string, lower: string): ProviderRule[] {
  const present = new Set<string>();
  KEYWORD_RE.lastIndex = 0;
  for (let m = KEYWORD_RE.exec(runs); m !== null; m = KEYWORD_RE.exec(runs)) {
    for (const k of IMPLIED.get(m[0]) ?? []) present.add(k);
    // Restart one character on: a keyword may begin inside the one just matched.
    KEYWORD_RE.lastIndex = m.index + 1;
  }
  FULL_TEXT_RE.lastIndex = 0;
  for (let m = FULL_TEXT_RE.exec(lower); m !== null; m = FULL_TEXT_RE.exec(lower)) present.add(m[0]);
  const fullText = FULL_TEXT.filter((r) => r.keywords.some((k) => present.has(k)));
  if (present.size === 0 && fullText.length === 0) return ALWAYS;
  return PROVIDER_RULES.filter((r) => r.keywords.length === 0 || (r.fullText ? fullText.includes(r) : r.keywords.some((k) => present.has(k))));
}
