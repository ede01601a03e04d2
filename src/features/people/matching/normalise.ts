/**
 * Pure normalisation of identifying details, so that two agencies' spellings of the same thing compare equal.
 * Everything here is deterministic and cheap: it runs once per record before any pair is compared.
 */

// Letters that NFKD does not decompose into a base letter plus a combining mark.
const FOLD: Record<string, string> = {
  ł: 'l',
  ø: 'o',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ŋ: 'n',
  ſ: 's',
};
const FOLD_RE = new RegExp(`[${Object.keys(FOLD).join('')}]`, 'g');

const HONORIFICS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'master',
  'dr',
  'prof',
  'rev',
  'sir',
  'dame',
  'lady',
  'lord',
  'jr',
  'jnr',
  'snr',
  'sr',
  'ii',
  'iii',
]);

/** Lowercase, strip accents, fold special letters; keeps letters, digits, spaces and hyphens. */
export function unaccent(value: string): string {
  // Most names and addresses are plain ASCII: skip the Unicode work for them.
  if (/^[ -~]*$/.test(value)) return value.toLowerCase();
  return value
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(FOLD_RE, (c) => FOLD[c]!);
}

/**
 * The parts of a name: "Dr Anna-Marie O'Brien" → ['anna', 'marie', 'obrien'].
 * Apostrophes join (O'Brien is one part); hyphens, spaces and other punctuation separate.
 */
export function nameParts(value: string | null | undefined): string[] {
  if (!value) return [];
  const folded = unaccent(value).replace(/['’‘`]/g, '');
  const parts = folded.split(/[^\p{L}\p{N}]+/u).filter((p) => p.length > 0);
  const kept = parts.filter((p) => !HONORIFICS.has(p));
  return kept.length > 0 ? kept : parts;
}

/** The normalised name as one string, parts separated by single spaces ('' when blank). */
export function normaliseName(value: string | null | undefined): string {
  return nameParts(value).join(' ');
}

/** Particles that do not identify a family on their own, so "Al-Hassan" and "Hassan" overlap on "hassan" only. */
export const NAME_PARTICLES = new Set([
  'al',
  'el',
  'bin',
  'bint',
  'ibn',
  'de',
  'da',
  'di',
  'du',
  'del',
  'della',
  'la',
  'le',
  'van',
  'von',
  'der',
  'den',
  'ter',
  'st',
]);

// ---------------------------------------------------------------------------------------------------------------
// Dates

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number) {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function isRealDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (y < 1850 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  if (m === 2 && d === 29) return isLeap(y);
  return d <= DAYS_IN_MONTH[m - 1]!;
}

/**
 * A date of birth as the integer yyyymmdd, or null when it is not a real date.
 * Accepts YYYY-MM-DD, YYYYMMDD and the UK's DD/MM/YYYY (extracts from older systems use it).
 */
export function parseDate(value: string | null | undefined): number | null {
  if (!value) return null;
  const s = value.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  let y: number;
  let mo: number;
  let d: number;
  if (m) {
    y = Number(m[1]);
    mo = Number(m[2]);
    d = Number(m[3]);
  } else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
    if (!m) return null;
    d = Number(m[1]);
    mo = Number(m[2]);
    y = Number(m[3]);
  }
  return isRealDate(y, mo, d) ? y * 10000 + mo * 100 + d : null;
}

export function dateParts(ymd: number): { y: number; m: number; d: number } {
  return { y: Math.floor(ymd / 10000), m: Math.floor(ymd / 100) % 100, d: ymd % 100 };
}

export function formatDate(ymd: number): string {
  const { y, m, d } = dateParts(ymd);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The same date with day and month swapped, when that is also a real, different date. */
export function transposeDate(ymd: number): number | null {
  const { y, m, d } = dateParts(ymd);
  if (d === m || !isRealDate(y, d, m)) return null;
  return y * 10000 + d * 100 + m;
}

// ---------------------------------------------------------------------------------------------------------------
// Postcodes

// The shape of a UK postcode (including the Girobank code), as published with the Bulk Data Transfer guidance.
const UK_POSTCODE =
  /^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|([A-HK-Y][0-9]([0-9ABEHMNPRV-Y])?)|[0-9][A-HJKPS-UW]) ?[0-9][ABD-HJLNP-UW-Z]{2})$/;

/** "ls 6 2ab" → "LS6 2AB"; null when it is not shaped like a UK postcode. */
export function normalisePostcode(value: string | null | undefined): string | null {
  if (!value) return null;
  const compact = value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (compact.length < 5 || compact.length > 7) return null;
  const spaced = `${compact.slice(0, -3)} ${compact.slice(-3)}`;
  return UK_POSTCODE.test(spaced) ? spaced : null;
}

export function isValidPostcode(value: string): boolean {
  return normalisePostcode(value) !== null;
}

/** The outward code ("LS6"): the postal district. */
export function postcodeDistrict(postcode: string): string {
  return postcode.split(' ')[0]!;
}

// ---------------------------------------------------------------------------------------------------------------
// Identifiers

/** Digits only, so "943 476 5919" and "943-476-5919" compare equal. */
export function normaliseNhsNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  const digits = value.replace(/[\s-]/g, '');
  return /^\d{10}$/.test(digits) ? digits : null;
}

/** Modulus 11: weights 10..2 on digits 1–9, check = 11 − (sum mod 11); 11 → 0; 10 means no valid number. */
export function nhsCheckDigit(first9: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

export function isValidNhsNumber(value: string | null | undefined): boolean {
  const digits = normaliseNhsNumber(value);
  if (!digits) return false;
  const check = nhsCheckDigit(digits.slice(0, 9));
  return check !== null && check === Number(digits[9]);
}

/** Shown 3-3-4, as on NHS cards and letters. */
export function formatNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

function upnValue(c: string): number {
  return c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : UPN_LETTERS.indexOf(c);
}

/** The check letter for characters 2–13 of a UPN: Σ value × position, mod 23, mapped to the UPN alphabet. */
export function upnCheckLetter(rest12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += upnValue(rest12[i]!) * (i + 2);
  return UPN_LETTERS[sum % 23]!;
}

export function normaliseUpn(value: string | null | undefined): string | null {
  if (!value) return null;
  const s = value.replace(/\s/g, '').toUpperCase();
  return /^[A-Z]\d{11}[0-9A-Z]$/.test(s) ? s : null;
}

/** A permanent UPN is letter + 12 digits; a temporary one ends in a letter instead of the last digit. */
export function isTemporaryUpn(upn: string): boolean {
  return /[A-Z]$/.test(upn);
}

export function isValidUpn(value: string | null | undefined): boolean {
  const upn = normaliseUpn(value);
  if (!upn) return false;
  const last = upn[12]!;
  if (/[A-Z]/.test(last) && !UPN_LETTERS.includes(last)) return false;
  return upnCheckLetter(upn.slice(1)) === upn[0];
}

/** Other agency identifiers: case and separators do not matter. */
export function normaliseOtherId(value: string | null | undefined): string | null {
  if (!value) return null;
  const s = value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return s.length > 0 ? s : null;
}

/** CIN census sex codes: M, F, U (not known/indeterminate). */
export function normaliseSex(value: string | null | undefined): 'M' | 'F' | 'U' | null {
  if (!value) return null;
  const s = value.trim().toLowerCase();
  if (s === 'm' || s === 'male' || s === '1') return 'M';
  if (s === 'f' || s === 'female' || s === '2') return 'F';
  if (s === 'u' || s === 'unknown' || s === 'not known' || s === '0' || s === '9' || s === 'i') return 'U';
  return null;
}

/** Address tokens: words and house numbers, without the postcode's shape or filler words. */
const ADDRESS_STOP = new Set(['flat', 'the', 'and', 'of', 'apartment', 'apt', 'unit', 'house']);
const ADDRESS_ABBREVIATIONS: Record<string, string> = {
  st: 'street',
  rd: 'road',
  ave: 'avenue',
  av: 'avenue',
  ln: 'lane',
  dr: 'drive',
  cl: 'close',
  cres: 'crescent',
  ct: 'court',
  gdns: 'gardens',
  gr: 'grove',
  pl: 'place',
  sq: 'square',
  terr: 'terrace',
  tce: 'terrace',
};

export function addressTokens(value: string | null | undefined): string[] {
  if (!value) return [];
  const out = new Set<string>();
  for (const t of unaccent(value).split(/[^\p{L}\p{N}]+/u)) {
    if (!t || ADDRESS_STOP.has(t)) continue;
    out.add(ADDRESS_ABBREVIATIONS[t] ?? t);
  }
  return [...out];
}

// ---------------------------------------------------------------------------------------------------------------
// Contact details

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * An email address for matching: trimmed and lower-cased; at gmail.com and googlemail.com (one mailbox under two
 * names) dots and any "+tag" in the local part are dropped, since Gmail ignores them. Other providers may not, so
 * only case is folded there. Null when it is not shaped like an address (kept as written elsewhere, not matched).
 */
export function normaliseEmail(value: string | null | undefined): string | null {
  if (!value) return null;
  const s = value.trim().toLowerCase();
  if (s.length > 254) return null;
  const at = s.lastIndexOf('@');
  if (at < 1 || at === s.length - 1) return null;
  let local = s.slice(0, at);
  let domain = s.slice(at + 1);
  if (!/^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local) || local.length > 64) return null;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/.test(domain)) return null;
  if (GMAIL_DOMAINS.has(domain)) {
    domain = 'gmail.com';
    local = local.split('+')[0]!.replace(/\./g, '');
    if (!local) return null;
  }
  return `${local}@${domain}`;
}

/**
 * A UK telephone number for matching: digits only, with the international +44 / 0044 / 44 prefix (and a "(0)"
 * written after it) turned back into the leading 0. Null unless that leaves 10 or 11 digits starting with 0.
 */
export function normaliseUkPhone(value: string | null | undefined): string | null {
  if (!value) return null;
  const s = value.trim();
  if (!/^\+?[\d\s().-]+$/.test(s)) return null;
  let digits = s.replace(/\D/g, '');
  const international = s.startsWith('+') || digits.startsWith('00');
  if (international) digits = digits.replace(/^00/, '');
  if (digits.startsWith('44')) {
    // "+44 (0)7700 900123" and "+44 07700 900123": the national 0 written after the country code.
    digits = `0${digits.slice(2).replace(/^0/, '')}`;
  } else if (international) return null;
  return /^0[1-9]\d{8,9}$/.test(digits) ? digits : null;
}
