import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, dueDay, WorkingCalendar } from './calendar.ts';
import { computeDeadline, DEADLINE_RULES, deadlineStatus, planReviewRule } from './deadlines.ts';
import { seeded } from './seeded-random.ts';

const calendar = new WorkingCalendar([{ date: '2026-12-29', name: 'Christmas closure' }]);

test('property: no rule makes a deadline fall on a weekend, bank holiday or closure day (2024–2030)', () => {
  const r = seeded(2026);
  // An urgent front door decision is due within the hour whatever the day: the out-of-hours team answers.
  const rules = Object.values(DEADLINE_RULES).filter((rule) => rule.kind !== 'hours_after');
  for (let i = 0; i < 3000; i++) {
    const day = addDays('2024-01-01', r.int(0, 2555));
    const start = new Date(Date.parse(`${day}T00:00:00Z`) + r.int(0, 1439) * 60_000);
    const rule = rules[r.int(0, rules.length - 1)]!;
    const { dueAt, atRiskFrom } = computeDeadline(calendar, rule, start);
    assert.ok(calendar.isWorkingDay(dueDay(dueAt)), `${rule.code} from ${start.toISOString()}`);
    assert.ok(atRiskFrom <= dueAt);
    if (rule.kind === 'working_days_before') assert.ok(dueAt <= start || dueDay(dueAt) < day);
    else assert.ok(dueAt > start && atRiskFrom >= start);
  }
});

test('an urgent contact is due within the hour, even on a Sunday, and at risk from the start', () => {
  const start = new Date('2026-12-06T22:15:00Z');
  const { dueAt, atRiskFrom } = computeDeadline(calendar, DEADLINE_RULES.FRONT_DOOR_URGENT_DECISION, start);
  assert.equal(dueAt.toISOString(), '2026-12-06T23:15:00.000Z');
  assert.equal(atRiskFrom.toISOString(), start.toISOString());
});

test('a contact at 23:30 UTC on a summer Friday is Saturday in London: decision due by the end of Tuesday', () => {
  const { dueAt, atRiskFrom } = computeDeadline(
    calendar,
    DEADLINE_RULES.FRONT_DOOR_DECISION,
    new Date('2026-07-10T23:30:00Z'),
  );
  assert.equal(dueDay(dueAt), '2026-07-14');
  assert.equal(dueAt.toISOString(), '2026-07-14T23:00:00.000Z');
  assert.equal(atRiskFrom.toISOString(), '2026-07-13T23:00:00.000Z');
});

test('statuses', () => {
  const d = { due_at: new Date('2026-12-09T00:00:00Z'), at_risk_from: new Date('2026-12-08T00:00:00Z') };
  assert.equal(deadlineStatus({ ...d, met_at: null }, new Date('2026-12-07T12:00:00Z')), 'due');
  assert.equal(deadlineStatus({ ...d, met_at: null }, new Date('2026-12-08T12:00:00Z')), 'at_risk');
  assert.equal(deadlineStatus({ ...d, met_at: null }, new Date('2026-12-09T00:00:00Z')), 'overdue');
  assert.equal(deadlineStatus({ ...d, met_at: new Date('2026-12-08T23:59:59Z') }, new Date('2027-01-01')), 'met');
  assert.equal(deadlineStatus({ ...d, met_at: new Date('2026-12-09T00:00:01Z') }, new Date('2027-01-01')), 'met_late');
});

test('a plan review is due by the end of the day its weeks later, the next working day if that is not one, at risk a week before', () => {
  const rule = planReviewRule(6);
  const a = computeDeadline(calendar, rule, new Date('2026-12-04T10:00:00Z'));
  assert.equal(a.dueAt.toISOString(), '2027-01-16T00:00:00.000Z');
  assert.equal(a.atRiskFrom.toISOString(), '2027-01-08T00:00:00.000Z');
  // Six weeks after 17 November is the closure day of 29 December: due the next working day.
  const b = computeDeadline(calendar, rule, new Date('2026-11-17T10:00:00Z'));
  assert.equal(b.dueAt.toISOString(), '2026-12-31T00:00:00.000Z');
  assert.match(rule.words, /within 6 weeks/);
});
