/**
 * The same child at two forums (issue 11; docs/decisions/0030 and 0039): a child on a panel's agenda and on a team
 * around the family meeting in the same period. Both sides are warned — the panel on the request and its agenda,
 * the meeting on its own page — and each records that it knows, audited; only the meeting's organisers (the lead
 * or a team member) record the meeting's side.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { currentGuidance } from '../../src/features/threshold/repository.ts';
import { idFrom, openEpisode, signedInClients } from '../support/client.ts';
import {
  createEarlyHelpWorld,
  createOrganisation,
  createPanel,
  createUser,
  type TestUser,
} from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createFamily } from '../support/people.ts';

for (const engine of engines()) {
  describe(`the same child at a panel and a team around the family meeting on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let worker: TestUser;
    let outsider: TestUser;
    let admin: TestUser;
    let panelId: string;
    let panelMeetingId: string;
    let childId: string;
    let episodeId: string;
    let tafMeetingId: string;
    let requestId: string;
    const as = signedInClients(() => t);
    const post = async (user: TestUser, url: string, form: Record<string, string | string[]>) => {
      const c = await as(user);
      await c.get('/');
      return c.post(url, form);
    };
    const audits = (action: string) =>
      db.selectFrom('audit_event').select(['record_id', 'details']).where('action', '=', action).execute();
    const tafPage = () => `/people/${childId}/episodes/${episodeId}/taf-meetings/${tafMeetingId}`;

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-07T10:00:00Z'));
      db = t.database.db;
      const world = await createEarlyHelpWorld(db);
      ({ teacher, worker } = world);
      const youth = await createOrganisation(db, { name: 'Lea Youth', agency_type: 'youth_service' });
      outsider = await createUser(db, { organisationId: youth.id, name: 'Ugo Outsider' });
      admin = await createUser(db, { roles: ['panel_admin'], organisationId: world.council.id, name: 'Amira Begum' });
      panelId = await createPanel(db, 'South Area Family Support Panel', [{ user: admin, role: 'administrator' }]);
      panelMeetingId = (
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
      const family = await createFamily(db, {
        involvement: { organisationId: world.school.id, userId: teacher.id },
        areaId: world.areaId,
      });
      childId = family.childId;
      // Consent naming the panel, and a signed-off assessment: the teacher can ask the panel.
      const consent = await db
        .insertInto('consent')
        .values({
          person_id: childId,
          household_id: null,
          given_by_person_id: childId,
          given_by_kind: 'young_person',
          decision: 'given',
          purposes: ['panel_discussion'],
          service_name: null,
          method: 'in_person',
          obtained_on: '2026-12-01',
          review_on: null,
          explained: null,
          withdrawn_on: null,
          withdrawn_reason: null,
          withdrawn_by: null,
          withdrawn_at: null,
          recorded_by: teacher.id,
          recorded_by_organisation_id: teacher.organisationId,
          recorded_at: new Date('2026-12-01T10:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('consent_recipient')
        .values({
          consent_id: consent.id,
          kind: 'panel',
          organisation_id: null,
          agency_type: null,
          panel_name: 'South Area Family Support Panel',
          panel_id: panelId,
        })
        .execute();
      const guidance = await currentGuidance(db);
      const content = { changesWanted: 'Calmer mornings.', successCriteria: 'Fewer late marks.' };
      const assessment = await db
        .insertInto('assessment')
        .values({
          episode_id: null,
          author_id: teacher.id,
          organisation_id: teacher.organisationId,
          guidance_id: guidance.id,
          contact_id: null,
          content: JSON.stringify(content),
          version: 1,
          status: 'signed_off',
          signed_off_version: 1,
          started_at: new Date('2026-12-01T10:00:00Z'),
          updated_at: new Date('2026-12-02T10:00:00Z'),
          updated_by: teacher.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('assessment_person').values({ assessment_id: assessment.id, person_id: childId }).execute();
      await db
        .insertInto('assessment_version')
        .values({
          assessment_id: assessment.id,
          number: 1,
          content: JSON.stringify(content),
          section: null,
          saved_by: teacher.id,
          saved_at: new Date('2026-12-02T10:00:00Z'),
        })
        .execute();

      // The team around the family: an episode with the worker as lead, and a meeting on 18 December.
      episodeId = await openEpisode(await as(teacher), childId, worker.id);
      const scheduled = await post(worker, `/people/${childId}/episodes/${episodeId}/taf-meetings`, {
        'meetsOn-day': '18',
        'meetsOn-month': '12',
        'meetsOn-year': '2026',
        time: '14:30',
        format: 'in_person',
        place: 'Oak Lane Primary, meeting room 2',
        chairUserId: worker.id,
      });
      assert.equal(scheduled.statusCode, 303);
      tafMeetingId = idFrom('taf-meetings', scheduled.headers.location);

      // The teacher asks the panel; the administrator accepts and allocates it to the 16 December meeting.
      const made = await post(teacher, `/people/${childId}/panel-requests/new/${panelId}`, {
        harm: 'no',
        breakdown: 'no',
        statutory: 'no',
        educationOnly: 'no',
        steps: ['monitored', 'consent-explained', 'assessment-signed-off'],
        changesWanted: 'Calmer mornings.',
        successCriteria: 'Fewer late marks.',
        questions: 'Which agency can offer a family worker?',
      });
      assert.equal(made.statusCode, 303, made.body.slice(0, 200));
      requestId = (
        await db.selectFrom('panel_request').select('id').where('person_id', '=', childId).executeTakeFirstOrThrow()
      ).id;
      assert.equal((await post(admin, `/panels/${panelId}/requests/${requestId}/accept`, {})).statusCode, 303);
      assert.equal(
        (await post(admin, `/panels/${panelId}/requests/${requestId}/allocate`, { meetingId: panelMeetingId }))
          .statusCode,
        303,
      );
    });
    after(() => t.close());

    test('the panel side: warned on the request, the meeting’s chair told, and the panel records that it knows', async () => {
      const told = await db
        .selectFrom('notification')
        .select('title')
        .where('user_id', '=', worker.id)
        .where('kind', '=', 'panel-request.two-forums')
        .execute();
      assert.equal(told.length, 1);
      const page = await (await as(admin)).get(`/panels/${panelId}/requests/${requestId}`);
      assert.match(
        page.body,
        /Poppy Fenwick is also on the agenda of a team around the family meeting on Friday 18 December 2026/,
      );
      assert.match(page.body, /This panel has not yet recorded that it knows/);
      assert.match(page.body, /The other forum has not yet recorded that it knows/);
      const ack = await post(admin, `/panels/${panelId}/meetings/${panelMeetingId}/agenda/${requestId}/acknowledge`, {
        personId: childId,
        kind: 'taf_meeting',
        otherId: tafMeetingId,
      });
      assert.equal(ack.statusCode, 303);
      const events = (await audits('panel-request.two-forums-acknowledged')).filter(
        (e) => (e.details as { side: string }).side === 'panel',
      );
      assert.equal(events.length, 1);
      assert.equal(events[0]!.record_id, childId);
    });

    test('the meeting side: warned on the meeting’s page; only its organisers record that they know, audited', async () => {
      const page = await (await as(worker)).get(tafPage());
      assert.equal(page.statusCode, 200);
      assert.match(
        page.body,
        /Poppy Fenwick is also on the agenda of South Area Family Support Panel on Wednesday 16 December 2026/,
      );
      assert.match(page.body, /This meeting’s organiser has not yet recorded that they know/);
      assert.match(page.body, /The panel knows/);
      assert.match(page.body, /data-qa="acknowledge"/);

      // The teacher works with the child and sees the warning, but is not on the team: no button, and refused.
      const seen = await (await as(teacher)).get(tafPage());
      assert.match(seen.body, /also on the agenda of South Area Family Support Panel/);
      assert.doesNotMatch(seen.body, /data-qa="acknowledge"/);
      const form = { requestId, personId: childId };
      assert.equal((await post(teacher, `${tafPage()}/acknowledge`, form)).statusCode, 403);
      // Someone with no relationship with the child: not found, audited on the child.
      const refusedBefore = (await audits('taf-meeting.refused')).length;
      assert.equal((await post(outsider, `${tafPage()}/acknowledge`, form)).statusCode, 404);
      const refused = await audits('taf-meeting.refused');
      assert.equal(refused.length, refusedBefore + 1);
      assert.equal(refused.at(-1)!.record_id, childId);
      // A request that does not clash with this meeting is not found; a malformed one is a 400.
      assert.equal(
        (await post(worker, `${tafPage()}/acknowledge`, { requestId: panelMeetingId, personId: childId })).statusCode,
        404,
      );
      assert.equal(
        (await post(worker, `${tafPage()}/acknowledge`, { requestId: 'x', personId: childId })).statusCode,
        400,
      );
      assert.equal(
        (await audits('panel-request.two-forums-acknowledged')).filter(
          (e) => (e.details as { side: string }).side === 'other',
        ).length,
        0,
      );

      const ok = await post(worker, `${tafPage()}/acknowledge`, form);
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, `${tafPage()}?done=acknowledged`);
      const again = await post(worker, `${tafPage()}/acknowledge`, form);
      assert.equal(again.statusCode, 303);
      const events = (await audits('panel-request.two-forums-acknowledged')).filter(
        (e) => (e.details as { side: string }).side === 'other',
      );
      assert.equal(events.length, 1, 'recording it again changes nothing');
      assert.equal(events[0]!.record_id, childId);
      const row = await db
        .selectFrom('panel_forum_acknowledgement')
        .selectAll()
        .where('side', '=', 'other')
        .executeTakeFirstOrThrow();
      assert.equal(row.acknowledged_by, worker.id);
      assert.equal(row.other_id, tafMeetingId);

      const after = await (await as(worker)).get(tafPage());
      assert.match(after.body, /This meeting’s organiser knows/);
      assert.doesNotMatch(after.body, /data-qa="acknowledge"/);
      const panelSide = await (await as(admin)).get(`/panels/${panelId}/requests/${requestId}`);
      assert.match(panelSide.body, /This panel knows\. The other forum knows\./);
    });
  });
}
