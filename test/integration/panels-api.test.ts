/**
 * The panels API (docs/decisions/0035): panels, meetings and requests read as the pages show them, requests made
 * through the page's form rules (a redirect rule, no consent naming the panel, no signed-off assessment: 422 with the
 * reason; malformed: 400), and the administrator's accept, decline and allocate — with the same access as the pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { currentGuidance } from '../../src/features/threshold/repository.ts';
import { createOrganisation, createPanel, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const MONDAY = new Date('2026-12-07T10:00:00Z');

for (const engine of engines()) {
  describe(`the panels API on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let practitioner: TestUser;
    let admin: TestUser;
    let member: TestUser;
    let outsider: TestUser;
    let panelId: string;
    let meetingId: string;
    let child: string;
    let noAssessment: string;
    const tokens = new Map<string, string>();
    const tokenOf = async (u: TestUser) => {
      if (!tokens.has(u.id)) {
        const ctx = { requestId: 'test', clientIp: '127.0.0.1' };
        const made = await new TokenService(db, t.clock).createForEmail(
          u.email,
          { name: 'test', expiresInDays: null },
          ctx,
        );
        tokens.set(u.id, made.token);
      }
      return tokens.get(u.id)!;
    };
    const call = async (u: TestUser, method: 'GET' | 'POST', url: string, payload?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${await tokenOf(u)}` },
        ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
      });
    const ask = (personId: string, extra: Record<string, unknown> = {}) => ({
      personId,
      panelId,
      harm: 'no',
      breakdown: 'no',
      statutory: 'no',
      educationOnly: 'no',
      steps: ['monitored', 'assessment-signed-off'],
      changesWanted: 'Calmer mornings',
      successCriteria: 'On time every day for a term',
      questions: 'Which agency can offer a family worker?',
      ...extra,
    });

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(MONDAY);
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Stopsley Primary', agency_type: 'school' });
      const council = await createOrganisation(db, { name: 'Luton Borough Council', agency_type: 'local_authority' });
      practitioner = await createUser(db, { roles: ['practitioner'], organisationId: school.id, name: 'Nia Clarke' });
      admin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id });
      member = await createUser(db, { roles: ['panel_member'], organisationId: council.id });
      outsider = await createUser(db, { roles: ['panel_admin'], organisationId: council.id });
      panelId = await createPanel(db, 'South Area Family Support Panel', [
        { user: admin, role: 'administrator' },
        { user: member, role: 'member' },
      ]);
      meetingId = (
        await db
          .insertInto('panel_meeting')
          .values({
            panel_id: panelId,
            meeting_date: '2026-12-16',
            start_time: '10:00',
            end_time: '10:30',
            venue: 'Unity House',
            moved_from: null,
            moved_reason: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      const involvement = { organisationId: school.id, userId: practitioner.id };
      child = await createPerson(db, {
        givenName: 'Ulla',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement,
      });
      noAssessment = await createPerson(db, {
        givenName: 'Ravi',
        familyName: 'Sandhu',
        dateOfBirth: '2016-01-02',
        involvement,
      });
      for (const p of [child, noAssessment]) {
        const c = await db
          .insertInto('consent')
          .values({
            person_id: p,
            household_id: null,
            given_by_person_id: p,
            given_by_kind: 'young_person',
            decision: 'given',
            purposes: ['panel_discussion'],
            service_name: null,
            method: 'in_person',
            obtained_on: '2026-11-01',
            review_on: null,
            explained: null,
            withdrawn_on: null,
            withdrawn_reason: null,
            withdrawn_by: null,
            withdrawn_at: null,
            recorded_by: practitioner.id,
            recorded_by_organisation_id: practitioner.organisationId,
            recorded_at: new Date('2026-11-01T10:00:00Z'),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db
          .insertInto('consent_recipient')
          .values({
            consent_id: c.id,
            kind: 'panel',
            organisation_id: null,
            agency_type: null,
            panel_name: 'South Area Family Support Panel',
            panel_id: panelId,
          })
          .execute();
      }
      const guidance = await currentGuidance(db);
      const a = await db
        .insertInto('assessment')
        .values({
          episode_id: null,
          author_id: practitioner.id,
          organisation_id: practitioner.organisationId,
          guidance_id: guidance.id,
          contact_id: null,
          content: JSON.stringify({}),
          version: 1,
          status: 'signed_off',
          signed_off_version: 1,
          started_at: new Date('2026-11-01T10:00:00Z'),
          updated_at: new Date('2026-11-02T10:00:00Z'),
          updated_by: practitioner.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('assessment_person').values({ assessment_id: a.id, person_id: child }).execute();
      await db
        .insertInto('assessment_version')
        .values({
          assessment_id: a.id,
          number: 1,
          content: JSON.stringify({}),
          section: null,
          saved_by: practitioner.id,
          saved_at: new Date('2026-11-02T10:00:00Z'),
        })
        .execute();
    });
    after(async () => t.close());

    test('members read the panel with its members and its meetings with their capacity; others get not found', async () => {
      const list = await call(member, 'GET', '/api/v1/panels');
      assert.equal(list.statusCode, 200);
      assert.deepEqual(
        list.json().items.map((p: { id: string }) => p.id),
        [panelId],
      );
      const panel = await call(member, 'GET', `/api/v1/panels/${panelId}`);
      assert.equal(panel.statusCode, 200);
      assert.equal(panel.json().slotMinutes, 15);
      assert.equal(panel.json().members.length, 2);
      const meetings = await call(member, 'GET', `/api/v1/panel-meetings?panel=${panelId}`);
      assert.equal(meetings.statusCode, 200);
      assert.deepEqual(
        meetings.json().items.map((m: { id: string; capacity: number }) => [m.id, m.capacity]),
        [[meetingId, 2]],
      );
      const meeting = await call(member, 'GET', `/api/v1/panel-meetings/${meetingId}`);
      assert.equal(meeting.statusCode, 200);
      assert.equal(meeting.json().slots, null);
      const stranger = await createUser(db, { roles: ['panel_member'], organisationId: admin.organisationId });
      assert.equal((await call(stranger, 'GET', `/api/v1/panels/${panelId}`)).statusCode, 404);
      assert.equal((await call(stranger, 'GET', `/api/v1/panel-meetings/${meetingId}`)).statusCode, 404);
      assert.equal((await call(member, 'GET', '/api/v1/panel-meetings?panel=nope')).statusCode, 400);
    });

    test('a request refused by the rules is a 422 with the reason; a malformed one a 400', async () => {
      const redirected = await call(practitioner, 'POST', '/api/v1/panel-requests', ask(child, { harm: 'yes' }));
      assert.equal(redirected.statusCode, 422);
      assert.match(redirected.json().detail, /significant harm/);
      assert.match(redirected.json().detail, /front door/);
      const recorded = await db
        .selectFrom('panel_request')
        .select('redirected_to')
        .where('person_id', '=', child)
        .where('status', '=', 'redirected')
        .execute();
      assert.deepEqual(
        recorded.map((r) => r.redirected_to),
        ['front_door'],
      );
      const noSignedOff = await call(practitioner, 'POST', '/api/v1/panel-requests', ask(noAssessment));
      assert.equal(noSignedOff.statusCode, 422);
      assert.match(noSignedOff.json().detail, /no signed-off Early Help Assessment/);
      const missing = await call(practitioner, 'POST', '/api/v1/panel-requests', ask(child, { questions: '' }));
      assert.equal(missing.statusCode, 422);
      assert.match(missing.json().detail, /questions for the panel/);
      const malformed = await call(practitioner, 'POST', '/api/v1/panel-requests', ask(child, { harm: 'maybe' }));
      assert.equal(malformed.statusCode, 400);
      const notMine = await call(outsider, 'POST', '/api/v1/panel-requests', ask(child));
      assert.equal(notMine.statusCode, 403);
    });

    test('a request is made, read, accepted and allocated by the administrator; declining needs a reason', async () => {
      const made = await call(practitioner, 'POST', '/api/v1/panel-requests', ask(child));
      assert.equal(made.statusCode, 201, made.body);
      const id = made.json().id as string;
      const waiting = await call(admin, 'GET', `/api/v1/panel-requests?panel=${panelId}`);
      assert.equal(waiting.statusCode, 200);
      assert.deepEqual(
        waiting.json().items.map((r: { id: string }) => r.id),
        [id],
      );
      const one = await call(admin, 'GET', `/api/v1/panel-requests/${id}`);
      assert.equal(one.statusCode, 200);
      assert.equal(one.json().questions, 'Which agency can offer a family worker?');
      assert.equal(one.json().steps.find((s: { code: string }) => s.code === 'monitored').done, true);
      assert.equal((await call(outsider, 'GET', `/api/v1/panel-requests/${id}`)).statusCode, 404);
      assert.equal((await call(member, 'GET', `/api/v1/panel-requests/${id}`)).statusCode, 403);
      // Allocating before accepting is refused by the record's rules.
      assert.equal((await call(admin, 'POST', `/api/v1/panel-requests/${id}/allocate`, {})).statusCode, 422);
      assert.equal((await call(admin, 'POST', `/api/v1/panel-requests/${id}/accept`)).statusCode, 200);
      assert.equal((await call(admin, 'POST', `/api/v1/panel-requests/${id}/accept`)).statusCode, 422);
      const allocated = await call(admin, 'POST', `/api/v1/panel-requests/${id}/allocate`, { meetingId });
      assert.equal(allocated.statusCode, 200, allocated.body);
      assert.equal(allocated.json().meetingId, meetingId);
      const meeting = await call(admin, 'GET', `/api/v1/panel-meetings/${meetingId}`);
      assert.deepEqual(
        meeting.json().slots.map((s: { requestId: string; start: string }) => [s.requestId, s.start]),
        [[id, '10:00']],
      );
      const second = await call(practitioner, 'POST', '/api/v1/panel-requests', ask(child));
      const secondId = second.json().id as string;
      const noReason = await call(admin, 'POST', `/api/v1/panel-requests/${secondId}/decline`, { reason: ' ' });
      assert.equal(noReason.statusCode, 422);
      const declined = await call(admin, 'POST', `/api/v1/panel-requests/${secondId}/decline`, {
        reason: 'Already on this meeting’s agenda',
      });
      assert.equal(declined.statusCode, 200);
      const row = await db
        .selectFrom('panel_request')
        .select(['status', 'status_reason'])
        .where('id', '=', secondId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'declined', status_reason: 'Already on this meeting’s agenda' });
    });
  });
}
