/**
 * The rows of an agency's extract of children, checked by exactly the rules of the identifying details form: each
 * row is turned into the body that form posts (dates into day, month and year) and read by `parsePersonForm` and
 * `readAddress`, so the form and the import can never disagree about what a valid child record is.
 */
import type { FieldError } from '../../platform/errors.ts';
import { normaliseEmail, normaliseUkPhone } from './matching/normalise.ts';
import {
  type AddressInput,
  PERSON_COLUMN,
  type PersonInput,
  parsePersonForm,
  readAddress,
  readNhsNumber,
} from './person-form.ts';

export const IMPORT_COLUMNS = [
  'given_name',
  'middle_names',
  'family_name',
  'known_as',
  'date_of_birth',
  'expected_date_of_birth',
  'sex',
  'gender',
  'ethnicity',
  'first_language',
  'interpreter_needed',
  'disabilities',
  'nhs_number',
  'upn',
  'la_child_id',
  'email',
  'telephone',
  'address_line1',
  'address_line2',
  'town',
  'postcode',
  'other_id_scheme',
  'other_id',
  'source_id',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

const REQUIRED: readonly ImportColumn[] = ['given_name', 'family_name'];
const DATE_COLUMNS: readonly ImportColumn[] = ['date_of_birth', 'expected_date_of_birth'];

/** The form field each problem is reported against, as the column of the file it came from. */
const COLUMN_OF_FIELD: Record<string, ImportColumn> = {
  // The file's columns are named as the person table's are.
  ...(PERSON_COLUMN as Record<string, ImportColumn>),
  kind: 'date_of_birth',
  addressLine1: 'address_line1',
  addressLine2: 'address_line2',
  town: 'town',
  postcode: 'postcode',
};

/** The form's wording speaks of its controls ("Select …"); in a file the same rule is said in terms of values. */
const FILE_WORDING: Record<string, string> = {
  'Select the sex recorded, or ‘Not known’': 'Sex must be M, F or U (or male, female, unknown), or left blank',
  'Select an ethnicity from the list': 'Ethnicity must be a Children in Need census ethnicity code, like WBRI',
  'Select disabilities from the list':
    'Disabilities must be Children in Need census disability codes separated by semicolons, like MOB;HEAR',
  'Select ‘No disability’ or the disabilities that apply, not both':
    'Disabilities must be NONE or the codes that apply, not both',
  'Date of birth must be today or in the past: for an unborn child, choose ‘Not born yet’':
    'Date of birth must be today or in the past: for an unborn child, give expected_date_of_birth instead',
  'Enter a date of birth': 'Enter a date of birth, or an expected date of birth for an unborn child',
};

export const MAX_SOURCE_ID = 100;
/** person_identifier holds schemes and values of up to 60 characters. */
export const MAX_OTHER_ID = 60;

export interface Header {
  /** Where each known column is. */
  index: Map<ImportColumn, number>;
  /** Number of columns the header names. */
  width: number;
}

export type HeaderResult = { ok: true; header: Header; warnings: string[] } | { ok: false; message: string };

/** "Given Name", "given-name" and "GIVEN_NAME" all name given_name. */
export function columnKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Reads the header row: every known column once, the required ones present; others are reported and ignored. */
export function readHeader(names: readonly string[]): HeaderResult {
  const index = new Map<ImportColumn, number>();
  const unknown: string[] = [];
  let unnamed = 0;
  for (let i = 0; i < names.length; i++) {
    const key = columnKey(names[i]!);
    if (!key) {
      unnamed++;
      continue;
    }
    const column = IMPORT_COLUMNS.find((c) => c === key);
    if (!column) {
      unknown.push(names[i]!.trim());
      continue;
    }
    if (index.has(column)) return { ok: false, message: `The header names the column ${column} twice` };
    index.set(column, i);
  }
  if (index.size === 0) {
    // Probably a file without a header row: its first row is a child's details, so it is not repeated here.
    return {
      ok: false,
      message:
        'The first row names none of the columns the import reads: the file needs a header row ' +
        '(given_name, family_name, date_of_birth …)',
    };
  }
  const missing: string[] = REQUIRED.filter((c) => !index.has(c));
  if (!DATE_COLUMNS.some((c) => index.has(c))) missing.push('date_of_birth (or expected_date_of_birth)');
  if (missing.length) {
    return {
      ok: false,
      message:
        `The file has no ${missing.join(', no ')} column. Every file needs given_name, family_name, and ` +
        `date_of_birth or expected_date_of_birth. Its columns are: ${names.map((n) => n.trim()).join(', ')}`,
    };
  }
  const warnings: string[] = [];
  if (unknown.length) {
    warnings.push(`These columns are not ones the import reads, so their values were ignored: ${unknown.join(', ')}`);
  }
  if (unnamed === 1) warnings.push('One column has no name in the header, so its values were ignored');
  else if (unnamed > 1) warnings.push(`${unnamed} columns have no name in the header, so their values were ignored`);
  return { ok: true, header: { index, width: names.length }, warnings };
}

/** A date as the form's three fields: YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY. Null when it is none of these. */
export function dateParts(raw: string): { day: string; month: string; year: string } | null {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  if (m) return { year: m[1]!, month: m[2]!, day: m[3]! };
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (m) return { year: m[1]!, month: m[2]!, day: m[3]! };
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
  if (m) return { day: m[1]!, month: m[2]!, year: m[3]! };
  return null;
}

/** M, F, U as the form takes them; blank means not known. Anything else is passed on for the form to refuse. */
export function sexCode(raw: string): string {
  const v = raw.trim().toUpperCase();
  if (v === '' || v === 'U' || v === 'UNKNOWN' || v === 'NOT KNOWN') return 'U';
  if (v === 'M' || v === 'MALE') return 'M';
  if (v === 'F' || v === 'FEMALE') return 'F';
  return raw;
}

/** yes/no, true/false, 1/0 (or blank, meaning no); undefined for anything else. */
export function yesNo(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (v === '' || v === 'no' || v === 'false' || v === '0') return false;
  if (v === 'yes' || v === 'true' || v === '1') return true;
  return undefined;
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

export interface ImportRow {
  line: number;
  sourceId: string | null;
  person: PersonInput;
  address: AddressInput | null;
  /** The agency's identifier for the child, recorded on the child's record. */
  otherId: { scheme: string; value: string } | null;
}

export interface RowProblem {
  line: number;
  sourceId: string | null;
  /** Null when the problem is with the row as a whole. */
  column: ImportColumn | null;
  message: string;
}

export type RowResult =
  | { kind: 'blank' }
  | {
      kind: 'valid';
      row: ImportRow;
      /** What was kept but will not be used for matching (an email or telephone number that does not parse). */
      warnings: string[];
    }
  | { kind: 'invalid'; problems: RowProblem[] };

/**
 * Checks rows one by one, in file order. It remembers each NHS number it has seen, so a number given twice is an
 * error on the later row (one child, one record).
 */
export class RowValidator {
  private readonly nhsLines = new Map<string, number>();

  constructor(
    private readonly header: Header,
    private readonly today: Date,
  ) {}

  check(values: readonly string[], line: number): RowResult {
    if (values.every((v) => v.trim() === '')) return { kind: 'blank' };
    const get = (c: ImportColumn): string => {
      const i = this.header.index.get(c);
      return i === undefined ? '' : (values[i] ?? '').trim();
    };
    let sourceId: string | null = get('source_id') || null;
    const problems: RowProblem[] = [];
    const problem = (column: ImportColumn | null, message: string) =>
      problems.push({ line, sourceId, column, message });
    if (sourceId && (sourceId.length > MAX_SOURCE_ID || hasControlCharacter(sourceId))) {
      sourceId = null;
      problem('source_id', `source_id must be ${MAX_SOURCE_ID} characters or fewer, with no tabs or line breaks`);
    }

    const width = this.header.width;
    const extra = values.slice(width);
    if (values.length < width || extra.some((v) => v.trim() !== '')) {
      problem(null, `The row has ${values.length} values but the header names ${width} columns`);
      return { kind: 'invalid', problems };
    }

    // Columns whose problem is already reported here: the form's message for the same field would repeat it.
    const reported = new Set<ImportColumn>();
    const own = (column: ImportColumn, message: string) => {
      reported.add(column);
      problem(column, message);
    };
    for (const column of this.header.index.keys()) {
      if (column !== 'source_id' && hasControlCharacter(get(column))) {
        own(column, `${column} contains a tab, line break or other control character: remove it`);
      }
    }

    const body: Record<string, unknown> = {
      givenName: get('given_name'),
      middleNames: get('middle_names'),
      familyName: get('family_name'),
      knownAs: get('known_as'),
      sex: sexCode(get('sex')),
      gender: get('gender'),
      ethnicity: get('ethnicity').toUpperCase(),
      firstLanguage: get('first_language'),
      disabilities: get('disabilities')
        .split(';')
        .map((d) => d.trim().toUpperCase())
        .filter(Boolean),
      nhsNumber: get('nhs_number'),
      upn: get('upn'),
      laChildId: get('la_child_id'),
      email: get('email'),
      telephone: get('telephone'),
      addressLine1: get('address_line1'),
      addressLine2: get('address_line2'),
      town: get('town'),
      postcode: get('postcode'),
    };
    const interpreter = yesNo(get('interpreter_needed'));
    if (interpreter === undefined)
      own('interpreter_needed', 'interpreter_needed must be yes or no (or true or false, 1 or 0)');
    body.interpreterNeeded = interpreter ? 'yes' : 'no';

    const dob = get('date_of_birth');
    const due = get('expected_date_of_birth');
    if (dob && due) {
      own(
        'expected_date_of_birth',
        'Give a date of birth or, for an unborn child, an expected date of birth: not both',
      );
    }
    const kind = !dob && due ? 'unborn' : 'child';
    for (const [column, prefix, label, raw] of [
      ['date_of_birth', 'dateOfBirth', 'Date of birth', dob],
      ['expected_date_of_birth', 'expectedDateOfBirth', 'Expected date of birth', due],
    ] as const) {
      if (!raw) continue;
      const parts = dateParts(raw);
      if (!parts) {
        own(column, `${label} must be a date written as YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY`);
        continue;
      }
      body[`${prefix}-day`] = parts.day;
      body[`${prefix}-month`] = parts.month;
      body[`${prefix}-year`] = parts.year;
    }

    const formErrors: FieldError[] = [];
    const parsed = parsePersonForm(body, this.today, kind);
    if (!parsed.ok) formErrors.push(...parsed.errors);
    const address = readAddress(body, formErrors);
    for (const e of formErrors) {
      const column = COLUMN_OF_FIELD[e.field] ?? null;
      if (column && reported.has(column)) continue;
      problem(column, FILE_WORDING[e.message] ?? e.message);
    }

    const nhs = readNhsNumber(body, 'nhsNumber', []);
    if (nhs) {
      const first = this.nhsLines.get(nhs);
      if (first === undefined) this.nhsLines.set(nhs, line);
      else problem('nhs_number', `The same NHS number is on line ${first}: each child can be in the file only once`);
    }

    const scheme = get('other_id_scheme');
    const value = get('other_id');
    if (value && !scheme) {
      own('other_id_scheme', 'Enter other_id_scheme, the kind of identifier other_id is, like Police reference');
    }
    if (scheme.length > MAX_OTHER_ID)
      own('other_id_scheme', `other_id_scheme must be ${MAX_OTHER_ID} characters or fewer`);
    if (value.length > MAX_OTHER_ID) own('other_id', `other_id must be ${MAX_OTHER_ID} characters or fewer`);

    problems.sort((a, b) => order(a.column) - order(b.column));
    if (problems.length || !parsed.ok) return { kind: 'invalid', problems };
    // Kept as written, as on the form; the value itself is personal data, so the warning names only the column.
    const warnings: string[] = [];
    if (parsed.data.email && !normaliseEmail(parsed.data.email)) {
      warnings.push(
        `Line ${line}: email is not an email address we can read, so it is kept as written and not used to find matches`,
      );
    }
    if (parsed.data.telephone && !normaliseUkPhone(parsed.data.telephone)) {
      warnings.push(
        `Line ${line}: telephone is not a UK telephone number we can read, so it is kept as written and not used to find matches`,
      );
    }
    return {
      kind: 'valid',
      warnings,
      row: { line, sourceId, person: parsed.data, address, otherId: value ? { scheme, value } : null },
    };
  }
}

/** Problems in the order of the columns list (the row's own problems first). */
function order(column: ImportColumn | null): number {
  return column === null ? -1 : IMPORT_COLUMNS.indexOf(column);
}
