/**
 * Agency records about the synthetic children, with the errors real extracts have: typos, nicknames, given and
 * family name swapped, day and month transposed, missing fields, a move, a double-barrelled name gained or lost,
 * transliteration variants, a keying slip in an identifier. Each agency holds the identifiers it would hold.
 */
import { variantsOf } from '../../src/features/people/matching/nicknames.ts';
import { dateParts, isRealDate } from '../../src/features/people/matching/normalise.ts';
import type { PersonRecord } from '../../src/features/people/matching/record.ts';
import { type Child, generateChildren, pick, type Random, randomAddress, rng } from './population.ts';

export interface SourceRecord extends PersonRecord {
  id: string;
  entity: number;
  source: string;
  /** Errors applied to this record (0 for a child's first record). */
  errors: number;
}

const KEYBOARD_NEIGHBOURS: Record<string, string> = {
  a: 'qsz',
  b: 'vn',
  c: 'xv',
  d: 'sf',
  e: 'wr',
  f: 'dg',
  g: 'fh',
  h: 'gj',
  i: 'uo',
  j: 'hk',
  k: 'jl',
  l: 'k',
  m: 'n',
  n: 'bm',
  o: 'ip',
  p: 'o',
  q: 'w',
  r: 'et',
  s: 'ad',
  t: 'ry',
  u: 'yi',
  v: 'cb',
  w: 'qe',
  x: 'zc',
  y: 'tu',
  z: 'x',
};

/** One typing error: a neighbouring key, a dropped or doubled letter, or two letters swapped. */
export function typo(r: Random, s: string): string {
  if (s.length < 3) return s;
  const i = 1 + Math.floor(r() * (s.length - 1));
  const c = s[i]!;
  switch (Math.floor(r() * 4)) {
    case 0:
      return s.slice(0, i) + pick(r, [...(KEYBOARD_NEIGHBOURS[c] ?? 'e')]) + s.slice(i + 1);
    case 1:
      return s.slice(0, i) + s.slice(i + 1);
    case 2:
      return s.slice(0, i) + c + s.slice(i);
    default:
      return i < s.length - 1 ? s.slice(0, i) + s[i + 1] + c + s.slice(i + 2) : s.slice(0, i - 1) + c + s[i - 1];
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (ymd: number) => {
  const { y, m, d } = dateParts(ymd);
  return `${y}-${pad(m)}-${pad(d)}`;
};

type Draft = {
  given: string;
  middle: string | null;
  family: string;
  dob: number | null;
  sex: string | null;
  postcode: string | null;
  address: string | null;
  town: string | null;
  nhs: string | null;
  upn: string | null;
  other: string | null;
};

const ERRORS: Array<[number, (r: Random, d: Draft) => void]> = [
  [
    14,
    (r, d) => {
      d.given = typo(r, d.given);
    },
  ],
  [
    14,
    (r, d) => {
      d.family = typo(r, d.family);
    },
  ],
  [
    10,
    (r, d) => {
      const v = variantsOf(d.given).filter((n) => n !== d.given);
      if (v.length) d.given = pick(r, v);
    },
  ],
  [
    4,
    (_r, d) => {
      [d.given, d.family] = [d.family, d.given];
    },
  ],
  [
    7,
    (_r, d) => {
      if (d.dob === null) return;
      const { y, m, d: day } = dateParts(d.dob);
      if (isRealDate(y, day, m)) d.dob = y * 10000 + day * 100 + m;
    },
  ],
  [
    6,
    (r, d) => {
      if (d.dob === null) return;
      const { y, m, d: day } = dateParts(d.dob);
      const nd = Math.min(28, Math.max(1, day + (r() < 0.5 ? -1 : 1)));
      d.dob = r() < 0.3 ? (y + (r() < 0.5 ? -1 : 1)) * 10000 + m * 100 + day : y * 10000 + m * 100 + nd;
    },
  ],
  [
    6,
    (_r, d) => {
      d.dob = null;
    },
  ],
  [
    4,
    (_r, d) => {
      d.given = '';
    },
  ],
  [
    8,
    (_r, d) => {
      d.postcode = null;
      d.address = null;
      d.town = null;
    },
  ],
  [
    4,
    (_r, d) => {
      d.sex = null;
    },
  ],
  [
    12,
    (r, d) => {
      const moved = randomAddress(r);
      d.postcode = moved.postcode;
      d.address = moved.address;
      d.town = moved.town;
    },
  ],
  [
    5,
    (r, d) => {
      d.family = d.family.includes('-') ? pick(r, d.family.split('-')) : `${d.family}-${pick(r, ['smith', 'brown'])}`;
    },
  ],
  [
    4,
    (_r, d) => {
      if (d.middle) d.given = d.middle;
    },
  ],
  [
    3,
    (r, d) => {
      if (!d.nhs) return;
      const i = Math.floor(r() * 10);
      d.nhs = d.nhs.slice(0, i) + ((Number(d.nhs[i]) + 1) % 10) + d.nhs.slice(i + 1);
    },
  ],
];
const ERROR_TOTAL = ERRORS.reduce((s, [w]) => s + w, 0);

function chooseError(r: Random): number {
  let x = r() * ERROR_TOTAL;
  for (let k = 0; k < ERRORS.length; k++) {
    x -= ERRORS[k]![0];
    if (x <= 0) return k;
  }
  return ERRORS.length - 1;
}

function applyError(r: Random, d: Draft) {
  ERRORS[chooseError(r)]![1](r, d);
}

/** What a record shows of a draft, for the fields the file carries. */
function visible(d: Draft, place: Place, identifiers: boolean): string {
  const where = place === 'postcode' ? [d.postcode, d.address] : place === 'town' ? [d.town] : [];
  const ids = identifiers ? [d.nhs, d.upn, d.other] : [];
  return JSON.stringify([d.given.toLowerCase(), d.family.toLowerCase(), d.dob, d.sex, ...where, ...ids]);
}

/**
 * Exactly `count` errors of different kinds, each one that changes what the record shows (a kind that would change
 * nothing, such as a keying slip in an identifier the file does not carry, is drawn again).
 */
function applyDistinctErrors(r: Random, d: Draft, count: number, place: Place, identifiers: boolean): number {
  const used = new Set<number>();
  let applied = 0;
  for (let tries = 0; applied < count && tries < 50; tries++) {
    const k = chooseError(r);
    if (used.has(k)) continue;
    const before = visible(d, place, identifiers);
    const saved = { ...d };
    ERRORS[k]![1](r, d);
    if (visible(d, place, identifiers) === before) {
      Object.assign(d, saved);
      continue;
    }
    used.add(k);
    applied++;
  }
  return applied;
}

/** Which identifiers each kind of agency holds (and how often). */
const SOURCES: Array<{ name: string; nhs: number; upn: number; other: number }> = [
  { name: 'health', nhs: 0.95, upn: 0, other: 0 },
  { name: 'school', nhs: 0.15, upn: 0.95, other: 0 },
  { name: 'council', nhs: 0.5, upn: 0.3, other: 1 },
  { name: 'police', nhs: 0, upn: 0, other: 0 },
];

function draftFor(r: Random, c: Child, sourceIndex: number): Draft {
  const s = SOURCES[sourceIndex]!;
  return {
    given: c.givenName,
    middle: c.middleName,
    family: c.familyName,
    dob: c.dob,
    sex: c.sex,
    postcode: c.postcode,
    address: c.address,
    town: c.town,
    nhs: r() < s.nhs ? c.nhsNumber : null,
    upn: c.upn && r() < s.upn ? c.upn : null,
    other: r() < s.other ? c.laId : null,
  };
}

/** Formatting that differs between systems but is not an error: case, spacing, date layout. */
function render(
  r: Random,
  d: Draft,
  id: string,
  entity: number,
  source: string,
  place: Place = 'postcode',
  identifiers = true,
  errors = 0,
): SourceRecord {
  const upper = r() < 0.2;
  const name = (s: string) => (upper ? s.toUpperCase() : s.replace(/(^|[\s'-])(\p{L})/gu, (m) => m.toUpperCase()));
  const given = d.middle && r() < 0.2 && d.given !== d.middle ? `${d.given} ${d.middle}` : d.given;
  const out: SourceRecord = {
    id,
    entity,
    source,
    errors,
    givenName: name(given),
    familyName: name(d.family),
    dateOfBirth: d.dob === null ? null : r() < 0.5 ? iso(d.dob) : String(d.dob),
    sex: d.sex,
    postcode: d.postcode && r() < 0.2 ? d.postcode.replace(' ', '').toLowerCase() : d.postcode,
    address: d.address,
    nhsNumber: d.nhs && r() < 0.3 ? `${d.nhs.slice(0, 3)} ${d.nhs.slice(3, 6)} ${d.nhs.slice(6)}` : d.nhs,
    upn: d.upn,
    otherId: d.other,
  };
  if (place !== 'postcode') {
    out.postcode = null;
    out.address = place === 'town' && d.town ? name(d.town) : null;
  }
  if (!identifiers) {
    out.nhsNumber = null;
    out.upn = null;
    out.otherId = null;
  }
  return out;
}

/** Where a file says someone lives: postcode and address, a town or city only, or nothing. */
export type Place = 'postcode' | 'town' | 'none';

export interface RecordOptions {
  /** Share of children with more than one record. */
  duplicateShare?: number;
  seed?: number;
  /** Exactly this many further records for each child with duplicates (default 1–3). */
  extraRecords?: number;
  /** Errors on each further record: a range of distinct kinds, each one visible (default 0–3, kinds may repeat). */
  errors?: { min: number; max: number };
  place?: Place;
  /** Whether the file carries NHS number, UPN and agency id (default true). */
  identifiers?: boolean;
}

/**
 * One record per child from the agency that first knew them, plus 1–3 more from other agencies for a share of the
 * children; extra records carry 0–3 errors each. Shuffled, so duplicates are not next to each other.
 */
export function agencyRecords(children: readonly Child[], options: RecordOptions = {}): SourceRecord[] {
  const r = rng(options.seed ?? 7);
  const share = options.duplicateShare ?? 0.3;
  const place = options.place ?? 'postcode';
  const identifiers = options.identifiers ?? true;
  const out: SourceRecord[] = [];
  for (const c of children) {
    const first = Math.floor(r() * SOURCES.length);
    out.push(
      render(r, draftFor(r, c, first), `R${out.length + 1}`, c.entity, SOURCES[first]!.name, place, identifiers),
    );
    if (r() >= share) continue;
    const extra = options.extraRecords ?? (r() < 0.7 ? 1 : r() < 0.7 ? 2 : 3);
    for (let k = 0; k < extra; k++) {
      const source = (first + 1 + Math.floor(r() * (SOURCES.length - 1))) % SOURCES.length;
      const d = draftFor(r, c, source);
      let errors: number;
      if (options.errors) {
        const { min, max } = options.errors;
        const wanted = min + Math.floor(r() * (max - min + 1));
        errors = applyDistinctErrors(r, d, wanted, place, identifiers);
      } else {
        const x = r();
        errors = x < 0.2 ? 0 : x < 0.65 ? 1 : x < 0.9 ? 2 : 3;
        for (let e = 0; e < errors; e++) applyError(r, d);
      }
      out.push(render(r, d, `R${out.length + 1}`, c.entity, SOURCES[source]!.name, place, identifiers, errors));
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A population of about `total` records (children × 1.4 or so), ready to de-duplicate. */
export function syntheticRecords(total: number, seed = 1, options: Omit<RecordOptions, 'seed'> = {}): SourceRecord[] {
  const perChild =
    options.extraRecords === undefined ? 1.38 : 1 + (options.duplicateShare ?? 0.3) * options.extraRecords;
  const children = Math.ceil(total / perChild);
  return agencyRecords(generateChildren(children, seed), { ...options, seed: seed + 6 }).slice(0, total);
}

/**
 * The case of issue 12: an extract of `people` children with four records each, every further record with two or
 * more errors, no postcodes and no identifiers (a town where `place` is 'town').
 */
export function severalErrorRecords(people: number, seed = 1, place: Place = 'none'): SourceRecord[] {
  return agencyRecords(generateChildren(people, seed), {
    seed: seed + 6,
    duplicateShare: 1,
    extraRecords: 3,
    errors: { min: 2, max: 3 },
    place,
    identifiers: false,
  });
}
