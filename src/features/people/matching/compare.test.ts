import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparePattern, dobLevel, LEVELS, levelOf, nameLevels, placeLevel, SWAPPED, unpack } from './compare.ts';
import { compare, defaultModel, frequencies, householdExcess, outcomeOf } from './model.ts';
import { type PersonRecord, prepare } from './record.ts';
import { jaroWinkler, withinOneSlip } from './strings.ts';

const child: PersonRecord = {
  givenName: 'William',
  familyName: 'Smith-Jones',
  dateOfBirth: '2015-03-07',
  sex: 'M',
  postcode: 'LS6 2AB',
  address: '14 Church Street, Leeds',
  nhsNumber: '943 476 5919',
};

const level = (a: PersonRecord, b: PersonRecord, field: Parameters<typeof levelOf>[1]) =>
  LEVELS[field][levelOf(comparePattern(prepare(a), prepare(b)), field)];

describe('string similarity', () => {
  it('Jaro–Winkler gives the textbook values', () => {
    assert.equal(jaroWinkler('martha', 'martha'), 1);
    assert.equal(jaroWinkler('martha', 'marhta').toFixed(3), '0.961');
    assert.equal(jaroWinkler('dwayne', 'duane').toFixed(2), '0.84');
    assert.equal(jaroWinkler('abc', ''), 0);
  });

  it('one keying slip: a wrong, missing, extra or swapped character', () => {
    assert.ok(withinOneSlip('9434765919', '9434765910'));
    assert.ok(withinOneSlip('9434765919', '9437465919'));
    assert.ok(withinOneSlip('9434765919', '943476591'));
    assert.ok(withinOneSlip('943476591', '9434765919'));
    assert.equal(withinOneSlip('9434765919', '9434760000'), false);
    assert.equal(withinOneSlip('1234', '2143'), false);
  });
});

describe('comparison levels', () => {
  it('given name: exact, nickname, sounds alike, spelt alike, different, missing', () => {
    assert.equal(level(child, { ...child, givenName: 'WILLIAM' }, 'given'), 'exact');
    assert.equal(level(child, { ...child, givenName: 'Bill' }, 'given'), 'nickname');
    assert.equal(level({ ...child, givenName: 'Stephen' }, { ...child, givenName: 'Stefan' }, 'given'), 'nickname');
    assert.equal(level({ ...child, givenName: 'Catherine' }, { ...child, givenName: 'Kathrine' }, 'given'), 'phonetic');
    assert.equal(level({ ...child, givenName: 'Jasmine' }, { ...child, givenName: 'Jasmene' }, 'given'), 'phonetic');
    assert.equal(level({ ...child, givenName: 'Harrison' }, { ...child, givenName: 'Harirson' }, 'given'), 'jw92');
    assert.equal(level({ ...child, givenName: 'Ruby' }, { ...child, givenName: 'Rudy' }, 'given'), 'jw85');
    assert.equal(level(child, { ...child, givenName: 'Oliver' }, 'given'), 'different');
    assert.equal(level(child, { ...child, givenName: '' }, 'given'), 'missing');
    assert.equal(level({ ...child, givenName: 'Mary Ann' }, { ...child, givenName: 'Ann' }, 'given'), 'nickname');
  });

  it('family name: a shared part of a double-barrelled name, variants, sounds alike', () => {
    assert.equal(level(child, { ...child, familyName: 'smith jones' }, 'family'), 'exact');
    assert.equal(level(child, { ...child, familyName: 'Jones' }, 'family'), 'part');
    assert.equal(
      level({ ...child, familyName: 'Chowdhury' }, { ...child, familyName: 'Chaudhry' }, 'family'),
      'phonetic',
    );
    assert.equal(level({ ...child, familyName: 'Smith' }, { ...child, familyName: 'Smyth' }, 'family'), 'phonetic');
    assert.equal(
      level({ ...child, familyName: 'Al-Hassan' }, { ...child, familyName: 'Al-Rashid' }, 'family'),
      'different',
    );
  });

  it('detects given and family names written the other way round', () => {
    const a = prepare({ givenName: 'Ahmed', familyName: 'Khan' });
    const b = prepare({ givenName: 'Khan', familyName: 'Ahmed' });
    assert.deepEqual(nameLevels(a, b), { given: 1, family: 1, swapped: true });
    assert.ok(comparePattern(a, b) & SWAPPED);
    const same = prepare({ givenName: 'Ahmed', familyName: 'Khan' });
    assert.equal(nameLevels(a, same).swapped, false);
  });

  it('date of birth: exact, day/month swapped, a day apart, one part off, year off, different', () => {
    assert.equal(dobLevel(20150307, 20150307), 1);
    assert.equal(dobLevel(20150307, 20150703), 2);
    assert.equal(dobLevel(20150307, 20150308), 6, 'one day apart');
    assert.equal(dobLevel(20150307, 20150306), 6, 'one day apart');
    assert.equal(dobLevel(20150307, 20150309), 3, 'same month, two days apart');
    assert.equal(dobLevel(20150307, 20150407), 3);
    assert.equal(dobLevel(20150307, 20140307), 4);
    assert.equal(dobLevel(20150307, 20180307), 4, 'one digit of the year keyed wrongly');
    assert.equal(dobLevel(20150307, 20090815), 5);
    assert.equal(dobLevel(null, 20150307), 0);
  });

  it('place: same address, same postcode only, postcode slip, district, different; old addresses count', () => {
    const p = (r: PersonRecord) => prepare(r);
    assert.equal(placeLevel(p(child), p({ ...child, address: '14 church st leeds' })), 1);
    assert.equal(placeLevel(p(child), p({ ...child, address: '3 Mill Lane' })), 2);
    assert.equal(placeLevel(p(child), p({ ...child, postcode: 'LS6 2AD' })), 3);
    assert.equal(placeLevel(p(child), p({ ...child, postcode: 'LS6 4QT', address: '3 Mill Lane' })), 4);
    assert.equal(placeLevel(p(child), p({ ...child, postcode: 'BD8 7QT', address: '3 Mill Lane' })), 5);
    assert.equal(placeLevel(p(child), p({ givenName: 'x' })), 0);
    const moved = p({ ...child, postcode: 'BD8 7QT', address: '3 Mill Lane', previousPostcodes: ['LS6 2AB'] });
    assert.equal(placeLevel(p({ ...child, address: null }), moved), 2);
  });

  it('place: a town or city alone agreeing says the same area, not the same address', () => {
    const town = (a: string, b: string) =>
      LEVELS.place[
        placeLevel(prepare({ ...child, postcode: null, address: a }), prepare({ ...child, postcode: null, address: b }))
      ];
    assert.equal(town('Leeds', 'LEEDS'), 'district');
    assert.equal(town('Leeds', 'Bradford'), 'different');
    assert.equal(town('14 Church Street, Leeds', 'Leeds'), 'district');
    assert.equal(town('14 Church Street, Leeds', '14 Church St, Leeds'), 'address');
  });

  it('empty and whitespace-only fields are missing: no evidence either way (0 bits)', () => {
    const blank: PersonRecord = {
      givenName: '  ',
      familyName: '\t',
      dateOfBirth: ' ',
      sex: ' ',
      postcode: '   ',
      address: ' , ',
      nhsNumber: ' ',
      upn: '',
      otherId: '  ',
    };
    const pattern = comparePattern(prepare(blank), prepare(child));
    assert.equal(pattern, 0, JSON.stringify(unpack(pattern)));
    assert.equal(compare(blank, child).score, 0);
    // Missing on one side only: the fields both records hold still count, the missing ones add nothing.
    const partial = compare({ ...child, dateOfBirth: '  ', postcode: ' ', address: '' }, child);
    const full = compare(child, child);
    const reasons = new Set(partial.reasons.map((r) => r.field));
    assert.ok(!reasons.has('dob') && !reasons.has('place'));
    assert.ok(partial.score > 0 && partial.score < full.score);
  });

  it('identifiers: same, one slip, different', () => {
    assert.equal(level(child, { ...child }, 'nhs'), 'exact');
    assert.equal(level(child, { ...child, nhsNumber: '9434765910' }, 'nhs'), 'one_slip');
    assert.equal(level(child, { ...child, nhsNumber: '4010232137' }, 'nhs'), 'different');
    assert.equal(level(child, { ...child, nhsNumber: null }, 'nhs'), 'missing');
    assert.equal(level({ ...child, upn: 'H801200001001' }, { ...child, upn: 'h801200001001' }, 'upn'), 'exact');
  });

  it('email and telephone: same once normalised, different, or missing (also when one does not parse)', () => {
    const adult: PersonRecord = { ...child, email: 'Sam.Taylor@googlemail.com', telephone: '+44 7700 900123' };
    assert.equal(level(adult, { ...adult, email: 'samtaylor+school@gmail.com' }, 'email'), 'exact');
    assert.equal(level(adult, { ...adult, email: 'sam.taylor@example.org' }, 'email'), 'different');
    assert.equal(level(adult, { ...adult, email: null }, 'email'), 'missing');
    assert.equal(level(adult, { ...adult, email: '   ' }, 'email'), 'missing');
    assert.equal(level(adult, { ...adult, email: 'sam at gmail' }, 'email'), 'missing', 'unparseable: no evidence');
    assert.equal(level(adult, { ...adult, telephone: '07700-900-123' }, 'telephone'), 'exact');
    assert.equal(level(adult, { ...adult, telephone: '01632 960001' }, 'telephone'), 'different');
    assert.equal(level(adult, { ...adult, telephone: '' }, 'telephone'), 'missing');
    assert.equal(level(adult, { ...adult, telephone: 'ring after 6' }, 'telephone'), 'missing');
    assert.equal(prepare({ ...adult, telephone: 'ring after 6' }).telephone, null);
  });

  it('a swap is still flagged with every field filled in (its bit sits above the contact fields)', () => {
    const full: PersonRecord = { ...child, email: 'a@example.org', telephone: '07700 900123' };
    const v = unpack(
      comparePattern(prepare(full), prepare({ ...full, givenName: 'Smith-Jones', familyName: 'William' })),
    );
    assert.equal(v.swapped, true);
    assert.equal(v.email, 1);
    assert.equal(v.telephone, 1);
    const other = unpack(comparePattern(prepare(full), prepare({ ...full, telephone: '01632 960001' })));
    assert.equal(other.swapped, false);
    assert.equal(other.telephone, 2);
  });

  it('packs and unpacks a comparison vector', () => {
    const v = unpack(comparePattern(prepare(child), prepare({ ...child, givenName: 'Bill', dateOfBirth: '20150703' })));
    assert.equal(v.given, 2);
    assert.equal(v.dob, 2);
    assert.equal(v.nhs, 1);
    assert.equal(v.swapped, false);
  });
});

describe('scoring and reasons', () => {
  const model = defaultModel();

  it('scores the same child entered differently as a match, with reasons a practitioner can read', () => {
    const result = compare(child, { ...child, givenName: 'Bill', dateOfBirth: '20150703', postcode: null }, model);
    assert.equal(result.outcome, 'match');
    const texts = result.reasons.map((r) => r.text);
    assert.ok(
      texts.some((t) => t.startsWith('same NHS number')),
      texts.join('; '),
    );
    assert.ok(texts.includes('day and month swapped in date of birth'), texts.join('; '));
    assert.ok(texts.includes('given names William and Bill are used for the same name'), texts.join('; '));
    const total = result.reasons.reduce((s, r) => s + r.weight, 0);
    assert.ok(Math.abs(total - result.score) < 1e-9, 'the reasons add up to the score');
  });

  it('without identifiers, names and date of birth still match; a different child does not', () => {
    const noIds = { ...child, nhsNumber: null };
    assert.equal(compare(noIds, { ...noIds, familyName: 'Smith Jones', address: null }, model).outcome, 'match');
    const sibling = { ...noIds, givenName: 'Oliver', dateOfBirth: '2012-09-30' };
    assert.equal(compare(noIds, sibling, model).outcome, 'non-match');
    const reasons = compare(noIds, sibling, model).reasons.map((r) => r.text);
    assert.ok(reasons.includes('dates of birth differ'));
    assert.ok(
      reasons.some((t) => t.includes('shows a household')),
      reasons.join('; '),
    );
  });

  it('a shared household counts for less when the family name agrees too', () => {
    const a = prepare({ ...child, nhsNumber: null });
    const b = prepare({ ...child, nhsNumber: null, givenName: 'Oliver', dateOfBirth: '2012-09-30' });
    assert.ok(householdExcess(model, comparePattern(a, b)) > 0);
  });

  it('twins: different given names with the same date of birth and household are not one child', () => {
    // Weights as strong as training on a large file makes them: a shared date of birth and family name say a lot.
    const trained = defaultModel();
    trained.fields.dob.u = [0, 0.001, 0.0005, 0.0497, 0.002, 0.9465, 0.0003];
    trained.fields.family.u = [0, 0.005, 0.002, 0.01, 0.005, 0.02, 0.958];
    const noIds = { ...child, nhsNumber: null };
    const twin = { ...noIds, givenName: 'Oliver' };
    const result = compare(noIds, twin, trained);
    assert.notEqual(result.outcome, 'match', `${result.score}`);
    assert.ok(
      result.reasons.some((r) => r.text.includes('twins') && r.weight < 0),
      result.reasons.map((r) => r.text).join('; '),
    );
    const total = result.reasons.reduce((sum, r) => sum + r.weight, 0);
    assert.ok(Math.abs(total - result.score) < 1e-9, 'the reasons add up to the score');
    // The same child with a middle name used as the first name is not taken for a twin.
    const middle = compare({ ...noIds, givenName: 'William James' }, { ...noIds, givenName: 'James' }, trained);
    assert.equal(middle.outcome, 'match');
    // Nor is a typo in the given name, or the same child at another address.
    assert.equal(compare(noIds, { ...noIds, givenName: 'Wiliam' }, trained).outcome, 'match');
  });

  it('says sounds alike, and explains a swap', () => {
    const r = compare({ givenName: 'Khan', familyName: 'Ahmed' }, { givenName: 'Ahmed', familyName: 'Khan' }, model);
    assert.ok(r.reasons.some((x) => x.text === 'given and family names swapped'));
    const s = compare({ familyName: 'Smyth' }, { familyName: 'Smith' }, model);
    assert.ok(s.reasons.some((x) => x.text.startsWith('family name sounds alike')));
  });

  it('a shared email or telephone adds evidence, with a reason; a different one takes a little away', () => {
    const base: PersonRecord = { givenName: 'Jordan', familyName: 'Price', dateOfBirth: '2008-05-01' };
    const plain = compare(base, { ...base }).score;
    const withEmail = compare({ ...base, email: 'J.Price@gmail.com' }, { ...base, email: 'jprice@googlemail.com' });
    assert.ok(withEmail.score > plain + 5, `${withEmail.score} vs ${plain}`);
    assert.ok(withEmail.reasons.some((r) => r.text === 'same email address' && r.weight > 0));
    const withPhone = compare({ ...base, telephone: '07700 900456' }, { ...base, telephone: '+447700900456' });
    assert.ok(withPhone.score > plain + 3);
    assert.ok(withPhone.reasons.some((r) => r.text === 'same telephone number'));
    const differs = compare({ ...base, telephone: '07700 900456' }, { ...base, telephone: '07700 900457' });
    assert.ok(differs.score < plain && differs.score > plain - 3);
    const unparsed = compare({ ...base, email: 'not an email' }, { ...base, email: 'not an email' });
    assert.equal(unparsed.score, plain, 'what does not parse is not used for matching');
  });

  it('thresholds decide the outcome', () => {
    assert.equal(outcomeOf(model, model.thresholds.match), 'match');
    assert.equal(outcomeOf(model, model.thresholds.possible), 'possible');
    assert.equal(outcomeOf(model, model.thresholds.possible - 0.1), 'non-match');
  });

  it('agreeing on a rare name counts for more than on a common one', () => {
    const people = [
      ...Array.from({ length: 30 }, (_, i) => prepare({ givenName: 'Oliver', familyName: `F${i}` })),
      ...Array.from({ length: 170 }, (_, i) => prepare({ givenName: `N${i}`, familyName: `G${i}` })),
      prepare({ givenName: 'Zbigniew', familyName: 'Q' }),
      prepare({ givenName: 'Zbigniew', familyName: 'R' }),
    ];
    const freq = frequencies(people);
    const common = compare({ givenName: 'Oliver' }, { givenName: 'Oliver' }, model, freq);
    const rare = compare({ givenName: 'Zbigniew' }, { givenName: 'Zbigniew' }, model, freq);
    assert.ok(rare.score > common.score, `${rare.score} > ${common.score}`);
    assert.ok(rare.reasons[0]!.text.includes('uncommon'));
    assert.ok(common.reasons[0]!.text.includes('common name'));
  });
});
