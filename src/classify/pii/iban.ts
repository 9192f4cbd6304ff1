import { ibanChecksumValid } from './checksums.js';

/**
 * BBAN structure per country from the SWIFT IBAN registry, in its notation: `n` digits, `a`
 * upper-case letters, `c` alphanumerics, each preceded by a count (`4a14n` = 4 letters then 14 digits).
 */
const BBAN_FORMATS: Record<string, string> = {
  AD: '8n12c', AE: '19n', AL: '8n16c', AT: '16n', AZ: '4a20c', BA: '16n', BE: '12n', BG: '4a6n8c', BH: '4a14c', BI: '23n',
  BR: '23n1a1c', BY: '4c4n16c', CH: '5n12c', CR: '18n', CY: '8n16c', CZ: '20n', DE: '18n', DJ: '23n', DK: '14n', DO: '4c20n',
  EE: '16n', EG: '25n', ES: '20n', FI: '14n', FK: '2a12n', FO: '14n', FR: '10n11c2n', GB: '4a14n', GE: '2a16n', GI: '4a15c',
  GL: '14n', GR: '7n16c', GT: '4c20c', HR: '17n', HU: '24n', IE: '4a14n', IL: '19n', IQ: '4a15n', IS: '22n', IT: '1a10n12c',
  JO: '4a4n18c', KW: '4a22c', KZ: '3n13c', LB: '4n20c', LC: '4a24c', LI: '5n12c', LT: '16n', LU: '3n13c', LV: '4a13c',
  LY: '21n', MC: '10n11c2n', MD: '2c18c', ME: '18n', MK: '3n10c2n', MN: '16n', MR: '23n', MT: '4a5n18c', MU: '4a19n3a',
  NI: '4a20n', NL: '4a10n', NO: '11n', OM: '3n16c', PK: '4a16c', PL: '24n', PS: '4a21c', PT: '21n', QA: '4a21c', RO: '4a16c',
  RS: '18n', RU: '14n15c', SA: '2n18c', SC: '4a20n3a', SD: '14n', SE: '20n', SI: '15n', SK: '20n', SM: '1a10n12c', SO: '19n',
  ST: '21n', SV: '4a20n', TL: '19n', TN: '20n', TR: '5n1n16c', UA: '6n19c', VA: '18n', VG: '4c16n', XK: '16n', YE: '4a4n18c',
};

const CLASS = { n: '[0-9]', a: '[A-Z]', c: '[A-Z0-9]' } as const;

/** Compiled BBAN patterns and lengths, per country code. */
const BBANS = new Map(
  Object.entries(BBAN_FORMATS).map(([cc, format]) => {
    let source = '';
    let length = 0;
    for (const [, count, cls] of format.matchAll(/(\d+)([nac])/g)) {
      source += `${CLASS[cls as keyof typeof CLASS]}{${count}}`;
      length += Number(count);
    }
    return [cc, { re: new RegExp(`^${source}$`), length }];
  }),
);

/** Start of a candidate: a country code and check digits, not glued to a longer word. */
const IBAN_START_RE = /(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})(?=[ -]?[A-Za-z0-9])/g;

/** An IBAN found in a text: its span and compact form. */
export interface IbanMatch {
  start: number;
  end: number;
  iban: string;
}

/**
 * findIbans returns the IBANs in `text`: a known country code, that country's BBAN length and
 * structure, and a valid mod-97 checksum. Groups may be separated by single spaces or dashes; a
 * candidate must be all upper- or all lower-case.
 */
export function findIbans(text: string): IbanMatch[] {
  const out: IbanMatch[] = [];
  IBAN_START_RE.lastIndex = 0;
  for (let m = IBAN_START_RE.exec(text); m !== null; m = IBAN_START_RE.exec(text)) {
    const cc = (m[1] ?? '').toUpperCase();
    const bban = BBANS.get(cc);
    if (!bban) continue;
    let p = m.index + 4;
    let compact = '';
    while (compact.length < bban.length && p < text.length) {
      const ch = text[p] ?? '';
      if (/[A-Za-z0-9]/.test(ch)) {
        compact += ch;
        p++;
      } else if ((ch === ' ' || ch === '-') && /[A-Za-z0-9]/.test(text[p - 1] ?? '') && /[A-Za-z0-9]/.test(text[p + 1] ?? '')) {
        p++;
      } else break;
    }
    if (compact.length !== bban.length || /[A-Za-z0-9]/.test(text[p] ?? '')) continue;
    const raw = text.slice(m.index, p);
    const letters = raw.replace(/[^A-Za-z]/g, '');
    if (letters !== letters.toUpperCase() && letters !== letters.toLowerCase()) continue;
    const iban = `${cc}${m[2] ?? ''}${compact.toUpperCase()}`;
    if (!bban.re.test(iban.slice(4)) || !ibanChecksumValid(iban)) continue;
    out.push({ start: m.index, end: p, iban });
    IBAN_START_RE.lastIndex = p;
  }
  return out;
}
