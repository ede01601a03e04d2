import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FieldError } from '../../platform/errors.ts';
import {
  dateParts,
  type Header,
  type ImportRow,
  type RowProblem,
  RowValidator,
  readHeader,
  sexCode,
  yesNo,
} from './import-rows.ts';
import { parsePersonForm } from './person-form.ts';

const TODAY = new Date('2026-03-01T12:00:00Z');

function header(names: string[]): Header {
  const h = readHeader(names);
  assert.ok(h.ok, h.ok ? '' : h.message);
  return h.header;
}

const COLUMNS = [
  'source_id',
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
  'address_line1',
  'address_line2',
  'town',
  'postcode',
  'other_id_scheme',
  'other_id',
];

/** A row of the full header, from the values given. */
function row(values: Record<string, string>): string[] {
  return COLUMNS.map((c) => values[c] ?? '');
}

function check(values: Record<string, string>, validator = new RowValidator(header(COLUMNS), TODAY), line = 2) {
  return validator.check(row(values), line);
}

function valid(values: Record<string, string>): ImportRow {
  const r = check(values);
  assert.equal(r.kind, 'valid', r.kind === 'invalid' ? JSON.stringify(r.problems) : r.kind);
  return (r as { row: ImportRow }).row;
}

function problems(values: Record<string, string>): RowProblem[] {
  const r = check(values);
  assert.equal(r.kind, 'invalid');
  return (r as { problems: RowProblem[] }).problems;
}

const basic = { given_name: 'Maisie', family_name: 'Thornbury', date_of_birth: '2016-04-12' };

describe('the header row', () => {
  it('finds columns whatever their case, spacing or hyphens, and warns about columns it does not read', () => {
    const h = readHeader(['Given Name', 'FAMILY_NAME', 'date-of-birth', 'Keyworker', 'notes']);
    assert.ok(h.ok);
    assert.equal(h.header.index.get('given_name'), 0);
    assert.equal(h.header.index.get('family_name'), 1);
    assert.equal(h.header.index.get('date_of_birth'), 2);
    assert.equal(h.header.width, 5);
    assert.deepEqual(h.warnings, [
      'These columns are not ones the import reads, so their values were ignored: Keyworker, notes',
    ]);
  });

  it('accepts an expected date of birth column in place of the date of birth', () => {
    assert.ok(readHeader(['given_name', 'family_name', 'expected_date_of_birth']).ok);
  });

  it('names every missing required column in one message', () => {
    const h = readHeader(['given_name', 'surname', 'dob']);
    assert.ok(!h.ok);
    assert.match(h.message, /^The file has no family_name, no date_of_birth \(or expected_date_of_birth\) column\./);
    assert.match(h.message, /Its columns are: given_name, surname, dob$/);
  });

  it('refuses a column named twice', () => {
    const h = readHeader(['given_name', 'family_name', 'date_of_birth', 'Given_Name']);
    assert.ok(!h.ok);
    assert.equal(h.message, 'The header names the column given_name twice');
  });

  it('does not repeat a first row that is a child rather than a header', () => {
    const h = readHeader(['Maisie', 'Thornbury', '2016-04-12']);
    assert.ok(!h.ok);
    assert.match(h.message, /needs a header row/);
    assert.doesNotMatch(h.message, /Maisie|Thornbury/);
  });

  it('warns about columns with no name', () => {
    const h = readHeader(['given_name', 'family_name', 'date_of_birth', '', '']);
    assert.ok(h.ok);
    assert.deepEqual(h.warnings, ['2 columns have no name in the header, so their values were ignored']);
  });
});

describe('values in a file', () => {
  it('reads dates written as YYYY-MM-DD, YYYYMMDD and DD/MM/YYYY', () => {
    assert.deepEqual(dateParts('2016-04-12'), { year: '2016', month: '04', day: '12' });
    assert.deepEqual(dateParts('20160412'), { year: '2016', month: '04', day: '12' });
    assert.deepEqual(dateParts('12/04/2016'), { year: '2016', month: '04', day: '12' });
    assert.deepEqual(dateParts('2/4/2016'), { year: '2016', month: '4', day: '2' });
    for (const bad of ['12-04-2016', '2016/04/12', '12 April 2016', '1604', '2016-04-12T00:00']) {
      assert.equal(dateParts(bad), null, bad);
    }
  });

  it('reads sex as M, F or U, or the words, blank meaning not known', () => {
    assert.equal(sexCode('m'), 'M');
    assert.equal(sexCode('Female'), 'F');
    assert.equal(sexCode('unknown'), 'U');
    assert.equal(sexCode(''), 'U');
    assert.equal(sexCode('X'), 'X', 'passed on for the form to refuse');
  });

  it('reads yes or no in the usual spellings', () => {
    for (const v of ['yes', 'TRUE', '1']) assert.equal(yesNo(v), true);
    for (const v of ['no', 'False', '0', '']) assert.equal(yesNo(v), false);
    assert.equal(yesNo('maybe'), undefined);
  });
});

describe('checking a row', () => {
  it('turns a full row into the details the form would give', () => {
    const r = valid({
      source_id: 'HV-0001',
      given_name: 'Maisie',
      middle_names: 'Rose',
      family_name: 'Thornbury',
      known_as: 'Mai',
      date_of_birth: '12/04/2016',
      sex: 'female',
      gender: 'Girl',
      ethnicity: 'wbri',
      first_language: 'English',
      interpreter_needed: 'Yes',
      disabilities: 'mob; HEAR',
      nhs_number: '943 476 5005',
      upn: 'h801200000000',
      la_child_id: 'LA123',
      address_line1: '4 Quarry Lane',
      address_line2: 'Flat 2',
      town: 'Luton',
      postcode: 'lu2 7qx',
      other_id_scheme: 'Health visiting record number',
      other_id: 'HV/0001',
    });
    assert.equal(r.line, 2);
    assert.equal(r.sourceId, 'HV-0001');
    const expected = {
      kind: 'child',
      givenName: 'Maisie',
      middleNames: 'Rose',
      familyName: 'Thornbury',
      knownAs: 'Mai',
      dateOfBirth: '2016-04-12',
      expectedDateOfBirth: null,
      sex: 'F',
      gender: 'Girl',
      ethnicity: 'WBRI',
      firstLanguage: 'English',
      interpreterNeeded: true,
      disabilities: ['MOB', 'HEAR'],
      nhsNumber: '9434765005',
      upn: 'H801200000000',
      laChildId: 'LA123',
    };
    // Every detail the file gives (the form may read others, such as a date of death, which stay empty).
    assert.deepEqual(
      Object.fromEntries(Object.keys(expected).map((k) => [k, r.person[k as keyof ImportRow['person']]])),
      expected,
    );
    assert.deepEqual(r.address, { line1: '4 Quarry Lane', line2: 'Flat 2', town: 'Luton', postcode: 'LU2 7QX' });
    assert.deepEqual(r.otherId, { scheme: 'Health visiting record number', value: 'HV/0001' });
  });

  it('needs only a name and a date of birth; sex not given is recorded as not known', () => {
    const r = valid({ ...basic, date_of_birth: '20160412' });
    assert.equal(r.person.sex, 'U');
    assert.equal(r.person.interpreterNeeded, false);
    assert.equal(r.address, null);
    assert.equal(r.otherId, null);
    assert.equal(r.sourceId, null);
  });

  it('records an unborn child from an expected date of birth', () => {
    const r = valid({ given_name: 'Baby', family_name: 'Thornbury', expected_date_of_birth: '2026-05-20' });
    assert.equal(r.person.kind, 'unborn');
    assert.equal(r.person.expectedDateOfBirth, '2026-05-20');
    assert.equal(r.person.dateOfBirth, null);
  });

  it('reports every reason a row is bad, each against its column, in column order', () => {
    const found = problems({
      source_id: 'SCH-9',
      given_name: 'M4isie',
      family_name: '',
      date_of_birth: '2016-02-30',
      sex: 'X',
      ethnicity: 'BRIT',
      interpreter_needed: 'maybe',
      disabilities: 'NONE;MOB',
      nhs_number: '9434765006',
      upn: 'A801200000000',
      la_child_id: 'LA-12',
      postcode: 'LU2 7QX',
      other_id: 'P123',
    });
    assert.deepEqual(
      found.map((p) => [p.column, p.message]),
      [
        ['given_name', 'First name must only include letters, spaces, hyphens, apostrophes and full stops'],
        ['family_name', 'Enter a last name'],
        ['date_of_birth', 'Date of birth must be a real date'],
        ['sex', 'Sex must be M, F or U (or male, female, unknown), or left blank'],
        ['ethnicity', 'Ethnicity must be a Children in Need census ethnicity code, like WBRI'],
        ['interpreter_needed', 'interpreter_needed must be yes or no (or true or false, 1 or 0)'],
        ['disabilities', 'Disabilities must be NONE or the codes that apply, not both'],
        ['nhs_number', 'Enter a real NHS number: the last digit does not match the others'],
        ['upn', 'Enter a real unique pupil number: the first letter does not match the check letter'],
        ['la_child_id', 'Local authority child id must be up to 20 letters and numbers'],
        ['address_line1', 'Enter the first line of the address'],
        ['other_id_scheme', 'Enter other_id_scheme, the kind of identifier other_id is, like Police reference'],
      ],
    );
    assert.ok(found.every((p) => p.line === 2 && p.sourceId === 'SCH-9'));
  });

  it('gives the form’s own message wherever the form’s wording suits a file', () => {
    const body = { kind: 'child', givenName: 'Maisie', familyName: 'Thornbury', sex: 'U', nhsNumber: '12345' };
    const form = parsePersonForm(
      { ...body, 'dateOfBirth-day': '12', 'dateOfBirth-month': '4', 'dateOfBirth-year': '2016' },
      TODAY,
    );
    assert.ok(!form.ok);
    const formNhs = form.errors.find((e: FieldError) => e.field === 'nhsNumber')!.message;
    const file = problems({ ...basic, nhs_number: '12345' });
    assert.deepEqual(
      file.map((p) => p.message),
      [formNhs],
    );
  });

  it('applies the form’s rules about dates: none in the future, under 26, due within 10 months', () => {
    assert.match(
      problems({ ...basic, date_of_birth: '2026-03-02' })[0]!.message,
      /today or in the past.*expected_date/,
    );
    assert.match(problems({ ...basic, date_of_birth: '1990-01-01' })[0]!.message, /under 26/);
    const due = (d: string) => problems({ given_name: 'Baby', family_name: 'Ng', expected_date_of_birth: d });
    assert.match(due('2027-06-01')[0]!.message, /within the next 10 months/);
    assert.match(due('2025-12-01')[0]!.message, /more than 4 weeks ago/);
    assert.equal(
      problems({ ...basic, date_of_birth: '12.04.2016' })[0]!.message,
      'Date of birth must be a date written as YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY',
    );
    assert.deepEqual(
      problems({ given_name: 'Maisie', family_name: 'Thornbury' }).map((p) => [p.column, p.message]),
      [['date_of_birth', 'Enter a date of birth, or an expected date of birth for an unborn child']],
    );
    assert.deepEqual(
      problems({ ...basic, expected_date_of_birth: '2026-05-01' }).map((p) => p.column),
      ['expected_date_of_birth'],
    );
  });

  it('applies the address rules: a first line and a real postcode once any part is given', () => {
    assert.deepEqual(
      problems({ ...basic, address_line1: '4 Quarry Lane', postcode: 'LU2' }).map((p) => [p.column, p.message]),
      [['postcode', 'Enter a real postcode, like LU1 2AB']],
    );
    assert.deepEqual(
      problems({ ...basic, town: 'Luton' }).map((p) => p.column),
      ['address_line1', 'postcode'],
    );
  });

  it('refuses names that are too long and values with control characters', () => {
    assert.match(problems({ ...basic, given_name: 'A'.repeat(101) })[0]!.message, /100 characters or fewer/);
    assert.deepEqual(
      problems({ ...basic, family_name: 'Thorn\tbury' }).map((p) => [p.column, p.message]),
      [['family_name', 'family_name contains a tab, line break or other control character: remove it']],
    );
    assert.match(problems({ ...basic, other_id_scheme: 'Police', other_id: 'P'.repeat(61) })[0]!.message, /60/);
    const long = problems({ ...basic, source_id: 'S'.repeat(101) });
    assert.equal(long[0]!.column, 'source_id');
    assert.equal(long[0]!.sourceId, null, 'an unusable source id is not repeated in the report');
  });

  it('reports an NHS number given twice on the later row only', () => {
    const v = new RowValidator(header(COLUMNS), TODAY);
    assert.equal(check({ ...basic, nhs_number: '9434765005' }, v, 2).kind, 'valid');
    assert.equal(check({ ...basic, given_name: 'Tom', nhs_number: '9434765013' }, v, 3).kind, 'valid');
    const later = check({ ...basic, given_name: 'Maisy', nhs_number: '943 476 5005' }, v, 7);
    assert.equal(later.kind, 'invalid');
    assert.deepEqual(
      (later as { problems: RowProblem[] }).problems.map((p) => [p.line, p.column, p.message]),
      [[7, 'nhs_number', 'The same NHS number is on line 2: each child can be in the file only once']],
    );
  });

  it('reports a row with the wrong number of values, and skips rows with nothing in them', () => {
    const v = new RowValidator(header(['given_name', 'family_name', 'date_of_birth']), TODAY);
    const short = v.check(['Maisie', 'Thornbury'], 4);
    assert.deepEqual(short.kind === 'invalid' && short.problems.map((p) => [p.line, p.column, p.message]), [
      [4, null, 'The row has 2 values but the header names 3 columns'],
    ]);
    assert.equal(v.check(['Maisie', 'Thornbury', '2016-04-12', 'extra'], 5).kind, 'invalid');
    assert.equal(v.check(['Maisie', 'Thornbury', '2016-04-12', '', ''], 6).kind, 'valid', 'trailing commas');
    assert.equal(v.check(['', ' ', ''], 7).kind, 'blank');
  });

  it('ignores columns it does not read, whatever they hold', () => {
    const v = new RowValidator(header(['given_name', 'family_name', 'date_of_birth', 'notes']), TODAY);
    assert.equal(v.check(['Maisie', 'Thornbury', '2016-04-12', 'anything = at all;\t"'], 2).kind, 'valid');
  });
});
