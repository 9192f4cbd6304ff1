import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** A phone number in a text. */
export interface PhoneMatch {
  start: number;
  end: number;
  digits: string;
}

/**
 * Phone-shaped runs: an optional `+`/`00` prefix, digits in groups separated by single spaces, dots,
 * dashes or parentheses, and an optional extension. Never across a line break.
 */
const CANDIDATE_RE = /(?<![\w+./=#@$%-])(?:\+|\b00)?[ ]?\(?\d[\d \t().-]{4,24}\d(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,6})?(?![\w/@]|[.-]\d)/gi;
/** Words that say a number is a phone number (before it, or right after it: `… office`, `…-Fax`). */
const CONTEXT_BEFORE_RE = /(?:phone|\btel\b|tél|telefon|mobile?|\bmob\b|\bcell|\bfax|\bcall|text me|\bsms\b|whats ?app|\bdial|\bring\b|\breach|contact|answering|message|landline|office|\bdesk|\bhome\b|\bwork\b|hotline|\bcep\b|\bhandy\b)[^\n\d]{0,40}$/i;
/** Weaker words: `number`, `no.`, `#` name ids as often as phones. */
const WEAK_CONTEXT_BEFORE_RE = /(?:number|\bno[.:]|\bnr\b\.?|#)[^\n\d]{0,24}$/i;
/** …and after the name of a record they number an id: `invoice number`, `order no.`, `tracking #`, `PO number`. */
const ID_NUMBER_BEFORE_RE =
  /\b(?:invoice|order|tracking|account|acct|part|batch|lot|ticket|case|po|purchase order|reference|ref|serial|confirmation|customer|member(?:ship)?|policy|claim|shipment|transaction|item|model|product|sku|container|vat|tax|routing|registration|licen[cs]e|badge|employee|student|booking|reservation|receipt|document|record|issue|bug|incident|request|contract|project|job|build|release|version|waybill|parcel|package|check|cheque)\s*(?:number|no\.?|nr\.?|#)[^\n\d]{0,24}$/i;
const CONTEXT_AFTER_RE = /^[ \t-]{0,3}\(?(?:office|fax|mobile|cell|home|work|desk|phone|tel)\b/i;
/** Dates, times and IP addresses have phone-like digit groups. */
const NOT_PHONE_RE = /^(?:\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ]\d{4}|\d{1,3}(?:\.\d{1,3}){3}|\d{1,2}:\d{2})$/;
/** North American numbers as written in the US: (415) 555-0132, 415-555-0132, 1-800-555-0199. */
const NANP_RE = /^(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\)[ ]?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?$/i;
/** The group before a candidate that makes it the tail of a longer code (an IBAN's `ABNA 0417…`, `MD24 AG00 0225…`). */
const CODE_GROUP_BEFORE_RE = /(?:^|[^\w])(?:[A-Z]{4}|(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*\d)[A-Z0-9]{2,4})[ -]$/;
/** An SSN-shaped 3-2-4 number is not a phone number without a phone word. */
const SSN_SHAPE_RE = /^\d{3}([ .-])\d{2}\1\d{4}$/;
const CARD_WORD_RE = /\b(?:card|cc|credit|debit|visa|mastercard|amex)\b[^\n]{0,40}$/i;
/** Regions tried for a formatted national number with no `+` prefix. */
const REGIONS: readonly CountryCode[] = ['US', 'GB', 'DE', 'FR', 'TR', 'IN', 'BR', 'AU', 'JP', 'CN', 'NL', 'IT', 'ES'];
/** Bound on libphonenumber calls per text: a table of numbers must not cost milliseconds. */
const MAX_PARSES = 12;

/**
 * findPhones returns phone numbers: `+`-prefixed numbers libphonenumber validates, US-formatted
 * numbers, formatted national numbers valid in a common region, and any 7–15 digit phone-shaped run
 * with a phone word next to it ("call me on…", "… office", "Fax:"). Bare digit runs without such a
 * word are not phone numbers: they are more often ids, amounts or timestamps.
 */
export function findPhones(text: string): PhoneMatch[] {
  const out: PhoneMatch[] = [];
  let parses = 0;
  const valid = (candidate: string, region?: CountryCode): boolean => {
    if (parses >= MAX_PARSES) return false;
    parses++;
    return parsePhoneNumberFromString(candidate, region)?.isValid() ?? false;
  };
  CANDIDATE_RE.lastIndex = 0;
  for (let m = CANDIDATE_RE.exec(text); m !== null; m = CANDIDATE_RE.exec(text)) {
    const raw = m[0].trim();
    const start = m.index + m[0].indexOf(raw);
    const main = raw.replace(/[ ]?(?:x|ext\.?|#)[ ]?\d{1,6}$/i, '');
    const digits = main.replace(/\D/g, '');
    if (digits.length < 7 || digits.length > 15 || NOT_PHONE_RE.test(main) || /\s{2,}|\t/.test(main) || /^(\d)\1+$/.test(digits)) continue;
    if ((main.match(/\(/g) ?? []).length !== (main.match(/\)/g) ?? []).length) continue;
    const formatted = /[ ().-]/.test(main);
    const before = text.slice(Math.max(0, start - 80), start);
    if (CODE_GROUP_BEFORE_RE.test(before.slice(-6))) continue;
    const context = CONTEXT_BEFORE_RE.test(before) || CONTEXT_AFTER_RE.test(text.slice(start + raw.length, start + raw.length + 16));
    // Dots and dashes in one run (`2.04-3.338.724-4.042`): decimals of SVG path data or coordinates, no written phone number.
    if (!context && main.includes('.') && main.includes('-')) continue;
    let phone = false;
    if (main.startsWith('+') || main.startsWith('00')) phone = valid(main.replace(/^00/, '+')) || context;
    else if (NANP_RE.test(raw)) phone = true;
    else if (context) phone = formatted || digits.length >= 10 || valid(main, 'US');
    else if (SSN_SHAPE_RE.test(main) || CARD_WORD_RE.test(before)) phone = false;
    // A national number with its trunk prefix, written in groups: `0412 123 45 67`, `0 (532) 1234567`.
    else if (formatted && digits.length >= 9 && /^0/.test(digits) && main.split(/[ ().-]+/).length >= 3) phone = REGIONS.some((r) => valid(main, r));
    else if (WEAK_CONTEXT_BEFORE_RE.test(before) && !ID_NUMBER_BEFORE_RE.test(before) && digits.length <= 12 && (formatted || digits.length >= 10) && !/0{5}/.test(digits)) phone = REGIONS.some((r) => valid(main, r));
    if (phone) out.push({ start, end: start + raw.length, digits });
  }
  return out;
}
