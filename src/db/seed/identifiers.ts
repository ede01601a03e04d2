/**
 * Check algorithms for the two identifiers the demo data carries. Pure functions, no I/O.
 *
 * NHS number: ten digits; digits 1–9 are weighted 10 down to 2, the check digit is
 * 11 − (sum mod 11), where 11 becomes 0 and 10 means the nine digits can never form a valid number.
 *
 * Unique Pupil Number (UPN): thirteen characters. The first is a check letter; then either twelve
 * digits (a permanent UPN) or eleven digits and a letter (a temporary one). The check letter is
 * Σ value(char i) × i for positions 2–13, mod 23, read from UPN_LETTERS; a letter in position 13
 * takes its index in the same alphabet as its value.
 */

export const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

/** The check digit for the first nine digits, or undefined when no check digit can make them valid. */
export function nhsCheckDigit(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return undefined;
  return check;
}

/** True for a ten-digit NHS number whose check digit is right; spaces and hyphens are ignored. */
export function isValidNhsNumber(value: string): boolean {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return false;
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/** Shows an NHS number the way people read it: 3-3-4. */
export function formatNhsNumber(value: string): string {
  const d = value.replace(/\D/g, '');
  return d.length === 10 ? `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}` : value;
}

/** Test numbers start 999: they are set aside for testing and never issued to a patient. */
export function isTestNhsNumber(value: string): boolean {
  return /^999\d{7}$/.test(value.replace(/[\s-]/g, '')) && isValidNhsNumber(value);
}

function upnCharValue(ch: string, position: number): number | undefined {
  if (/\d/.test(ch)) return Number(ch);
  if (position === 13) {
    const index = UPN_LETTERS.indexOf(ch.toUpperCase());
    return index >= 0 ? index : undefined;
  }
  return undefined;
}

/** The check letter for the twelve characters after it (positions 2–13), or undefined if they are malformed. */
export function upnCheckLetter(rest: string): string | undefined {
  if (!/^\d{11}[\dA-Za-z]$/.test(rest)) return undefined;
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const position = i + 2;
    const value = upnCharValue(rest[i]!, position);
    if (value === undefined) return undefined;
    sum += value * position;
  }
  return UPN_LETTERS[sum % 23];
}

/** True for a permanent or temporary UPN with the right check letter. */
export function isValidUpn(value: string): boolean {
  const upn = value.trim().toUpperCase();
  if (!/^[A-Z]\d{11}[\dA-Z]$/.test(upn)) return false;
  return upnCheckLetter(upn.slice(1)) === upn[0];
}

/** True only for a permanent UPN (letter and twelve digits) with the right check letter. */
export function isPermanentUpn(value: string): boolean {
  return /^[A-Z]\d{12}$/.test(value.trim().toUpperCase()) && isValidUpn(value);
}

/**
 * A permanent UPN from its parts: local authority number (3 digits), school number (4), two-digit
 * year of allocation and a serial (3).
 */
export function makeUpn(laNumber: number, schoolNumber: number, year: number, serial: number): string {
  const rest = `${String(laNumber).padStart(3, '0')}${String(schoolNumber).padStart(4, '0')}${String(year % 100).padStart(2, '0')}${String(serial).padStart(3, '0')}`;
  const letter = upnCheckLetter(rest);
  if (!letter) throw new Error('UPN parts out of range');
  return `${letter}${rest}`;
}
