import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_GUIDANCE } from './default-guidance.ts';
import { GuidanceContentSchema, indicators, suggestLevel } from './guidance.ts';

const all = indicators(DEFAULT_GUIDANCE);
const pick = (subArea: string, level: string, n = 1) => `${subArea}.${level}.${n}`;

describe('threshold guidance', () => {
  test('the default guidance is valid and covers every sub-area at every level', () => {
    const parsed = GuidanceContentSchema.safeParse(DEFAULT_GUIDANCE);
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
    for (const d of DEFAULT_GUIDANCE.domains) {
      for (const s of d.subAreas) {
        for (const level of ['universal', 'early_help', 'targeted', 'specialist'] as const) {
          assert.ok(
            all.some((i) => i.subAreaId === s.id && i.level === level),
            `${s.name} has an indicator at ${level}`,
          );
        }
      }
    }
    assert.equal(new Set(all.map((i) => i.id)).size, all.length, 'indicator ids are unique');
  });

  test('a guidance whose levels are out of order, or that names an unknown sub-area, is refused', () => {
    const swapped = { ...DEFAULT_GUIDANCE, levels: [...DEFAULT_GUIDANCE.levels].reverse() };
    assert.equal(GuidanceContentSchema.safeParse(swapped).success, false);
    const stray = {
      ...DEFAULT_GUIDANCE,
      indicators: { ...DEFAULT_GUIDANCE.indicators, nowhere: { universal: ['x'] } },
    };
    assert.equal(GuidanceContentSchema.safeParse(stray).success, false);
  });
});

describe('the threshold helper', () => {
  test('nothing picked suggests nothing and says so', () => {
    const s = suggestLevel(DEFAULT_GUIDANCE, []);
    assert.equal(s.overall, null);
    assert.deepEqual(s.reasons, ['You have not picked any indicators yet.']);
  });

  test('strengths alone never raise the level', () => {
    const s = suggestLevel(DEFAULT_GUIDANCE, [pick('learning', 'universal'), pick('warmth', 'universal')]);
    assert.equal(s.overall, null);
    assert.equal(s.domains.find((d) => d.id === 'development')!.strengths.length, 1);
    assert.match(s.reasons[0]!, /strengths only/);
  });

  test('each domain takes the highest level picked in it, and overall the highest domain, with the reasons', () => {
    const s = suggestLevel(DEFAULT_GUIDANCE, [
      pick('learning', 'early_help'),
      pick('health', 'targeted', 2),
      pick('housing', 'early_help'),
      pick('learning', 'universal'),
    ]);
    const dev = s.domains.find((d) => d.id === 'development')!;
    assert.equal(dev.level, 'targeted');
    assert.deepEqual(
      dev.because.map((i) => i.id),
      ['health.targeted.2'],
    );
    assert.deepEqual(
      dev.alsoNeeds.map((i) => i.id),
      ['learning.early_help.1'],
    );
    assert.equal(s.domains.find((d) => d.id === 'family')!.level, 'early_help');
    assert.equal(s.domains.find((d) => d.id === 'parenting')!.level, null);
    assert.equal(s.overall, 'targeted');
    assert.ok(
      s.reasons.some((r) => r.startsWith('Targeted in the child’s developmental needs: ‘Physical or emotional')),
    );
    assert.ok(s.reasons.some((r) => r.startsWith('Overall: Targeted')));
    assert.equal(s.severalDomains, true);
    assert.ok(s.reasons.some((r) => r.includes('Early Help Assessment')));
    assert.equal(s.possibleSignificantHarm, false);
  });

  test('one specialist indicator anywhere makes the suggestion specialist and flags possible significant harm', () => {
    const s = suggestLevel(DEFAULT_GUIDANCE, [pick('learning', 'early_help'), pick('relationships', 'specialist')]);
    assert.equal(s.overall, 'specialist');
    assert.equal(s.possibleSignificantHarm, true);
  });

  test('ids from another version are reported and ignored, never an error', () => {
    const s = suggestLevel(DEFAULT_GUIDANCE, ['learning.early_help.99', '<script>', pick('guidance', 'early_help')]);
    assert.deepEqual(s.unknownIds.sort(), ['<script>', 'learning.early_help.99']);
    assert.equal(s.overall, 'early_help');
  });

  test('order of picking makes no difference', () => {
    const ids = [pick('health', 'early_help'), pick('warmth', 'targeted'), pick('community', 'early_help', 2)];
    const a = suggestLevel(DEFAULT_GUIDANCE, ids);
    const b = suggestLevel(DEFAULT_GUIDANCE, [...ids].reverse());
    assert.deepEqual(a, b);
  });
});
