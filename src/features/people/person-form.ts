/**
 * The identifying details form (register a child, change their details) and the search form: server-side
 * validation in GOV.UK wording, with what was typed kept by the caller for redisplay.
 */

import { addDays, londonToday } from '../../platform/calendar.ts';
import type { FieldError } from '../../platform/errors.ts';
import { asArray, type FormResult, readDate } from '../../platform/forms.ts';
import { DISABILITY_LABELS, ETHNICITY_LABELS } from './codes.ts';
import {
  isTemporaryUpn,
  isValidNhsNumber,
  isValidUpn,
  normaliseNhsNumber,
  normalisePostcode,
  normaliseUpn,
} from './matching/normalise.ts';
import type { SearchCriteria } from './search.ts';

export type PersonKind = 'child' | 'unborn' | 'adult';

export interface AddressInput {
  line1: string;
  line2: string | null;
  town: string | null;
  postcode: string;
  /** The area chosen on the form; without one, the area is worked out from the postcode where it can be. */
  areaId?: string | null;
}

export interface PersonInput {
  kind: PersonKind;
  givenName: string;
  middleNames: string | null;
  familyName: string;
  knownAs: string | null;
  dateOfBirth: string | null;
  expectedDateOfBirth: string | null;
  sex: 'M' | 'F' | 'U';
  gender: string | null;
  ethnicity: string | null;
  firstLanguage: string | null;
  interpreterNeeded: boolean;
  disabilities: string[];
  nhsNumber: string | null;
  upn: string | null;
  laChildId: string | null;
  /** Only on the change form; registration leaves it empty. */
  dateOfDeath?: string | null;
}

/** The person table's column for each identifying detail: for change audits and import reports. */
export const PERSON_COLUMN: Record<Exclude<keyof PersonInput, 'kind'>, string> = {
  givenName: 'given_name',
  middleNames: 'middle_names',
  familyName: 'family_name',
  knownAs: 'known_as',
  dateOfBirth: 'date_of_birth',
  expectedDateOfBirth: 'expected_date_of_birth',
  sex: 'sex',
  gender: 'gender',
  ethnicity: 'ethnicity',
  firstLanguage: 'first_language',
  interpreterNeeded: 'interpreter_needed',
  disabilities: 'disabilities',
  nhsNumber: 'nhs_number',
  upn: 'upn',
  laChildId: 'la_child_id',
  dateOfDeath: 'date_of_death',
};

type Body = Record<string, unknown>;

const str = (b: Body, k: string) => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');

function text(b: Body, k: string, label: string, errors: FieldError[], opts: { required?: string; max?: number } = {}) {
  const v = str(b, k);
  const max = opts.max ?? 100;
  if (!v) {
    if (opts.required) errors.push({ field: k, message: opts.required });
    return null;
  }
  if (v.length > max) {
    errors.push({ field: k, message: `${label} must be ${max} characters or fewer` });
    return null;
  }
  // Names come from many scripts and traditions: refuse only what cannot be part of one.
  if (/[<>{}[\]\\|^~`$%=+_@#*;:!?"\d]/.test(v) && k !== 'gender' && k !== 'firstLanguage') {
    errors.push({
      field: k,
      message: `${label} must only include letters, spaces, hyphens, apostrophes and full stops`,
    });
    return null;
  }
  return v;
}

function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10);
}

/** NHS number: 10 digits (spaces allowed), passing the modulus 11 check. */
export function readNhsNumber(b: Body, k: string, errors: FieldError[]): string | null {
  const raw = str(b, k);
  if (!raw) return null;
  if (!normaliseNhsNumber(raw)) {
    errors.push({ field: k, message: 'NHS number must be 10 digits, like 943 476 5919' });
    return null;
  }
  if (!isValidNhsNumber(raw)) {
    errors.push({ field: k, message: 'Enter a real NHS number: the last digit does not match the others' });
    return null;
  }
  return normaliseNhsNumber(raw);
}

/** UPN: a check letter then 12 digits (permanent), or then 11 digits and a letter (temporary). */
export function readUpn(b: Body, k: string, errors: FieldError[]): string | null {
  const raw = str(b, k);
  if (!raw) return null;
  const upn = normaliseUpn(raw);
  if (!upn) {
    errors.push({
      field: k,
      message:
        'Unique pupil number must be 13 characters: a letter then 12 digits, or a letter, 11 digits and a letter',
    });
    return null;
  }
  if (!isValidUpn(upn)) {
    errors.push({
      field: k,
      message: isTemporaryUpn(upn)
        ? 'Enter a real temporary unique pupil number: the first letter does not match the check letter'
        : 'Enter a real unique pupil number: the first letter does not match the check letter',
    });
    return null;
  }
  return upn;
}

export function readPostcode(b: Body, k: string, errors: FieldError[], required?: string): string | null {
  const raw = str(b, k);
  if (!raw) {
    if (required) errors.push({ field: k, message: required });
    return null;
  }
  const pc = normalisePostcode(raw);
  if (!pc) errors.push({ field: k, message: 'Enter a real postcode, like LU1 2AB' });
  return pc;
}

/** An address: all optional together, but a first line and a postcode once any part is given. */
export function readAddress(b: Body, errors: FieldError[], required = false): AddressInput | null {
  const any = ['addressLine1', 'addressLine2', 'town', 'postcode'].some((k) => str(b, k));
  if (!any && !required) return null;
  const line1 = str(b, 'addressLine1');
  if (!line1) errors.push({ field: 'addressLine1', message: 'Enter the first line of the address' });
  for (const k of ['addressLine1', 'addressLine2', 'town']) {
    if (str(b, k).length > 100) errors.push({ field: k, message: 'Address lines must be 100 characters or fewer' });
  }
  const postcode = readPostcode(b, 'postcode', errors, 'Enter a postcode');
  if (!line1 || !postcode) return null;
  return { line1, line2: str(b, 'addressLine2') || null, town: str(b, 'town') || null, postcode };
}

export function parsePersonForm(b: Body, today: Date, fixedKind?: PersonKind): FormResult<PersonInput> {
  const errors: FieldError[] = [];
  const todayIso = londonToday(today);
  const kindRaw = fixedKind ?? str(b, 'kind');
  const kind = (['child', 'unborn', 'adult'] as const).find((k) => k === kindRaw);
  if (!kind) errors.push({ field: 'kind', message: 'Select whether the child is born yet' });
  const givenName = text(b, 'givenName', 'First name', errors, { required: 'Enter a first name' });
  const middleNames = text(b, 'middleNames', 'Middle names', errors);
  const familyName = text(b, 'familyName', 'Last name', errors, { required: 'Enter a last name' });
  const knownAs = text(b, 'knownAs', 'Known as', errors);

  let dateOfBirth: string | null = null;
  let expectedDateOfBirth: string | null = null;
  if (kind === 'unborn') {
    const due = readDate(b, 'expectedDateOfBirth', 'Expected date of birth', errors);
    if (due === undefined && !errors.some((e) => e.field === 'expectedDateOfBirth')) {
      errors.push({ field: 'expectedDateOfBirth', message: 'Enter the expected date of birth' });
    } else if (due && due < addDays(todayIso, -28)) {
      errors.push({
        field: 'expectedDateOfBirth',
        message: 'Expected date of birth is more than 4 weeks ago: if the baby has been born, enter the date of birth',
      });
    } else if (due && due > addDays(todayIso, 300)) {
      errors.push({
        field: 'expectedDateOfBirth',
        message: 'Expected date of birth must be within the next 10 months',
      });
    } else expectedDateOfBirth = due ?? null;
  } else if (kind) {
    const dob = readDate(b, 'dateOfBirth', 'Date of birth', errors);
    if (dob === undefined && kind === 'child' && !errors.some((e) => e.field === 'dateOfBirth')) {
      errors.push({ field: 'dateOfBirth', message: 'Enter a date of birth' });
    } else if (dob && dob > todayIso) {
      errors.push({
        field: 'dateOfBirth',
        message:
          kind === 'child'
            ? 'Date of birth must be today or in the past: for an unborn child, choose ‘Not born yet’'
            : 'Date of birth must be today or in the past',
      });
    } else if (dob && kind === 'child' && dob <= addYears(todayIso, -26)) {
      errors.push({ field: 'dateOfBirth', message: 'Early help is for people under 26: check the date of birth' });
    } else if (dob && dob < '1900-01-01') {
      errors.push({ field: 'dateOfBirth', message: 'Date of birth must be after 1 January 1900' });
    } else dateOfBirth = dob ?? null;
  }

  const sexRaw = str(b, 'sex');
  const sex = (['M', 'F', 'U'] as const).find((s) => s === sexRaw);
  if (!sex) errors.push({ field: 'sex', message: 'Select the sex recorded, or ‘Not known’' });
  const gender = text(b, 'gender', 'Gender', errors, { max: 60 });
  const ethnicityRaw = str(b, 'ethnicity');
  if (ethnicityRaw && !ETHNICITY_LABELS[ethnicityRaw])
    errors.push({ field: 'ethnicity', message: 'Select an ethnicity from the list' });
  const firstLanguage = text(b, 'firstLanguage', 'First language', errors, { max: 60 });
  const disabilities = asArray(b.disabilities);
  if (disabilities.some((d) => !DISABILITY_LABELS[d])) {
    errors.push({ field: 'disabilities', message: 'Select disabilities from the list' });
  } else if (disabilities.includes('NONE') && disabilities.length > 1) {
    errors.push({ field: 'disabilities', message: 'Select ‘No disability’ or the disabilities that apply, not both' });
  }
  const nhsNumber = readNhsNumber(b, 'nhsNumber', errors);
  const upn = readUpn(b, 'upn', errors);
  const laRaw = str(b, 'laChildId');
  let laChildId: string | null = null;
  if (laRaw) {
    if (/^[A-Za-z0-9]{1,20}$/.test(laRaw)) laChildId = laRaw;
    else errors.push({ field: 'laChildId', message: 'Local authority child id must be up to 20 letters and numbers' });
  }
  let dateOfDeath: string | null = null;
  const death = readDate(b, 'dateOfDeath', 'Date of death', errors);
  if (death && death > todayIso)
    errors.push({ field: 'dateOfDeath', message: 'Date of death must be today or in the past' });
  else if (death && dateOfBirth && death < dateOfBirth) {
    errors.push({ field: 'dateOfDeath', message: 'Date of death must be on or after the date of birth' });
  } else dateOfDeath = death ?? null;
  if (errors.length || !kind || !givenName || !familyName || !sex) return { ok: false, errors };
  return {
    ok: true,
    data: {
      kind,
      givenName,
      middleNames,
      familyName,
      knownAs,
      dateOfBirth,
      expectedDateOfBirth,
      sex,
      gender,
      ethnicity: ethnicityRaw || null,
      firstLanguage,
      interpreterNeeded: str(b, 'interpreterNeeded') === 'yes',
      disabilities,
      nhsNumber,
      upn,
      laChildId,
      dateOfDeath,
    },
  };
}

function optionalAge(b: Body, k: string, label: string, errors: FieldError[]): number | undefined {
  const v = str(b, k);
  if (!v) return undefined;
  if (!/^\d{1,2}$/.test(v) || Number(v) > 25) {
    errors.push({ field: k, message: `${label} must be a whole number from 0 to 25` });
    return undefined;
  }
  return Number(v);
}

/**
 * Search criteria: a name, a postcode or an identifier is needed to search; a date of birth and an age range
 * narrow it. Every field is checked the way registration checks it, so a typo in an NHS number is caught here.
 */
export function parseSearchForm(b: Body, today: Date): FormResult<SearchCriteria> {
  const errors: FieldError[] = [];
  const givenName = text(b, 'givenName', 'First name', errors);
  const familyName = text(b, 'familyName', 'Last name', errors);
  const dob = readDate(b, 'dob', 'Date of birth', errors);
  const todayIso = londonToday(today);
  if (dob && dob > addDays(todayIso, 300)) {
    errors.push({ field: 'dob', message: 'Date of birth must be in the past, or an expected date within 10 months' });
  }
  const postcode = readPostcode(b, 'postcode', errors);
  const nhsNumber = readNhsNumber(b, 'nhsNumber', errors);
  const upn = readUpn(b, 'upn', errors);
  const ageFrom = optionalAge(b, 'ageFrom', 'Age from', errors);
  const ageTo = optionalAge(b, 'ageTo', 'Age to', errors);
  if (ageFrom !== undefined && ageTo !== undefined && ageFrom > ageTo) {
    errors.push({ field: 'ageTo', message: 'Age to must be the same as or more than age from' });
  }
  // A date of birth or an age narrows a search but cannot start one: thousands share a birthday.
  const anyRaw = ['givenName', 'familyName', 'postcode', 'nhsNumber', 'upn'].some((k) => str(b, k));
  if (!anyRaw) {
    errors.unshift({ field: 'givenName', message: 'Enter a name, a postcode, an NHS number or a unique pupil number' });
  } else if (!errors.length && givenName && !familyName && !dob && !postcode && !nhsNumber && !upn) {
    errors.push({
      field: 'familyName',
      message: 'Enter a last name, date of birth or postcode as well as a first name',
    });
  }
  if (errors.length) return { ok: false, errors };
  const c: SearchCriteria = {};
  if (givenName) c.givenName = givenName;
  if (familyName) c.familyName = familyName;
  if (dob) c.dateOfBirth = dob;
  if (postcode) c.postcode = postcode;
  if (nhsNumber) c.nhsNumber = nhsNumber;
  if (upn) c.upn = upn;
  if (ageFrom !== undefined) c.ageFrom = ageFrom;
  if (ageTo !== undefined) c.ageTo = ageTo;
  if (str(b, 'includeAdults') === 'yes') c.includeAdults = true;
  return { ok: true, data: c };
}
