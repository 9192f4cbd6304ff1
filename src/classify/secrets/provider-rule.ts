import type { Severity } from '../types.js';

/**
 * A credential format a provider issues, recognisable on its own (a fixed prefix, length and
 * alphabet). Patterns port gitleaks' rules (`cmd/generate/config/rules/*.go`: regex, keywords,
 * entropy, allow-lists) and detect-secrets' plugins; `keywords` are lower-case literals one of
 * which must occur before the (costlier) pattern runs.
 */
export interface ProviderRule {
  kind: string;
  /** Empty: the rule has no distinctive literal and always runs (its pattern is cheap to scan). */
  keywords: readonly string[];
  /** Global; capture group 1, when present, is the secret, else the whole match. */
  re: RegExp;
  severity: Severity;
  /** Minimum Shannon entropy of the secret (bits/char): drops `AKIAZZZ…`-style sequences. */
  minEntropy?: number;
  /** A last check on the secret itself (an allow-list, a required digit). */
  accept?: (secret: string) => boolean;
  /**
   * Characters that may not precede the match (it would be the tail of a longer token), checked in
   * code rather than by a leading lookbehind so that V8 can scan for the pattern's literal prefix.
   */
  notAfter?: RegExp;
  /** Words one of which must occur somewhere in the text (lower-case): the service's name, for formats too generic alone. */
  context?: readonly string[];
  /** Keep masked and filler-looking secrets (`AKCxxxxxxxxxx`): the upstream plugin flags them too. */
  allowFiller?: boolean;
  /**
   * Look the keywords up in the whole lower-cased text, not only in its token runs: for formats
   * that sit in short runs (`AP6…` after `Api: `) or span non-token characters (`access_token$…`).
   */
  fullText?: boolean;
  /** Match the pattern case-insensitively (gitleaks' `(?i)` rules). */
  ignoreCase?: boolean;
  /**
   * The secret must end the value as gitleaks' `GenerateUniqueTokenRegex` requires: a quote, a
   * blank, `;`, a `\n` escape or the end of the text follows (not `)` or `,`).
   */
  strictEnd?: boolean;
}

/** Start-of-token markers: a pattern starting with one gets the matching `notAfter` check. */
export const B = '(?:(?<![A-Za-z0-9_-])|(?<=\\\\[nrt]))';
export const B_ALNUM = '(?:(?<![A-Za-z0-9])|(?<=\\\\[nrt]))';
export const B_VAULT = '(?:(?<![\\w.-])|(?<=\\\\[nrt]))';
export const B_PATH = '(?:(?<![\\w./-])|(?<=\\\\[nrt]))';
export const B_TELEGRAM = '(?:(?<![A-Za-z0-9_:-])|(?<=\\\\[nrt]))';
const MARKERS: ReadonlyArray<[string, RegExp]> = [
  [B, /[A-Za-z0-9_-]/],
  [B_ALNUM, /[A-Za-z0-9]/],
  [B_VAULT, /[\w.-]/],
  [B_PATH, /[\w./-]/],
  [B_TELEGRAM, /[A-Za-z0-9_:-]/],
];
/** End of a token: not followed by more of one. */
export const E = '(?![A-Za-z0-9_-])';

/** rule builds a ProviderRule from a pattern source; a leading start-of-token marker becomes its `notAfter` check. */
export function rule(kind: string, keywords: string[], source: string, severity: Severity = 'critical', extra: Partial<ProviderRule> = {}): ProviderRule {
  const marker = MARKERS.find(([m]) => source.startsWith(m));
  return {
    kind,
    keywords,
    re: new RegExp(marker ? source.slice(marker[0].length) : source, extra.ignoreCase ? 'gi' : 'g'),
    severity,
    ...(marker ? { notAfter: marker[1] } : {}),
    ...extra,
  };
}

export const hasDigit = (s: string): boolean => /\d/.test(s);
