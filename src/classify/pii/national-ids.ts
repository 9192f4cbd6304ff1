import { belgianNationalNumberValid, bsnValid, codiceFiscaleValid, cpfValid, dniLetterValid, luhnValid, nhsNumberValid, nirValid, peselValid, steuerIdValid, verhoeffValid } from './checksums.js';

/** A national identifier found in a text. */
export interface IdMatch {
  kind:
    | 'US SSN'
    | 'US ITIN'
    | 'UK NHS number'
    | 'US driver licence'
    | 'UK National Insurance number'
    | 'Spanish DNI/NIE'
    | 'Dutch BSN'
    | 'Aadhaar number'
    | 'Italian codice fiscale'
    | 'Brazilian CPF'
    | 'Canadian SIN'
    | 'German tax ID'
    | 'Indian PAN'
    | 'Swedish personal identity number'
    | 'Polish PESEL'
    | 'French social security number'
    | 'Belgian national number'
    | 'Medical record number'
    | 'Date of birth'
    | 'Passport number';
  start: number;
  end: number;
  value: string;
}

/** 3-2-4 digits with one consistent separator (or none: then context is needed). */
const SSN_RE = /(?<![\w.-])(\d{3})([- .]?)(\d{2})\2(\d{4})(?![\w-]|\.\d)/g;
const SSN_CONTEXT_RE = /\b(?:ssn|ss#|social[ -]security|soc\.? ?sec|itin|taxpayer|tax[ -]id|tin)\b/i;
/** ITIN group ranges (the 4th–5th digits) the IRS issues. */
const ITIN_GROUP_RE = /^(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])$/;

/**
 * findSsns returns US Social Security and Individual Taxpayer Identification Numbers: an area that is
 * not 000 or 666, a group other than 00, a serial other than 0000 (ITINs: area 9xx and an issued
 * group). An unseparated 9-digit run needs an SSN/ITIN word before it.
 */
export function findSsns(text: string): IdMatch[] {
  const out: IdMatch[] = [];
  SSN_RE.lastIndex = 0;
  for (let m = SSN_RE.exec(text); m !== null; m = SSN_RE.exec(text)) {
    const [, area = '', sep = '', group = '', serial = ''] = m;
    if (area === '000' || area === '666' || group === '00' || serial === '0000') continue;
    if (sep === '' && !SSN_CONTEXT_RE.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    let kind: IdMatch['kind'] = 'US SSN';
    if (area.startsWith('9')) {
      if (!ITIN_GROUP_RE.test(group)) continue;
      kind = 'US ITIN';
    }
    out.push({ kind, start: m.index, end: m.index + m[0].length, value: m[0] });
  }
  return out;
}

const NHS_RE = /(?<![\w.-])(\d{3})([- ]?)(\d{3})\2(\d{4})(?![\w-]|\.\d)/g;
const NHS_CONTEXT_RE = /\b(?:nhs|national health|patient|chi number|health (?:service|number))\b/i;
/** A North-American phone number shape: those are phones unless NHS context says otherwise. */
const NANP_SHAPE_RE = /^[2-9]\d{2}[2-9]\d{6}$/;

/**
 * findNhsNumbers returns UK NHS numbers: 10 digits passing the mod-11 check, printed 3-3-4, or
 * unseparated with an NHS/patient word before them. A 3-3-4 number that is also a plausible North
 * American phone number counts only with such a word.
 */
export function findNhsNumbers(text: string): IdMatch[] {
  const out: IdMatch[] = [];
  NHS_RE.lastIndex = 0;
  for (let m = NHS_RE.exec(text); m !== null; m = NHS_RE.exec(text)) {
    const digits = `${m[1]}${m[3]}${m[4]}`;
    if (!nhsNumberValid(digits)) continue;
    const context = NHS_CONTEXT_RE.test(text.slice(Math.max(0, m.index - 60), m.index));
    if (!context && (m[2] === '' || NANP_SHAPE_RE.test(digits))) continue;
    out.push({ kind: 'UK NHS number', start: m.index, end: m.index + m[0].length, value: m[0] });
  }
  return out;
}

const DL_CONTEXT_RE = /\b(?:driv(?:er'?s?|ing)[ -]?licen[cs]es?|driver ?id|\bDL\b|licen[cs]e (?:no|number|#))[^\n\d]{0,24}?(?<![A-Za-z0-9])([A-Za-z]{0,2}\d[A-Za-z0-9-]{3,17}\d[A-Za-z]?)(?![A-Za-z0-9])/gi;

/**
 * findDriverLicences returns US driver licence numbers: 5–20 letters and digits (at least 5 digits)
 * right after "driver's license", "DL" or "license number"; the formats vary too much by state to
 * be recognised without such words.
 */
export function findDriverLicences(text: string): IdMatch[] {
  const out: IdMatch[] = [];
  DL_CONTEXT_RE.lastIndex = 0;
  for (let m = DL_CONTEXT_RE.exec(text); m !== null; m = DL_CONTEXT_RE.exec(text)) {
    const value = m[1] ?? '';
    if ((value.match(/\d/g) ?? []).length < 5) continue;
    const start = m.index + m[0].length - value.length;
    out.push({ kind: 'US driver licence', start, end: start + value.length, value });
  }
  return out;
}

/**
 * Other countries' identifiers, each after the words that name it (their formats alone are too short
 * or too plain to tell from codes and numbers) and each with its own check: the UK National
 * Insurance number's prefix rules, the Spanish DNI/NIE check letter (mod 23), the Dutch BSN's 11-test,
 * Aadhaar's Verhoeff digit, the Brazilian CPF's two mod-11 digits, the Canadian SIN's and the Swedish
 * personnummer's Luhn digit, the German tax ID's ISO 7064 MOD 11,10 digit, PESEL's weighted digit, the
 * French NIR's and the Belgian national number's mod-97 keys. An Indian PAN and a passport number have
 * no check: only their words and shape.
 */
const CONTEXT_IDS: Array<{ kind: IdMatch['kind']; re: RegExp; valid: (value: string) => boolean }> = [
  {
    kind: 'UK National Insurance number',
    re: /\b(?:national insurance|NI(?:NO| number| no\.?)|NINO)\b[^\n]{0,24}?(?<![A-Za-z0-9])((?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D])(?![A-Za-z0-9])/gi,
    valid: () => true,
  },
  {
    kind: 'Spanish DNI/NIE',
    re: /\b(?:DNI|NIE|NIF|documento nacional)\b[^\n]{0,24}?(?<![A-Za-z0-9])([XYZ]?\d{7,8}[- ]?[A-Z])(?![A-Za-z0-9])/gi,
    valid: (v) => dniLetterValid(v.replace(/[- ]/g, '').toUpperCase()),
  },
  { kind: 'Dutch BSN', re: /\b(?:BSN|burgerservicenummer|sofinummer)\b[^\n\d]{0,24}?(?<![\d.])(\d{4}[. ]?\d{2}[. ]?\d{3}|\d{9})(?![\d.])/gi, valid: (v) => bsnValid(v.replace(/\D/g, '')) },
  { kind: 'Aadhaar number', re: /\b(?:aadhaa?r|UIDAI)\b[^\n\d]{0,24}?(?<!\d)([2-9]\d{3} ?\d{4} ?\d{4})(?!\d)/gi, valid: (v) => verhoeffValid(v.replace(/\D/g, '')) },
  {
    kind: 'Brazilian CPF',
    re: /\b(?:CPF|cadastro de pessoas?)\b[^\n\d]{0,24}?(?<![\d.])(\d{3}\.?\d{3}\.?\d{3}-?\d{2})(?![\d.-])/gi,
    valid: (v) => cpfValid(v.replace(/\D/g, '')),
  },
  {
    kind: 'Canadian SIN',
    // Case-sensitive: "sin" is Spanish for "without", "nas" Portuguese for "in the".
    re: /\b(?:SIN|[Ss]in(?=:)|[Ss]ocial [Ii]nsurance(?: [Nn]umber)?|NAS|[Nn]um[ée]ro d'assurance sociale)\b[^\n\d]{0,24}?(?<![\d.-])([1-79]\d{2}([- ]?)\d{3}\2\d{3})(?![\d.-])/g,
    valid: (v) => luhnValid(v.replace(/\D/g, '')),
  },
  {
    kind: 'German tax ID',
    re: /\b(?:Steuer-?ID(?:-?Nr\.?)?|Steuer-?Identifikationsnummer|Steuer-?IdNr\.?|IdNr\.?|steuerliche Identifikationsnummer)(?![A-Za-z])[^\n\d]{0,24}?(?<!\d)([1-9]\d(?: ?\d{3}){3})(?!\d)/gi,
    valid: (v) => steuerIdValid(v.replace(/\D/g, '')),
  },
  { kind: 'Indian PAN', re: /\b(?:(?:PAN|[Pp]an)(?: [Cc]ard| [Nn]o\.?| [Nn]umber)?|[Pp]ermanent [Aa]ccount [Nn]umber)\b[^\n]{0,24}?(?<![A-Za-z0-9])([A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z])(?![A-Za-z0-9])/g, valid: () => true },
  {
    kind: 'Swedish personal identity number',
    re: /\b(?:personnummer|personnr|person number|samordningsnummer)\b[^\n\d]{0,24}?(?<![\d-])((?:19|20)?\d{6}[-+]?\d{4})(?![\d-])/gi,
    valid: (v) => luhnValid(v.replace(/\D/g, '').slice(-10)),
  },
  { kind: 'Polish PESEL', re: /\bPESEL\b[^\n\d]{0,24}?(?<!\d)(\d{11})(?!\d)/gi, valid: (v) => peselValid(v) },
  {
    kind: 'French social security number',
    re: /\b(?:NIR|INSEE|s[ée]curit[ée] sociale|num[ée]ro de s[ée]cu)\b[^\n\d]{0,24}?(?<![\dA-Za-z])([12] ?\d{2} ?\d{2} ?(?:\d{2}|2A|2B) ?\d{3} ?\d{3} ?\d{2})(?![\dA-Za-z])/gi,
    valid: (v) => nirValid(v.replace(/ /g, '')),
  },
  {
    kind: 'Belgian national number',
    re: /\b(?:[Nn]ational (?:[Rr]egister )?[Nn]umber|[Rr]ijksregisternummer|[Nn]um[ée]ro national|INSZ|NISS|NN)\b[^\n\d]{0,24}?(?<![\d.-])(\d{2}\.?\d{2}\.?\d{2}[-. ]?\d{3}[-. ]?\d{2})(?![\d.-])/g,
    valid: (v) => belgianNationalNumberValid(v.replace(/\D/g, '')),
  },
  // Health records: a medical record number after its words; a date of birth after its words (not any date).
  { kind: 'Medical record number', re: /\b(?:MRN|[Mm]edical [Rr]ecord(?: [Nn]umber| [Nn]o\.?| #)?|[Pp]atient (?:ID|[Ii]d|[Nn]umber|[Nn]o\.?))\b[^\n\d]{0,16}?(?<![A-Za-z0-9])([A-Z]{0,4}-?\d{5,12})(?![A-Za-z0-9])/g, valid: () => true },
  {
    kind: 'Date of birth',
    re: /\b(?:DOB|D\.O\.B\.?|dob|[Dd]ate of [Bb]irth|[Bb]irth ?[Dd]ate|[Bb]orn(?: on)?|geb\.|[Gg]eboren(?: am)?|[Ff]echa de nacimiento|n[ée]e? le)(?![A-Za-z])[:\s(]{0,3}((?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?:19|20)\d{2}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d{2}))(?![\d])/g,
    valid: () => true,
  },
  { kind: 'Passport number', re: /\bpassport(?:\s+(?:no\.?|number|#|num))?\s*[:#]?\s*(?<![A-Za-z0-9])([A-Z]{0,2}\d{6,9})(?![A-Za-z0-9])/gi, valid: () => true },
];

/** findContextIds returns the identifiers of CONTEXT_IDS, and Italian codici fiscali (a shape and check character of their own). */
export function findContextIds(text: string): IdMatch[] {
  const out: IdMatch[] = [];
  for (const { kind, re, valid } of CONTEXT_IDS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const value = m[1] ?? '';
      if (!valid(value)) continue;
      const start = m.index + m[0].length - value.length;
      out.push({ kind, start, end: start + value.length, value });
    }
  }
  CODICE_FISCALE_RE.lastIndex = 0;
  for (let m = CODICE_FISCALE_RE.exec(text); m !== null; m = CODICE_FISCALE_RE.exec(text)) {
    if (codiceFiscaleValid(m[0].toUpperCase())) out.push({ kind: 'Italian codice fiscale', start: m.index, end: m.index + m[0].length, value: m[0] });
  }
  return out;
}

const CODICE_FISCALE_RE = /(?<![A-Za-z0-9])[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z](?![A-Za-z0-9])/g;
