/**
 * A panel's meetings from its cadence, and the deadlines around one meeting. Pure: the working calendar (bank
 * holidays and the partnership's closure days) is passed in, so the rules can be property-tested.
 */
import { addDays, dayOfWeek, londonInstant, type WorkingCalendar } from '../../platform/calendar.ts';

export interface Cadence {
  cadenceWeeks: number;
  /** ISO weekday, 1 Monday … 5 Friday. */
  weekday: number;
}

export interface PlannedMeeting {
  /** The day it meets: the cadence's day, or the next working day when that is a bank holiday or closure day. */
  date: string;
  /** The cadence's day, when the meeting had to move from it. */
  movedFrom: string | null;
  /** Why it moved: the bank holiday or closure day. */
  movedReason: string | null;
}

/** "HH:MM" to minutes after midnight. */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
}

/** Minutes after midnight to "HH:MM". */
export function timeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** How many case slots a meeting holds: its length divided by the slot length, rounded down. */
export function capacity(startTime: string, endTime: string, slotMinutes: number): number {
  return Math.max(0, Math.floor((minutesOf(endTime) - minutesOf(startTime)) / slotMinutes));
}

/** The first day on or after `from` that falls on the weekday. */
export function firstOnOrAfter(from: string, weekday: number): string {
  const today = dayOfWeek(from) === 0 ? 7 : dayOfWeek(from);
  return addDays(from, (weekday - today + 7) % 7);
}

/** A date `months` calendar months after `iso` (clamped to the month's last day). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const first = new Date(Date.UTC(y!, m! - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d!, last));
  return first.toISOString().slice(0, 10);
}

/**
 * The meetings from a cadence: every `cadenceWeeks` weeks on the weekday, from the first such day on or after
 * `from`, up to and including `until`. A cadence day that is not a working day moves to the next working day, and
 * the meeting says so; a moved meeting that would land on or after the next cadence day is left out rather than
 * doubled up.
 */
export function planMeetings(
  cadence: Cadence,
  from: string,
  until: string,
  calendar: WorkingCalendar,
): PlannedMeeting[] {
  const step = cadence.cadenceWeeks * 7;
  const out: PlannedMeeting[] = [];
  for (let day = firstOnOrAfter(from, cadence.weekday); day <= until; day = addDays(day, step)) {
    if (calendar.isWorkingDay(day)) {
      out.push({ date: day, movedFrom: null, movedReason: null });
      continue;
    }
    const moved = calendar.addWorkingDays(day, 0);
    if (moved >= addDays(day, step) || moved > until) continue;
    const holiday = calendar.holiday(day);
    out.push({ date: moved, movedFrom: day, movedReason: holiday?.name ?? 'Not a working day' });
  }
  return out;
}

export interface MeetingTimings {
  papersDueWorkingDays: number;
  invitationDays: number;
  circulationWorkingDays: number;
  decisionsHours: number;
}

export interface MeetingDeadlines {
  /** Papers reach the administrator by the end of this day. */
  papersDue: string;
  /** The referrer is invited by the end of this day. */
  invitationBy: string;
  /** Decisions and the lead professional recorded by this instant (working hours after the meeting ends). */
  decisionsBy: Date;
  /** Written decisions and actions circulated by the end of this day. */
  circulatedBy: string;
}

/** The deadlines around one meeting, counted in working days (and working hours for decisions). */
export function meetingDeadlines(
  meeting: { date: string; endTime: string },
  timings: MeetingTimings,
  calendar: WorkingCalendar,
): MeetingDeadlines {
  const before = (n: number) => (n > 0 ? calendar.workingDaysBefore(meeting.date, n) : meeting.date);
  return {
    papersDue: before(timings.papersDueWorkingDays),
    invitationBy: before(timings.invitationDays),
    decisionsBy: calendar.addWorkingHours(londonInstant(meeting.date, meeting.endTime), timings.decisionsHours),
    circulatedBy: calendar.addWorkingDays(meeting.date, timings.circulationWorkingDays),
  };
}
