import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageOnlyRules, evaluate, type Rules, RulesSchema } from './eligibility.ts';

const rules: Rules = {
  minimumAge: 11,
  maximumAge: 17,
  ageWording: '',
  criteriaMode: 'any',
  criteria: [
    { id: 'care', question: 'At risk of care?', wording: 'At risk of care' },
    {
      id: 'yot',
      question: 'Youth offending?',
      wording: 'Youth offending',
      fact: { kind: 'involvement', agencyType: 'youth_offending' },
    },
  ],
  exclusions: [{ id: 'autism', question: 'Autism?', wording: 'Not for autism' }],
  guidance: '',
};

test('inside the age range, one criterion met and no exclusion: eligible, with reasons', () => {
  const r = evaluate(rules, { age: 14 }, { care: 'yes', autism: 'no' });
  assert.equal(r.outcome, 'eligible');
  assert.ok(r.reasons.some((x) => x.kind === 'age' && x.status === 'met'));
  assert.ok(r.reasons.some((x) => x.text === 'At risk of care' && x.status === 'met'));
  // With "any", a criterion that did not hold is not listed against an eligible result.
  assert.ok(!r.reasons.some((x) => x.text === 'Youth offending'));
});

test('under the age range is not eligible, and the age reason comes first', () => {
  const r = evaluate(rules, { age: 10 }, { care: 'yes', autism: 'no' });
  assert.equal(r.outcome, 'not_eligible');
  assert.equal(r.reasons[0]!.kind, 'age');
  assert.match(r.reasons[0]!.text, /The child is 10, which is under the age range/);
});

test('unknowns ask for more information; an exclusion or all criteria failing rules out', () => {
  assert.equal(evaluate(rules, { age: 14 }, {}).outcome, 'more_information');
  assert.equal(evaluate(rules, { age: null }, { care: 'yes', autism: 'no' }).outcome, 'more_information');
  assert.equal(evaluate(rules, { age: 14 }, { care: 'yes', autism: 'yes' }).outcome, 'not_eligible');
  assert.equal(evaluate(rules, { age: 14 }, { care: 'no', yot: 'no', autism: 'no' }).outcome, 'not_eligible');
  assert.equal(
    evaluate({ ...rules, criteriaMode: 'all' }, { age: 14 }, { care: 'yes', autism: 'no' }).outcome,
    'more_information',
  );
});

test('a fact from the record answers a criterion without asking', () => {
  const r = evaluate(rules, { age: 12, involvedAgencyTypes: ['youth_offending'] }, { autism: 'no' });
  assert.equal(r.outcome, 'eligible');
  const q = r.questions.find((x) => x.id === 'yot')!;
  assert.equal(q.known, true);
  assert.ok(r.reasons.some((x) => x.text === 'Youth offending' && x.source === 'record'));
});

test('an unborn child counts as age 0; a service with no rules checks age only', () => {
  assert.equal(evaluate(rules, { age: null, unborn: true }, {}).outcome, 'not_eligible');
  assert.equal(evaluate(ageOnlyRules(null, null), { age: null }, {}).outcome, 'eligible');
  assert.equal(RulesSchema.safeParse({ ...rules, minimumAge: 18, maximumAge: 2 }).success, false);
});

const SERVES_AIRE = { ids: ['aire'], names: ['Aire City'] };
const ageOnly = ageOnlyRules(0, 18);

test('a service that serves areas: a child living elsewhere is not eligible, saying where in words', () => {
  const r = evaluate(ageOnly, { age: 7, area: { ids: ['lea-north', 'lea'], name: 'Lea North' } }, {}, SERVES_AIRE);
  assert.equal(r.outcome, 'not_eligible');
  const area = r.reasons.find((x) => x.kind === 'area')!;
  assert.equal(area.status, 'not_met');
  assert.equal(area.source, 'record');
  assert.match(area.text, /Serves families in Aire City; this child lives in Lea North/);
  assert.ok(!r.questions.some((q) => q.kind === 'area'), 'not asked when the record answers it');
});

test('a child in the area, through a parent area, is eligible on area', () => {
  const r = evaluate(ageOnly, { age: 7, area: { ids: ['gipton', 'aire'], name: 'Gipton Moor' } }, {}, SERVES_AIRE);
  assert.equal(r.outcome, 'eligible');
  assert.equal(r.reasons.find((x) => x.kind === 'area')!.status, 'met');
});

test('no address, or a shielded child: the area is not known and is asked, never revealing where', () => {
  for (const area of [null, 'withheld' as const, undefined]) {
    const r = evaluate(ageOnly, { age: 7, area }, {}, SERVES_AIRE);
    assert.equal(r.outcome, 'more_information');
    const reason = r.reasons.find((x) => x.kind === 'area')!;
    assert.equal(reason.status, 'unknown');
    assert.match(reason.text, /not known/);
    assert.ok(r.questions.some((q) => q.kind === 'area' && /Aire City/.test(q.question)));
    assert.equal(evaluate(ageOnly, { age: 7, area }, { _area: 'no' }, SERVES_AIRE).outcome, 'not_eligible');
    assert.equal(evaluate(ageOnly, { age: 7, area }, { _area: 'yes' }, SERVES_AIRE).outcome, 'eligible');
  }
});

test('a service with no areas has no area rule', () => {
  const r = evaluate(ageOnly, { age: 7, area: { ids: ['lea'], name: 'Lea' } }, {}, { ids: [], names: [] });
  assert.equal(r.outcome, 'eligible');
  assert.ok(!r.reasons.some((x) => x.kind === 'area'));
});
