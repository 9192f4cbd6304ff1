import { luhnValid } from './checksums.js';

/**
 * Card brands by issuer identification number (IIN) prefix ranges and the lengths they issue, after
 * the ISO/IEC 7812 registrations networks publish. `strong` brands are recognisable without context.
 */
const BRANDS: ReadonlyArray<{ brand: string; ranges: ReadonlyArray<[number, number]>; digits: number; lengths: readonly number[]; strong: boolean }> = [
  { brand: 'Visa', ranges: [[4, 4]], digits: 1, lengths: [13, 16, 19], strong: true },
  { brand: 'Mastercard', ranges: [[51, 55]], digits: 2, lengths: [16], strong: true },
  { brand: 'Mastercard', ranges: [[2221, 2720]], digits: 4, lengths: [16], strong: true },
  { brand: 'American Express', ranges: [[34, 34], [37, 37]], digits: 2, lengths: [15], strong: true },
  { brand: 'Discover', ranges: [[6011, 6011], [644, 649], [65, 65]], digits: 0, lengths: [16, 17, 18, 19], strong: true },
  { brand: 'Diners Club', ranges: [[300, 305], [36, 36], [38, 39]], digits: 0, lengths: [14, 15, 16, 17, 18, 19], strong: true },
  { brand: 'JCB', ranges: [[35, 35]], digits: 2, lengths: [16, 17, 18, 19], strong: true },
  { brand: 'JCB', ranges: [[2131, 2131], [1800, 1800]], digits: 4, lengths: [15], strong: true },
  { brand: 'UnionPay', ranges: [[62, 62]], digits: 2, lengths: [16, 17, 18, 19], strong: true },
  { brand: 'Mir', ranges: [[2200, 2204]], digits: 4, lengths: [16, 17, 18, 19], strong: true },
  { brand: 'UATP', ranges: [[1, 1]], digits: 1, lengths: [15], strong: false },
  { brand: 'Maestro', ranges: [[50, 50], [56, 69]], digits: 2, lengths: [12, 13, 14, 15, 16, 17, 18, 19], strong: true },
  { brand: 'RuPay', ranges: [[60, 60], [81, 82], [508, 508]], digits: 0, lengths: [16], strong: true },
  { brand: 'Verve', ranges: [[506, 506], [650, 650]], digits: 0, lengths: [16, 18, 19], strong: true },
];

/** brandOf names the card network a Luhn-valid number belongs to, or undefined. */
function brandOf(digits: string): { brand: string; strong: boolean } | undefined {
  for (const b of BRANDS) {
    if (!b.lengths.includes(digits.length)) continue;
    for (const [lo, hi] of b.ranges) {
      const width = b.digits || String(lo).length;
      const prefix = Number(digits.slice(0, width));
      if (prefix >= lo && prefix <= hi) return { brand: b.brand, strong: b.strong && !(digits.length < 13) };
    }
  }
  return undefined;
}

/**
 * Card-number shapes: 12–19 contiguous digits, or groups as cards are printed (4-4-4-4[-3],
 * Amex 4-6-5, Diners 4-6-4) with one consistent separator.
 */
const CARD_RE = /(?<![\w.,+/-])(?:\d{12,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5})(?![\w-]|[.,]\d)/g;
/** Words that make a weaker number (12-digit Maestro, UATP) a card. */
const CARD_CONTEXT_RE = /\b(?:card|cc|credit|debit|visa|master ?card|amex|maestro|pan|payment|billing)\b/i;

/** A payment card number in a text. */
export interface CardMatch {
  start: number;
  end: number;
  digits: string;
  brand: string;
}

/**
 * findCards returns Luhn-valid numbers with a card network's prefix and length; numbers only weakly
 * card-shaped (12 digits, UATP) need a card word nearby.
 */
export function findCards(text: string): CardMatch[] {
  const out: CardMatch[] = [];
  CARD_RE.lastIndex = 0;
  for (let m = CARD_RE.exec(text); m !== null; m = CARD_RE.exec(text)) {
    const digits = m[0].replace(/\D/g, '');
    if (!luhnValid(digits) || /^(\d)\1+$/.test(digits)) continue;
    const brand = brandOf(digits);
    if (!brand) continue;
    if (!brand.strong && !CARD_CONTEXT_RE.test(text.slice(Math.max(0, m.index - 60), m.index))) continue;
    out.push({ start: m.index, end: m.index + m[0].length, digits, brand: brand.brand });
  }
  return out;
}
