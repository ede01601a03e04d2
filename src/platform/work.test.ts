import assert from 'node:assert/strict';
import { test } from 'node:test';
import { londonMidnight, WorkingCalendar } from './calendar.ts';
import { describeDue } from './work.ts';

const calendar = new WorkingCalendar([{ date: '2026-12-29', name: 'Christmas closure' }]);
/** Due by the end of a London day. */
const endOf = (day: string) => new Date(londonMidnight(day).getTime() + 24 * 3600_000);

test('due words count working days, skipping weekends, bank holidays and closure days', () => {
  const monday = new Date('2026-11-23T10:00:00Z');
  assert.equal(describeDue(calendar, endOf('2026-11-23'), monday).words, 'due today');
  assert.equal(describeDue(calendar, endOf('2026-11-24'), monday).words, 'due tomorrow');
  assert.equal(describeDue(calendar, endOf('2026-11-26'), monday).words, 'due in 3 working days');
  assert.equal(describeDue(calendar, endOf('2026-11-20'), monday).words, '1 working day overdue');
  assert.equal(describeDue(calendar, endOf('2026-11-20'), monday).state, 'overdue');
  // Due by the end of Christmas Eve; on 30 December it is 1 working day overdue (25, 26 (Saturday), 28 (the
  // substitute Boxing Day) and the closure day on 29 December do not count).
  assert.equal(
    describeDue(calendar, endOf('2026-12-24'), new Date('2026-12-30T09:00:00Z')).words,
    '1 working day overdue',
  );
  // An hour-based deadline passed earlier today is overdue, but not yet by a working day.
  assert.equal(describeDue(calendar, new Date('2026-11-23T09:00:00Z'), monday).words, 'overdue');
  assert.match(describeDue(calendar, endOf('2026-11-24'), monday).by, /^by the end of Tuesday 24 November 2026$/);
});
