import { scanSync } from 'libpg-query';
import { byteToCharMapper } from './offsets.js';

/** One lexical token of PostgreSQL's scanner, with offsets in characters of the scanned text. */
export interface Token {
  start: number;
  end: number;
  /** The scanner's token name (IDENT, SCONST, ICONST, FCONST, SQL_COMMENT, C_COMMENT, ASCII_59 for `;`…), KEYWORD or OP. */
  kind: string;
  /** The token's text, lower-cased for keywords and identifiers. */
  word: string;
  text: string;
  keyword: boolean;
  /** A reserved keyword (SELECT, WHERE…), which cannot name a column. */
  reserved: boolean;
}

/**
 * scanTokens lexes `text` with PostgreSQL's own scanner, or returns undefined when the scanner rejects
 * it. An unterminated quote or comment is rejected: callers lex only the text before it (see quotes.ts).
 */
export function scanTokens(text: string): Token[] | undefined {
  let raw;
  let scanned = text;
  try {
    raw = scanSync(text).tokens;
  } catch {
    // PostgreSQL rejects `1abc` ("trailing junk after numeric literal"); other dialects and payloads
    // (`1=1–`) do not care. Retry with the junk blanked: one character for one, so offsets still match.
    scanned = text.replace(/(?<=\d)[A-Za-z_\u0080-\uffff]/g, ' ');
    if (scanned === text) return undefined;
    try {
      raw = scanSync(scanned).tokens;
    } catch {
      return undefined;
    }
  }
  const toChar = byteToCharMapper(scanned);
  return (raw ?? []).map((t) => {
    const start = toChar(t.start);
    const end = toChar(t.end);
    const src = text.slice(start, end);
    const keyword = t.keywordName !== 'NO_KEYWORD';
    const kind = t.tokenName !== 'UNKNOWN' ? t.tokenName : keyword ? 'KEYWORD' : /^(x|b|n|e|u&)'/i.test(src) ? 'SCONST' : 'OP';
    return { start, end, kind, text: src, word: keyword || kind === 'IDENT' ? src.toLowerCase() : src, keyword, reserved: t.keywordName === 'RESERVED_KEYWORD' };
  });
}

/** isLiteral says whether a token is a constant: string, number, or a double-quoted "value" as MySQL and SQLite read it. */
export function isLiteral(t: Token | undefined): boolean {
  if (!t) return false;
  return t.kind === 'SCONST' || t.kind === 'ICONST' || t.kind === 'FCONST' || (t.kind === 'IDENT' && t.text.startsWith('"'));
}

export function isComment(t: Token): boolean {
  return t.kind === 'SQL_COMMENT' || t.kind === 'C_COMMENT';
}
