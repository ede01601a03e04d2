import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIELDS } from './compare.ts';
import { countPatterns, estimate, estimateMFromIdentifiers, estimateMWithoutIdentifiers } from './em.ts';
import { defaultModel, weightOf } from './model.ts';

const pack = (levels: Partial<Record<(typeof FIELDS)[number], number>>) =>
  FIELDS.reduce((p, f, i) => p | ((levels[f] ?? 0) << (i * 3)), 0);

describe('EM', () => {
  // 1,000 matches agreeing on most things, 9,000 non-matches agreeing on little.
  const patterns: number[] = [];
  for (let i = 0; i < 1000; i++) {
    patterns.push(
      pack({ given: i % 10 === 0 ? 2 : 1, family: 1, dob: i % 20 === 1 ? 2 : 1, sex: 1, nhs: i % 2 ? 1 : 0 }),
    );
  }
  for (let i = 0; i < 9000; i++) {
    patterns.push(pack({ given: 6, family: i % 3 === 0 ? 1 : 6, dob: i % 50 === 0 ? 1 : 5, sex: 1 + (i % 2), nhs: 0 }));
  }

  it('finds the share of matches and weights that separate them', () => {
    const { model, converged } = estimate(defaultModel(), countPatterns(patterns));
    assert.ok(converged);
    assert.ok(Math.abs(model.lambda - 0.1) < 0.02, `λ = ${model.lambda}`);
    assert.ok(weightOf(model, 'dob', 1) > 3);
    assert.ok(weightOf(model, 'given', 6) < -3);
  });

  it('keeps u when told to, learning only m and λ', () => {
    const start = defaultModel();
    const { model } = estimate(start, countPatterns(patterns), { fixU: true });
    assert.deepEqual(model.fields.dob.u, start.fields.dob.u);
  });

  it('learns m from pairs that share an identifier', () => {
    const { model, labelledPairs } = estimateMFromIdentifiers(defaultModel(), Int32Array.from(patterns), 10);
    assert.equal(labelledPairs, 500);
    assert.ok(model.fields.dob.m[2]! > 0.03, 'day/month swaps seen in labelled pairs');
  });

  it('without identifiers, learns m from pairs that agree on the date of birth, leaving that agreement out', () => {
    // Blocked pairs sharing a date of birth: 300 the same child (names mostly agree), 3,000 strangers.
    const blocked: number[] = [];
    for (let i = 0; i < 300; i++) {
      blocked.push(
        pack({ given: i % 5 === 0 ? 4 : 1, family: i % 7 === 0 ? 3 : 1, dob: 1, sex: 1, place: i % 3 ? 2 : 5 }),
      );
    }
    for (let i = 0; i < 3000; i++) {
      blocked.push(pack({ given: 6, family: i % 40 === 0 ? 1 : 6, dob: 1, sex: 1 + (i % 2), place: 5 }));
    }
    const start = defaultModel();
    // u as random pairs show it: sharing a date of birth by chance is rare.
    start.fields.dob.u = [0, 0.0002, 0.0001, 0.0057, 0.001, 0.9927, 0.0003];
    const { model, pairs } = estimateMWithoutIdentifiers(start, Int32Array.from(blocked));
    assert.equal(pairs, 3300);
    assert.ok(model.fields.given.m[1]! > 0.6, `m(given exact) = ${model.fields.given.m[1]}`);
    assert.ok(weightOf(model, 'given', 6) < -2, 'a different given name is evidence against');
    assert.deepEqual(model.fields.dob.m, start.fields.dob.m, 'the date of birth keeps its m');
    // Plain EM of m on the same pairs, date of birth in, takes every stranger for a match.
    const plain = estimate(start, countPatterns(blocked), { fixU: true });
    assert.ok(plain.model.lambda > 0.9, `λ = ${plain.model.lambda}`);
  });
});
