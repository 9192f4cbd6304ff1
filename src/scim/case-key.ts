/**
 * caseKey is the form in which two case-insensitive SCIM strings (RFC 7643 caseExact false:
 * userName, emails.value, a group's displayName) are equal exactly when their keys are: Unicode
 * NFC, then a case fold ("ÅSA.Öberg" and "åsa.öberg", precomposed or not, share a key). The fold is
 * lower → upper → lower, so every case variant meets: a plain lower-casing turns a final capital
 * sigma into ς ("ΣΑΣ" → "σας", beside "σασ"), keeps "ẞ" apart from "ss", and would make a filter's
 * prefix fold differently from the whole name; final ς is written σ for the same reason.
 *
 * It is computed here rather than with SQL lower(), which under the C locale the database may run
 * with folds A–Z only. The stored key columns (user_name_key, value_key, display_name_key) hold it,
 * and filters compare them with the key of the operand. The migrations that added those columns
 * keep a frozen copy of this function: changing it needs a migration that recomputes them.
 */
export function caseKey(text: string): string {
  return text.normalize('NFC').toLowerCase().toUpperCase().toLowerCase().normalize('NFC').replace(/ς/g, 'σ');
}
