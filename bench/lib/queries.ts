/**
 * Queries a practitioner might type about a child in the index, each with exactly one error of a named kind:
 * the measure of "recall@10 for single-error queries". Kinds are spread evenly so that each is measured.
 * `multiErrorQueries` gives each query two or more errors of different kinds at once, as real extracts and real
 * practitioners do ("a misspelt family name and a day/month swap", "a nickname and no date of birth").
 */
import { variantsOf } from '../../src/features/people/matching/nicknames.ts';
import { dateParts, isRealDate } from '../../src/features/people/matching/normalise.ts';
import type { SearchCriteria } from '../../src/features/people/search.ts';
import { typo } from './corrupt.ts';
import { type Child, pick, randomAddress, rng } from './population.ts';

export interface BenchQuery {
  entity: number;
  kind: string;
  criteria: SearchCriteria;
}

const iso = (ymd: number) => {
  const { y, m, d } = dateParts(ymd);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
};

type Draft = { given: string; family: string; dob: number | null; postcode: string | null };
type Kind = [string, (r: () => number, d: Draft, c: Child) => boolean];

const KINDS: Kind[] = [
  [
    'typo in first name',
    (r, d) => {
      d.given = typo(r, d.given);
      return d.given !== '';
    },
  ],
  [
    'typo in last name',
    (r, d) => {
      d.family = typo(r, d.family);
      return true;
    },
  ],
  [
    'nickname or variant of first name',
    (r, d) => {
      const v = variantsOf(d.given.toLowerCase()).filter((n) => n !== d.given.toLowerCase());
      if (!v.length) return false;
      d.given = pick(r, v);
      return true;
    },
  ],
  [
    'first and last name swapped',
    (_r, d) => {
      [d.given, d.family] = [d.family, d.given];
      return true;
    },
  ],
  [
    'day and month swapped',
    (_r, d) => {
      if (d.dob === null) return false;
      const { y, m, d: day } = dateParts(d.dob);
      if (day === m || !isRealDate(y, day, m)) return false;
      d.dob = y * 10000 + day * 100 + m;
      return true;
    },
  ],
  [
    'day or year of birth wrong',
    (r, d) => {
      if (d.dob === null) return false;
      const { y, m, d: day } = dateParts(d.dob);
      d.dob =
        r() < 0.5
          ? (y + (r() < 0.5 ? -1 : 1)) * 10000 + m * 100 + day
          : y * 10000 + m * 100 + (day === 1 ? 2 : day - 1);
      return true;
    },
  ],
  [
    'no date of birth (name and postcode)',
    (_r, d, c) => {
      d.dob = null;
      d.postcode = c.postcode;
      return true;
    },
  ],
  [
    'no first name',
    (_r, d) => {
      d.given = '';
      return d.dob !== null;
    },
  ],
  [
    'moved: a postcode the index does not have',
    (r, d) => {
      d.postcode = randomAddress(r).postcode;
      return true;
    },
  ],
  [
    'double-barrelled name given in part or added',
    (r, d) => {
      d.family = d.family.includes('-') ? pick(r, d.family.split('-')) : `${d.family}-${pick(r, ['Smith', 'Brown'])}`;
      return true;
    },
  ],
  [
    'known by middle name',
    (_r, d, c) => {
      if (!c.middleName) return false;
      d.given = c.middleName;
      return true;
    },
  ],
];

export function singleErrorQueries(children: readonly Child[], count: number, seed: number): BenchQuery[] {
  return multiErrorQueries(children, count, seed, 1);
}

/** Kinds that cannot be combined: the second would undo or repeat the first. */
const CLASHES = [
  ['no date of birth (name and postcode)', 'day and month swapped'],
  ['no date of birth (name and postcode)', 'day or year of birth wrong'],
  ['no date of birth (name and postcode)', 'no first name'],
  ['no date of birth (name and postcode)', 'moved: a postcode the index does not have'],
  ['no first name', 'typo in first name'],
  ['no first name', 'nickname or variant of first name'],
  ['no first name', 'known by middle name'],
  ['no first name', 'first and last name swapped'],
  ['typo in first name', 'nickname or variant of first name'],
  ['typo in first name', 'known by middle name'],
  ['nickname or variant of first name', 'known by middle name'],
  ['typo in last name', 'double-barrelled name given in part or added'],
  ['day and month swapped', 'day or year of birth wrong'],
];
const clash = (a: string, b: string) => CLASHES.some(([x, y]) => (x === a && y === b) || (x === b && y === a));

/**
 * Queries with `errors` errors each, of different kinds that can be combined, applied in turn to what is typed.
 * The kind recorded is the kinds joined with " + ", in the order applied.
 */
export function multiErrorQueries(
  children: readonly Child[],
  count: number,
  seed: number,
  errors: number,
): BenchQuery[] {
  const r = rng(seed);
  const out: BenchQuery[] = [];
  let attempts = 0;
  while (out.length < count && attempts < count * 20) {
    attempts++;
    // One error: every kind in turn, so each is measured evenly. More: the first in turn, the others at random.
    const chosen: Kind[] = [KINDS[out.length % KINDS.length]!];
    while (chosen.length < errors) {
      const k = pick(r, KINDS);
      if (!chosen.some((c) => c[0] === k[0] || clash(c[0], k[0]))) chosen.push(k);
    }
    const c = children[Math.floor(r() * children.length)]!;
    // What is typed: the name and date of birth, sometimes the postcode too.
    const d: Draft = { given: c.givenName, family: c.familyName, dob: c.dob, postcode: r() < 0.25 ? c.postcode : null };
    if (!chosen.every(([, apply]) => apply(r, d, c))) continue;
    const kind = chosen.map(([k]) => k).join(' + ');
    const criteria: SearchCriteria = {};
    if (d.given) criteria.givenName = d.given;
    if (d.family) criteria.familyName = d.family;
    if (d.dob !== null) criteria.dateOfBirth = iso(d.dob);
    if (d.postcode) criteria.postcode = d.postcode;
    out.push({ entity: c.entity, kind, criteria });
  }
  return out;
}
