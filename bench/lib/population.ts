/**
 * A synthetic, fictional population of children in households, and the records that agencies hold about them.
 * Deterministic for a seed, so a benchmark run can be repeated exactly.
 */
import { variantsOf } from '../../src/features/people/matching/nicknames.ts';
import { nhsCheckDigit, normalisePostcode, upnCheckLetter } from '../../src/features/people/matching/normalise.ts';
import { PhoneticCoder } from '../../src/features/people/matching/record.ts';
import { COMMUNITIES, type Community, POSTCODE_AREAS, STREET_TYPES, STREETS, TOWNS } from './names.ts';

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Zipf-like choice: the k-th item has weight 1/(k+1)^s. Cumulative tables are cached per list. */
const cumulative = new WeakMap<readonly unknown[], Float64Array>();
export function zipf<T>(r: Random, xs: readonly T[], s = 0.9): T {
  let c = cumulative.get(xs);
  if (!c) {
    c = new Float64Array(xs.length);
    let sum = 0;
    for (let k = 0; k < xs.length; k++) {
      sum += 1 / (k + 1) ** s;
      c[k] = sum;
    }
    for (let k = 0; k < xs.length; k++) c[k]! /= sum;
    cumulative.set(xs, c);
  }
  const x = r();
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return xs[lo]!;
}

export interface Child {
  entity: number;
  community: string;
  givenName: string;
  middleName: string | null;
  familyName: string;
  /** yyyymmdd */
  dob: number;
  sex: 'M' | 'F';
  postcode: string;
  address: string;
  town: string;
  nhsNumber: string;
  upn: string | null;
  laId: string;
  household: number;
}

// Bijective scrambles of the entity number, so identifiers are unique without a lookup table.
function nhsNumberFor(entity: number): string {
  for (let k = 0; k < 11; k++) {
    // BigInt: the product passes 2^53 from about 300,000 children, and rounding would repeat numbers.
    const first9 = String(100_000_000 + Number((BigInt(entity * 11 + k) * 2654435761n) % 900_000_000n));
    const check = nhsCheckDigit(first9);
    if (check !== null) return first9 + check;
  }
  throw new Error(`no NHS number for ${entity}`);
}

function upnFor(entity: number): string {
  const rest = `383${String((entity * 48271) % 1_000_000_000).padStart(9, '0')}`;
  return upnCheckLetter(rest) + rest;
}

const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

function postcodeUnit(r: Random): string {
  for (;;) {
    const area = pick(r, POSTCODE_AREAS);
    const district = 1 + Math.floor(r() * (area.length === 1 ? 40 : 28));
    const inward = `${Math.floor(r() * 10)}${pick(r, [...POSTCODE_LETTERS])}${pick(r, [...POSTCODE_LETTERS])}`;
    const pc = normalisePostcode(`${area}${district} ${inward}`);
    if (pc) return pc;
  }
}

const REFERENCE = { y: 2026, m: 1, d: 1 };
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A date of birth for an age of 0–17 on the reference date. */
export function randomDob(r: Random): number {
  const y = REFERENCE.y - 1 - Math.floor(r() * 18);
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * DAYS[m - 1]!);
  return y * 10000 + m * 100 + d;
}

function chooseCommunity(r: Random): Community {
  let x = r();
  for (const c of COMMUNITIES) {
    x -= c.share;
    if (x <= 0) return c;
  }
  return COMMUNITIES[0]!;
}

const coder = new PhoneticCoder();

function isUsed(used: Set<string>, name: string): boolean {
  return used.has(coder.codes(name)[0]) || variantsOf(name).some((v) => used.has(v));
}

function markUsed(used: Set<string>, name: string) {
  used.add(coder.codes(name)[0]);
  for (const v of variantsOf(name)) used.add(v);
}

/**
 * The lists in names.ts hold each community's commonest names only. Real names have a long tail: the top hundred
 * surnames cover about a fifth of people in England, the top hundred baby names about half of babies. Without a tail,
 * a population of millions repeats the same full names and birthdays far more than real data does. So a share of
 * names are made by joining the start of one listed name to the end of another of the same community ("ashton" +
 * "wood" → "ashood"): fictional, in the community's sound, and rare.
 */
const SURNAME_TAIL = 0.6;
const GIVEN_TAIL = 0.35;
const TAIL = (r: Random, share: number) => r() < share;

function blend(a: string, b: string): string {
  if (a === b) return a;
  const joined = a.slice(0, Math.ceil(a.length / 2)) + b.slice(Math.floor(b.length / 2));
  return joined.length >= 3 ? joined : a;
}

const CHILDREN_PER_HOUSEHOLD = [1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5];

/** `count` children in households: siblings share a family name and an address; some are twins. */
export function generateChildren(count: number, seed = 1, firstEntity = 0): Child[] {
  const r = rng(seed);
  const children: Child[] = [];
  // About eight households to a postcode unit, as in a real street.
  const units: Array<{ postcode: string; street: string; town: string }> = [];
  const unitCount = Math.max(1, Math.ceil(count / 14));
  for (let i = 0; i < unitCount; i++) {
    units.push({
      postcode: postcodeUnit(r),
      street: `${pick(r, STREETS)} ${pick(r, STREET_TYPES)}`,
      town: pick(r, TOWNS),
    });
  }
  let household = 0;
  while (children.length < count) {
    household++;
    const community = chooseCommunity(r);
    let surname = TAIL(r, SURNAME_TAIL)
      ? blend(zipf(r, community.surnames), zipf(r, community.surnames))
      : zipf(r, community.surnames);
    if (community.hyphenated && r() < community.hyphenated) surname = `${surname}-${zipf(r, COMMUNITIES[0]!.surnames)}`;
    const unit = pick(r, units);
    const address = `${1 + Math.floor(r() * 180)} ${unit.street}, ${unit.town}`;
    const n = pick(r, CHILDREN_PER_HOUSEHOLD);
    const used = new Set<string>();
    let previousDob = 0;
    for (let k = 0; k < n && children.length < count; k++) {
      const sex: 'M' | 'F' = r() < 0.51 ? 'M' : 'F';
      // Parents do not give two children names that are variants of one another or sound alike (Evie and
      // Evelyn, Ivy and Evie), nor one child's first name as another's middle name.
      const names = sex === 'M' ? community.boys : community.girls;
      const draw = () => (TAIL(r, GIVEN_TAIL) ? blend(zipf(r, names), zipf(r, names)) : zipf(r, names));
      const fresh = () => {
        let name = draw();
        for (let tries = 0; tries < 30 && isUsed(used, name); tries++) name = draw();
        markUsed(used, name);
        return name;
      };
      const given = fresh();
      const middleName = r() < 0.3 ? fresh() : null;
      const twin = k > 0 && r() < 0.04;
      const dob = twin ? previousDob : randomDob(r);
      previousDob = dob;
      const familyName =
        sex === 'F' ? (community.girlSurname?.(surname) ?? surname) : (community.boySurname?.(surname) ?? surname);
      const entity = firstEntity + children.length;
      children.push({
        entity,
        community: community.name,
        givenName: given,
        middleName,
        familyName,
        dob,
        sex,
        postcode: unit.postcode,
        address,
        town: unit.town,
        nhsNumber: nhsNumberFor(entity),
        upn: dob < (REFERENCE.y - 4) * 10000 ? upnFor(entity) : null,
        laId: `LA${String((entity * 69621) % 100_000_000).padStart(8, '0')}`,
        household,
      });
    }
  }
  return children;
}

/** Another household's address: used when a family moves. */
export function randomAddress(r: Random): { postcode: string; address: string; town: string } {
  // Drawn in this order so that a seed gives the same addresses as before the town was returned.
  const postcode = postcodeUnit(r);
  const street = `${1 + Math.floor(r() * 180)} ${pick(r, STREETS)} ${pick(r, STREET_TYPES)}`;
  const town = pick(r, TOWNS);
  return { postcode, address: `${street}, ${town}`, town };
}
