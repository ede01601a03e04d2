import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, dayOfWeek, daysBetween, londonInstant, WorkingCalendar } from '../../platform/calendar.ts';
import { seeded } from '../../platform/seeded-random.ts';
import { addMonths, capacity, firstOnOrAfter, meetingDeadlines, planMeetings } from './schedule.ts';

const calendar = new WorkingCalendar([
  { date: '2026-12-29', name: 'Christmas closure' },
  { date: '2026-12-30', name: 'Christmas closure' },
  { date: '2027-07-14', name: 'Local holiday' },
]);
const timings = { papersDueWorkingDays: 5, invitationDays: 3, circulationWorkingDays: 4, decisionsHours: 48 };

test('4 working days after a meeting on Thursday 24 December 2026 is Monday 4 January 2027', () => {
  const plain = new WorkingCalendar();
  const d = meetingDeadlines({ date: '2026-12-24', endTime: '12:00' }, timings, plain);
  assert.equal(d.circulatedBy, '2027-01-04');
  // Papers 5 working days before: Thu 17, Fri 18, Mon 21, Tue 22, Wed 23 December.
  assert.equal(d.papersDue, '2026-12-17');
  assert.equal(d.invitationBy, '2026-12-21');
  // 48 working hours from noon on Christmas Eve: 12 hours that day, 24 on Tuesday 29th, 12 more on Wednesday 30th.
  assert.equal(d.decisionsBy.toISOString(), '2026-12-30T12:00:00.000Z');
});

test('a weekly Friday panel across Christmas and New Year moves to the next working day, and says why', () => {
  const plan = planMeetings({ cadenceWeeks: 1, weekday: 5 }, '2026-12-20', '2027-01-10', new WorkingCalendar());
  assert.deepEqual(plan, [
    { date: '2026-12-29', movedFrom: '2026-12-25', movedReason: 'Christmas Day' },
    { date: '2027-01-04', movedFrom: '2027-01-01', movedReason: "New Year's Day" },
    { date: '2027-01-08', movedFrom: null, movedReason: null },
  ]);
  const closed = planMeetings({ cadenceWeeks: 2, weekday: 2 }, '2026-12-28', '2027-01-31', calendar);
  assert.equal(closed[0]!.date, '2026-12-31');
  assert.equal(closed[0]!.movedFrom, '2026-12-29');
  assert.equal(closed[0]!.movedReason, 'Christmas closure');
});

test('meeting times are London wall-clock times in summer and winter', () => {
  assert.equal(londonInstant('2027-07-14', '10:00').toISOString(), '2027-07-14T09:00:00.000Z');
  assert.equal(londonInstant('2027-01-14', '10:00').toISOString(), '2027-01-14T10:00:00.000Z');
  assert.equal(londonInstant('2027-03-28', '10:00').toISOString(), '2027-03-28T09:00:00.000Z');
});

test('capacity is the length divided by the slot, rounded down; months add to the end of short months', () => {
  assert.equal(capacity('10:00', '12:00', 15), 8);
  assert.equal(capacity('10:00', '11:50', 15), 7);
  assert.equal(addMonths('2027-01-31', 1), '2027-02-28');
  assert.equal(addMonths('2026-11-15', 3), '2027-02-15');
  assert.equal(firstOnOrAfter('2026-12-05', 1), '2026-12-07');
  assert.equal(firstOnOrAfter('2026-12-07', 1), '2026-12-07');
});

test('property: generated meetings are on working days, in order, one per cadence step, moved only off non-working days', () => {
  const random = seeded(20261224).next;
  for (let i = 0; i < 2000; i++) {
    const from = addDays('2024-01-01', Math.floor(random() * 365 * 6));
    const cadence = { cadenceWeeks: 1 + Math.floor(random() * 4), weekday: 1 + Math.floor(random() * 5) };
    const until = addMonths(from, 1 + Math.floor(random() * 12));
    const plan = planMeetings(cadence, from, until, calendar);
    const step = cadence.cadenceWeeks * 7;
    const first = firstOnOrAfter(from, cadence.weekday);
    let previous = '';
    for (const m of plan) {
      assert.ok(calendar.isWorkingDay(m.date), `${m.date} is a working day`);
      assert.ok(m.date > previous, 'in order, never two on one day');
      assert.ok(m.date <= until);
      const cadenceDay = m.movedFrom ?? m.date;
      assert.equal(daysBetween(first, cadenceDay) % step, 0, 'on the cadence');
      assert.equal(dayOfWeek(cadenceDay), cadence.weekday);
      if (m.movedFrom) {
        assert.ok(!calendar.isWorkingDay(m.movedFrom), 'moved only off a non-working day');
        assert.equal(m.date, calendar.addWorkingDays(m.movedFrom, 0), 'to the next working day');
        assert.ok(m.movedReason);
      }
      previous = m.date;
    }
    // Every cadence day in range is accounted for unless its next working day falls past the range or the next step.
    const cadenceDays = Math.floor(daysBetween(first, until) / step) + 1;
    assert.ok(plan.length <= Math.max(0, cadenceDays));
    assert.ok(plan.length >= cadenceDays - 2);
  }
});

test('property: papers and invitations fall on working days before the meeting; circulation after it', () => {
  const random = seeded(4).next;
  for (let i = 0; i < 2000; i++) {
    const date = calendar.addWorkingDays(addDays('2024-01-01', Math.floor(random() * 365 * 6)), 0);
    const t = { ...timings, circulationWorkingDays: 1 + Math.floor(random() * 6) };
    const d = meetingDeadlines({ date, endTime: '12:00' }, t, calendar);
    assert.ok(calendar.isWorkingDay(d.papersDue) && d.papersDue < date);
    assert.equal(calendar.workingDaysBetween(d.papersDue, date), 5);
    assert.equal(calendar.workingDaysBetween(d.invitationBy, date), 3);
    assert.ok(calendar.isWorkingDay(d.circulatedBy));
    assert.equal(calendar.workingDaysBetween(date, d.circulatedBy), t.circulationWorkingDays);
    assert.ok(d.decisionsBy > londonInstant(date, '12:00'));
  }
});
