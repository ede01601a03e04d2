/**
 * The identifying details form (register a child, change their details) and the search form: their zod schemas
 * (docs/decisions/0021), with messages in GOV.UK wording. Each field is read by its own schema, in the order of
 * the form, so rules that depend on another field (a date of birth on the kind of child) can use it.
 */

import { z } from 'zod';
import { addDays, londonToday } from '../../platform/calendar.ts';
import type { FieldError } from '../../platform/errors.ts';
import { asArray, dateParts, type FormResult, orderedForm, parseForm } from '../../platform/forms.ts';
import { DISABILITY_LABELS, ETHNICITY_LABELS } from './codes.ts';
import {
  isTemporaryUpn,
  isValidNhsNumber,
  isValidUpn,
  normaliseEmail,
  normaliseNhsNumber,
  normalisePostcode,
  normaliseUkPhone,
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
  /** The person's own email address and telephone number, as written (one that does not parse is kept). */
  email: string | null;
  telephone: string | null;
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
  email: 'email',
  telephone: 'telephone',
  dateOfDeath: 'date_of_death',
};

type Body = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

// Names come from many scripts and traditions: refuse only what cannot be part of one.
const NOT_IN_A_NAME = /[<>{}[\]\\|^~`$%=+_@#*;:!?"\d]/;

/** Free text, trimmed (empty is null): required when `required` says so, `max` characters, names checked. */
export function textField(label: string, opts: { required?: string; max?: number; name?: boolean } = {}) {
  const max = opts.max ?? 100;
  let text = z.string();
  if (opts.required) text = text.min(1, opts.required);
  return z
    .preprocess(
      str,
      text
        .max(max, `${label} must be ${max} characters or fewer`)
        .refine(
          (v) => opts.name === false || !NOT_IN_A_NAME.test(v),
          `${label} must only include letters, spaces, hyphens, apostrophes and full stops`,
        ),
    )
    .transform((v) => v || null);
}

function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10);
}

/** NHS number: 10 digits (spaces allowed), passing the modulus 11 check. */
export const nhsNumberField = z
  .preprocess(
    str,
    z
      .string()
      .refine((v) => !v || normaliseNhsNumber(v), 'NHS number must be 10 digits, like 943 476 5919')
      .refine(
        (v) => !v || !normaliseNhsNumber(v) || isValidNhsNumber(v),
        'Enter a real NHS number: the last digit does not match the others',
      ),
  )
  .transform((v) => (v ? normaliseNhsNumber(v) : null));

/** UPN: a check letter then 12 digits (permanent), or then 11 digits and a letter (temporary). */
export const upnField = z
  .preprocess(
    str,
    z.string().superRefine((v, ctx) => {
      if (!v) return;
      const upn = normaliseUpn(v);
      if (!upn) {
        ctx.addIssue({
          code: 'custom',
          message:
            'Unique pupil number must be 13 characters: a letter then 12 digits, or a letter, 11 digits and a letter',
        });
      } else if (!isValidUpn(upn)) {
        ctx.addIssue({
          code: 'custom',
          message: isTemporaryUpn(upn)
            ? 'Enter a real temporary unique pupil number: the first letter does not match the check letter'
            : 'Enter a real unique pupil number: the first letter does not match the check letter',
        });
      }
    }),
  )
  .transform((v) => (v ? normaliseUpn(v) : null));

/** A postcode, normalised (LU1 2AB); `required` is the message when it is missing. */
export const postcodeField = (required?: string) =>
  z
    .preprocess(
      str,
      z
        .string()
        .refine((v) => v || !required, required ?? '')
        .refine((v) => !v || normalisePostcode(v), 'Enter a real postcode, like LU1 2AB'),
    )
    .transform((v) => (v ? normalisePostcode(v) : null));

/**
 * A person's email address or telephone number on their record: kept as written (trimmed; empty is null). One
 * that does not parse is still kept, as people write "mum's mobile" or a number abroad, but is not used to match.
 */
export const contactField = (label: string, max: number) =>
  z
    .preprocess(
      str,
      z
        .string()
        .max(max, `${label} must be ${max} characters or fewer`)
        .refine((v) => !hasControlCharacter(v), `${label} must not contain tabs or line breaks`),
    )
    .transform((v) => v || null);

export const EMAIL_MAX = 254;
export const TELEPHONE_MAX = 40;

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** A search by email: it must be one that can be matched, or the search could find nobody by it. */
const searchEmailField = z
  .preprocess(
    str,
    z
      .string()
      .max(EMAIL_MAX, `Email address must be ${EMAIL_MAX} characters or fewer`)
      .refine((v) => !v || normaliseEmail(v), 'Enter an email address in the correct format, like name@example.com'),
  )
  .transform((v) => v || undefined);

/** A search by telephone: a UK number that can be matched. */
const searchTelephoneField = z
  .preprocess(
    str,
    z
      .string()
      .max(TELEPHONE_MAX, `Telephone number must be ${TELEPHONE_MAX} characters or fewer`)
      .refine((v) => !v || normaliseUkPhone(v), 'Enter a UK telephone number, like 01632 960 001 or 07700 900 982'),
  )
  .transform((v) => v || undefined);

/** An age in whole years from 0 to 25, or nothing. */
const ageField = (label: string) =>
  z
    .preprocess(
      str,
      z
        .string()
        .refine((v) => !v || (/^\d{1,2}$/.test(v) && Number(v) <= 25), `${label} must be a whole number from 0 to 25`),
    )
    .transform((v) => (v ? Number(v) : undefined));

/** Reads one field with its schema outside a form (the import's rows): its value, or null with the problem pushed. */
function readField<T>(schema: z.ZodType<T>, b: Body, k: string, errors: FieldError[]): T | null {
  const r = schema.safeParse(b[k]);
  if (r.success) return r.data;
  errors.push({ field: k, message: r.error.issues[0]?.message ?? 'There is a problem' });
  return null;
}

export function readNhsNumber(b: Body, k: string, errors: FieldError[]): string | null {
  return readField(nhsNumberField, b, k, errors) ?? null;
}

export function readUpn(b: Body, k: string, errors: FieldError[]): string | null {
  return readField(upnField, b, k, errors) ?? null;
}

export function readPostcode(b: Body, k: string, errors: FieldError[], required?: string): string | null {
  return readField(postcodeField(required), b, k, errors) ?? null;
}

/** An address: all optional together, but a first line and a postcode once any part is given. */
export function readAddress(b: Body, errors: FieldError[], required = false): AddressInput | null {
  const any = ['addressLine1', 'addressLine2', 'town', 'postcode'].some((k) => str(b[k]));
  if (!any && !required) return null;
  const line1 = str(b.addressLine1);
  if (!line1) errors.push({ field: 'addressLine1', message: 'Enter the first line of the address' });
  for (const k of ['addressLine1', 'addressLine2', 'town']) {
    if (str(b[k]).length > 100) errors.push({ field: k, message: 'Address lines must be 100 characters or fewer' });
  }
  const postcode = readPostcode(b, 'postcode', errors, 'Enter a postcode');
  if (!line1 || !postcode) return null;
  return { line1, line2: str(b.addressLine2) || null, town: str(b.town) || null, postcode };
}

const KINDS = ['child', 'unborn', 'adult'] as const;

/** The identifying details form's schema, as of `today`; `fixedKind` when the page has already settled it. */
export const personForm = (today: Date, fixedKind?: PersonKind) =>
  orderedForm((b, field, problem, problems): PersonInput => {
    const todayIso = londonToday(today);
    const failed = (k: string) => problems().some((e) => e.field === k);
    const kind = field(
      'kind',
      z.enum(KINDS, { error: 'Select whether the child is born yet' }),
      fixedKind ?? str(b.kind),
    );
    const givenName = field('givenName', textField('First name', { required: 'Enter a first name' }));
    const middleNames = field('middleNames', textField('Middle names'));
    const familyName = field('familyName', textField('Last name', { required: 'Enter a last name' }));
    const knownAs = field('knownAs', textField('Known as'));

    let dateOfBirth: string | null = null;
    let expectedDateOfBirth: string | null = null;
    if (kind === 'unborn') {
      const due = field('expectedDateOfBirth', dateParts('expectedDateOfBirth', 'Expected date of birth'), b);
      if (due === undefined && !failed('expectedDateOfBirth')) {
        problem('expectedDateOfBirth', 'Enter the expected date of birth');
      } else if (due && due < addDays(todayIso, -28)) {
        problem(
          'expectedDateOfBirth',
          'Expected date of birth is more than 4 weeks ago: if the baby has been born, enter the date of birth',
        );
      } else if (due && due > addDays(todayIso, 300)) {
        problem('expectedDateOfBirth', 'Expected date of birth must be within the next 10 months');
      } else expectedDateOfBirth = due ?? null;
    } else if (kind) {
      const dob = field('dateOfBirth', dateParts('dateOfBirth', 'Date of birth'), b);
      if (dob === undefined && kind === 'child' && !failed('dateOfBirth')) {
        problem('dateOfBirth', 'Enter a date of birth');
      } else if (dob && dob > todayIso) {
        problem(
          'dateOfBirth',
          kind === 'child'
            ? 'Date of birth must be today or in the past: for an unborn child, choose ‘Not born yet’'
            : 'Date of birth must be today or in the past',
        );
      } else if (dob && kind === 'child' && dob <= addYears(todayIso, -26)) {
        problem('dateOfBirth', 'Early help is for people under 26: check the date of birth');
      } else if (dob && dob < '1900-01-01') {
        problem('dateOfBirth', 'Date of birth must be after 1 January 1900');
      } else dateOfBirth = dob ?? null;
    }

    const sex = field('sex', z.enum(['M', 'F', 'U'], { error: 'Select the sex recorded, or ‘Not known’' }), str(b.sex));
    const gender = field('gender', textField('Gender', { max: 60, name: false }));
    const ethnicity = field(
      'ethnicity',
      z.preprocess(
        str,
        z.string().refine((v) => !v || ETHNICITY_LABELS[v], 'Select an ethnicity from the list'),
      ),
    );
    const firstLanguage = field('firstLanguage', textField('First language', { max: 60, name: false }));
    const disabilities = asArray(b.disabilities);
    if (disabilities.some((d) => !DISABILITY_LABELS[d])) {
      problem('disabilities', 'Select disabilities from the list');
    } else if (disabilities.includes('NONE') && disabilities.length > 1) {
      problem('disabilities', 'Select ‘No disability’ or the disabilities that apply, not both');
    }
    const nhsNumber = field('nhsNumber', nhsNumberField);
    const upn = field('upn', upnField);
    const laChildId = field(
      'laChildId',
      z.preprocess(
        str,
        z.string().regex(/^([A-Za-z0-9]{1,20})?$/, 'Local authority child id must be up to 20 letters and numbers'),
      ),
    );
    const email = field('email', contactField('Email address', EMAIL_MAX));
    const telephone = field('telephone', contactField('Telephone number', TELEPHONE_MAX));
    let dateOfDeath: string | null = null;
    const death = field('dateOfDeath', dateParts('dateOfDeath', 'Date of death'), b);
    if (death && death > todayIso) problem('dateOfDeath', 'Date of death must be today or in the past');
    else if (death && dateOfBirth && death < dateOfBirth) {
      problem('dateOfDeath', 'Date of death must be on or after the date of birth');
    } else dateOfDeath = death ?? null;
    // When any field had a problem the schema fails and this value is never used.
    return {
      kind: kind!,
      givenName: givenName!,
      middleNames: middleNames ?? null,
      familyName: familyName!,
      knownAs: knownAs ?? null,
      dateOfBirth,
      expectedDateOfBirth,
      sex: sex!,
      gender: gender ?? null,
      ethnicity: ethnicity || null,
      firstLanguage: firstLanguage ?? null,
      interpreterNeeded: str(b.interpreterNeeded) === 'yes',
      disabilities,
      nhsNumber: nhsNumber ?? null,
      upn: upn ?? null,
      laChildId: laChildId || null,
      email: email ?? null,
      telephone: telephone ?? null,
      dateOfDeath,
    };
  });

export function parsePersonForm(b: Body, today: Date, fixedKind?: PersonKind): FormResult<PersonInput> {
  return parseForm(personForm(today, fixedKind), b);
}

/**
 * Search criteria: a name, a postcode or an identifier is needed to search; a date of birth and an age range
 * narrow it. Every field is checked the way registration checks it, so a typo in an NHS number is caught here.
 */
export const searchForm = (today: Date) =>
  orderedForm((b, field, problem, problems): SearchCriteria => {
    // A date of birth or an age narrows a search but cannot start one: thousands share a birthday.
    const anyRaw = ['givenName', 'familyName', 'postcode', 'nhsNumber', 'upn', 'email', 'telephone'].some((k) =>
      str(b[k]),
    );
    if (!anyRaw) {
      problem(
        'givenName',
        'Enter a name, a postcode, an NHS number, a unique pupil number, an email address or a telephone number',
      );
    }
    const givenName = field('givenName', textField('First name'));
    const familyName = field('familyName', textField('Last name'));
    const dob = field('dob', dateParts('dob', 'Date of birth'), b);
    if (dob && dob > addDays(londonToday(today), 300)) {
      problem('dob', 'Date of birth must be in the past, or an expected date within 10 months');
    }
    const postcode = field('postcode', postcodeField());
    const nhsNumber = field('nhsNumber', nhsNumberField);
    const upn = field('upn', upnField);
    const email = field('email', searchEmailField);
    const telephone = field('telephone', searchTelephoneField);
    const ageFrom = field('ageFrom', ageField('Age from'));
    const ageTo = field('ageTo', ageField('Age to'));
    if (ageFrom !== undefined && ageTo !== undefined && ageFrom > ageTo) {
      problem('ageTo', 'Age to must be the same as or more than age from');
    }
    const contact = email || telephone;
    if (
      anyRaw &&
      !problems().length &&
      givenName &&
      !familyName &&
      !dob &&
      !postcode &&
      !nhsNumber &&
      !upn &&
      !contact
    ) {
      problem('familyName', 'Enter a last name, date of birth or postcode as well as a first name');
    }
    const c: SearchCriteria = {};
    if (givenName) c.givenName = givenName;
    if (familyName) c.familyName = familyName;
    if (dob) c.dateOfBirth = dob;
    if (postcode) c.postcode = postcode;
    if (nhsNumber) c.nhsNumber = nhsNumber;
    if (upn) c.upn = upn;
    if (email) c.email = email;
    if (telephone) c.telephone = telephone;
    if (ageFrom !== undefined) c.ageFrom = ageFrom;
    if (ageTo !== undefined) c.ageTo = ageTo;
    if (str(b.includeAdults) === 'yes') c.includeAdults = true;
    return c;
  });

export function parseSearchForm(b: Body, today: Date): FormResult<SearchCriteria> {
  return parseForm(searchForm(today), b);
}
