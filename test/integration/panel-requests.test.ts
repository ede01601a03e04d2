/**
 * Requests to a panel and their administration (issue 11, second part; docs/decisions/0030): the redirect rules,
 * consent naming the panel, the signed-off assessment, gateway eligibility, accepting and allocating within the
 * papers deadline and the meeting's capacity, the invitation, late papers, the agenda's order, the panel_agenda
 * relationship's window, and the same child at two forums.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPanel, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const MONDAY = new Date('2026-12-07T10:00:00Z');

for (const engine of engines()) {
  describe(`requests to a panel on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let practitioner: TestUser;
    let stranger: TestUser;
    let admin: TestUser;
    let chair: TestUser;
    let member: TestUser;
    let notMember: TestUser;
    let otherAdmin: TestUser;
    let panelId: string;
    let otherPanelId: string;
    let child: string;
    let sibling: string;
    let third: string;
    let meetingA: string;
    let meetingB: string;
    const as = signedInClients(() => t);
    const post = async (user: TestUser, url: string, form: Record<string, string | string[]>) => {
      const c = await as(user);
      await c.get('/');
      return c.post(url, form);
    };
    const ask = (extra: Record<string, string | string[]> = {}) => ({
      harm: 'no',
      breakdown: 'no',
      statutory: 'no',
      educationOnly: 'no',
      steps: ['monitored', 'consent-explained', 'assessment-signed-off'],
      changesWanted: 'Mornings without arguments; school every day.',
      successCriteria: 'Attendance above 95% for a term.',
      questions: 'Which agency can offer a family worker?',
      ...extra,
    });
    /** The child's latest request that was not redirected at the start (requests made at one instant tie). */
    const requestOf = (personId: string, panel = panelId) =>
      db
        .selectFrom('panel_request')
        .selectAll()
        .where('person_id', '=', personId)
        .where('panel_id', '=', panel)
        .where('status', '<>', 'redirected')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
    const redirects = async (personId: string) =>
      (
        await db
          .selectFrom('panel_request')
          .select('redirected_to')
          .where('person_id', '=', personId)
          .where('status', '=', 'redirected')
          .execute()
      )
        .map((r) => r.redirected_to)
        .sort();
    const setClock = (at: Date) => {
      t.clock.set(at);
      as.clear();
    };
    const audits = (action: string) =>
      db.selectFrom('audit_event').select(['record_id', 'details']).where('action', '=', action).execute();

    const consentFor = async (personId: string, panel: string, recordedBy: TestUser) => {
      const c = await db
        .insertInto('consent')
        .values({
          person_id: personId,
          household_id: null,
          given_by_person_id: personId,
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
          recorded_by: recordedBy.id,
          recorded_by_organisation_id: recordedBy.organisationId,
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
          panel_name: 'An old name for the panel',
          panel_id: panel,
        })
        .execute();
    };
    const signedOff = async (personIds: string[], author: TestUser) => {
      let guidance = await db.selectFrom('threshold_guidance').select('id').executeTakeFirst();
      if (!guidance) {
        guidance = await db
          .insertInto('threshold_guidance')
          .values({ version: 1, content: JSON.stringify({ domains: [] }), note: 'test', published_by: null })
          .returning('id')
          .executeTakeFirstOrThrow();
      }
      const content = { changesWanted: 'From the assessment: calmer mornings.', successCriteria: 'Fewer late marks.' };
      const a = await db
        .insertInto('assessment')
        .values({
          episode_id: null,
          author_id: author.id,
          organisation_id: author.organisationId,
          guidance_id: guidance.id,
          contact_id: null,
          content: JSON.stringify(content),
          version: 1,
          status: 'signed_off',
          signed_off_version: 1,
          started_at: new Date('2026-11-01T10:00:00Z'),
          updated_at: new Date('2026-11-02T10:00:00Z'),
          updated_by: author.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('assessment_person')
        .values(personIds.map((p) => ({ assessment_id: a.id, person_id: p })))
        .execute();
      await db
        .insertInto('assessment_version')
        .values({
          assessment_id: a.id,
          number: 1,
          content: JSON.stringify(content),
          section: null,
          saved_by: author.id,
          saved_at: new Date('2026-11-02T10:00:00Z'),
        })
        .execute();
    };
    const meeting = async (panel: string, date: string, start = '10:00', end = '10:30') =>
      (
        await db
          .insertInto('panel_meeting')
          .values({
            panel_id: panel,
            meeting_date: date,
            start_time: start,
            end_time: end,
            venue: 'Unity House',
            moved_from: null,
            moved_reason: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(MONDAY);
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Stopsley Primary', agency_type: 'school' });
      const council = await createOrganisation(db, { name: 'Luton Borough Council', agency_type: 'local_authority' });
      practitioner = await createUser(db, { roles: ['practitioner'], organisationId: school.id, name: 'Nia Clarke' });
      stranger = await createUser(db, { roles: ['practitioner'], organisationId: council.id });
      admin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id, name: 'Amira Begum' });
      otherAdmin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id });
      chair = await createUser(db, { roles: ['panel_chair'], organisationId: council.id });
      member = await createUser(db, { roles: ['panel_member'], organisationId: council.id });
      notMember = await createUser(db, { roles: ['panel_member'], organisationId: council.id });
      panelId = await createPanel(db, 'South Area Family Support Panel', [
        { user: admin, role: 'administrator' },
        { user: chair, role: 'chair' },
        { user: member, role: 'member' },
      ]);
      otherPanelId = await createPanel(db, 'North Area Family Support Panel', [
        { user: otherAdmin, role: 'administrator' },
      ]);
      const involvement = { organisationId: school.id, userId: practitioner.id };
      child = await createPerson(db, {
        givenName: 'Ulla',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement,
      });
      sibling = await createPerson(db, {
        givenName: 'Otto',
        familyName: 'Fenwick',
        dateOfBirth: '2019-05-06',
        involvement,
      });
      third = await createPerson(db, {
        givenName: 'Ravi',
        familyName: 'Sandhu',
        dateOfBirth: '2016-01-02',
        involvement,
      });
      // Papers for 16 December are due at the end of 9 December; for 13 January at the end of 6 January.
      meetingA = await meeting(panelId, '2026-12-16');
      meetingB = await meeting(panelId, '2027-01-13');
    });
    after(async () => t.close());

    test('a redirect question answered yes refuses the panel route with the reason and carries what was typed to the front door', async () => {
      const res = await post(practitioner, `/people/${child}/panel-requests/new/${panelId}`, ask({ breakdown: 'yes' }));
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /significant or immediate risk of family breakdown/);
      assert.match(res.body, /action="\/front-door\/requests\/new"/);
      assert.match(res.body, /name="circumstances" value="Mornings without arguments; school every day\./);
      assert.deepEqual(await redirects(child), ['front_door']);
      // The front door's form opens with it filled in: never retyped.
      const fd = await post(practitioner, '/front-door/requests/new', {
        child,
        harm: 'no',
        circumstances: 'Mornings without arguments',
        needsToHappen: 'Attendance',
      });
      assert.equal(fd.statusCode, 200);
      assert.match(fd.body, />Mornings without arguments<\/textarea>/);
      const edu = await post(
        practitioner,
        `/people/${child}/panel-requests/new/${panelId}`,
        ask({ educationOnly: 'yes' }),
      );
      assert.equal(edu.statusCode, 200);
      assert.match(edu.body, /School Liaison Meeting/);
      assert.deepEqual(await redirects(child), ['front_door', 'school_liaison_meeting']);
      const chron = await (await as(practitioner)).get(`/people/${child}/chronology`);
      assert.match(chron.body, /Request to South Area Family Support Panel redirected to the front door/);
    });

    test('without a consent naming the panel, or without a signed-off assessment, the request is refused with the reason and what was typed kept', async () => {
      const noConsent = await post(practitioner, `/people/${child}/panel-requests/new/${panelId}`, ask());
      assert.equal(noConsent.statusCode, 400);
      assert.match(noConsent.body, /There is no consent to share with South Area Family Support Panel/);
      assert.match(noConsent.body, /Which agency can offer a family worker\?/);
      await consentFor(child, panelId, practitioner);
      const noAssessment = await post(practitioner, `/people/${child}/panel-requests/new/${panelId}`, ask());
      assert.equal(noAssessment.statusCode, 400);
      assert.match(noAssessment.body, /no signed-off Early Help Assessment/);
      const refused = await audits('panel-request.refused');
      assert.equal(refused.filter((a) => a.record_id === child).length, 2);
    });

    test('a practitioner who does not work with the child gets not found', async () => {
      const res = await post(stranger, `/people/${child}/panel-requests/new/${panelId}`, ask());
      assert.equal(res.statusCode, 404);
      assert.equal((await (await as(stranger)).get(`/people/${child}/panel-requests/new/${panelId}`)).statusCode, 404);
    });

    test('with consent and a signed-off assessment the request is made, pre-filled from the assessment, about the children on it', async () => {
      await signedOff([child, sibling], practitioner);
      const form = await (await as(practitioner)).get(`/people/${child}/panel-requests/new/${panelId}`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /From the assessment: calmer mornings\./);
      const res = await post(practitioner, `/people/${child}/panel-requests/new/${panelId}`, ask());
      assert.equal(res.statusCode, 303);
      const r = await requestOf(child);
      assert.equal(r.status, 'submitted');
      assert.deepEqual([...r.checklist].sort(), ['assessment-signed-off', 'consent-explained', 'monitored']);
      const people = await db
        .selectFrom('panel_request_person')
        .select('person_id')
        .where('request_id', '=', r.id)
        .execute();
      assert.deepEqual(people.map((p) => p.person_id).sort(), [child, sibling].sort());
      const page = await (await as(practitioner)).get(String(res.headers.location));
      assert.match(page.body, /Done: Monitored the child/);
      assert.match(page.body, /Not done: Sought advice from a line manager/);
    });

    test('for a gateway panel, a child not eligible for the service asked for is refused with the reasons', async () => {
      const gateway = await createPanel(db, 'Children Leeds Panel', [{ user: otherAdmin, role: 'administrator' }]);
      const provider = await db
        .insertInto('directory_organisation')
        .values({
          organisation_id: null,
          name: 'Leeds MST',
          email: null,
          website: null,
          source_feed: null,
          updated_at: MONDAY,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const mst = await db
        .insertInto('directory_service')
        .values({
          directory_organisation_id: provider.id,
          name: 'Multisystemic Therapy',
          url: null,
          email: null,
          fees: null,
          minimum_age: 11,
          maximum_age: 17,
          tier: null,
          access_route: null,
          access_panel: null,
          how_to_refer: null,
          start_conversation: null,
          start_conversation_phone: null,
          alert: null,
          assured_date: null,
          review_date: '2027-03-31',
          source_feed: null,
          updated_at: MONDAY,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('panel_gateway_service').values({ panel_id: gateway, service_id: mst.id }).execute();
      await consentFor(child, gateway, practitioner);
      const form = await (await as(practitioner)).get(`/people/${child}/panel-requests/new/${gateway}`);
      assert.match(form.body, /<option value="[0-9a-f-]+">Multisystemic Therapy<\/option>/);
      const noService = await post(practitioner, `/people/${child}/panel-requests/new/${gateway}`, ask());
      assert.equal(noService.statusCode, 400);
      assert.match(noService.body, /Select the service you are asking for/);
      const res = await post(
        practitioner,
        `/people/${child}/panel-requests/new/${gateway}`,
        ask({ serviceId: mst.id }),
      );
      assert.equal(res.statusCode, 400);
      assert.match(
        res.body,
        /The child is not eligible for Multisystemic Therapy: .*The child is 9, which is under the age range/,
      );
      const refused = await audits('panel-request.refused');
      assert.ok(refused.some((a) => JSON.stringify(a.details).includes('not eligible')));
    });

    test('a gateway service that serves set areas asks where the child lives when the record cannot say', async () => {
      const gateway = await createPanel(db, 'Children Aire Panel', [{ user: otherAdmin, role: 'administrator' }]);
      const aire = await db
        .insertInto('area')
        .values({ name: `Aire ${engine}`, kind: 'locality', parent_id: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const provider = await db
        .insertInto('directory_organisation')
        .values({
          organisation_id: null,
          name: 'Aire Signpost',
          email: null,
          website: null,
          source_feed: null,
          updated_at: MONDAY,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const signpost = await db
        .insertInto('directory_service')
        .values({
          directory_organisation_id: provider.id,
          name: 'Signpost',
          url: null,
          email: null,
          fees: null,
          minimum_age: 0,
          maximum_age: 17,
          tier: null,
          access_route: null,
          access_panel: null,
          how_to_refer: null,
          start_conversation: null,
          start_conversation_phone: null,
          alert: null,
          assured_date: null,
          review_date: '2027-03-31',
          source_feed: null,
          updated_at: MONDAY,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('directory_service_area')
        .values({ service_id: signpost.id, area_id: aire.id, name: `Aire ${engine}` })
        .execute();
      await db.insertInto('panel_gateway_service').values({ panel_id: gateway, service_id: signpost.id }).execute();
      await consentFor(child, gateway, practitioner);
      const url = `/people/${child}/panel-requests/new/${gateway}`;
      const form = await (await as(practitioner)).get(url);
      const question = new RegExp(`Does the child live in Aire ${engine}\\?`);
      assert.match(form.body, question);
      assert.match(form.body, new RegExp(`name="area-${signpost.id}"`));
      const unanswered = await post(practitioner, url, ask({ serviceId: signpost.id }));
      assert.equal(unanswered.statusCode, 400);
      assert.match(unanswered.body, new RegExp(`href="#area-${signpost.id}"`));
      assert.match(unanswered.body, /Answer: Does the child live in Aire/);
      const outside = await post(practitioner, url, ask({ serviceId: signpost.id, [`area-${signpost.id}`]: 'no' }));
      assert.equal(outside.statusCode, 400);
      assert.match(outside.body, /not eligible for Signpost: .*You said the child does not live there/);
      // What was typed is kept, the area answer with it.
      assert.match(outside.body, new RegExp(`name="area-${signpost.id}" type="radio" value="no" checked`));
      const inside = await post(practitioner, url, ask({ serviceId: signpost.id, [`area-${signpost.id}`]: 'yes' }));
      assert.equal(inside.statusCode, 303);
      const made = await requestOf(child, gateway);
      assert.equal(made.service_id, signpost.id);
      assert.match(JSON.stringify(made.eligibility), /You said the child lives there/);
    });

    test('only the panel’s administrator or chair administers its requests', async () => {
      assert.equal((await (await as(member)).get(`/panels/${panelId}/requests`)).statusCode, 403);
      assert.equal((await (await as(otherAdmin)).get(`/panels/${panelId}/requests`)).statusCode, 404);
      const list = await (await as(admin)).get(`/panels/${panelId}/requests`);
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Ulla Fenwick/);
    });

    test('accepting and allocating: the next meeting with room, the slot time emailed to the referrer without the child’s name', async () => {
      const r = await requestOf(child);
      const noDecline = await post(admin, `/panels/${panelId}/requests/${r.id}/decline`, { reason: '' });
      assert.equal(noDecline.statusCode, 400);
      assert.match(noDecline.body, /Enter why the request is declined/);
      assert.equal((await post(admin, `/panels/${panelId}/requests/${r.id}/accept`, {})).statusCode, 303);
      assert.equal((await post(admin, `/panels/${panelId}/requests/${r.id}/allocate`, {})).statusCode, 303);
      const placed = await requestOf(child);
      assert.equal(placed.meeting_id, meetingA);
      assert.equal(placed.slot_order, 1);
      const mail = await db.selectFrom('outbox_message').select('payload').execute();
      const invite = mail
        .map((m) => (typeof m.payload === 'string' ? JSON.parse(m.payload) : m.payload) as Record<string, string>)
        .find((p) => p.subject === 'Invitation to present a case at a panel meeting');
      assert.ok(invite);
      assert.match(invite.text!, /16 December 2026\. Your slot starts at 10:00/);
      assert.doesNotMatch(invite.text!, /Ulla|Fenwick/);
    });

    test('a meeting is never overbooked: a full meeting is refused, and the next with room is chosen', async () => {
      // A second and third case: the meeting from 10:00 to 10:30 has two 15-minute slots.
      await consentFor(third, panelId, practitioner);
      await signedOff([third], practitioner);
      await consentFor(sibling, panelId, practitioner);
      assert.equal((await post(practitioner, `/people/${third}/panel-requests/new/${panelId}`, ask())).statusCode, 303);
      const r3 = await requestOf(third);
      // The sibling's own request: on the assessment the sibling shares with the child.
      assert.equal(
        (await post(practitioner, `/people/${sibling}/panel-requests/new/${panelId}`, ask())).statusCode,
        303,
      );
      const r2 = await requestOf(sibling);
      await post(admin, `/panels/${panelId}/requests/${r2.id}/accept`, {});
      await post(admin, `/panels/${panelId}/requests/${r3.id}/accept`, {});
      assert.equal(
        (await post(admin, `/panels/${panelId}/requests/${r2.id}/allocate`, { meetingId: meetingA })).statusCode,
        303,
      );
      assert.equal((await requestOf(sibling)).slot_order, 2);
      const full = await post(admin, `/panels/${panelId}/requests/${r3.id}/allocate`, { meetingId: meetingA });
      assert.equal(full.statusCode, 400);
      assert.match(full.body, /Select a meeting of this panel from the list|is full/);
      assert.equal((await post(admin, `/panels/${panelId}/requests/${r3.id}/allocate`, {})).statusCode, 303);
      assert.equal((await requestOf(third)).meeting_id, meetingB);
    });

    test('the agenda is in slot order with times and reorders without JavaScript', async () => {
      // 7 December: more than 7 days before the meeting, its members do not yet see the children on its agenda.
      assert.equal((await (await as(member)).get(`/people/${child}/panel-requests`)).statusCode, 404);
      const page = await (await as(admin)).get(`/panels/${panelId}/meetings/${meetingA}/agenda`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /10:00 to 10:15: <a[^>]*>Ulla Fenwick[\s\S]*10:15 to 10:30: <a[^>]*>Otto Fenwick/);
      const r = await requestOf(child);
      assert.equal(
        (await post(admin, `/panels/${panelId}/meetings/${meetingA}/agenda/${r.id}/move`, { direction: 'down' }))
          .statusCode,
        303,
      );
      const again = await (await as(admin)).get(`/panels/${panelId}/meetings/${meetingA}/agenda`);
      assert.match(again.body, /10:00 to 10:15: <a[^>]*>Otto Fenwick[\s\S]*10:15 to 10:30: <a[^>]*>Ulla Fenwick/);
    });

    test('papers after the deadline move the case to the next meeting, unless the chair agrees', async () => {
      setClock(new Date('2026-12-10T10:00:00Z'));
      const r = await requestOf(child);
      const moved = await post(admin, `/panels/${panelId}/requests/${r.id}/papers`, {});
      assert.equal(moved.statusCode, 200);
      assert.match(moved.body, /moved to the meeting on Wednesday 13 January 2027/);
      assert.equal((await requestOf(child)).meeting_id, meetingB);
      assert.equal((await requestOf(sibling)).slot_order, 1);
      // The sibling's papers are late too, but the chair agrees they stay.
      const r2 = await requestOf(sibling);
      assert.equal((await post(admin, `/panels/${panelId}/requests/${r2.id}/late-papers`, {})).statusCode, 403);
      assert.equal((await post(chair, `/panels/${panelId}/requests/${r2.id}/late-papers`, {})).statusCode, 303);
      assert.equal((await post(admin, `/panels/${panelId}/requests/${r2.id}/papers`, {})).statusCode, 303);
      assert.equal((await requestOf(sibling)).meeting_id, meetingA);
    });

    test('a child on two panels’ agendas in the same period: both are warned and each records that it knows', async () => {
      await consentFor(third, otherPanelId, practitioner);
      const otherMeeting = await meeting(otherPanelId, '2027-01-14');
      const made = await post(practitioner, `/people/${third}/panel-requests/new/${otherPanelId}`, ask());
      assert.equal(made.statusCode, 303, String(made.headers.location));
      const other = await requestOf(third, otherPanelId);
      await post(otherAdmin, `/panels/${otherPanelId}/requests/${other.id}/accept`, {});
      assert.equal(
        (await post(otherAdmin, `/panels/${otherPanelId}/requests/${other.id}/allocate`, {})).statusCode,
        303,
      );
      assert.equal((await requestOf(third, otherPanelId)).meeting_id, otherMeeting);
      const ours = await db
        .selectFrom('panel_request')
        .select('id')
        .where('person_id', '=', third)
        .where('panel_id', '=', panelId)
        .executeTakeFirstOrThrow();
      const agenda = await (await as(admin)).get(`/panels/${panelId}/meetings/${meetingB}/agenda`);
      assert.match(
        agenda.body,
        /Ravi Sandhu is also on the agenda of North Area Family Support Panel on Thursday 14 January 2027/,
      );
      assert.match(agenda.body, /This panel has not yet recorded that it knows/);
      const ack = await post(admin, `/panels/${panelId}/meetings/${meetingB}/agenda/${ours.id}/acknowledge`, {
        personId: third,
        kind: 'panel_request',
        otherId: other.id,
      });
      assert.equal(ack.statusCode, 303);
      const theirs = await (await as(otherAdmin)).get(`/panels/${otherPanelId}/meetings/${otherMeeting}/agenda`);
      assert.match(theirs.body, /also on the agenda of South Area Family Support Panel on Wednesday 13 January 2027/);
      assert.match(theirs.body, /The other forum knows/);
      assert.equal((await audits('panel-request.two-forums-acknowledged')).length, 1);
      const told = await db
        .selectFrom('notification')
        .select('title')
        .where('user_id', '=', admin.id)
        .where('kind', '=', 'panel-request.two-forums')
        .execute();
      assert.equal(told.length, 1);
    });

    test('panel members see the children on their agenda only around the meeting; others never', async () => {
      const look = async (user: TestUser) =>
        (await (await as(user)).get(`/people/${sibling}/panel-requests`)).statusCode;
      // 10 December: within 7 days before the meeting on 16 December, where the sibling stays.
      assert.equal(await look(member), 200);
      assert.equal(await look(notMember), 404);
      setClock(new Date('2026-12-31T10:00:00Z'));
      assert.equal(await look(member), 404);
    });
  });
}
