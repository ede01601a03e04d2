/**
 * What the search scorer compares for each person, and the keys it is found by. Both are derived from the
 * person's own rows (names, identifiers, addresses) and from any record merged into it, and are written in the
 * same transaction as the change that made them stale, so a search never misses a change it should see.
 */

import { hashedKeys, storedKeys } from './matching/index-keys.ts';
import { normaliseOtherId } from './matching/normalise.ts';
import { type PersonRecord, type PhoneticCoder, type PreparedRecord, prepare } from './matching/record.ts';

/** One way the person is recorded (their own record, or one merged into it), compactly, as stored in JSON. */
export interface MatchVariant {
  /** Given names (first and middle). */
  g: string;
  f: string;
  /** Other names: [given, family] pairs (known as, previous names, aliases). */
  o?: [string, string][];
  d?: string;
  s?: 'M' | 'F' | 'U';
  /** Current postcode, then earlier ones. */
  p?: string;
  pp?: string[];
  a?: string;
  n?: string;
  u?: string;
  /** Local authority child id, then any other agency identifiers. */
  i?: string[];
  /** Email address and telephone number, as written (normalised when compared). */
  e?: string;
  t?: string;
}

/** The rows one variant is built from. */
export interface MatchSource {
  given_name: string;
  middle_names: string | null;
  family_name: string;
  known_as: string | null;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  sex: 'M' | 'F' | 'U';
  nhs_number: string | null;
  upn: string | null;
  la_child_id: string | null;
  email: string | null;
  telephone: string | null;
  names: { given_name: string; middle_names: string | null; family_name: string }[];
  identifiers: string[];
  /** Addresses, current first. */
  addresses: { address: string; postcode: string; current: boolean }[];
}

export function variantOf(s: MatchSource): MatchVariant {
  const v: MatchVariant = { g: [s.given_name, s.middle_names].filter(Boolean).join(' '), f: s.family_name };
  const others: [string, string][] = [];
  if (s.known_as && s.known_as !== s.given_name) others.push([s.known_as, s.family_name]);
  for (const n of s.names) others.push([[n.given_name, n.middle_names].filter(Boolean).join(' '), n.family_name]);
  if (others.length) v.o = others;
  const dob = s.date_of_birth ?? s.expected_date_of_birth;
  if (dob) v.d = dob;
  if (s.sex !== 'U') v.s = s.sex;
  const current = s.addresses.find((a) => a.current);
  if (current) {
    v.p = current.postcode;
    v.a = current.address;
  }
  const previous = s.addresses.filter((a) => !a.current).map((a) => a.postcode);
  if (previous.length) v.pp = [...new Set(previous)];
  if (s.nhs_number) v.n = s.nhs_number;
  if (s.upn) v.u = s.upn;
  const ids = [s.la_child_id, ...s.identifiers].filter((x): x is string => !!x);
  if (ids.length) v.i = [...new Set(ids)];
  if (s.email) v.e = s.email;
  if (s.telephone) v.t = s.telephone;
  return v;
}

export function recordOf(v: MatchVariant, id = ''): PersonRecord {
  return {
    id,
    givenName: v.g,
    familyName: v.f,
    otherNames: (v.o ?? []).map(([givenName, familyName]) => ({ givenName, familyName })),
    dateOfBirth: v.d ?? null,
    sex: v.s ?? null,
    postcode: v.p ?? null,
    address: v.a ?? null,
    previousPostcodes: v.pp ?? [],
    nhsNumber: v.n ?? null,
    upn: v.u ?? null,
    otherId: v.i?.[0] ?? null,
    email: v.e ?? null,
    telephone: v.t ?? null,
  };
}

export function prepareVariants(variants: readonly MatchVariant[], coder: PhoneticCoder, id = ''): PreparedRecord[] {
  return variants.map((v) => prepare(recordOf(v, id), coder));
}

/** The hashed keys of every variant, with every agency identifier (the scorer compares only the first). */
export function matchKeysOf(variants: readonly MatchVariant[], coder: PhoneticCoder): number[] {
  const keys = new Set<string>();
  for (const v of variants) {
    storedKeys(prepare(recordOf(v), coder), keys);
    for (const id of v.i ?? []) {
      const n = normaliseOtherId(id);
      if (n) keys.add(`O:${n}`);
    }
  }
  return hashedKeys(keys);
}
