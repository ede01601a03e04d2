/**
 * The family's decision letter and withdrawing a request to a panel (docs/decisions/0037): the letter in the family's
 * language for the panel's writers, the lead and the referrer only, nothing withheld in it, sending it recorded per
 * case; a request withdrawn with a reason leaves the agenda, later slots move up, its deadlines close, the
 * administrator is told, and a withdrawn request cannot be accepted, allocated or withdrawn again; the API too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPanel, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

// Wednesday 16 December 2026, after the meeting (10:00 to 11:00).
const AFTER = new Date('2026-12-16T12:00:00Z');

for (const engine of engines()) {
  describe(`decision letters and withdrawn requests on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let referrer: TestUser;
    let admin: TestUser;
    let chair: TestUser;
    let member: TestUser;
    let lead: TestUser;
    let stranger: TestUser;
    let panelId: string;
    let meetingId: string;
    let laterMeetingId: string;
    let child: string;
    let decided: string;
    const as = signedInClients(() => t);
    const post = async (user: TestUser, url: string, form: Record<string, string | string[]>) => {
      const c = await as(user);
      await c.get('/');
      return c.post(url, form);
    };
    const audits = (action: string) =>
      db.selectFrom('audit_event').select(['record_id', 'details']).where('action', '=', action).execute();
    let schoolId: string;

    const request = async (meeting: string | null, slot: number | null, status: 'submitted' | 'accepted') => {
      const id = (
        await db
          .insertInto('panel_request')
          .values({
            panel_id: panelId,
            person_id: child,
            referrer_user_id: referrer.id,
            referrer_organisation_id: schoolId,
            episode_id: null,
            assessment_id: null,
            assessment_version: null,
            changes_wanted: 'Calmer mornings',
            success_criteria: 'On time every day',
            questions: 'Who can co-ordinate?',
            service_id: null,
            eligibility: null,
            sharing_basis: null,
            sharing_basis_id: null,
            status,
            status_reason: null,
            redirected_to: null,
            decided_by: status === 'accepted' ? admin.id : null,
            decided_at: status === 'accepted' ? new Date('2026-12-01T10:00:00Z') : null,
            meeting_id: meeting,
            slot_order: slot,
            papers_submitted_at: null,
            late_papers_agreed_by: null,
            late_papers_agreed_at: null,
            invitation_sent_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db.insertInto('panel_request_person').values({ request_id: id, person_id: child }).execute();
      return id;
    };

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(AFTER);
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Stopsley Primary', agency_type: 'school' });
      schoolId = school.id;
      const council = await createOrganisation(db, { name: 'Luton Borough Council', agency_type: 'local_authority' });
      const health = await createOrganisation(db, { name: 'Luton Health Visiting', agency_type: 'health' });
      referrer = await createUser(db, { roles: ['practitioner'], organisationId: school.id, name: 'Nia Clarke' });
      lead = await createUser(db, { roles: ['practitioner'], organisationId: health.id, name: 'Rosa Lind' });
      stranger = await createUser(db, { roles: ['practitioner'], organisationId: school.id });
      admin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id, name: 'Amira Begum' });
      chair = await createUser(db, { roles: ['panel_chair'], organisationId: council.id, name: 'Grace Obi' });
      member = await createUser(db, { roles: ['panel_member'], organisationId: health.id, name: 'Hal Jones' });
      panelId = await createPanel(db, 'South Area Family Support Panel', [
        { user: admin, role: 'administrator' },
        { user: chair, role: 'chair' },
        { user: member, role: 'member' },
      ]);
      child = await createPerson(db, {
        givenName: 'Ulla',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: school.id, userId: referrer.id },
      });
      const mother = await createPerson(db, {
        kind: 'adult',
        givenName: 'Marta',
        familyName: 'Fenwick',
        dateOfBirth: '1990-01-01',
        firstLanguage: 'Polish',
      });
      const father = await createPerson(db, {
        kind: 'adult',
        givenName: 'Piotr',
        familyName: 'Zalewski',
        dateOfBirth: '1988-01-01',
      });
      await db
        .insertInto('relationship')
        .values([
          { person_id: child, related_person_id: mother, kind: 'parent' },
          { person_id: child, related_person_id: father, kind: 'parent' },
        ])
        .execute();
      await db
        .insertInto('withhold_marker')
        .values({
          person_id: father,
          household_id: null,
          subject_person_id: child,
          withheld_from_person_id: mother,
          reason: 'Court order',
          recorded_by: admin.id,
          recorded_at: new Date('2026-11-01T10:00:00Z'),
          ended_at: null,
          ended_by: null,
        })
        .execute();
      const meeting = (date: string) =>
        db
          .insertInto('panel_meeting')
          .values({
            panel_id: panelId,
            meeting_date: date,
            start_time: '10:00',
            end_time: '11:00',
            venue: 'Unity House',
            moved_from: null,
            moved_reason: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
      meetingId = (await meeting('2026-12-16')).id;
      laterMeetingId = (await meeting('2027-01-13')).id;
      decided = await request(meetingId, 1, 'accepted');
      await db
        .insertInto('panel_meeting_record')
        .values({
          meeting_id: meetingId,
          started_by: admin.id,
          started_at: AFTER,
          updated_at: AFTER,
          approved_by: chair.id,
          approved_at: AFTER,
        })
        .execute();
      await db
        .insertInto('panel_case_record')
        .values({
          request_id: decided,
          meeting_id: meetingId,
          discussion: 'Long talk about the father’s visits and the school’s worries.',
          outcomes: ['advice', 'lead_professional'],
          school_organisation_id: null,
          school_contact: null,
          school_note: null,
          lead_kind: 'person',
          lead_user_id: lead.id,
          lead_organisation_id: health.id,
          lead_criteria: ['additional_needs', 'formal_assessment_likely', 'coordination_needed'],
          lead_objectives: 'One plan',
          lead_review_on: '2027-03-15',
          lead_inform_family: 'Rosa visits',
          dissent_user_id: member.id,
          dissent_organisation_id: health.id,
          dissent_reason: 'Wanted a strategy discussion instead.',
          recorded_by: admin.id,
          recorded_at: AFTER,
        })
        .execute();
      const team = await db
        .insertInto('team')
        .values({ organisation_id: health.id, area_id: null, name: 'South Health Visiting' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('panel_recommendation')
        .values({
          request_id: decided,
          what: 'Offer a parenting group place',
          organisation_id: health.id,
          team_id: team.id,
          due_on: '2027-01-31',
          created_by: admin.id,
          created_at: AFTER,
        })
        .execute();
      await db.updateTable('panel_request').set({ status: 'discussed' }).where('id', '=', decided).execute();
    });
    after(async () => t.close());

    const letterUrl = () => `/people/${child}/panel-requests/${decided}/letter`;

    test('the letter is in the family’s language where translated, English marked where not, and holds nothing withheld or discussed', async () => {
      const r = await (await as(referrer)).get(letterUrl());
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /<article class="app-letter" lang="pl"/);
      assert.match(
        r.body,
        /Dzień dobry, <bdi>Marta Fenwick<\/bdi>/,
        'the Polish greeting from the consent explanation',
      );
      assert.match(r.body, /Parts of this letter are in English/);
      assert.match(r.body, /<span lang="en" dir="ltr">What the panel decided/);
      assert.match(r.body, /Marta Fenwick/);
      assert.doesNotMatch(r.body, /Piotr|Zalewski/);
      assert.doesNotMatch(r.body, /father’s visits|strategy discussion/);
      assert.match(r.body, /Rosa Lind/);
      assert.match(r.body, /Offer a parenting group place/);
      const viewed = await audits('panel-record.letter-viewed');
      assert.ok(viewed.some((a) => a.record_id === child));
      const pdf = await (await as(referrer)).get(`${letterUrl()}/pdf`);
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.ok((await audits('document.downloaded')).some((a) => JSON.stringify(a.details).includes(decided)));
    });

    test('the lead and the panel’s writers read it; a member is refused, and someone else is told it is not found (audited)', async () => {
      assert.equal((await (await as(lead)).get(letterUrl())).statusCode, 200);
      assert.equal((await (await as(admin)).get(letterUrl())).statusCode, 200);
      assert.equal((await (await as(chair)).get(letterUrl())).statusCode, 200);
      assert.equal(
        (await (await as(member)).get(letterUrl())).statusCode,
        403,
        'a panel member’s role does not read letters',
      );
      assert.equal((await (await as(stranger)).get(letterUrl())).statusCode, 404);
      assert.ok((await audits('panel-record.letter-refused')).some((a) => a.record_id === child));
    });

    test('sending it is recorded by the panel’s writers, refused GOV.UK style when incomplete, and shown on the record', async () => {
      const bad = await post(admin, letterUrl(), { 'sentOn-day': '40', 'sentOn-month': '12', 'sentOn-year': '2026' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /The date the letter was sent must be a real date/);
      assert.match(bad.body, /Select how the letter was sent to the family/);
      assert.match(bad.body, /value="40"/);
      const future = await post(admin, letterUrl(), {
        'sentOn-day': '1',
        'sentOn-month': '1',
        'sentOn-year': '2027',
        method: 'posted',
      });
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /must be today or in the past/);
      const referrerTries = await post(referrer, letterUrl(), {
        'sentOn-day': '16',
        'sentOn-month': '12',
        'sentOn-year': '2026',
        method: 'posted',
      });
      assert.equal(referrerTries.statusCode, 403);
      const ok = await post(admin, letterUrl(), {
        'sentOn-day': '16',
        'sentOn-month': '12',
        'sentOn-year': '2026',
        method: 'posted',
      });
      assert.equal(ok.statusCode, 303);
      const row = await db
        .selectFrom('panel_case_record')
        .select(['letter_sent_on', 'letter_method', 'letter_language'])
        .where('request_id', '=', decided)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { letter_sent_on: '2026-12-16', letter_method: 'posted', letter_language: 'pl' });
      const record = await (await as(member)).get(`/panels/${panelId}/meetings/${meetingId}/record`);
      assert.match(record.body, /Letter sent to the family on Wednesday 16 December 2026 \(posted to the family\)/);
    });

    test('withdrawing needs a reason, takes the request off the agenda, closes up the slots and its deadlines, tells the administrator', async () => {
      const first = await request(laterMeetingId, 1, 'accepted');
      const second = await request(laterMeetingId, 2, 'accepted');
      await db
        .insertInto('deadline')
        .values({
          owner_type: 'panel_request',
          owner_id: first,
          rule_code: 'PANEL_PAPERS',
          rule_words: 'Papers 5 working days before the panel',
          started_at: AFTER,
          due_at: new Date('2027-01-06T17:00:00Z'),
          at_risk_from: new Date('2027-01-05T17:00:00Z'),
        })
        .execute();
      const url = `/people/${child}/panel-requests/${first}/withdraw`;
      assert.equal((await (await as(stranger)).get(url)).statusCode, 404);
      assert.ok((await audits('panel-request.withdraw-refused')).some((a) => a.record_id === child));
      const empty = await post(referrer, url, { reason: '   ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Enter why the request is being withdrawn/);
      const long = await post(referrer, url, { reason: 'x'.repeat(2001) });
      assert.equal(long.statusCode, 400);
      assert.match(long.body, /x{2001}/, 'what was typed is kept');
      const ok = await post(referrer, url, { reason: 'The family moved to another area.' });
      assert.equal(ok.statusCode, 303);
      const rows = await db
        .selectFrom('panel_request')
        .select(['id', 'status', 'status_reason', 'meeting_id', 'slot_order', 'withdrawn_by'])
        .where('id', 'in', [first, second])
        .execute();
      const f = rows.find((r) => r.id === first)!;
      const s = rows.find((r) => r.id === second)!;
      assert.equal(f.status, 'withdrawn');
      assert.equal(f.status_reason, 'The family moved to another area.');
      assert.equal(f.meeting_id, null);
      assert.equal(f.withdrawn_by, referrer.id);
      assert.equal(s.slot_order, 1, 'the later case moves up');
      const open = await db.selectFrom('deadline').select('id').where('owner_id', '=', first).execute();
      assert.equal(open.length, 0);
      const told = await db
        .selectFrom('notification')
        .select(['user_id', 'title'])
        .where('record_id', '=', first)
        .execute();
      assert.ok(told.some((n) => n.user_id === admin.id && /withdrawn/.test(n.title)));
      assert.ok((await audits('panel-request.withdrawn')).some((a) => a.record_id === child));
      const chronology = await (await as(referrer)).get(`/people/${child}/chronology`);
      assert.match(chronology.body, /Request to South Area Family Support Panel withdrawn/);

      // A withdrawn request can't be accepted, allocated or withdrawn again.
      const accept = await post(admin, `/panels/${panelId}/requests/${first}/accept`, {});
      assert.equal(accept.statusCode, 400);
      assert.match(accept.body, /This request is withdrawn/);
      const allocate = await post(admin, `/panels/${panelId}/requests/${first}/allocate`, {
        meetingId: laterMeetingId,
      });
      assert.equal(allocate.statusCode, 400);
      assert.match(allocate.body, /withdrawn: it cannot be given a slot/);
      const again = await (await as(referrer)).get(url);
      assert.match(again.body, /This request is withdrawn: only a request waiting/);
      const discussed = await (await as(referrer)).get(`/people/${child}/panel-requests/${decided}/withdraw`);
      assert.match(discussed.body, /This request is discussed/);
    });

    test('the API withdraws a request for its panel’s administrator, 422 without a reason or once withdrawn', async () => {
      const waiting = await request(null, null, 'submitted');
      const ctx = { requestId: 'test', clientIp: '127.0.0.1' };
      const made = await new TokenService(db, t.clock).createForEmail(
        admin.email,
        { name: 'test', expiresInDays: null },
        ctx,
      );
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/panel-requests/${waiting}/withdraw`,
        headers: { authorization: `Bearer ${made.token}` },
        payload: { reason: '' },
      });
      assert.equal(res.statusCode, 422);
      const okRes = await t.app.inject({
        method: 'POST',
        url: `/api/v1/panel-requests/${waiting}/withdraw`,
        headers: { authorization: `Bearer ${made.token}` },
        payload: { reason: 'Referrer asked by phone' },
      });
      assert.equal(okRes.statusCode, 200);
      assert.deepEqual(okRes.json(), { id: waiting, status: 'withdrawn' });
      const twice = await t.app.inject({
        method: 'POST',
        url: `/api/v1/panel-requests/${waiting}/withdraw`,
        headers: { authorization: `Bearer ${made.token}` },
        payload: { reason: 'Again' },
      });
      assert.equal(twice.statusCode, 422);
    });
  });
}
