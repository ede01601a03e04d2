import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { areFamilyVariants, areNicknames, GIVEN_NAME_GROUPS, variantsOf } from './nicknames.ts';

describe('nicknames and variants', () => {
  it('ships at least 300 given-name groups, all normalised', () => {
    assert.ok(GIVEN_NAME_GROUPS.length >= 300, `${GIVEN_NAME_GROUPS.length}`);
    for (const name of GIVEN_NAME_GROUPS.flat()) assert.match(name, /^[a-z]+$/);
  });

  it('knows English diminutives', () => {
    for (const [a, b] of [
      ['bill', 'william'],
      ['liam', 'william'],
      ['jon', 'jonathan'],
      ['johnny', 'john'],
      ['kate', 'catherine'],
      ['katie', 'kathryn'],
      ['peggy', 'margaret'],
    ]) {
      assert.ok(areNicknames(a!, b!), `${a} ~ ${b}`);
      assert.ok(areNicknames(b!, a!), `${b} ~ ${a}`);
    }
  });

  it('knows transliterations and Polish diminutives', () => {
    assert.ok(areNicknames('muhammad', 'mohammed'));
    assert.ok(areNicknames('mohamad', 'mohamed'));
    assert.ok(areNicknames('aisha', 'ayesha'));
    assert.ok(areNicknames('hussain', 'hussein'));
    assert.ok(areNicknames('kasia', 'katarzyna'));
    assert.ok(areNicknames('tomek', 'tomasz'));
    assert.ok(areNicknames('ola', 'aleksandra'));
    assert.ok(areFamilyVariants('chowdhury', 'chaudhry'));
    assert.ok(areFamilyVariants('choudhury', 'chaudhary'));
  });

  it('does not join unrelated names, nor a name with itself', () => {
    assert.equal(areNicknames('bill', 'john'), false);
    assert.equal(areNicknames('william', 'william'), false);
    assert.equal(areNicknames('zbigniew', 'william'), false);
  });

  it('lists the variants of a name, itself first', () => {
    const v = variantsOf('william');
    assert.equal(v[0], 'william');
    assert.ok(v.includes('bill') && v.includes('liam'));
    assert.deepEqual(variantsOf('zbigniew'), ['zbigniew']);
  });
});
