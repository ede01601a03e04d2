import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockingKeys, candidatePairs, canonicalDob, keysFor } from './blocking.ts';
import { type PersonRecord, prepare } from './record.ts';

const base: PersonRecord = {
  givenName: 'Amelia',
  familyName: 'Kowalska',
  dateOfBirth: '2016-04-09',
  postcode: 'LS6 2AB',
};

const pairsOf = (records: PersonRecord[], options = {}) => {
  const { left, right } = candidatePairs(
    records.map((r) => prepare(r)),
    options,
  );
  return [...left].map((l, k) => `${l}-${right[k]}`);
};

describe('blocking keys', () => {
  it('keys dates with day and month in order of size, so a transposition shares a key', () => {
    assert.equal(canonicalDob(20160409), canonicalDob(20160904));
    assert.equal(canonicalDob(20160425), 20160425);
    const a = keysFor('dob_name', prepare(base));
    const b = keysFor('dob_name', prepare({ ...base, dateOfBirth: '2016-09-04' }));
    assert.ok(a.some((k) => b.includes(k)));
  });

  it('keys both names without saying which is which, so a swap shares a key', () => {
    const a = keysFor('names_year_month', prepare(base));
    const b = keysFor('names_year_month', prepare({ ...base, givenName: 'Kowalska', familyName: 'Amelia' }));
    assert.deepEqual(a, b);
  });

  it('lists every rule with its key for SQL candidate retrieval', () => {
    const keys = blockingKeys(prepare({ ...base, nhsNumber: '9434765919' }));
    assert.ok(keys.some((k) => k.rule === 'nhs' && k.key === '9434765919'));
    assert.ok(keys.some((k) => k.rule === 'names_district' && k.key.endsWith(':LS6')));
  });
});

describe('candidate pairs', () => {
  it('proposes each pair once, for typical single errors', () => {
    const records: PersonRecord[] = [
      base,
      { ...base, dateOfBirth: '2016-09-04' },
      { ...base, givenName: 'Kowalska', familyName: 'Amelia' },
      { ...base, familyName: 'Kowalski', postcode: 'BD8 7QT' },
      { givenName: 'Oliver', familyName: 'Smith', dateOfBirth: '2010-01-01', postcode: 'M1 1AE' },
    ];
    const pairs = pairsOf(records);
    assert.equal(new Set(pairs).size, pairs.length);
    for (const p of ['0-1', '0-2', '0-3']) assert.ok(pairs.includes(p), p);
    assert.ok(!pairs.some((p) => p.endsWith('-4')), 'Oliver Smith shares no key with Amelia');
  });

  it('compares a very large block by sorted neighbourhood, not all against all', () => {
    const crowd = Array.from({ length: 200 }, () => ({
      givenName: 'Muhammad',
      familyName: 'Khan',
      dateOfBirth: '2015-06-01',
    }));
    const pairs = pairsOf(crowd, { maxBlockSize: 50, window: 4 });
    assert.ok(pairs.length < 200 * 5, `${pairs.length}`);
    assert.ok(pairs.length >= 199);
  });
});
