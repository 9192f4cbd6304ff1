import { SpanSet } from '../spans.js';
import type { Severity } from '../types.js';
import { findCards } from './cards.js';
import { findEmails } from './email.js';
import { findIbans } from './iban.js';
import { findContextIds, findDriverLicences, findNhsNumbers, findSsns } from './national-ids.js';
import { findPhones } from './phone.js';

/** Personal data found in a text: what, how sensitive, where, and a masked rendering for evidence. */
export interface PiiFinding {
  kind: string;
  severity: Severity;
  start: number;
  end: number;
  masked: string;
}

/** Argument names that address a message: their e-mail addresses and phone numbers are recipients, not leaked data. */
const RECIPIENT_KEY_RE = /^(?:to|cc|bcc|from|sender|recipients?|reply[_-]?to|to[_-](?:email|address|number|phone)|(?:email|phone)[_-]?to|attendees?|invitees?)$/;

const ISBN_KEY_RE = /isbn/i;
const MESSAGE_ID_KEY_RE = /^(?:message[_-]?id|msg[_-]?id|in[_-]reply[_-]to|references|thread[_-]?id|mid)$/i;

/** Argument names that say what kind of number their value is. */
const CONTEXT_KEY_RE =
  /(?:phone|mobile|fax|ssn|social|itin|tax[_-]?id|nhs|licen[cs]e|card|iban|passport|dni|nie|bsn|aadhaa?r|nino|national[_-]?insurance|cpf|steuer|idnr|personnummer|pesel|insee|rijksregister|birth|mrn|medical[_-]?record)|(?:^|[_-])dob(?:[_-]|$)|(?:^|[_-])(?:sin|pan|nir|ni[_-]?(?:number|no)|national[_-]?number)(?:[_-]|$)/;

/**
 * findPii returns the payment cards, IBANs, US SSNs/ITINs, UK NHS numbers, other national identifiers
 * (UK NINO, Spanish DNI/NIE, Dutch BSN, Aadhaar, Italian codice fiscale, Brazilian CPF, Canadian SIN, German
 * tax ID, Indian PAN, Swedish personnummer, PESEL, French NIR, Belgian national number, passport numbers), US driver licences,
 * e-mail addresses and phone numbers in `text`, non-overlapping (checksummed kinds first), in text
 * order. Under a recipient key (`to`, `cc`…) addresses and phone numbers are not reported.
 */
export function findPii(text: string, fieldKey = ''): PiiFinding[] {
  if (text.length < 6) return [];
  if (CONTEXT_KEY_RE.test(fieldKey) && !RECIPIENT_KEY_RE.test(fieldKey)) {
    // A `phone`/`ssn`/`driver_license` argument names what its value is: read it as `phone: <value>`.
    const label = `${fieldKey.replace(/[_-]+/g, ' ')}: `;
    return findPii(label + text).flatMap((f) => (f.start >= label.length ? [{ ...f, start: f.start - label.length, end: f.end - label.length }] : []));
  }
  const found: PiiFinding[] = [];
  const spans = new SpanSet(text.length);
  const add = (f: PiiFinding): void => {
    if (spans.add(f.start, f.end)) found.push(f);
  };
  const hasDigits = /\d{2}/.test(text);
  if (hasDigits) {
    for (const c of findCards(text)) add({ kind: `Payment card (${c.brand})`, severity: 'high', start: c.start, end: c.end, masked: maskCard(c.digits) });
    for (const i of findIbans(text)) add({ kind: 'IBAN', severity: 'high', start: i.start, end: i.end, masked: `${i.iban.slice(0, 4)}${'*'.repeat(i.iban.length - 8)}${i.iban.slice(-4)}` });
    for (const s of findSsns(text)) add({ kind: s.kind, severity: 'high', start: s.start, end: s.end, masked: maskDigits(s.value, 4) });
    for (const n of findNhsNumbers(text)) add({ kind: n.kind, severity: 'medium', start: n.start, end: n.end, masked: maskDigits(n.value, 3) });
    for (const n of findContextIds(text)) add({ kind: n.kind, severity: n.kind === 'Passport number' || n.kind === 'Date of birth' ? 'medium' : 'high', start: n.start, end: n.end, masked: `${'*'.repeat(Math.max(4, n.value.length - 3))}${n.value.slice(-3)}` });
    for (const d of findDriverLicences(text)) add({ kind: d.kind, severity: 'medium', start: d.start, end: d.end, masked: `${d.value[0] ?? ''}${'*'.repeat(Math.max(4, d.value.length - 3))}${d.value.slice(-2)}` });
  }
  const recipient = RECIPIENT_KEY_RE.test(fieldKey);
  if (!recipient) {
    // A Message-ID (`<CAF3x9@mail.gmail.com>`) names a message, not a person.
    if (!MESSAGE_ID_KEY_RE.test(fieldKey)) for (const e of findEmails(text)) add({ kind: 'E-mail address', severity: 'medium', start: e.start, end: e.end, masked: `${e.local[0] ?? ''}***@${e.domain}` });
    // A book's number (`isbn: 0-596-52068-9`) is dialled by nobody.
    if (hasDigits && !ISBN_KEY_RE.test(fieldKey)) for (const p of findPhones(text)) add({ kind: 'Phone number', severity: 'medium', start: p.start, end: p.end, masked: maskDigits(text.slice(p.start, p.end), 2) });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** maskCard keeps a card number's first four and last four digits: `4111********1111`. */
function maskCard(digits: string): string {
  return `${digits.slice(0, 4)}${'*'.repeat(digits.length - 8)}${digits.slice(-4)}`;
}

/** maskDigits replaces every digit but the last `keep` with `*`, keeping separators: `***-**-1234`. */
function maskDigits(value: string, keep: number): string {
  let remaining = (value.match(/\d/g) ?? []).length - keep;
  return value.replace(/\d/g, (d) => (remaining-- > 0 ? '*' : d));
}
