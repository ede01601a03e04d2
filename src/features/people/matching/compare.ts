/**
 * Field-by-field comparison of two prepared records into discrete agreement levels (the comparison vector of
 * Fellegi–Sunter). Level 0 always means "missing on one side" and carries no evidence either way.
 * A vector is packed into one integer (3 bits a field) so that millions of pairs cost one Int32Array.
 */
import { areNicknames } from './nicknames.ts';
import { dateParts } from './normalise.ts';
import type { PreparedName, PreparedRecord } from './record.ts';
import { jaroWinkler, withinOneSlip } from './strings.ts';

/**
 * Postcode and address are one field ('place'): they say the same thing twice, and counting both would let a
 * shared household outweigh a different name and date of birth (siblings are not the same child).
 */
export const FIELDS = ['given', 'family', 'dob', 'sex', 'place', 'nhs', 'upn', 'other', 'email', 'telephone'] as const;
export type Field = (typeof FIELDS)[number];

/** Level names per field, index = level. */
export const LEVELS: Record<Field, readonly string[]> = {
  given: ['missing', 'exact', 'nickname', 'phonetic', 'jw92', 'jw85', 'different'],
  family: ['missing', 'exact', 'part', 'phonetic', 'jw92', 'jw85', 'different'],
  dob: ['missing', 'exact', 'transposed', 'day_or_month', 'year', 'different', 'day_apart'],
  sex: ['missing', 'same', 'different'],
  place: ['missing', 'address', 'postcode', 'street', 'district', 'different'],
  nhs: ['missing', 'exact', 'one_slip', 'different'],
  upn: ['missing', 'exact', 'different'],
  other: ['missing', 'exact', 'one_slip', 'different'],
  email: ['missing', 'exact', 'different'],
  telephone: ['missing', 'exact', 'different'],
};

export const FIELD_INDEX: Record<Field, number> = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Record<
  Field,
  number
>;

/**
 * Bit 30 of a packed vector (above the ten fields' 30 bits, below the sign bit): the names agreed only when given
 * and family name were read the other way round.
 */
export const SWAPPED = 1 << 30;

export function levelOf(pattern: number, field: Field): number {
  return (pattern >>> (FIELD_INDEX[field] * 3)) & 7;
}

export function unpack(pattern: number): Record<Field, number> & { swapped: boolean } {
  const out = { swapped: (pattern & SWAPPED) !== 0 } as Record<Field, number> & { swapped: boolean };
  for (const f of FIELDS) out[f] = levelOf(pattern, f);
  return out;
}

function codesAgree(a: [string, string], b: [string, string]): boolean {
  if (!a[0] || !b[0]) return false;
  return a[0] === b[0] || a[0] === b[1] || a[1] === b[0] || (a[1] !== '' && a[1] === b[1]);
}

function sharesGroup(a: readonly number[], b: readonly number[]): boolean {
  for (const x of a) if (b.includes(x)) return true;
  return false;
}

function fuzzyLevel(a: string, b: string, jw92: number, jw85: number, different: number): number {
  const s = jaroWinkler(a, b);
  return s >= 0.92 ? jw92 : s >= 0.85 ? jw85 : different;
}

/** Given name: exact, nickname/variant (or a middle name), sounds alike, spelt similarly, different. */
export function givenLevel(a: PreparedName, b: PreparedName): number {
  if (!a.given || !b.given) return 0;
  if (a.given === b.given) return 1;
  if (sharesGroup(a.givenGroups, b.givenGroups)) return 2;
  // Known by a middle name, or the first name recorded as an initial only.
  if (a.givenTokens.length > 1 && a.givenTokens.includes(b.given)) return 2;
  if (b.givenTokens.length > 1 && b.givenTokens.includes(a.given)) return 2;
  if (codesAgree(a.givenCodes, b.givenCodes)) return 3;
  return fuzzyLevel(a.given, b.given, 4, 5, 6);
}

/** Family name: exact, shares a part of a double-barrelled name, sounds alike/known variant, spelt similarly. */
export function familyLevel(a: PreparedName, b: PreparedName): number {
  if (!a.familyCompact || !b.familyCompact) return 0;
  if (a.familyCompact === b.familyCompact) return 1;
  if (a.familyParts.length > 1 || b.familyParts.length > 1) {
    for (const p of a.familyParts) if (b.familyParts.includes(p)) return 2;
  }
  if (codesAgree(a.familyCodes, b.familyCodes) || sharesGroup(a.familyGroups, b.familyGroups)) return 3;
  return fuzzyLevel(a.familyCompact, b.familyCompact, 4, 5, 6);
}

/** How close given name of one side is to the family name of the other (for swapped-name detection). */
function crossLevel(x: string, xCodes: [string, string], y: string, yCodes: [string, string]): number {
  if (!x || !y) return 0;
  if (x === y) return 1;
  if (areNicknames(x, y)) return 2;
  if (codesAgree(xCodes, yCodes)) return 3;
  return fuzzyLevel(x, y, 4, 5, 6);
}

// Lower is better; missing counts as poor so that a swap is only claimed on positive evidence.
const rank = (level: number) => (level === 0 ? 6 : level);

/** Levels for one pair of names, packed: given | family << 3 | swapped << 6 (no allocation: this is the hot path). */
function namePairLevels(x: PreparedName, y: PreparedName): number {
  const g = givenLevel(x, y);
  const f = familyLevel(x, y);
  if (g >= 3 && f >= 3) {
    const g2 = crossLevel(x.given, x.givenCodes, y.familyCompact, y.familyCodes);
    const f2 = crossLevel(x.familyCompact, x.familyCodes, y.given, y.givenCodes);
    if (g2 > 0 && f2 > 0 && rank(g2) + rank(f2) < rank(g) + rank(f)) return g2 | (f2 << 3) | (1 << 6);
  }
  return g | (f << 3);
}

const packedRank = (p: number) => rank(p & 7) + rank((p >>> 3) & 7);

/** Best name levels over every pair of names (current, previous, aliases), allowing for given/family swapped. */
export function nameLevels(a: PreparedRecord, b: PreparedRecord): { given: number; family: number; swapped: boolean } {
  const p = bestNames(a, b);
  return { given: p & 7, family: (p >>> 3) & 7, swapped: (p & 64) !== 0 };
}

function bestNames(a: PreparedRecord, b: PreparedRecord): number {
  if (a.names.length === 1 && b.names.length === 1) return namePairLevels(a.names[0]!, b.names[0]!);
  let best = 0;
  let bestRank = 99;
  for (const x of a.names) {
    for (const y of b.names) {
      const p = namePairLevels(x, y);
      const r = packedRank(p);
      if (r < bestRank) {
        bestRank = r;
        best = p;
      }
    }
  }
  return best;
}

/**
 * Date of birth: exact (1), day and month swapped (2), one day apart in the same month (6), the day or the month
 * different (3), only the year different (4), different (5). A day out is a common slip between two records of one
 * child and a rare coincidence between two children (about 1 pair in 3,000 against 1 in 150 for "same year and
 * the same day or month"), so it is a level of its own. It was added after the others, as level 6, so that theirs
 * keep their numbers.
 */
export function dobLevel(a: number | null, b: number | null): number {
  if (a === null || b === null) return 0;
  if (a === b) return 1;
  const x = dateParts(a);
  const y = dateParts(b);
  if (x.y === y.y && x.d === y.m && x.m === y.d) return 2;
  if (x.y === y.y && x.m === y.m && Math.abs(x.d - y.d) === 1) return 6;
  if (x.y === y.y && (x.d === y.d || x.m === y.m)) return 3;
  if (x.d === y.d && x.m === y.m && (Math.abs(x.y - y.y) === 1 || oneDigitApart(x.y, y.y))) return 4;
  return 5;
}

/** Postcode alone: 0 missing, 1 same (or a previous postcode of the other), 2 same district, 3 different. */
export function postcodeLevel(a: PreparedRecord, b: PreparedRecord): number {
  if (a.postcode && b.postcode) {
    if (a.postcode === b.postcode) return 1;
    if (b.previousPostcodes.includes(a.postcode) || a.previousPostcodes.includes(b.postcode)) return 1;
    return a.district === b.district ? 2 : 3;
  }
  if (a.rawPostcode && b.rawPostcode) return a.rawPostcode === b.rawPostcode ? 1 : 3;
  return 0;
}

/**
 * Where they live: same address (address agrees, postcode agrees or is missing), same postcode only, same street
 * address under a different postcode (a postcode slip), same district or part of the address, or different.
 */
export function placeLevel(a: PreparedRecord, b: PreparedRecord): number {
  const pc = postcodeLevel(a, b);
  const ad = addressLevel(a.address, b.address);
  if (pc === 0 && ad === 0) return 0;
  const addressAgrees = ad === 1 || ad === 2;
  if (addressAgrees && (pc === 1 || pc === 0)) return 1;
  if (pc === 1) return 2;
  if (addressAgrees) return 3;
  if (pc === 2 || ad === 3) return 4;
  return 5;
}

export function addressLevel(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.includes(t)) shared++;
  if (shared === 0) return 4;
  // A town or city alone ("Leeds"), as extracts without addresses carry: agreeing on it says the same area only.
  if (areaOnly(a) || areaOnly(b)) return 3;
  const jaccard = shared / (a.length + b.length - shared);
  if (jaccard === 1) return 1;
  return jaccard >= 0.5 ? 2 : 3;
}

/** An address of at most two words and no house number: a town or city, not an address. */
function areaOnly(tokens: string[]): boolean {
  return tokens.length <= 2 && !tokens.some((t) => /\d/.test(t));
}

/** Years that differ in one digit (2014 / 2011): a keying slip. */
function oneDigitApart(a: number, b: number): boolean {
  let diff = 0;
  for (let k = 0; k < 4; k++, a = Math.floor(a / 10), b = Math.floor(b / 10)) if (a % 10 !== b % 10) diff++;
  return diff === 1;
}

/** Identifiers: the same, one keying slip apart (a digit wrong or two swapped), or different. */
export function identifierLevel(a: string | null, b: string | null, allowSlip: boolean): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  if (!allowSlip) return 2;
  return withinOneSlip(a, b) ? 2 : 3;
}

/** The packed comparison vector of two records. */
export function comparePattern(a: PreparedRecord, b: PreparedRecord): number {
  const names = bestNames(a, b);
  const sex = a.sex && b.sex ? (a.sex === b.sex ? 1 : 2) : 0;
  let p =
    (names & 63) |
    (dobLevel(a.dob, b.dob) << 6) |
    (sex << 9) |
    (placeLevel(a, b) << 12) |
    (identifierLevel(a.nhs, b.nhs, true) << 15) |
    (identifierLevel(a.upn, b.upn, false) << 18) |
    (identifierLevel(a.other, b.other, true) << 21) |
    (identifierLevel(a.email, b.email, false) << 24) |
    (identifierLevel(a.telephone, b.telephone, false) << 27);
  if (names & 64) p |= SWAPPED;
  return p;
}
