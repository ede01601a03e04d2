/**
 * iCalendar (RFC 5545) invitations to a panel meeting. One VEVENT per meeting: its UID never changes, SEQUENCE goes
 * up with each change sent, times are UTC instants of the London meeting times, METHOD:REQUEST for an invitation
 * or update and METHOD:CANCEL when the meeting is cancelled. No child or family is named: only the panel, the
 * time, the venue and a link.
 */
import { londonInstant } from '../../platform/calendar.ts';

export interface CalendarMeeting {
  id: string;
  panelName: string;
  date: string;
  startTime: string;
  endTime: string;
  venue: string | null;
  status: 'scheduled' | 'cancelled' | 'held';
  sequence: number;
  url: string;
}

/** Text escaped as RFC 5545 §3.3.11 says: backslash, semicolon, comma and newlines. */
export function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines folded at 75 octets (RFC 5545 §3.1), continuation lines starting with a space. */
export function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    // Never split a UTF-8 character: back off continuation bytes.
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74;
  }
  return parts.join('\r\n ');
}

const utcStamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

export function meetingCalendar(meeting: CalendarMeeting, stamp: Date, domain = 'early-help.invalid'): string {
  const cancelled = meeting.status === 'cancelled';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Early Help Hub//Panels//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${cancelled ? 'CANCEL' : 'REQUEST'}`,
    'BEGIN:VEVENT',
    `UID:panel-meeting-${meeting.id}@${domain}`,
    `SEQUENCE:${meeting.sequence}`,
    `DTSTAMP:${utcStamp(stamp)}`,
    `DTSTART:${utcStamp(londonInstant(meeting.date, meeting.startTime))}`,
    `DTEND:${utcStamp(londonInstant(meeting.date, meeting.endTime))}`,
    `SUMMARY:${escapeText(`${meeting.panelName} meeting`)}`,
    ...(meeting.venue ? [`LOCATION:${escapeText(meeting.venue)}`] : []),
    `DESCRIPTION:${escapeText(`The agenda and papers are in Early Help Hub: ${meeting.url}`)}`,
    `URL:${meeting.url}`,
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
