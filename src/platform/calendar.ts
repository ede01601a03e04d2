import Holidays from 'date-holidays';

/**
 * The one place for dates in England. Services run in any server zone (often UTC), but a practitioner's "today",
 * a child's age and every working-day deadline are London days: `toISOString().slice(0, 10)` is the wrong day
 * between midnight and 1am in British Summer Time.
 *
 * Dates are ISO strings (YYYY-MM-DD), instants are `Date`s.
 */

const LONDON = 'Europe/London';
const DAY_MS = 86_400_000;

const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: LONDON });
const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function londonParts(at: Date) {
  return Object.fromEntries(partsFormat.formatToParts(at).map((p) => [p.type, p.value])) as Record<string, string>;
}

/** The calendar date in England at an instant. */
export function londonToday(at: Date): string {
  return dateFormat.format(at);
}

/** Today's date, the day of the week (MO, TU …, as Open Referral schedules write it) and the time in England. */
export function londonNow(at: Date): { today: string; day: string; time: string } {
  const parts = londonParts(at);
  return {
    today: `${parts.year}-${parts.month}-${parts.day}`,
    day: String(parts.weekday).slice(0, 2).toUpperCase(),
    time: `${parts.hour}:${parts.minute}`,
  };
}

function utcDate(iso: string): number {
  const t = Date.parse(`${iso}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(t)) throw new RangeError(`Not a date: ${iso}`);
  return t;
}

const longDateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** A date as GOV.UK writes it: "Tuesday 29 December 2026" (without the comma some runtimes add after the day). */
export function longDate(iso: string): string {
  const p = Object.fromEntries(longDateFormat.formatToParts(new Date(utcDate(iso))).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}`;
}

export function addDays(iso: string, days: number): string {
  return new Date(utcDate(iso) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from a to b (negative when b is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utcDate(b) - utcDate(a)) / DAY_MS);
}

/** 0 is Sunday … 6 is Saturday. */
export function dayOfWeek(iso: string): number {
  return new Date(utcDate(iso)).getUTCDay();
}

export function isWeekend(iso: string): boolean {
  const d = dayOfWeek(iso);
  return d === 0 || d === 6;
}

/** Age in whole years on the London date of an instant; a 29 February birthday comes on 1 March in other years. */
export function ageOn(dateOfBirth: string | null, at: Date): number | null {
  if (!dateOfBirth) return null;
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = londonToday(at).split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** London's offset from UTC (ms) at an instant: 0 in winter, one hour in summer. */
function londonOffset(at: Date): number {
  const p = londonParts(at);
  const wall = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant London's clocks read 00:00 on a date. The clocks change at 01:00 UTC, so midnight always exists and
 * is never repeated; the day it starts is 23, 24 or 25 hours long.
 */
export function londonMidnight(iso: string): Date {
  const guess = utcDate(iso);
  const first = guess - londonOffset(new Date(guess));
  return new Date(guess - londonOffset(new Date(first)));
}

/**
 * The instant London's clocks read a time on a date. In the hour repeated when the clocks go back it is the first
 * (British Summer Time) reading; in the hour skipped when they go forward it is the instant an hour later than the
 * clocks would have read without the change (01:30 on that day is 02:30 BST).
 */
export function londonInstant(iso: string, hhmm: string): Date {
  const guess = utcDate(iso) + minutesOf(hhmm) * 60_000;
  for (const hours of [1, 0]) {
    const at = new Date(guess - hours * 3_600_000);
    const now = londonNow(at);
    if (now.today === iso && now.time === hhmm) return at;
  }
  return new Date(guess);
}

function minutesOf(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`Not a time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export interface ClosureDay {
  date: string;
  name: string;
}

export interface Holiday {
  date: string;
  name: string;
  kind: 'bank_holiday' | 'closure';
}

/**
 * Working days in England: Monday to Friday except England and Wales bank holidays (substitute days included,
 * observances such as Mother's Day not) and the closure days a partnership adds.
 */
export class WorkingCalendar {
  private readonly holidays = new Holidays('GB', 'ENG');
  private readonly bankHolidays = new Map<number, Map<string, string>>();
  private readonly closures: Map<string, string>;

  constructor(closures: readonly ClosureDay[] = []) {
    this.closures = new Map(closures.map((c) => [c.date, c.name]));
  }

  private bankHolidaysIn(year: number): Map<string, string> {
    let days = this.bankHolidays.get(year);
    if (!days) {
      days = new Map();
      for (const h of this.holidays.getHolidays(year) || []) {
        if (h.type === 'public' || h.type === 'bank') days.set(h.date.slice(0, 10), h.name);
      }
      this.bankHolidays.set(year, days);
    }
    return days;
  }

  /** The bank holiday or closure on a date, if any (weekends are not listed). */
  holiday(iso: string): Holiday | null {
    const bank = this.bankHolidaysIn(Number(iso.slice(0, 4))).get(iso);
    if (bank) return { date: iso, name: bank, kind: 'bank_holiday' };
    const closure = this.closures.get(iso);
    if (closure) return { date: iso, name: closure, kind: 'closure' };
    return null;
  }

  isBankHoliday(iso: string): boolean {
    return this.bankHolidaysIn(Number(iso.slice(0, 4))).has(iso);
  }

  isWorkingDay(iso: string): boolean {
    return !isWeekend(iso) && !this.holiday(iso);
  }

  /**
   * The nth working day after a date. n = 0 gives the date itself when it is a working day, else the next working
   * day: "on or after". n = 1 from a Friday is the Monday (or the Tuesday after a bank holiday Monday).
   */
  addWorkingDays(iso: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a whole number of 0 or more');
    let day = iso;
    while (!this.isWorkingDay(day)) day = addDays(day, 1);
    if (day !== iso && n > 0) n--; // a non-working start counts as the first working day after it
    for (let i = 0; i < n; i++) {
      day = addDays(day, 1);
      while (!this.isWorkingDay(day)) day = addDays(day, 1);
    }
    return day;
  }

  /** The nth working day before a date (n ≥ 1): "papers 5 working days before the meeting". */
  workingDaysBefore(iso: string, n: number): string {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a whole number of 1 or more');
    let day = iso;
    for (let i = 0; i < n; i++) {
      day = addDays(day, -1);
      while (!this.isWorkingDay(day)) day = addDays(day, -1);
    }
    return day;
  }

  /**
   * Working days after a and up to and including b: the number of working days you would add to a to reach b, so
   * workingDaysBetween(a, addWorkingDays(a, n)) = n for a working day a and any n, and for any a when n ≥ 1.
   * Negative when b is before a.
   */
  workingDaysBetween(a: string, b: string): number {
    if (b < a) return -this.workingDaysBetween(b, a);
    let count = 0;
    for (let day = addDays(a, 1); day <= b; day = addDays(day, 1)) if (this.isWorkingDay(day)) count++;
    return count;
  }

  /**
   * An instant `hours` hours after `start`, counting only time on working days in England ("within 48 hours" of a
   * panel on a Friday afternoon is due on the Tuesday afternoon, not the Sunday). Hours are real elapsed hours, so
   * a day on which the clocks change counts as 23 or 25 hours. Time on a non-working day does not count; a start on
   * one counts from midnight at the start of the next working day.
   */
  addWorkingHours(start: Date, hours: number): Date {
    if (!(hours > 0)) throw new RangeError('hours must be more than 0');
    let remaining = hours * 3_600_000;
    let day = londonToday(start);
    let from = start.getTime();
    for (;;) {
      const next = addDays(day, 1);
      if (this.isWorkingDay(day)) {
        const end = londonMidnight(next).getTime();
        if (from + remaining <= end) return new Date(from + remaining);
        remaining -= end - from;
      }
      day = next;
      from = londonMidnight(day).getTime();
    }
  }
}

/**
 * The London day a deadline falls on: the day of the last instant before it is due, so a deadline due "by the end of
 * Tuesday" (at midnight, the start of Wednesday) falls on Tuesday.
 */
export function dueDay(dueAt: Date): string {
  return londonToday(new Date(dueAt.getTime() - 1));
}
