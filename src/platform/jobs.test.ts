import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffSeconds, dailyKey, JobRunner, safeErrorMessage } from './jobs.ts';

test('errors kept for administrators hide email addresses, quoted text, key values and long numbers', () => {
  const err = new Error(
    'duplicate key value violates unique constraint "person_nhs" Key (nhs_number)=(943 476 5919) for \'Sam\' <sam@x.invalid> call 07700 900123',
  );
  const message = safeErrorMessage(err);
  assert.doesNotMatch(message, /943|5919|Sam|sam@|07700|person_nhs/);
  assert.match(message, /^Error: duplicate key value violates unique constraint/);
  assert.equal(safeErrorMessage('plain words'), 'Error: plain words');
  assert.ok(safeErrorMessage(new Error('x'.repeat(2000))).length <= 500);
});

test('back-off doubles from the base and stops at the cap', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffSeconds(a, 30, 3600)),
    [30, 60, 120, 240, 480, 960, 1920, 3600],
  );
});

test('a daily job is keyed by its kind and the London date; its time must be a real time', () => {
  assert.equal(dailyKey('digest', '2026-12-07'), 'digest:2026-12-07');
  const runner = new JobRunner({} as never, { now: () => new Date() });
  assert.throws(() => runner.daily('digest', '24:00'), RangeError);
  assert.throws(() => runner.daily('digest', '7:00'), RangeError);
  runner.daily('digest', '07:00');
  runner.register('digest', async () => {});
  assert.throws(() => runner.register('digest', async () => {}), /already registered/);
});
