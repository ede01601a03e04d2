import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashedKeys, hashKey, keyArrayLiteral, queryKeys, queryKeyTiers, storedKeys } from './index-keys.ts';
import { type PersonRecord, PhoneticCoder, prepare } from './record.ts';

const coder = new PhoneticCoder();

const stored: PersonRecord = {
  givenName: 'William James',
  familyName: 'Ahmed-Clarke',
  dateOfBirth: '2014-03-07',
  sex: 'M',
  postcode: 'LU2 7QX',
  previousPostcodes: ['LS6 2AB'],
  nhsNumber: '9434765919',
  upn: 'A801200002017',
  email: 'William.Ahmed@googlemail.com',
  telephone: '07700 900321',
};

function shares(query: PersonRecord, shape = {}): boolean {
  const s = storedKeys(prepare(stored, coder));
  const q = queryKeys(prepare(query, coder), coder, shape);
  return [...q].some((k) => s.has(k));
}

describe('email and telephone keys', () => {
  test('are narrow keys, formed from the normalised value; one that does not parse forms none', () => {
    const q = queryKeyTiers(prepare({ email: 'William.Ahmed@gmail.com', telephone: '447700900321' }, coder), coder);
    assert.ok(q.narrow.has('E:williamahmed@gmail.com'));
    assert.ok(q.narrow.has('T:07700900321'));
    const s = storedKeys(prepare({ ...stored, email: 'not an email', telephone: 'ring the school' }, coder));
    assert.equal(
      [...s].some((k) => k.startsWith('E:') || k.startsWith('T:')),
      false,
    );
    assert.equal(shares({ email: 'william.ahmed@example.org' }), false, 'another provider keeps its dots');
    assert.equal(shares({ telephone: '07700 900322' }), false);
  });
});

describe('search keys', () => {
  const base = { givenName: 'William', familyName: 'Ahmed-Clarke', dateOfBirth: '2014-03-07' };
  const singleErrors: [string, PersonRecord][] = [
    ['exact', base],
    ['a typo in the given name', { ...base, givenName: 'Wiliam' }],
    ['a different sound in the given name', { ...base, givenName: 'Xilliam' }],
    ['a nickname', { ...base, givenName: 'Bill' }],
    ['a typo in the family name', { ...base, familyName: 'Ahmad-Clarke' }],
    ['one part of a double-barrelled name', { ...base, familyName: 'Clarke' }],
    ['given and family name swapped', { ...base, givenName: 'Ahmed-Clarke', familyName: 'William' }],
    ['day and month swapped', { ...base, dateOfBirth: '2014-07-03' }],
    ['the day wrong', { ...base, dateOfBirth: '2014-03-08' }],
    ['the year wrong', { ...base, dateOfBirth: '2015-03-07' }],
    ['no date of birth', { givenName: 'William', familyName: 'Ahmed-Clarke' }],
    ['an old postcode', { givenName: 'William', familyName: 'Ahmed-Clarke', postcode: 'LS6 2AB' }],
    ['a nickname and a postcode', { givenName: 'Bill', familyName: 'Ahmed-Clarke', postcode: 'LU2 7QX' }],
    ['the NHS number only', { nhsNumber: '943 476 5919' }],
    ['the UPN only', { upn: 'a801200002017' }],
    ['the middle name as first name', { ...base, givenName: 'James' }],
    ['the email only, written another way', { email: 'williamahmed+x@GMAIL.com' }],
    ['the telephone number only, with +44', { telephone: '+44 (0) 7700-900-321' }],
  ];
  for (const [what, query] of singleErrors) {
    test(`a query with ${what} shares a key with the record`, () => assert.ok(shares(query)));
  }

  // Two things wrong at once: a wide key still reaches the record, though no narrow or broad one does.
  const twoErrors: [string, PersonRecord][] = [
    ['a misspelt given name and no date of birth', { givenName: 'Wlliam', familyName: 'Ahmed-Clarke' }],
    ['a nickname and no date of birth', { givenName: 'Will', familyName: 'Ahmed-Clarke' }],
    ['part of the family name and no date of birth', { givenName: 'William', familyName: 'Clarke' }],
    ['part of the family name, a misspelt given name and no date', { givenName: 'Wiliem', familyName: 'Ahmed' }],
    [
      'a misspelt family name and the day wrong',
      { givenName: 'William', familyName: 'Ahmad-Clerk', dateOfBirth: '2014-03-09' },
    ],
    [
      'a misspelt given name and the day and month wrong',
      { givenName: 'Xilliam', familyName: 'Ahmed-Clarke', dateOfBirth: '2014-05-09' },
    ],
  ];
  for (const [what, query] of twoErrors) {
    test(`a query with ${what} shares a key with the record`, () => assert.ok(shares(query)));
  }

  // Two things wrong at a million children: the wide keys are shared by thousands, so these must be reached by a
  // narrower key: each part of a double-barrelled name with the date of birth, or the date one day, month or year out.
  function sharesTier(tier: 'narrow' | 'near', query: PersonRecord, record: PersonRecord = stored): boolean {
    const s = storedKeys(prepare(record, coder));
    return [...queryKeyTiers(prepare(query, coder), coder)[tier]].some((k) => s.has(k));
  }
  test('part of a double-barrelled family name and no first name share a narrow key with the date of birth', () => {
    assert.ok(sharesTier('narrow', { familyName: 'Clarke', dateOfBirth: '2014-03-07' }));
    assert.ok(sharesTier('narrow', { givenName: 'James', familyName: 'Ahmed', dateOfBirth: '2014-03-07' }));
  });
  test('a part added to the family name and no first name share a narrow key with the date of birth', () => {
    const single = { givenName: 'William', familyName: 'Clarke', dateOfBirth: '2014-03-07' };
    assert.ok(sharesTier('narrow', { familyName: 'Clarke-Smith', dateOfBirth: '2014-03-07' }, single));
    assert.ok(!sharesTier('narrow', { familyName: 'Clarke-Smith', dateOfBirth: '2014-03-08' }, single));
  });
  const nearMisses: [string, PersonRecord][] = [
    ['no first name and the day wrong', { familyName: 'Ahmed-Clarke', dateOfBirth: '2014-03-08' }],
    ['no first name and the year wrong', { familyName: 'Ahmed-Clarke', dateOfBirth: '2013-03-07' }],
    [
      'the middle name as first name and the year wrong',
      { givenName: 'James', familyName: 'Ahmed-Clarke', dateOfBirth: '2015-03-07' },
    ],
    [
      'part of the family name and the day wrong',
      { givenName: 'William', familyName: 'Clarke', dateOfBirth: '2014-03-06' },
    ],
    [
      'the month wrong and a misspelt family name',
      { givenName: 'William', familyName: 'Ahmad-Clerk', dateOfBirth: '2014-04-07' },
    ],
  ];
  for (const [what, query] of nearMisses) {
    test(`a query with ${what} shares a near key (the date one day, month or year out with a name)`, () =>
      assert.ok(sharesTier('near', query)));
  }
  test('near keys are not repeated in the narrow tier, and a query without a date of birth has none', () => {
    const tiers = queryKeyTiers(prepare({ familyName: 'Ahmed-Clarke', dateOfBirth: '2014-03-08' }, coder), coder);
    assert.ok(tiers.near.size > 0);
    for (const k of tiers.near) assert.ok(!tiers.narrow.has(k));
    assert.equal(queryKeyTiers(prepare({ givenName: 'William', familyName: 'Clarke' }, coder), coder).near.size, 0);
  });

  test('wide keys are not repeated in the narrower tiers', () => {
    const tiers = queryKeyTiers(prepare({ givenName: 'Gorge', familyName: 'Mitchell' }, coder), coder);
    assert.ok(tiers.wide.size > 0);
    for (const k of tiers.wide) assert.ok(!tiers.narrow.has(k) && !tiers.broad.has(k));
  });

  test('a family name alone is looked up over the birth years asked for', () => {
    assert.ok(shares({ familyName: 'Ahmed-Clarke' }, { birthYears: { from: 2013, to: 2015 } }));
    assert.ok(!shares({ familyName: 'Ahmed-Clarke' }, { birthYears: { from: 2016, to: 2018 } }));
  });

  test('a different child shares no key', () => {
    assert.ok(!shares({ givenName: 'Zofia', familyName: 'Nowak', dateOfBirth: '2019-11-30' }));
  });

  test('keys hash to distinct safe integers, sorted, as a bigint[] literal', () => {
    const keys = hashedKeys(storedKeys(prepare(stored, coder)));
    assert.ok(keys.length > 10);
    assert.ok(keys.every((k) => Number.isSafeInteger(k) && k >= 0));
    assert.deepEqual(
      keys,
      [...keys].sort((a, b) => a - b),
    );
    assert.equal(new Set(keys).size, keys.length);
    assert.match(keyArrayLiteral(keys), /^\{\d+(,\d+)+\}$/);
    assert.notEqual(hashKey('D:20140307:FLM'), hashKey('D:20140307:FLN'));
  });
});
