import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ComplianceCount, complianceTable, defaultPeriod } from './dashboard.ts';

const row = (panelId: string, rule: string, due: number, onTime: number, late: number, missed: number) =>
  ({ panelId, rule, due, onTime, late, missed }) satisfies ComplianceCount;

test('the compliance table has the four rules in the order a case meets them, zero when nothing was due', () => {
  const t = complianceTable([]);
  assert.deepEqual(
    t.map((r) => r.rule),
    ['PANEL_PAPERS', 'PANEL_INVITATION', 'PANEL_DECISION_RECORDED', 'PANEL_DECISION_CIRCULATED'],
  );
  for (const r of t) {
    assert.equal(r.due, 0);
    assert.equal(r.onTimePercent, null, 'no percentage of nothing');
  }
});

test('percentages are of the deadlines that have fallen due; those not yet due are counted apart', () => {
  const [papers] = complianceTable([row('a', 'PANEL_PAPERS', 10, 6, 1, 1)]);
  assert.equal(papers!.notYetDue, 2);
  assert.equal(papers!.onTimePercent, 75);
  assert.equal(papers!.latePercent, 13);
  assert.equal(papers!.missedPercent, 13);
});

test('panels are added together, or one panel taken alone', () => {
  const counts = [
    row('a', 'PANEL_DECISION_RECORDED', 4, 3, 1, 0),
    row('b', 'PANEL_DECISION_RECORDED', 2, 0, 0, 2),
    row('b', 'PANEL_INVITATION', 5, 5, 0, 0),
  ];
  const all = complianceTable(counts).find((r) => r.rule === 'PANEL_DECISION_RECORDED')!;
  assert.deepEqual([all.due, all.onTime, all.late, all.missed, all.onTimePercent], [6, 3, 1, 2, 50]);
  const a = complianceTable(counts, ['a']).find((r) => r.rule === 'PANEL_DECISION_RECORDED')!;
  assert.deepEqual([a.due, a.onTime, a.onTimePercent, a.missedPercent], [4, 3, 75, 0]);
  assert.equal(complianceTable(counts, ['a']).find((r) => r.rule === 'PANEL_INVITATION')!.due, 0);
});

test('the default period is the last 6 months up to today', () => {
  assert.deepEqual(defaultPeriod('2026-12-06'), { from: '2026-06-07', to: '2026-12-06' });
  assert.deepEqual(defaultPeriod('2026-08-31'), { from: '2026-03-01', to: '2026-08-31' });
});
