import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BLOCKING_RULES,
  blockingKeys,
  COMBINED_RULES,
  candidatePairs,
  canonicalDob,
  keysFor,
  townOf,
  WIDE_RULES,
  widePairBudget,
} from './blocking.ts';
import { type PersonRecord, prepare } from './record.ts';

const base: PersonRecord = {
  givenName: 'Amelia',
  familyName: 'Kowalska',
  dateOfBirth: '2016-04-09',
  postcode: 'LS6 2AB',
};

const statsOf = (records: PersonRecord[], options = {}) =>
  candidatePairs(
    records.map((r) => prepare(r)),
    options,
  );

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

  it('pairs records with two or three errors at once, each caught by a rule needing only one field to agree', () => {
    const cases: Array<[string, PersonRecord, PersonRecord]> = [
      [
        'both names misspelt, same date of birth',
        base,
        { ...base, givenName: 'Amelai', familyName: 'Kowalksa', postcode: null },
      ],
      [
        'nickname and a wrong day, moved',
        { givenName: 'William', familyName: 'Booth', dateOfBirth: '2012-05-17', postcode: 'LS6 2AB' },
        { givenName: 'Bill', familyName: 'Booth', dateOfBirth: '2012-05-18', postcode: 'BD8 7QT' },
      ],
      [
        'no date of birth and moved',
        { givenName: 'Oscar', familyName: 'Carter', dateOfBirth: '2023-05-11', postcode: 'LS28 7ZG' },
        { givenName: 'OSCAR', familyName: 'CARTER', dateOfBirth: null, postcode: 'BD10 4BB' },
      ],
      [
        'nickname and no date of birth, same postcode',
        { givenName: 'Michael', familyName: 'White', dateOfBirth: '2009-12-21', postcode: 'BD28 6PA' },
        { givenName: 'Mikey', familyName: 'White', dateOfBirth: null, postcode: 'BD28 6PA' },
      ],
      [
        'family name misspelt and year wrong, town only',
        { givenName: 'Zofia', familyName: 'Nowak', dateOfBirth: '2018-01-31', address: 'Dewsbury' },
        { givenName: 'Zofia', familyName: 'Nowakk', dateOfBirth: '2017-01-31', address: 'DEWSBURY' },
      ],
      [
        'given name misspelt, day wrong, no place',
        { givenName: 'Harry', familyName: 'Pripson', dateOfBirth: '2018-10-18' },
        { givenName: 'Harrry', familyName: 'Pripson', dateOfBirth: '2018-10-19' },
      ],
    ];
    for (const [what, a, b] of cases) {
      const pairs = pairsOf([a, b, { givenName: 'Kwame', familyName: 'Mensah', dateOfBirth: '2001-02-03' }]);
      assert.deepEqual(pairs, ['0-1'], what);
    }
  });

  it('counts the pairs each rule produced and those no earlier rule did', () => {
    const { left, stats } = statsOf([
      base,
      { ...base, dateOfBirth: '2016-09-04' },
      { ...base, givenName: 'Amelai', familyName: 'Kowalksa', postcode: null },
    ]);
    assert.deepEqual(
      stats.map((s) => s.rule),
      [...BLOCKING_RULES],
    );
    assert.equal(
      stats.reduce((sum, s) => sum + s.newPairs, 0),
      left.length,
    );
    const dob = stats.find((s) => s.rule === 'dob')!;
    assert.equal(dob.pairs, 3, 'all three share the date of birth, day and month in order');
    assert.ok(stats.every((s) => s.pairs >= s.newPairs));
  });

  it('caps a wide rule’s very large block and says so, so a file where everyone shares a value stays bounded', () => {
    // 1,000 different children, all born on 1 January 2015 in one town.
    const crowd: PersonRecord[] = Array.from({ length: 1000 }, (_, i) => ({
      givenName: `Given${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
      familyName: `Family${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`,
      dateOfBirth: '2015-01-01',
      address: 'Leeds',
    }));
    const { left, stats } = statsOf(crowd, { maxBlockSize: 50 });
    const dob = stats.find((s) => s.rule === 'dob')!;
    assert.equal(dob.cappedBlocks, 1);
    assert.equal(dob.cappedRecords, 1000);
    assert.equal(dob.largestCappedBlock, 1000);
    assert.equal(dob.pairs, 0);
    assert.ok(left.length < 1000 * 20, `${left.length} pairs`);
  });

  it('spends the wide rules’ budget of pairs on their smallest blocks first, and says what it capped', () => {
    const born = (dateOfBirth: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({ ...base, givenName: `Child${i}`, dateOfBirth }));
    // 5 children born on one day (10 pairs) and 40 on another (780 pairs).
    const records = [...born('2016-02-02', 5), ...born('2015-01-01', 40)];
    const within = statsOf(records, { rules: ['dob'], widePairBudget: 100 });
    const dob = within.stats[0]!;
    assert.equal(dob.pairs, 10, 'the block of 5 is paired');
    assert.deepEqual([dob.cappedBlocks, dob.cappedRecords, dob.largestCappedBlock], [1, 40, 40]);
    assert.ok(within.wideBudgetReached);
    assert.ok(within.wideCap >= 5 && within.wideCap < 40, `${within.wideCap}`);
    const unlimited = statsOf(records, { rules: ['dob'] });
    assert.equal(unlimited.stats[0]!.pairs, 790);
    assert.equal(unlimited.wideBudgetReached, false);
    // The default budget grows with the file beyond 1,250,000 records, so the work stays linear in its size.
    assert.equal(widePairBudget(10_000), widePairBudget(1_000_000));
    assert.equal(widePairBudget(4_000_000), 2 * widePairBudget(2_000_000));
  });

  it('caps any block beyond the hard cap, whatever the rule', () => {
    const same = Array.from({ length: 300 }, () => base);
    const { left, stats } = statsOf(same, { maxBlockSize: 50, capBlockSize: 100 });
    assert.equal(left.length, 0);
    assert.ok(stats.filter((s) => s.keys > 0).every((s) => s.cappedBlocks > 0 && s.pairs === 0));
  });

  it('keeps the rules that combine two fields apart for the child index’s duplicate scan', () => {
    assert.ok(COMBINED_RULES.includes('dob_name'));
    assert.ok(!COMBINED_RULES.some((r) => WIDE_RULES.has(r)));
    assert.equal(COMBINED_RULES.length + WIDE_RULES.size, BLOCKING_RULES.length);
  });

  it('finds the town of an address without a postcode', () => {
    assert.equal(townOf(prepare({ address: '14 Church Street, Leeds' })), 'leeds');
    assert.equal(townOf(prepare({ address: 'Halifax' })), 'halifax');
    assert.equal(townOf(prepare({ address: '14 Church Street' })), null);
    assert.equal(townOf(prepare({ address: '  ' })), null);
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

  it('pairs two records that share only an email address or a telephone number, however written', () => {
    const byEmail = [
      { givenName: 'Jordan', familyName: 'Okafor', email: 'Jordan.Okafor+school@gmail.com' },
      { givenName: 'Jay', familyName: 'Okafour', dateOfBirth: '2009-02-03', email: 'jordanokafor@googlemail.com' },
    ];
    assert.deepEqual(pairsOf(byEmail, { rules: ['email'] }), ['0-1']);
    const byPhone = [
      { givenName: 'Kerry', familyName: 'Lund', telephone: '+44 7700 900123' },
      { givenName: 'Keri', familyName: 'Lunde', telephone: '07700900123' },
      { givenName: 'Kerry', familyName: 'Lund', telephone: 'ask at reception' },
    ];
    assert.deepEqual(pairsOf(byPhone, { rules: ['telephone'] }), ['0-1']);
  });
});
