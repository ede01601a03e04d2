/**
 * Search keys for the child index. Each stored person carries the hashes of its keys in one indexed array
 * (`person.match_keys`, GIN); a search computes the keys its criteria can form, fetches only the people who share
 * one, and scores those. This keeps search fast at national scale: work grows with the number of candidates,
 * not with the number of people in the index.
 *
 * Keys are chosen so that any single common error in a query still shares a key with the right person:
 * - a typo, a nickname or a transliteration in one name: the date of birth with the other name's sound code;
 * - given and family name swapped: name codes are keyed without saying which name they came from;
 * - day and month swapped: dates are keyed with day and month in order of size;
 * - one part of the date of birth wrong: both names with each two of the three parts;
 * - a hyphenated or double-barrelled family name given in part: each part keyed on its own;
 * - an old address: every postcode the person has lived at is keyed;
 * - no date of birth: names with the postcode or its district, or names alone;
 * - an email address or UK telephone number, normalised (Gmail dots, +44), each on its own.
 * Searches with more than one thing wrong fall back, when nothing agrees with nearly all the query says, to wider
 * keys that each need only one name, or the date of birth, to agree: the family name's sound code (or one part's)
 * with the first letter of the given name ("Gorge Mitchell", "Mo Riaz", "Malakai"); each name's sound code with the
 * year of birth, or with the day and month; and the date of birth alone.
 * Change the keys and INDEX_KEY_VERSION together: people with older keys are re-keyed at start-up.
 */
import { canonicalDob } from './blocking.ts';
import { variantsOf } from './nicknames.ts';
import { dateParts, isRealDate, postcodeDistrict } from './normalise.ts';
import { type PhoneticCoder, type PreparedName, type PreparedRecord, prepare } from './record.ts';

export const INDEX_KEY_VERSION = 3;

/** Years of birth a family-name-only search covers when no age is given: early help runs to 25. */
const DEFAULT_YEARS = 26;

/** 53-bit string hash (cyrb53): safe as a JavaScript number and as a PostgreSQL bigint. */
export function hashKey(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function add(out: Set<string>, key: string) {
  out.add(key);
}

/** The sound codes and parts that stand for one name in a key. */
function nameTokens(n: PreparedName): string[] {
  const t = new Set<string>();
  if (n.givenCodes[0]) t.add(n.givenCodes[0]);
  if (n.familyCodes[0]) t.add(n.familyCodes[0]);
  for (const g of n.givenGroups) t.add(`g${g}`);
  if (n.familyParts.length > 1) for (const p of n.familyParts) t.add(`p${p}`);
  return [...t];
}

/** Both names' sound codes in order of size, so a swap gives the same pair. */
function namePair(n: PreparedName): string | null {
  const [g, f] = [n.givenCodes[0], n.familyCodes[0]];
  if (!g || !f) return null;
  return g < f ? `${g}:${f}` : `${f}:${g}`;
}

/** The family name's sound code, then each part's ("Owusu-Mensah": the whole, Owusu, Mensah). */
function familyCodes(n: PreparedName): string[] {
  const out = n.familyCodes[0] ? [n.familyCodes[0]] : [];
  for (const c of n.familyPartCodes) if (!out.includes(c)) out.push(c);
  return out;
}

/** The given name's sound code with each family code, in order of size: a swap gives the same pair. */
function namePairs(n: PreparedName): string[] {
  const g = n.givenCodes[0];
  if (!g) return [];
  return familyCodes(n).map((f) => (g < f ? `${g}:${f}` : `${f}:${g}`));
}

/**
 * The wide keys: the family name's code with the given name's first letter; each name's code with the year of
 * birth, and with the day and month (in order of size); and the date of birth alone.
 */
function wideKeys(out: Set<string>, n: PreparedName, dob: number | null) {
  const initial = n.given.charAt(0);
  const year = dob === null ? null : Math.floor(dob / 10000);
  const dayMonth = dob === null ? null : canonicalDob(dob) % 10000;
  const codes = familyCodes(n);
  if (n.givenCodes[0]) codes.push(`g${n.givenCodes[0]}`);
  for (const f of codes) {
    if (initial && !f.startsWith('g')) add(out, `FI:${f}:${initial}`);
    if (year !== null) add(out, `FY:${f}:${year}`);
    if (dayMonth !== null) add(out, `MD:${f}:${dayMonth}`);
  }
  if (dob !== null) add(out, `B:${canonicalDob(dob)}`);
}

function postcodes(r: PreparedRecord): string[] {
  const out = r.postcode ? [r.postcode] : r.rawPostcode ? [r.rawPostcode] : [];
  for (const p of r.previousPostcodes) if (!out.includes(p)) out.push(p);
  return out;
}

/**
 * A query's name tokens also take each part of a double-barrelled family name's sound code (to meet a record with
 * that part alone) and a single family name as a part (to meet a record where it is one part of two).
 */
function queryNameTokens(n: PreparedName): string[] {
  const t = new Set(nameTokens(n));
  for (const c of n.familyPartCodes) t.add(c);
  if (n.familyParts.length === 1) t.add(`p${n.familyParts[0]}`);
  return [...t];
}

function dobKeys(out: Set<string>, dob: number, names: readonly PreparedName[], query = false) {
  const cd = canonicalDob(dob);
  const { y, d } = dateParts(dob);
  for (const n of names) {
    for (const t of query ? queryNameTokens(n) : nameTokens(n)) add(out, `D:${cd}:${t}`);
    const pair = namePair(n);
    if (pair) {
      add(out, `DY:${pair}:${Math.floor(dob / 100)}`);
      add(out, `DM:${pair}:${cd % 10000}`);
      add(out, `DD:${pair}:${y}-${d}`);
    }
  }
}

/** Every key a stored record is found by (computed for the person and for any record merged into it). */
export function storedKeys(r: PreparedRecord, out: Set<string> = new Set()): Set<string> {
  if (r.nhs) add(out, `N:${r.nhs}`);
  if (r.upn) add(out, `U:${r.upn}`);
  if (r.other) add(out, `O:${r.other}`);
  if (r.email) add(out, `E:${r.email}`);
  if (r.telephone) add(out, `T:${r.telephone}`);
  if (r.dob !== null) dobKeys(out, r.dob, r.names);
  for (const n of r.names) {
    for (const pair of namePairs(n)) add(out, `NN:${pair}`);
    wideKeys(out, n, r.dob);
  }
  for (const p of postcodes(r)) {
    add(out, `P:${p}`);
    const district = p.includes(' ') ? postcodeDistrict(p) : p;
    if (r.dob !== null) add(out, `DP:${canonicalDob(r.dob)}:${p}`);
    for (const n of r.names) {
      const pair = namePair(n);
      if (pair) add(out, `NP:${pair}:${district}`);
      if (n.givenCodes[0]) add(out, `GP:${n.givenCodes[0]}:${p}`);
      if (n.familyCodes[0]) add(out, `FP:${n.familyCodes[0]}:${p}`);
    }
  }
  return out;
}

export interface QueryShape {
  /** Birth years to cover when the query gives an age range but no date of birth. */
  birthYears?: { from: number; to: number };
}

/** Dates one day, one month or one year either side of a date of birth (real dates only). */
export function nearDates(dob: number): number[] {
  const { y, m, d } = dateParts(dob);
  const out: number[] = [];
  for (const [yy, mm, dd] of [
    [y - 1, m, d],
    [y + 1, m, d],
    [y, m - 1, d],
    [y, m + 1, d],
    [y, m, d - 1],
    [y, m, d + 1],
  ] as const) {
    if (isRealDate(yy, mm, dd)) out.push(yy * 10000 + mm * 100 + dd);
  }
  return out;
}

export interface QueryKeys {
  /** Keys that pick out few people: looked up first. */
  narrow: Set<string>;
  /**
   * Each name with a date of birth one day, month or year out: looked up when the narrow keys do not find a strong
   * match, or when the query cannot identify a child on its own (no first name), as a date of birth is often a
   * little wrong and the wide keys that would otherwise reach such a record are shared by thousands.
   */
  near: Set<string>;
  /**
   * Names alone, or a family name over a range of years: many people share these, so they are looked up only when
   * the narrow keys do not find a strong match (a query whose postcode or date of birth the index does not hold).
   */
  broad: Set<string>;
  /**
   * One name's sound code with the other's first letter, or with the year of birth: looked up last, when neither
   * tier found a strong match (a query with more than one thing wrong). Results found so are labelled as such.
   */
  wide: Set<string>;
}

/**
 * The keys a query can form. A query holds what a practitioner typed, so it may lack any field; nickname
 * variants of its given name are looked up too, so "Bill Smith" finds "William Smith" without a date of birth.
 */
export function queryKeyTiers(q: PreparedRecord, coder: PhoneticCoder, shape: QueryShape = {}): QueryKeys {
  const narrow = new Set<string>();
  const near = new Set<string>();
  const broad = new Set<string>();
  const wide = new Set<string>();
  if (q.nhs) add(narrow, `N:${q.nhs}`);
  if (q.upn) add(narrow, `U:${q.upn}`);
  if (q.other) add(narrow, `O:${q.other}`);
  if (q.email) add(narrow, `E:${q.email}`);
  if (q.telephone) add(narrow, `T:${q.telephone}`);
  // With a date of birth, the nickname groups' own keys cover nicknames; without one, each variant is looked up.
  const names = q.dob === null ? withNicknames(q, coder) : q.names;
  const hasNames = names.some((n) => n.given || n.familyCompact);
  const pcs = postcodes(q);
  if (q.dob !== null && hasNames) {
    dobKeys(narrow, q.dob, names, true);
    for (const date of nearDates(q.dob)) {
      const cd = canonicalDob(date);
      for (const n of names) for (const t of queryNameTokens(n)) add(near, `D:${cd}:${t}`);
    }
  }
  for (const p of pcs) {
    const district = p.includes(' ') ? postcodeDistrict(p) : p;
    if (q.dob !== null) add(narrow, `DP:${canonicalDob(q.dob)}:${p}`);
    if (!hasNames) add(narrow, `P:${p}`);
    for (const n of names) {
      const pair = namePair(n);
      if (pair) add(narrow, `NP:${pair}:${district}`);
      if (n.givenCodes[0]) add(narrow, `GP:${n.givenCodes[0]}:${p}`);
      if (n.familyCodes[0]) add(narrow, `FP:${n.familyCodes[0]}:${p}`);
    }
  }
  // Without a date of birth, names alone (a postcode may be new to the index).
  if (q.dob === null) {
    for (const n of names) {
      const pairs = namePairs(n);
      for (const pair of pairs) add(broad, `NN:${pair}`);
      if (pairs.length === 0 && n.familyCodes[0] && !n.given && pcs.length === 0) {
        // A family name alone: look it up year by year over the ages asked for.
        const thisYear = new Date().getUTCFullYear();
        const from = shape.birthYears?.from ?? thisYear - DEFAULT_YEARS;
        const to = shape.birthYears?.to ?? thisYear + 1;
        for (const f of familyCodes(n)) for (let y = from; y <= to; y++) add(broad, `FY:${f}:${y}`);
      }
    }
  }
  if (hasNames) for (const n of names) wideKeys(wide, n, q.dob);
  for (const k of narrow) near.delete(k);
  for (const k of narrow) wide.delete(k);
  for (const k of broad) wide.delete(k);
  return { narrow, near, broad, wide };
}

/** Every key a query can form, narrow and broad together. */
export function queryKeys(q: PreparedRecord, coder: PhoneticCoder, shape: QueryShape = {}): Set<string> {
  const { narrow, near, broad, wide } = queryKeyTiers(q, coder, shape);
  return new Set([...narrow, ...near, ...broad, ...wide]);
}

/** The query's names plus the same names with each known nickname or variant of the given name. */
function withNicknames(q: PreparedRecord, coder: PhoneticCoder): PreparedName[] {
  const out = [...q.names];
  const first = q.names[0];
  if (!first?.given) return out;
  for (const variant of variantsOf(first.given)) {
    if (variant === first.given) continue;
    const v = prepare({ givenName: variant, familyName: first.family }, coder).names[0]!;
    out.push(v);
  }
  return out;
}

export function hashedKeys(keys: Iterable<string>): number[] {
  const out = new Set<number>();
  for (const k of keys) out.add(hashKey(k));
  return [...out].sort((a, b) => a - b);
}

/** A bigint[] literal for PostgreSQL, passed as one text parameter and cast in SQL. */
export function keyArrayLiteral(keys: readonly number[]): string {
  return `{${keys.join(',')}}`;
}
