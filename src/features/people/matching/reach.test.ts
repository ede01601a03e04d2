import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockingRule, BlockingStats } from './blocking.ts';
import { defaultModel } from './model.ts';
import { estimateReach } from './reach.ts';
import { prepare } from './record.ts';

const stats = (rule: BlockingRule): BlockingStats => ({
  rule,
  keys: 10,
  blocks: 5,
  largeBlocks: 0,
  largeBlockRecords: 0,
  cappedBlocks: 0,
  cappedRecords: 0,
  largestCappedBlock: 0,
  pairs: 5,
  newPairs: 5,
});

describe('estimated reach', () => {
  // Every true pair agrees on both names and has dates of birth a day apart.
  const model = defaultModel();
  model.fields.given.m = [0, 1, 0, 0, 0, 0, 0];
  model.fields.family.m = [0, 1, 0, 0, 0, 0, 0];
  model.fields.dob.m = [0, 0, 0, 0, 0, 0, 1];
  const records = [prepare({ givenName: 'Amy', familyName: 'Jones', dateOfBirth: '2015-03-07', postcode: null })];

  it('names with year and month reach dates a day apart; names with year and day, or the date alone, do not', () => {
    assert.equal(estimateReach(model, records, [stats('names_year_month')]), 1);
    assert.equal(estimateReach(model, records, [stats('family_year')]), 1);
    assert.equal(estimateReach(model, records, [stats('names_year_day')]), 0);
    assert.equal(estimateReach(model, records, [stats('dob')]), 0);
    assert.equal(estimateReach(model, records, [stats('name_month_day')]), 0);
  });
});
