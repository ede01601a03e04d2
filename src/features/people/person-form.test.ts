import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseForm } from '../../platform/forms.ts';
import { personForm, searchForm } from './person-form.ts';

const today = new Date('2026-12-01T10:00:00Z');

test('the person form is a zod schema: one problem per field, in the order of the form, in GOV.UK wording', () => {
  const form = parseForm(personForm(today), {
    kind: 'child',
    givenName: 'Ann3',
    familyName: '',
    'dateOfBirth-day': '31',
    'dateOfBirth-month': '2',
    'dateOfBirth-year': '2020',
    sex: '',
    nhsNumber: '943 476 5918',
    upn: 'x',
  });
  assert.equal(form.ok, false);
  assert.deepEqual(!form.ok && form.errors, [
    {
      field: 'givenName',
      message: 'First name must only include letters, spaces, hyphens, apostrophes and full stops',
    },
    { field: 'familyName', message: 'Enter a last name' },
    { field: 'dateOfBirth', message: 'Date of birth must be a real date' },
    { field: 'sex', message: 'Select the sex recorded, or ‘Not known’' },
    { field: 'nhsNumber', message: 'Enter a real NHS number: the last digit does not match the others' },
    {
      field: 'upn',
      message:
        'Unique pupil number must be 13 characters: a letter then 12 digits, or a letter, 11 digits and a letter',
    },
  ]);
});

test('the person form: rules that depend on another field, and the data it gives', () => {
  const unborn = parseForm(personForm(today), { kind: 'unborn', givenName: 'Baby', familyName: 'Okoro', sex: 'U' });
  assert.deepEqual(!unborn.ok && unborn.errors, [
    { field: 'expectedDateOfBirth', message: 'Enter the expected date of birth' },
  ]);
  const ok = parseForm(personForm(today, 'child'), {
    givenName: ' Ann ',
    familyName: 'Okoro',
    'dateOfBirth-day': '1',
    'dateOfBirth-month': '2',
    'dateOfBirth-year': '2020',
    sex: 'F',
    nhsNumber: '943 476 5919',
    disabilities: 'NONE',
    interpreterNeeded: 'yes',
  });
  assert.ok(ok.ok);
  assert.equal(ok.data.givenName, 'Ann');
  assert.equal(ok.data.kind, 'child');
  assert.equal(ok.data.dateOfBirth, '2020-02-01');
  assert.equal(ok.data.nhsNumber, '9434765919');
  assert.deepEqual(ok.data.disabilities, ['NONE']);
  assert.equal(ok.data.interpreterNeeded, true);
});

test('the search form: something to search by comes first; a first name alone needs more', () => {
  const none = parseForm(searchForm(today), { ageFrom: '30' });
  assert.deepEqual(!none.ok && none.errors, [
    {
      field: 'givenName',
      message: 'Enter a name, a postcode, an NHS number, a unique pupil number, an email address or a telephone number',
    },
    { field: 'ageFrom', message: 'Age from must be a whole number from 0 to 25' },
  ]);
  const first = parseForm(searchForm(today), { givenName: 'Ann' });
  assert.deepEqual(!first.ok && first.errors, [
    { field: 'familyName', message: 'Enter a last name, date of birth or postcode as well as a first name' },
  ]);
  assert.deepEqual(parseForm(searchForm(today), { familyName: 'Okoro', postcode: 'lu12ab' }), {
    ok: true,
    data: { familyName: 'Okoro', postcode: 'LU1 2AB' },
  });
});

test('the person form keeps an email and telephone number as written, even one that does not parse', () => {
  const base = { givenName: 'Jo', familyName: 'Okoro', sex: 'U', 'dateOfBirth-day': '1' };
  const ok = parseForm(personForm(today, 'adult'), {
    ...base,
    'dateOfBirth-day': '',
    email: '  Jo.Okoro@Example.org ',
    telephone: 'mum’s mobile',
  });
  assert.ok(ok.ok, JSON.stringify(!ok.ok && ok.errors));
  assert.equal(ok.data.email, 'Jo.Okoro@Example.org');
  assert.equal(ok.data.telephone, 'mum’s mobile');
  const blank = parseForm(personForm(today, 'adult'), { ...base, 'dateOfBirth-day': '', email: '   ', telephone: '' });
  assert.ok(blank.ok);
  assert.equal(blank.data.email, null, 'whitespace only is missing');
  assert.equal(blank.data.telephone, null);
  const bad = parseForm(personForm(today, 'adult'), { ...base, 'dateOfBirth-day': '', telephone: '07700\t900123' });
  assert.deepEqual(!bad.ok && bad.errors, [
    { field: 'telephone', message: 'Telephone number must not contain tabs or line breaks' },
  ]);
});

test('the search form takes an email or telephone on its own, and refuses one that cannot be matched', () => {
  assert.deepEqual(parseForm(searchForm(today), { email: ' Jo.Okoro@gmail.com ' }), {
    ok: true,
    data: { email: 'Jo.Okoro@gmail.com' },
  });
  assert.deepEqual(parseForm(searchForm(today), { givenName: 'Jo', telephone: '+44 7700 900123' }), {
    ok: true,
    data: { givenName: 'Jo', telephone: '+44 7700 900123' },
  });
  const bad = parseForm(searchForm(today), { email: 'jo at gmail', telephone: '+1 202 555 0100' });
  assert.deepEqual(!bad.ok && bad.errors, [
    { field: 'email', message: 'Enter an email address in the correct format, like name@example.com' },
    { field: 'telephone', message: 'Enter a UK telephone number, like 01632 960 001 or 07700 900 982' },
  ]);
});
