import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/db/connection.ts';
import { dueDay } from '../../src/platform/calendar.ts';
import { insertClosure, loadWorkingCalendar } from '../../src/platform/closures.ts';
import {
  DEADLINE_RULES,
  deadlineStatus,
  deadlinesFor,
  describeDeadline,
  markDeadlineMet,
  setDeadline,
} from '../../src/platform/deadlines.ts';
import { createPartnership, createUser } from '../support/factories.ts';
import { engines, freshDatabase } from '../support/harness.ts';

for (const engine of engines()) {
  describe(`Deadlines as data (${engine})`, () => {
    let database: Database;
    let areaId: string;
    let userId: string;

    before(async () => {
      database = await freshDatabase(engine);
      const db = database.db;
      areaId = (await createPartnership(db, 'Lea')).areaId;
      userId = (await createUser(db, { roles: ['front_door'] })).id;
      await insertClosure(db, { closedOn: '2026-12-29', name: 'Christmas closure', areaId: null, addedBy: userId });
      await insertClosure(db, { closedOn: '2026-12-30', name: 'Lea staff day', areaId, addedBy: userId });
    });
    after(() => database.close());

    test('closure days count for everyone, or only in their area', async () => {
      const everyone = await loadWorkingCalendar(database.db);
      const lea = await loadWorkingCalendar(database.db, areaId);
      assert.equal(everyone.isWorkingDay('2026-12-29'), false);
      assert.equal(everyone.isWorkingDay('2026-12-30'), true);
      assert.equal(lea.isWorkingDay('2026-12-30'), false);
      assert.equal(lea.addWorkingDays('2026-12-24', 1), '2026-12-31');
    });

    test('a front door decision is due by the end of the next working day, over Christmas and a closure', async () => {
      const db = database.db;
      const contactId = randomUUID();
      const calendar = await loadWorkingCalendar(db, areaId);
      // Christmas Eve 2026, 16:00: 25th, 26th (Saturday), 27th, 28th (substitute), 29th and 30th (closures).
      const d = await db.transaction().execute((trx) =>
        setDeadline(trx, calendar, {
          ownerType: 'contact',
          ownerId: contactId,
          rule: DEADLINE_RULES.FRONT_DOOR_DECISION,
          start: new Date('2026-12-24T16:00:00Z'),
        }),
      );
      assert.equal(d.rule_code, 'FRONT_DOOR_DECISION');
      assert.equal(d.rule_words, 'Decision within 1 working day of the contact');
      assert.equal(d.due_at.toISOString(), '2027-01-01T00:00:00.000Z');
      assert.equal(dueDay(d.due_at), '2026-12-31');
      assert.equal(d.at_risk_from.toISOString(), '2026-12-31T00:00:00.000Z');
      assert.equal(deadlineStatus(d, new Date('2026-12-30T12:00:00Z')), 'due');
      assert.equal(deadlineStatus(d, new Date('2026-12-31T09:00:00Z')), 'at_risk');
      assert.equal(deadlineStatus(d, new Date('2027-01-01T00:00:00Z')), 'overdue');
      const shown = describeDeadline(d, new Date('2026-12-30T12:00:00Z'));
      assert.equal(shown.sentence, 'Due by the end of Thursday 31 December 2026');
      assert.equal(shown.tag.classes, 'govuk-tag--blue');

      assert.equal(
        await markDeadlineMet(db, {
          ownerType: 'contact',
          ownerId: contactId,
          ruleCode: 'FRONT_DOOR_DECISION',
          at: new Date('2026-12-31T10:30:00Z'),
          by: userId,
        }),
        true,
      );
      // Meeting it again keeps the first time.
      assert.equal(
        await markDeadlineMet(db, {
          ownerType: 'contact',
          ownerId: contactId,
          ruleCode: 'FRONT_DOOR_DECISION',
          at: new Date('2027-01-04T10:30:00Z'),
          by: userId,
        }),
        false,
      );
      const [met] = await deadlinesFor(db, 'contact', contactId);
      assert.equal(met!.met_at!.toISOString(), '2026-12-31T10:30:00.000Z');
      assert.equal(met!.met_by, userId);
      assert.equal(deadlineStatus(met!, new Date('2027-02-01T00:00:00Z')), 'met');
      assert.equal(
        describeDeadline(met!, new Date('2027-02-01T00:00:00Z')).sentence,
        'Met: done at 10:30 on Thursday 31 December 2026, due by the end of Thursday 31 December 2026',
      );
    });

    test('a panel meeting sets its deadlines; one met late, one moved with the meeting, one met after it', async () => {
      const db = database.db;
      const meetingId = randomUUID();
      const calendar = await loadWorkingCalendar(db, areaId);
      // Thursday 25 March 2027, 10:00 GMT: the day before Good Friday, three days before the clocks go forward.
      const meeting = new Date('2027-03-25T10:00:00Z');
      for (const rule of [
        DEADLINE_RULES.PANEL_PAPERS,
        DEADLINE_RULES.PANEL_DECISION_RECORDED,
        DEADLINE_RULES.PANEL_DECISION_CIRCULATED,
      ]) {
        await setDeadline(db, calendar, { ownerType: 'panel_meeting', ownerId: meetingId, rule, start: meeting });
      }
      const byCode = async () =>
        Object.fromEntries((await deadlinesFor(db, 'panel_meeting', meetingId)).map((d) => [d.rule_code, d]));
      let all = await byCode();
      // Papers: 5 working days before Thursday 25 March is Thursday 18 March.
      assert.equal(dueDay(all.PANEL_PAPERS!.due_at), '2027-03-18');
      // 48 hours on working days: Thursday 10:00 GMT → Good Friday, the weekend (clocks go forward) and Easter
      // Monday do not count → Wednesday 31 March 10:00 BST (09:00 UTC).
      assert.equal(all.PANEL_DECISION_RECORDED!.due_at.toISOString(), '2027-03-31T09:00:00.000Z');
      assert.equal(
        describeDeadline(all.PANEL_DECISION_RECORDED!, meeting).sentence.endsWith('10:00 on Wednesday 31 March 2027'),
        true,
      );
      // 4 working days: 30, 31 March, 1, 2 April.
      assert.equal(dueDay(all.PANEL_DECISION_CIRCULATED!.due_at), '2027-04-02');

      await markDeadlineMet(db, {
        ownerType: 'panel_meeting',
        ownerId: meetingId,
        ruleCode: 'PANEL_PAPERS',
        at: new Date('2027-03-19T09:00:00Z'),
        by: userId,
      });
      // The meeting moves a week on: the met deadline stays as it was, the others move.
      const moved = new Date('2027-04-01T10:00:00Z');
      for (const rule of [DEADLINE_RULES.PANEL_PAPERS, DEADLINE_RULES.PANEL_DECISION_CIRCULATED]) {
        await setDeadline(db, calendar, { ownerType: 'panel_meeting', ownerId: meetingId, rule, start: moved });
      }
      all = await byCode();
      assert.equal(dueDay(all.PANEL_PAPERS!.due_at), '2027-03-18');
      assert.equal(deadlineStatus(all.PANEL_PAPERS!, moved), 'met_late');
      assert.equal(describeDeadline(all.PANEL_PAPERS!, moved).tag.text, 'Met late');
      assert.equal(dueDay(all.PANEL_DECISION_CIRCULATED!.due_at), '2027-04-07');
      assert.equal(deadlineStatus(all.PANEL_DECISION_CIRCULATED!, new Date('2027-04-08T08:00:00Z')), 'overdue');
    });

    test('the database keeps a deadline consistent', async () => {
      await assert.rejects(
        database.db
          .insertInto('deadline')
          .values({
            owner_type: 'contact',
            owner_id: randomUUID(),
            rule_code: 'X',
            rule_words: 'x',
            started_at: new Date(),
            due_at: new Date('2027-01-01T00:00:00Z'),
            at_risk_from: new Date('2027-01-02T00:00:00Z'),
          })
          .execute(),
      );
    });
  });
}
