import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

for (const engine of engines()) {
  describe(`The conversation follow-up setting (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let admin: TestUser;
    let teacher: TestUser;
    let nurse: TestUser;
    let child: string;
    let lea: { partnershipId: string; areaId: string };
    const clients = new Map<string, TestClient>();
    const as = async (u: TestUser) => {
      let c = clients.get(u.id);
      if (!c) {
        c = new TestClient(t.app, t.clock);
        await c.signIn(u);
        clients.set(u.id, c);
      }
      return c;
    };

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const health = await createOrganisation(db, { name: 'Lea Health', agency_type: 'health' });
      lea = await createPartnership(db, 'Lea', [school.id, health.id]);
      admin = await createUser(db, { organisationId: school.id, name: 'Ada Admin', roles: ['system_admin'] });
      teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
      nurse = await createUser(db, { organisationId: school.id, name: 'Nia Senco' });
      child = await createPerson(db, {
        givenName: 'Poppy',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
    });
    after(() => t.close());

    test('an administrator sets a partnership’s working days: checked, audited, and used for the next conversation', async () => {
      assert.equal((await (await as(teacher)).get('/admin/conversation-follow-up')).statusCode, 403);
      const c = await as(admin);
      const list = await c.get('/admin/conversation-follow-up');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Lea [^<]*<\/th>\s*<td class="govuk-table__cell">10 working days/);
      const url = `/admin/conversation-follow-up/${lea.partnershipId}`;
      const form = await c.get(url);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /name="workingDays"[^>]*value="10"/);
      for (const bad of ['0', '61', 'ten', '', '2.5']) {
        const res = await c.post(url, { workingDays: bad });
        assert.equal(res.statusCode, 400, bad);
        assert.match(res.body, /Enter a whole number of working days from 1 to 60/);
        assert.match(res.body, new RegExp(`name="workingDays"[^>]*value="${bad.replace('.', '\\.')}"`));
      }
      // A cluster is not a partnership: its setting cannot be changed here.
      assert.equal((await c.get(`/admin/conversation-follow-up/${lea.areaId}`)).statusCode, 404);
      const saved = await c.post(url, { workingDays: '3' });
      assert.equal(saved.statusCode, 303);
      const area = await db
        .selectFrom('area')
        .select('conversation_follow_up_working_days')
        .where('id', '=', lea.partnershipId)
        .executeTakeFirstOrThrow();
      assert.equal(area.conversation_follow_up_working_days, 3);
      const audit = await db
        .selectFrom('audit_event')
        .select(['record_type', 'record_id', 'details'])
        .where('action', '=', 'admin.conversation-follow-up.changed')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.record_id, lea.partnershipId);
      assert.deepEqual(
        [
          (audit[0]!.details as { from: number; to: number }).from,
          (audit[0]!.details as { from: number; to: number }).to,
        ],
        [10, 3],
      );

      const teacherClient = await as(teacher);
      await teacherClient.get(`/people/${child}/conversations/new`);
      const recorded = await teacherClient.post(`/people/${child}/conversations`, {
        'held-day': '1',
        'held-month': '12',
        'held-year': '2026',
        kind: 'phone',
        'participant-0': nurse.id,
        agreed: 'The SENCO to meet the family',
      });
      assert.equal(recorded.statusCode, 303, recorded.body);
      const row = await db.selectFrom('conversation').select('follow_up_on').executeTakeFirstOrThrow();
      // Tuesday 1 December 2026 plus three working days.
      assert.equal(String(row.follow_up_on).slice(0, 10), '2026-12-04');
    });

    test('the people picker is a search by name or organisation, and keeps the people already chosen', async () => {
      const other = await createOrganisation(db, { name: 'Riverside Health Visitors', agency_type: 'health' });
      for (let i = 0; i < 120; i++) {
        await createUser(db, { organisationId: other.id, name: `Visitor ${String(i).padStart(3, '0')}` });
      }
      const c = await as(teacher);
      const url = `/people/${child}/conversations/new`;
      const start = await c.get(url);
      assert.equal(start.statusCode, 200);
      assert.match(start.body, /name="peopleSearch"/);
      // Before a search: the people of your own organisation, not everyone.
      assert.match(start.body, /Nia Senco/);
      assert.doesNotMatch(start.body, /Visitor 000/);
      const found = await c.post(`/people/${child}/conversations`, {
        'participant-0': nurse.id,
        agreed: 'Kept as typed',
        peopleSearch: 'visitor 11',
        add: 'search',
      });
      assert.equal(found.statusCode, 200);
      assert.match(found.body, /Visitor 110/);
      assert.match(found.body, /Visitor 119/);
      assert.doesNotMatch(found.body, /Visitor 000/);
      assert.match(found.body, /data-qa="people-found"[^>]*>10 people found/);
      assert.match(found.body, new RegExp(`<option value="${nurse.id}" selected`), 'the choice already made is kept');
      assert.match(found.body, />Kept as typed</);
      const byOrganisation = await c.post(`/people/${child}/conversations`, {
        'participant-0': nurse.id,
        peopleSearch: 'Riverside',
        add: 'search',
      });
      assert.match(byOrganisation.body, /Visitor 000/);
      assert.match(byOrganisation.body, /data-qa="people-found"[^>]*>More than 50 people found/);
      assert.match(byOrganisation.body, new RegExp(`<option value="${nurse.id}" selected`));
    });
  });
}
