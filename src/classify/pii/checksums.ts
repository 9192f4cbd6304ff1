/** luhnValid is the Luhn (mod 10) check of a digit string, as payment card numbers carry. Requires digits only. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * ibanChecksumValid is the ISO 13616 / ISO 7064 mod-97 check of an IBAN. Requires the compact,
 * upper-case form (`GB82WEST12345698765432`).
 */
export function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/** nhsNumberValid is the UK NHS number mod-11 check. Requires exactly 10 digits. */
export function nhsNumberValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === digits.charCodeAt(9) - 48;
}

/** dniLetterValid checks a Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter): the letter is the number mod 23. Compact, upper-case. */
export function dniLetterValid(id: string): boolean {
  const m = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(id);
  if (!m || (m[1] === '' && m[2]!.length !== 8) || (m[1] !== '' && m[2]!.length !== 7)) return false;
  const number = Number(`${m[1] === '' ? '' : 'XYZ'.indexOf(m[1]!)}${m[2]}`);
  return 'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23] === m[3];
}

/** bsnValid is the Dutch BSN 11-test: 9·d1 + 8·d2 + … + 2·d8 − d9 is a multiple of 11 (and not 0). Requires 9 digits. */
export function bsnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (digits.charCodeAt(i) - 48) * (9 - i);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1], [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1], [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** verhoeffValid is the Verhoeff dihedral-group check (Aadhaar's last digit). Requires digits only. */
export function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![digits.charCodeAt(digits.length - 1 - i) - 48]!]!;
  return c === 0;
}

const CF_ODD: Record<string, number> = Object.fromEntries(
  [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((ch, i) => [ch, [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23][i]!]),
);

/** codiceFiscaleValid checks the control character of an Italian codice fiscale (16 characters, upper-case). */
export function codiceFiscaleValid(cf: string): boolean {
  if (cf.length !== 16) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = cf[i]!;
    // 1-based odd positions use the odd table; even positions count digits and letters as 0–25.
    sum += i % 2 === 0 ? (CF_ODD[ch] ?? 0) : /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26)) === cf[15];
}

/** cpfValid checks a Brazilian CPF's two mod-11 check digits (11 digits; not all one digit). */
export function cpfValid(digits: string): boolean {
  if (!/^\d{11}$/.test(digits) || /^(\d)\1{10}$/.test(digits)) return false;
  const check = (n: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (digits.charCodeAt(i) - 48) * (n + 1 - i);
    const r = (sum * 10) % 11;
    return r === 10 ? 0 : r;
  };
  return check(9) === digits.charCodeAt(9) - 48 && check(10) === digits.charCodeAt(10) - 48;
}

/** steuerIdValid checks a German tax identification number (11 digits, no leading 0): its ISO 7064 MOD 11,10 check digit. */
export function steuerIdValid(digits: string): boolean {
  if (!/^[1-9]\d{10}$/.test(digits)) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (digits.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return (check === 10 ? 0 : check) === digits.charCodeAt(10) - 48;
}

/** peselValid checks a Polish PESEL (11 digits): weights 1-3-7-9 over the first ten, the last digit completes a multiple of 10. */
export function peselValid(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (digits.charCodeAt(i) - 48) * w[i]!;
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(10) - 48;
}

/** nirValid checks a French social security number (NIR: 13 characters, Corsica's 2A/2B read as 19/18, and a 2-digit key = 97 − n mod 97). */
export function nirValid(nir: string): boolean {
  const m = /^([12]\d{4}(?:\d{2}|2A|2B)\d{6})(\d{2})$/i.exec(nir);
  if (!m) return false;
  const n = BigInt(m[1]!.toUpperCase().replace('2A', '19').replace('2B', '18'));
  return 97n - (n % 97n) === BigInt(m[2]!);
}

/** belgianNationalNumberValid checks a Belgian national register number (11 digits): 97 − (first nine mod 97), with a 2 in front for births from 2000. */
export function belgianNationalNumberValid(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  const check = Number(digits.slice(9));
  const body = BigInt(digits.slice(0, 9));
  return 97n - (body % 97n) === BigInt(check) || 97n - ((2_000_000_000n + body) % 97n) === BigInt(check);
}
