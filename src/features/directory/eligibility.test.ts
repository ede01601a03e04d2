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
