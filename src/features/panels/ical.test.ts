import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeText, fold, meetingCalendar } from './ical.ts';

const meeting = {
  id: '3f1c2a52-0d7c-4d7e-9d8e-6b1d2c3a4b5c',
  panelName: 'North Family Support Panel',
  date: '2027-07-14',
  startTime: '10:00',
  endTime: '12:00',
  venue: 'Unity House, Room 2; ground floor',
  status: 'scheduled' as const,
  sequence: 2,
  url: 'https://hub.example/panels/meetings/3f1c2a52-0d7c-4d7e-9d8e-6b1d2c3a4b5c',
};

test('an invitation is one VEVENT with a stable UID, its sequence and UTC times of the London meeting', () => {
  const ics = meetingCalendar(meeting, new Date('2027-06-01T08:00:00Z'));
  assert.match(ics, /^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\n/);
  assert.match(ics, /\r\nMETHOD:REQUEST\r\n/);
  assert.match(ics, /\r\nUID:panel-meeting-3f1c2a52-0d7c-4d7e-9d8e-6b1d2c3a4b5c@early-help\.invalid\r\n/);
  assert.match(ics, /\r\nSEQUENCE:2\r\n/);
  assert.match(ics, /\r\nDTSTART:20270714T090000Z\r\n/);
  assert.match(ics, /\r\nDTEND:20270714T110000Z\r\n/);
  assert.match(ics, /\r\nLOCATION:Unity House\\, Room 2\\; ground floor\r\n/);
  assert.match(ics, /END:VEVENT\r\nEND:VCALENDAR\r\n$/);
  for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
});

test('a cancellation says CANCEL and CANCELLED with the same UID', () => {
  const ics = meetingCalendar({ ...meeting, status: 'cancelled', sequence: 3 }, new Date('2027-06-01T08:00:00Z'));
  assert.match(ics, /\r\nMETHOD:CANCEL\r\n/);
  assert.match(ics, /\r\nSTATUS:CANCELLED\r\n/);
  assert.match(ics, /\r\nUID:panel-meeting-3f1c2a52/);
  assert.match(ics, /\r\nSEQUENCE:3\r\n/);
});

test('text is escaped and long lines folded without splitting a character', () => {
  assert.equal(escapeText('a,b;c\\d\ne'), 'a\\,b\\;c\\\\d\\ne');
  const long = `SUMMARY:${'é'.repeat(60)}`;
  const folded = fold(long);
  assert.equal(folded.replace(/\r\n /g, ''), long);
  for (const l of folded.split('\r\n')) assert.ok(Buffer.byteLength(l) <= 75);
});
