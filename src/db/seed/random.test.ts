import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, ageOn, demoId, isoDate, Random } from './random.ts';

test('the same seed gives the same sequence; another seed does not', () => {
  const a = new Random(42);
  const b = new Random(42);
  const c = new Random(43);
  const xs = Array.from({ length: 50 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 50 }, () => b.next()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 50 }, () => c.next()),
  );
  for (const x of xs) assert.ok(x >= 0 && x < 1);
});

test('int covers both ends of its range and nothing outside it', () => {
  const r = new Random(7);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const n = r.int(3, 6);
    assert.ok(n >= 3 && n <= 6);
    seen.add(n);
  }
  assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
});

test('weighted and common favour what they should', () => {
  const r = new Random(1);
  let heavy = 0;
  let first = 0;
  for (let i = 0; i < 5000; i++) {
    if (
      r.weighted([
        ['a', 9],
        ['b', 1],
      ] as const) === 'a'
    )
      heavy++;
    if (r.common(['x', 'y', 'z', 'w']) === 'x') first++;
  }
  assert.ok(heavy > 4300 && heavy < 4700, `heavy ${heavy}`);
  assert.ok(first > 1250, `first ${first}`);
  assert.throws(() => r.pick([]));
});

test('demo ids are stable, distinct and shaped like UUIDs', () => {
  assert.equal(demoId('person:1'), demoId('person:1'));
  assert.notEqual(demoId('person:1'), demoId('person:2'));
  assert.match(demoId('household:0'), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('date helpers count birthdays and cross leap days', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2024-03-01', -1), '2024-02-29');
  assert.equal(addDays('2026-01-01', -365), '2025-01-01');
  assert.equal(ageOn('2010-05-01', '2026-04-30'), 15);
  assert.equal(ageOn('2010-05-01', '2026-05-01'), 16);
  assert.equal(ageOn('2008-02-29', '2026-02-28'), 17);
  assert.equal(isoDate(new Date('2026-05-01T23:30:00Z')), '2026-05-01');
});
