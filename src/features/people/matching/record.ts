/**
 * The identifying details of a person as the matcher sees them: `PersonRecord` is what callers pass (raw text,
 * as typed or as found in an extract); `PreparedRecord` is the normalised form, computed once per record.
 */
import { doubleMetaphone } from 'double-metaphone';
import { familyNameGroups, givenNameGroups } from './nicknames.ts';
import {
  addressTokens,
  NAME_PARTICLES,
  nameParts,
  normaliseEmail,
  normaliseNhsNumber,
  normaliseOtherId,
  normalisePostcode,
  normaliseSex,
  normaliseUkPhone,
  normaliseUpn,
  parseDate,
  postcodeDistrict,
} from './normalise.ts';

export interface PersonName {
  givenName?: string | null;
  familyName?: string | null;
}

export interface PersonRecord extends PersonName {
  id?: string;
  /** YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY. */
  dateOfBirth?: string | null;
  sex?: string | null;
  postcode?: string | null;
  address?: string | null;
  nhsNumber?: string | null;
  upn?: string | null;
  /** Any other agency identifier (local authority child id, social security number …). */
  otherId?: string | null;
  /** Email address and UK telephone number, as written: one that does not parse is not used for matching. */
  email?: string | null;
  telephone?: string | null;
  /** Previous names and aliases: a match on any of them counts. */
  otherNames?: PersonName[];
  /** Postcodes of earlier addresses: a query with an old address still finds the person. */
  previousPostcodes?: string[];
}

export interface PreparedName {
  /** First given name (the one people are called by, most often). */
  given: string;
  givenTokens: string[];
  givenCodes: [string, string];
  givenGroups: readonly number[];
  /** Family name parts joined by spaces ("smith jones"). */
  family: string;
  familyCompact: string;
  /** Parts that identify a family on their own (particles like "al" or "van" left out). */
  familyParts: string[];
  familyCodes: [string, string];
  /** The primary sound code of each part, when the family name has more than one ("Owusu-Mensah"). */
  familyPartCodes: string[];
  familyGroups: readonly number[];
}

export interface PreparedRecord {
  id: string;
  names: PreparedName[];
  dob: number | null;
  sex: 'M' | 'F' | null;
  postcode: string | null;
  /** Postcode when it is not UK-shaped (extracts from elsewhere): compared as text, no district. */
  rawPostcode: string | null;
  district: string | null;
  previousPostcodes: string[];
  address: string[];
  nhs: string | null;
  upn: string | null;
  other: string | null;
  /** Normalised email (Gmail dots and tags dropped) and telephone (0 then 9–10 digits); null when unparseable. */
  email: string | null;
  telephone: string | null;
}

const NO_CODES: [string, string] = ['', ''];

/**
 * A small bounded memo for Double Metaphone: names repeat heavily across a population, so this makes
 * phonetic coding of a million records nearly free while keeping memory flat in a long-running server.
 */
export class PhoneticCoder {
  private cache = new Map<string, [string, string]>();
  /** Prepared names by their raw text: a population repeats the same names endlessly. */
  readonly names = new Map<string, PreparedName>();
  constructor(private readonly limit = 200_000) {}

  codes(word: string): [string, string] {
    if (!word) return NO_CODES;
    let c = this.cache.get(word);
    if (!c) {
      c = doubleMetaphone(word);
      if (this.cache.size >= this.limit) this.cache.clear();
      this.cache.set(word, c);
    }
    return c;
  }
}

const defaultCoder = new PhoneticCoder();

function prepareName(name: PersonName, coder: PhoneticCoder): PreparedName {
  const key = `${name.givenName ?? ''}\u0001${name.familyName ?? ''}`;
  let prepared = coder.names.get(key);
  if (!prepared) {
    prepared = prepareNameUncached(name, coder);
    if (coder.names.size >= NAME_CACHE_LIMIT) coder.names.clear();
    coder.names.set(key, prepared);
  }
  return prepared;
}

const NAME_CACHE_LIMIT = 500_000;

function prepareNameUncached(name: PersonName, coder: PhoneticCoder): PreparedName {
  const givenTokens = nameParts(name.givenName);
  const familyTokens = nameParts(name.familyName);
  const given = givenTokens[0] ?? '';
  const family = familyTokens.join(' ');
  const familyCompact = familyTokens.join('');
  const familyParts = familyTokens.filter((p) => !NAME_PARTICLES.has(p));
  const parts = familyParts.length > 0 ? familyParts : familyTokens;
  return {
    given,
    givenTokens,
    givenCodes: coder.codes(given),
    givenGroups: givenNameGroups(given),
    family,
    familyCompact,
    familyParts: parts,
    familyCodes: coder.codes(familyCompact),
    familyPartCodes: parts.length > 1 ? parts.map((part) => coder.codes(part)[0]).filter(Boolean) : [],
    familyGroups: familyNameGroups(familyCompact),
  };
}

export function prepare(record: PersonRecord, coder: PhoneticCoder = defaultCoder): PreparedRecord {
  const names = [prepareName(record, coder)];
  for (const other of record.otherNames ?? []) names.push(prepareName(other, coder));
  const postcode = normalisePostcode(record.postcode);
  const raw = record.postcode?.trim().toUpperCase().replace(/\s+/g, '') || null;
  const sex = normaliseSex(record.sex);
  const previousPostcodes: string[] = [];
  for (const p of record.previousPostcodes ?? []) {
    const n = normalisePostcode(p);
    if (n) previousPostcodes.push(n);
  }
  return {
    id: record.id ?? '',
    names,
    dob: parseDate(record.dateOfBirth),
    sex: sex === 'U' ? null : sex,
    postcode,
    rawPostcode: postcode ? null : raw,
    district: postcode ? postcodeDistrict(postcode) : null,
    previousPostcodes,
    address: addressTokens(record.address),
    nhs: normaliseNhsNumber(record.nhsNumber),
    upn: normaliseUpn(record.upn),
    other: normaliseOtherId(record.otherId),
    email: normaliseEmail(record.email),
    telephone: normaliseUkPhone(record.telephone),
  };
}
