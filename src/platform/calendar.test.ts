import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addDays,
  ageOn,
  daysBetween,
  dueDay,
  isWeekend,
  londonInstant,
  londonMidnight,
  londonNow,
  londonToday,
  WorkingCalendar,
} from './calendar.ts';
import { seeded } from './seeded-random.ts';

const FIRST = '2024-01-01';
const DAYS = daysBetween(FIRST, '2030-12-31');
const CASES = 3000;
const calendar = new WorkingCalendar([
  { date: '2026-12-29', name: 'Christmas closure' },
  { date: '2026-12-30', name: 'Christmas closure' },
  { date: '2026-12-31', name: 'Christmas closure' },
  { date: '2028-07-14', name: 'Local holiday' },
]);

test('the London date differs from the UTC date between midnight and 1am in summer, not in winter', () => {
  assert.equal(londonToday(new Date('2026-07-14T23:30:00Z')), '2026-07-15');
  assert.equal(londonToday(new Date('2026-07-14T22:59:59Z')), '2026-07-14');
  assert.equal(londonToday(new Date('2026-01-14T23:30:00Z')), '2026-01-14');
  assert.equal(londonToday(new Date('2026-12-31T23:59:59Z')), '2026-12-31');
  assert.equal(londonToday(new Date('2027-01-01T00:00:00Z')), '2027-01-01');
  assert.deepEqual(londonNow(new Date('2026-06-30T23:15:00Z')), { today: '2026-07-01', day: 'WE', time: '00:15' });
  assert.deepEqual(londonNow(new Date('2026-12-07T09:05:00Z')), { today: '2026-12-07', day: 'MO', time: '09:05' });
});

test('London midnight across the clock changes', () => {
  assert.equal(londonMidnight('2027-03-28').toISOString(), '2027-03-28T00:00:00.000Z'); // clocks go forward at 01:00
  assert.equal(londonMidnight('2027-03-29').toISOString(), '2027-03-28T23:00:00.000Z');
  assert.equal(londonMidnight('2027-10-31').toISOString(), '2027-10-30T23:00:00.000Z'); // clocks go back at 02:00 BST
  assert.equal(londonMidnight('2027-11-01').toISOString(), '2027-11-01T00:00:00.000Z');
  assert.equal(londonMidnight('2026-01-15').toISOString(), '2026-01-15T00:00:00.000Z');
});

test('a London wall-clock time as an instant, one answer on the days the clocks change', () => {
  assert.equal(londonInstant('2027-07-14', '10:00').toISOString(), '2027-07-14T09:00:00.000Z');
  assert.equal(londonInstant('2027-01-14', '10:00').toISOString(), '2027-01-14T10:00:00.000Z');
  assert.equal(londonInstant('2027-03-28', '00:30').toISOString(), '2027-03-28T00:30:00.000Z');
  assert.equal(londonInstant('2027-03-28', '01:30').toISOString(), '2027-03-28T01:30:00.000Z'); // skipped: 02:30 BST
  assert.equal(londonInstant('2027-03-28', '10:00').toISOString(), '2027-03-28T09:00:00.000Z');
  assert.equal(londonInstant('2027-10-31', '01:30').toISOString(), '2027-10-31T00:30:00.000Z'); // repeated: the first
  assert.equal(londonInstant('2027-10-31', '10:00').toISOString(), '2027-10-31T10:00:00.000Z');
  assert.equal(londonInstant('2026-12-31', '23:59').toISOString(), '2026-12-31T23:59:00.000Z');
  assert.throws(() => londonInstant('2027-01-14', '24:00'), RangeError);
});

test('dates, weekdays and ages', () => {
  assert.equal(addDays('2028-02-28', 1), '2028-02-29');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2027-01-01', -1), '2026-12-31');
  assert.equal(daysBetween('2026-12-25', '2027-01-01'), 7);
  assert.equal(isWeekend('2026-12-05'), true);
  assert.equal(isWeekend('2026-12-07'), false);
  assert.equal(ageOn('2010-05-01', new Date('2026-04-30T12:00:00Z')), 15);
  assert.equal(ageOn('2010-05-01', new Date('2026-05-01T00:00:00Z')), 16);
  // 23:30 UTC on 30 April is 00:30 on their birthday in London.
  assert.equal(ageOn('2010-05-01', new Date('2026-04-30T23:30:00Z')), 16);
  assert.equal(ageOn('2008-02-29', new Date('2026-02-28T12:00:00Z')), 17);
  assert.equal(ageOn('2008-02-29', new Date('2026-03-01T12:00:00Z')), 18);
  assert.equal(ageOn(null, new Date()), null);
  assert.throws(() => addDays('2026-13-01', 1), RangeError);
});

test('England and Wales bank holidays, with substitute days and without observances', () => {
  const bank = new WorkingCalendar();
  for (const day of [
    '2026-01-01',
    '2026-04-03', // Good Friday
    '2026-04-06', // Easter Monday
    '2026-05-04', // early May
    '2026-05-25', // spring
    '2026-08-31', // summer
    '2026-12-25',
    '2026-12-28', // Boxing Day on a Saturday: substitute Monday
    '2027-03-29', // Easter Monday
    '2027-05-03',
    '2027-05-31',
    '2027-12-27', // Christmas on a Saturday, Boxing Day on a Sunday: both substitute
    '2027-12-28',
    '2028-01-03', // New Year's Day on a Saturday
    '2030-04-22', // Easter Monday
  ]) {
    assert.equal(bank.isBankHoliday(day), true, day);
    assert.equal(bank.isWorkingDay(day), false, day);
  }
  for (const day of ['2026-03-16', '2027-03-08', '2027-06-21', '2026-12-29', '2027-12-29', '2026-03-17']) {
    assert.equal(bank.isWorkingDay(day), true, day); // Mother's Day and Father's Day are Sundays, not holidays
  }
  assert.equal(bank.isBankHoliday('2026-03-15'), false); // Mother's Day
  assert.equal(bank.isBankHoliday('2026-03-17'), false); // St Patrick's Day is Northern Ireland's
  assert.equal(bank.isBankHoliday('2026-11-30'), false); // St Andrew's Day is Scotland's
  assert.equal(bank.isBankHoliday('2027-01-04'), false); // 2 January is Scotland's
  assert.equal(bank.holiday('2027-12-28')?.kind, 'bank_holiday');
  assert.equal(calendar.holiday('2026-12-29')?.name, 'Christmas closure');
  assert.equal(calendar.isWorkingDay('2026-12-29'), false);
});

test('adding working days: known cases', () => {
  const bank = new WorkingCalendar();
  assert.equal(bank.addWorkingDays('2026-12-07', 0), '2026-12-07'); // a working Monday is itself
  assert.equal(bank.addWorkingDays('2026-12-05', 0), '2026-12-07'); // a Saturday: the Monday
  assert.equal(bank.addWorkingDays('2026-12-05', 1), '2026-12-07');
  assert.equal(bank.addWorkingDays('2026-12-04', 1), '2026-12-07'); // Friday + 1 is Monday
  assert.equal(bank.addWorkingDays('2026-12-24', 1), '2026-12-29'); // over Christmas and the Boxing Day substitute
  assert.equal(calendar.addWorkingDays('2026-12-24', 1), '2027-01-04'); // and over the partnership's closure
  assert.equal(bank.addWorkingDays('2027-12-24', 1), '2027-12-29'); // 25, 26, 27 (sub), 28 (sub)
  assert.equal(bank.addWorkingDays('2027-12-23', 4), '2027-12-31');
  assert.equal(bank.addWorkingDays('2027-12-31', 1), '2028-01-04'); // New Year's Day substitute 3 January
  assert.equal(bank.addWorkingDays('2026-04-02', 1), '2026-04-07'); // Good Friday and Easter Monday
  assert.equal(bank.addWorkingDays('2026-05-01', 1), '2026-05-05'); // early May bank holiday
  assert.equal(bank.addWorkingDays('2026-05-22', 4), '2026-05-29'); // spring bank holiday
  assert.equal(bank.workingDaysBefore('2026-12-11', 5), '2026-12-04');
  assert.equal(bank.workingDaysBefore('2026-04-10', 5), '2026-04-01'); // Easter in between
  assert.equal(bank.workingDaysBetween('2026-12-24', '2026-12-29'), 1);
  assert.equal(bank.workingDaysBetween('2026-12-29', '2026-12-24'), -1);
  assert.equal(bank.workingDaysBetween('2026-12-07', '2026-12-07'), 0);
  assert.throws(() => bank.addWorkingDays('2026-12-07', -1), RangeError);
});

test('hours on working days: 48 hours across weekends, bank holidays and the clock changes', () => {
  const bank = new WorkingCalendar();
  const h48 = (iso: string) => bank.addWorkingHours(new Date(iso), 48).toISOString();
  // Tuesday 10:00 to Thursday 10:00.
  assert.equal(h48('2026-12-08T10:00:00Z'), '2026-12-10T10:00:00.000Z');
  // Friday 14:00 GMT: the weekend does not count, so Tuesday 14:00.
  assert.equal(h48('2026-12-04T14:00:00Z'), '2026-12-08T14:00:00.000Z');
  // Friday before the clocks go forward (29 March 2026): 14:00 GMT Friday to 14:00 BST Tuesday (13:00 UTC).
  assert.equal(h48('2026-03-27T14:00:00Z'), '2026-03-31T13:00:00.000Z');
  // Friday before the clocks go back (25 October 2026): 14:00 BST Friday to 14:00 GMT Tuesday.
  assert.equal(h48('2026-10-23T13:00:00Z'), '2026-10-27T14:00:00.000Z');
  // Thursday before Easter 2027 (Good Friday 26 March, Easter Monday 29 March, clocks forward 28 March).
  assert.equal(h48('2027-03-25T09:00:00Z'), '2027-03-31T08:00:00.000Z');
  // Christmas Eve 2027 at 10:00: 14 hours on the 24th, then 29th (24h), then 10 hours on the 30th.
  assert.equal(h48('2027-12-24T10:00:00Z'), '2027-12-30T10:00:00.000Z');
  // A Saturday start counts from Monday midnight; exactly two working days is the end of Tuesday.
  assert.equal(h48('2026-12-05T10:00:00Z'), '2026-12-09T00:00:00.000Z');
  assert.equal(dueDay(new Date('2026-12-09T00:00:00Z')), '2026-12-08');
  // 23:30 UTC on a summer Friday is already Saturday in London: the clock starts on Monday.
  assert.equal(h48('2026-07-10T23:30:00Z'), '2026-07-14T23:00:00.000Z');
  assert.equal(dueDay(new Date('2026-07-14T23:00:00Z')), '2026-07-14');
});

// Properties over many random dates 2024–2030, with the partnership's closure days in the calendar.

function randomDate(r: ReturnType<typeof seeded>): string {
  return addDays(FIRST, r.int(0, DAYS));
}

test('property: adding working days never lands on a weekend, bank holiday or closure day', () => {
  const r = seeded(20261205);
  for (let i = 0; i < CASES; i++) {
    const a = randomDate(r);
    const n = r.int(0, 30);
    const due = calendar.addWorkingDays(a, n);
    assert.ok(calendar.isWorkingDay(due), `${a} + ${n} = ${due}`);
    assert.ok(!isWeekend(due) && !calendar.isBankHoliday(due) && !calendar.holiday(due), `${a} + ${n}`);
    assert.ok(due >= a, `${a} + ${n}`);
    const before = calendar.workingDaysBefore(a, Math.max(1, n));
    assert.ok(calendar.isWorkingDay(before) && before < a, `${a} - ${n}`);
  }
});

// From a non-working day n = 0 is the next working day, one working day on: the property holds for n ≥ 1 there.
test('property: workingDaysBetween(a, addWorkingDays(a, n)) is n', () => {
  const r = seeded(7);
  for (let i = 0; i < CASES; i++) {
    const a = randomDate(r);
    const n = r.int(calendar.isWorkingDay(a) ? 0 : 1, 40);
    assert.equal(calendar.workingDaysBetween(a, calendar.addWorkingDays(a, n)), n, `${a} + ${n}`);
    if (n > 0 && calendar.isWorkingDay(a)) {
      assert.equal(calendar.workingDaysBetween(calendar.workingDaysBefore(a, n), a), n, `${a} - ${n}`);
    }
  }
});

// From a non-working day, n = 0 and n = 1 both give the next working day (it counts as the first working day).
test('property: addWorkingDays is monotonic in the date and in n, strictly for n ≥ 1', () => {
  const r = seeded(42);
  for (let i = 0; i < CASES; i++) {
    const a = randomDate(r);
    const b = addDays(a, r.int(0, 20));
    const n = r.int(0, 25);
    assert.ok(calendar.addWorkingDays(a, n) <= calendar.addWorkingDays(b, n), `${a} ≤ ${b}, n = ${n}`);
    const [now, next] = [calendar.addWorkingDays(a, n), calendar.addWorkingDays(a, n + 1)];
    assert.ok(n === 0 && !calendar.isWorkingDay(a) ? now === next : now < next, `${a}, n = ${n}`);
  }
});

test('property: every day 2024–2030 agrees with the rule (weekends and holidays off, all else on)', () => {
  let working = 0;
  for (let i = 0; i <= DAYS; i++) {
    const day = addDays(FIRST, i);
    const expected = !isWeekend(day) && !calendar.isBankHoliday(day) && !calendar.holiday(day);
    assert.equal(calendar.isWorkingDay(day), expected, day);
    if (expected) working++;
  }
  // 8 bank holidays a year (none fall at a weekend after substitution) and 4 closure days on weekdays.
  const weekdays = Array.from({ length: DAYS + 1 }, (_, i) => addDays(FIRST, i)).filter((d) => !isWeekend(d)).length;
  assert.equal(working, weekdays - 7 * 8 - 4);
});

test('property: hours on working days are exact elapsed hours and end on a working day', () => {
  const r = seeded(1234);
  for (let i = 0; i < CASES; i++) {
    const start = new Date(Date.parse(`${randomDate(r)}T00:00:00Z`) + r.int(0, 24 * 60 - 1) * 60_000);
    const hours = [1, 4, 24, 48, 72][r.int(0, 4)]!;
    const due = calendar.addWorkingHours(start, hours);
    assert.ok(calendar.isWorkingDay(dueDay(due)), `${start.toISOString()} + ${hours}h = ${due.toISOString()}`);
    // Counting the working time between start and due, hour by hour of real time, gives back the hours.
    let counted = 0;
    let day = londonToday(start);
    let from = start.getTime();
    while (from < due.getTime()) {
      const end = Math.min(londonMidnight(addDays(day, 1)).getTime(), due.getTime());
      if (calendar.isWorkingDay(day)) counted += end - from;
      from = end;
      day = addDays(day, 1);
    }
    assert.equal(counted, hours * 3_600_000, `${start.toISOString()} + ${hours}h`);
  }
});

test('property: the London date of an instant is the date its London midnight starts', () => {
  const r = seeded(99);
  for (let i = 0; i < CASES; i++) {
    const day = randomDate(r);
    const midnight = londonMidnight(day);
    assert.equal(londonToday(midnight), day);
    assert.equal(londonToday(new Date(midnight.getTime() - 1)), addDays(day, -1));
    const length = londonMidnight(addDays(day, 1)).getTime() - midnight.getTime();
    assert.ok([23, 24, 25].includes(length / 3_600_000), day);
  }
});
