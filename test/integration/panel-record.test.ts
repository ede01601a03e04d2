/**
 * The record of a panel meeting (docs/decisions/0034): attendance, each case's discussion, outcomes, recommendations,
 * lead professional and dissent, refused GOV.UK style when incomplete; approval by the chair only, and its effects
 * (the chronology, the child index, the agencies' work lists); the 48-hour clock flagged on the work list; circulating
 * each case's written decisions within 4 working days, through notifications whose email names no child.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPanel, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

// Tuesday 15 December 2026, the day before the meeting.
const BEFORE = new Date('2026-12-15T10:00:00Z');
// Wednesday 16 December 2026, after the meeting (10:00 to 10:30).
const AFTER = new Date('2026-12-16T11:00:00Z');
// 48 working hours from 10:30 on the 16th is 10:30 on Friday the 18th.
const LATE = new Date('2026-12-18T11:00:00Z');

for (const engine of engines()) {
  describe(`the record of a panel meeting on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let referrer: TestUser;
    let admin: TestUser;
    let chair: TestUser;
    let member: TestUser;
    let deputy: TestUser;
    let otherChair: TestUser;
    let outsider: TestUser;
    let teamWorker: TestUser;
    let panelId: string;
    let memberSeat: string;
    let deputySeat: string;
    let meetingId: string;
    let requestId: string;
    let child: string;
    let schoolId: string;
    let teamId: string;
    const as = signedInClients(() => t);
    const post = async (user: TestUser, url: string, form: Record<string, string | string[]>) => {
      const c = await as(user);
      await c.get('/');
      return c.post(url, form);
    };
    const setClock = (at: Date) => {
      t.clock.set(at);
      as.clear();
    };
    const base = () => `/panels/${panelId}/meetings/${meetingId}/record`;
    const caseForm = (extra: Record<string, string | string[]> = {}) => ({
      discussion: 'School and health visitor both see late mornings; no one agency can meet it alone.',
      outcomes: ['better_coordination', 'lead_professional'],
      leadKind: 'person',
      leadUserId: referrer.id,
      leadOrganisationId: '',
      leadCriteria: ['additional_needs', 'formal_assessment_likely', 'coordination_needed'],
      leadObjectives: 'Co-ordinate the school, health and family support plans; one plan by February.',
      'leadReviewOn-day': '15',
      'leadReviewOn-month': '3',
      'leadReviewOn-year': '2027',
      leadInformFamily: 'Nia Clarke visits the family this week to explain the decisions.',
      schoolOrganisationId: schoolId,
      schoolContact: 'senco',
      schoolNote: 'Mornings routine support',
      dissentUserId: member.id,
      dissentReason: 'Would have preferred a referral to parenting support first.',
      ...extra,
    });
    const audits = (action: string) =>
      db.selectFrom('audit_event').select(['record_id', 'details']).where('action', '=', action).execute();

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(BEFORE);
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Stopsley Primary', agency_type: 'school' });
      schoolId = school.id;
      const council = await createOrganisation(db, { name: 'Luton Borough Council', agency_type: 'local_authority' });
      const health = await createOrganisation(db, { name: 'Luton Health Visiting', agency_type: 'health' });
      referrer = await createUser(db, { roles: ['practitioner'], organisationId: school.id, name: 'Nia Clarke' });
      admin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id, name: 'Amira Begum' });
      chair = await createUser(db, { roles: ['panel_chair'], organisationId: council.id, name: 'Grace Obi' });
      member = await createUser(db, { roles: ['panel_member'], organisationId: health.id, name: 'Hal Jones' });
      deputy = await createUser(db, { roles: ['panel_member'], organisationId: health.id, name: 'Dee Patel' });
      otherChair = await createUser(db, { roles: ['panel_chair'], organisationId: council.id });
      outsider = await createUser(db, { roles: ['panel_member'], organisationId: council.id });
      teamWorker = await createUser(db, { roles: ['practitioner'], organisationId: health.id });
      panelId = await createPanel(db, 'South Area Family Support Panel', [
        { user: admin, role: 'administrator' },
        { user: chair, role: 'chair' },
        { user: member, role: 'member' },
      ]);
      await createPanel(db, 'North Area Family Support Panel', [{ user: otherChair, role: 'chair' }]);
      memberSeat = (
        await db
          .selectFrom('panel_member')
          .select('id')
          .where('panel_id', '=', panelId)
          .where('user_id', '=', member.id)
          .executeTakeFirstOrThrow()
      ).id;
      deputySeat = (
        await db
          .insertInto('panel_member')
          .values({
            panel_id: panelId,
            user_id: deputy.id,
            organisation_id: health.id,
            role: 'deputy',
            deputy_for: memberSeat,
            adviser_kind: null,
            from_date: '2020-01-01',
            to_date: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      teamId = (
        await db
          .insertInto('team')
          .values({ organisation_id: health.id, area_id: null, name: 'South Health Visiting' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db.insertInto('user_team').values({ user_id: teamWorker.id, team_id: teamId }).execute();
      child = await createPerson(db, {
        givenName: 'Ulla',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: school.id, userId: referrer.id },
      });
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
      requestId = (
        await db
          .insertInto('panel_request')
          .values({
            panel_id: panelId,
            person_id: child,
            referrer_user_id: referrer.id,
            referrer_organisation_id: school.id,
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
            status: 'accepted',
            status_reason: null,
            redirected_to: null,
            decided_by: admin.id,
            decided_at: new Date('2026-12-01T10:00:00Z'),
            meeting_id: meetingId,
            slot_order: 1,
            papers_submitted_at: null,
            late_papers_agreed_by: null,
            late_papers_agreed_at: null,
            invitation_sent_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db.insertInto('panel_request_person').values({ request_id: requestId, person_id: child }).execute();
    });
    after(async () => t.close());

    test('members read the record; someone not on the panel is told it is not found; nothing is written before the meeting day', async () => {
      const read = await (await as(member)).get(base());
      assert.equal(read.statusCode, 200);
      assert.match(read.body, /Record of the meeting on/);
      assert.match(read.body, /Ulla Fenwick/);
      assert.doesNotMatch(read.body, /data-qa="save-attendance"/);
      const denied = await (await as(outsider)).get(base());
      assert.equal(denied.statusCode, 404);
      const early = await post(admin, `${base()}/${requestId}`, caseForm());
      assert.equal(early.statusCode, 400);
      assert.match(early.body, /The record can be written from the day of the meeting/);
      assert.ok((await audits('panel-record.viewed')).length >= 1);
    });

    test('attendance: each seat present, with apologies or a deputy sent, and the referrer; a deputy sent must be named', async () => {
      setClock(AFTER);
      const form = {
        [`attendance-${memberSeat}`]: 'deputy_sent',
        [`deputy-${memberSeat}`]: '',
        [`referrer-${requestId}`]: 'present',
      };
      for (const u of [admin, chair]) {
        const seat = await db
          .selectFrom('panel_member')
          .select('id')
          .where('panel_id', '=', panelId)
          .where('user_id', '=', u.id)
          .executeTakeFirstOrThrow();
        form[`attendance-${seat.id}`] = 'present';
      }
      const bad = await post(admin, `${base()}/attendance`, form);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Select the deputy who came for Hal Jones/);
      const ok = await post(admin, `${base()}/attendance`, { ...form, [`deputy-${memberSeat}`]: deputySeat });
      assert.equal(ok.statusCode, 303);
      const rows = await db.selectFrom('panel_attendance').selectAll().where('meeting_id', '=', meetingId).execute();
      assert.equal(rows.length, 4);
      assert.equal(rows.find((r) => r.member_id === memberSeat)?.deputy_member_id, deputySeat);
      // Starting the record starts the 48-hour clock, on the chair's and administrator's work lists.
      const work = await db
        .selectFrom('work_item')
        .innerJoin('deadline', 'deadline.id', 'work_item.deadline_id')
        .select(['assigned_user_id', 'deadline.due_at'])
        .where('source_id', '=', meetingId)
        .where('kind', '=', 'panel-record.approval')
        .execute();
      assert.deepEqual(work.map((w) => w.assigned_user_id).sort(), [admin.id, chair.id].sort());
      assert.equal(work[0]!.due_at.toISOString(), '2026-12-18T10:30:00.000Z');
    });

    test('a case without outcomes, a lead professional without criteria or objectives, or a review date in the past is refused, keeping what was typed', async () => {
      const none = await post(admin, `${base()}/${requestId}`, caseForm({ outcomes: [] }));
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /Select at least one outcome of the discussion/);
      assert.match(none.body, /no one agency can meet it alone/);
      const criteria = await post(
        admin,
        `${base()}/${requestId}`,
        caseForm({ leadCriteria: ['additional_needs'], leadObjectives: '' }),
      );
      assert.equal(criteria.statusCode, 400);
      assert.match(criteria.body, /only when the panel agrees all three criteria/);
      assert.match(criteria.body, /Enter the lead professional’s objectives/);
      const past = await post(admin, `${base()}/${requestId}`, caseForm({ 'leadReviewOn-year': '2025' }));
      assert.equal(past.statusCode, 400);
      assert.match(past.body, /Review date must be in the future/);
      const noLead = await post(admin, `${base()}/${requestId}`, caseForm({ leadKind: 'none' }));
      assert.equal(noLead.statusCode, 400);
      assert.match(noLead.body, /Record the lead professional or lead agency/);
      const stranger = await post(admin, `${base()}/${requestId}`, caseForm({ leadUserId: outsider.id }));
      assert.equal(stranger.statusCode, 400);
      assert.match(stranger.body, /Select the lead professional from the people at the meeting/);
      assert.equal(await db.selectFrom('panel_case_record').select('request_id').executeTakeFirst(), undefined);
    });

    test('a recommendation needs an agency and a date not in the past', async () => {
      const url = `${base()}/${requestId}/recommendations`;
      const rec = {
        what: 'Offer a health visitor home visit about sleep routines',
        teamId,
        'dueOn-day': '15',
        'dueOn-month': '1',
        'dueOn-year': '2027',
      };
      const noAgency = await post(admin, url, { ...rec, teamId: '', 'dueOn-day': '' });
      assert.equal(noAgency.statusCode, 400);
      assert.match(noAgency.body, /Select the agency that will do it/);
      assert.match(noAgency.body, /Date it is to be done by must include a day, month and year/);
      assert.match(noAgency.body, /sleep routines/);
      const past = await post(admin, url, { ...rec, 'dueOn-year': '2025' });
      assert.equal(past.statusCode, 400);
      assert.match(past.body, /Date it is to be done by must be today or in the future/);
      assert.equal((await post(admin, url, rec)).statusCode, 303);
      const saved = await post(admin, `${base()}/${requestId}`, caseForm());
      assert.equal(saved.statusCode, 303);
      const page = await (await as(member)).get(`${base()}/${requestId}`);
      assert.match(page.body, /Dissent noted: Hal Jones \(Luton Health Visiting\)/);
      assert.match(page.body, /sleep routines/);
    });

    test('past 48 working hours an unapproved record is overdue on the chair’s work list and the record', async () => {
      setClock(LATE);
      const work = await (await as(chair)).get('/work');
      assert.match(work.body, /Approve the record of South Area Family Support Panel/);
      assert.match(work.body, /Overdue/);
      const record = await (await as(admin)).get(base());
      assert.match(
        record.body,
        /data-qa="record-status">\s*<p class="govuk-body"><strong class="govuk-tag govuk-tag--red">\s*Overdue/,
      );
    });

    test('only the chair or a deputy chair approves: anyone else is refused and audited', async () => {
      for (const u of [admin, member, otherChair]) {
        const res = await post(u, `${base()}/approve`, {});
        assert.equal(res.statusCode, 403, `${u.email} is refused`);
      }
      const refused = await audits('panel-record.approval-refused');
      assert.equal(refused.length, 3);
      assert.deepEqual((refused[0]!.details as { personIds: string[] }).personIds, [child]);
      const still = await db.selectFrom('panel_meeting_record').select('approved_at').executeTakeFirstOrThrow();
      assert.equal(still.approved_at, null);
    });

    test('the chair’s approval puts the decisions on the chronology, the lead on the child index and the recommendation on the team’s work list', async () => {
      const res = await post(chair, `${base()}/approve`, {});
      assert.equal(res.statusCode, 303);
      const request = await db
        .selectFrom('panel_request')
        .select('status')
        .where('id', '=', requestId)
        .executeTakeFirstOrThrow();
      assert.equal(request.status, 'discussed');
      const lead = await db
        .selectFrom('involvement')
        .select(['user_id', 'is_lead', 'role'])
        .where('person_id', '=', child)
        .where('role', 'like', 'Lead professional%')
        .executeTakeFirstOrThrow();
      assert.equal(lead.user_id, referrer.id);
      assert.equal(lead.is_lead, true);
      const card = await (await as(referrer)).get(`/people/${child}`);
      assert.match(card.body, /Lead professional, appointed by South Area Family Support Panel/);
      const chron = await (await as(referrer)).get(`/people/${child}/chronology`);
      assert.match(chron.body, /South Area Family Support Panel decided on Wednesday 16 December 2026/);
      assert.match(
        chron.body,
        /South Area Family Support Panel appointed Nia Clarke \(Stopsley Primary\) lead professional/,
      );
      const teamWork = await (await as(teamWorker)).get('/work');
      assert.match(teamWork.body, /Act on a recommendation of South Area Family Support Panel/);
      const decisions = await (await as(teamWorker)).get(`/people/${child}/panel-requests/${requestId}/decisions`);
      assert.equal(decisions.statusCode, 200);
      assert.match(decisions.body, /sleep routines/);
      const deadline = await db
        .selectFrom('deadline')
        .select(['met_at', 'due_at'])
        .where('owner_id', '=', meetingId)
        .executeTakeFirstOrThrow();
      assert.ok(deadline.met_at && deadline.met_at > deadline.due_at, 'met, late');
      const open = await db
        .selectFrom('work_item')
        .select('id')
        .where('source_id', '=', meetingId)
        .where('kind', '=', 'panel-record.approval')
        .where('status', '=', 'open')
        .execute();
      assert.equal(open.length, 0);
      const again = await post(admin, `${base()}/${requestId}`, caseForm());
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /can no longer be changed|no longer/);
      assert.equal((await audits('panel-record.approved')).length, 1);
    });
    test('approval gives each case a circulation deadline 4 working days after the meeting, on the administrator’s work list', async () => {
      const deadline = await db
        .selectFrom('deadline')
        .select(['id', 'due_at', 'met_at'])
        .where('owner_type', '=', 'panel_request')
        .where('owner_id', '=', requestId)
        .where('rule_code', '=', 'PANEL_DECISION_CIRCULATED')
        .executeTakeFirstOrThrow();
      // Wednesday 16 December: Thursday, Friday, Monday, Tuesday; due by the end of Tuesday 22 December.
      assert.equal(deadline.due_at.toISOString(), '2026-12-23T00:00:00.000Z');
      assert.equal(deadline.met_at, null);
      const work = await db
        .selectFrom('work_item')
        .select(['assigned_user_id', 'deadline_id'])
        .where('source_id', '=', meetingId)
        .where('kind', '=', 'panel-record.circulation')
        .where('status', '=', 'open')
        .execute();
      assert.deepEqual(work.map((w) => w.assigned_user_id).sort(), [admin.id, chair.id].sort());
      assert.equal(work[0]!.deadline_id, deadline.id);
      const page = await (await as(admin)).get(base());
      assert.match(page.body, /Not yet circulated/);
      assert.match(page.body, /data-qa="circulate-decisions"/);
      const memberPage = await (await as(member)).get(base());
      assert.doesNotMatch(memberPage.body, /data-qa="circulate-decisions"/);
    });

    test('only the panel’s administrator or chair circulates: a member, a practitioner or another panel’s chair is refused', async () => {
      for (const u of [member, teamWorker]) {
        const res = await post(u, `${base()}/circulate`, {});
        assert.equal(res.statusCode, 403, `${u.email} is refused`);
      }
      const other = await post(otherChair, `${base()}/circulate`, {});
      assert.equal(other.statusCode, 404);
      assert.equal((await audits('panel-record.circulated')).length, 0);
      const deadline = await db
        .selectFrom('deadline')
        .select('met_at')
        .where('owner_id', '=', requestId)
        .where('rule_code', '=', 'PANEL_DECISION_CIRCULATED')
        .executeTakeFirstOrThrow();
      assert.equal(deadline.met_at, null);
    });

    test('circulating notifies the referrer, the lead and the recommended team through the outbox, naming no child, and records it sent within the deadline', async () => {
      // Monday 21 December: within 4 working days of the meeting.
      setClock(new Date('2026-12-21T09:00:00Z'));
      const mailBefore = new Set(
        (await db.selectFrom('outbox_message').select('id').execute()).map((m) => String(m.id)),
      );
      const res = await post(admin, `${base()}/circulate`, {});
      assert.equal(res.statusCode, 303);
      const mail = (await db.selectFrom('outbox_message').select(['id', 'payload']).execute())
        .filter((m) => !mailBefore.has(String(m.id)))
        .map(
          (m) =>
            (typeof m.payload === 'string' ? JSON.parse(m.payload) : m.payload) as {
              to: string;
              subject: string;
              text: string;
            },
        );
      assert.deepEqual(mail.map((m) => m.to).sort(), [referrer.email, teamWorker.email].sort());
      for (const m of mail) {
        assert.doesNotMatch(`${m.subject}\n${m.text}`, /Ulla|Fenwick/);
        assert.equal(m.subject, 'Early Help Hub: you have a new notification');
      }
      const notes = await db
        .selectFrom('notification')
        .select(['user_id', 'href'])
        .where('kind', '=', 'panel-record.circulated')
        .execute();
      assert.deepEqual(notes.map((n) => n.user_id).sort(), [referrer.id, teamWorker.id].sort());
      assert.equal(notes[0]!.href, `/people/${child}/panel-requests/${requestId}/decisions`);
      const deadline = await db
        .selectFrom('deadline')
        .select(['met_at', 'met_by'])
        .where('owner_id', '=', requestId)
        .where('rule_code', '=', 'PANEL_DECISION_CIRCULATED')
        .executeTakeFirstOrThrow();
      assert.match(deadline.met_at?.toISOString() ?? '', /^2026-12-21T09:/);
      assert.equal(deadline.met_by, admin.id);
      const audit = await audits('panel-record.circulated');
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.record_id, child);
      assert.equal((audit[0]!.details as { withinDeadline: boolean }).withinDeadline, true);
      const page = await (await as(admin)).get(`${base()}?done=circulated`);
      assert.match(page.body, /Written decisions circulated on Monday 21 December 2026, within 4 working days/);
      assert.doesNotMatch(page.body, /data-qa="circulate-decisions"/);
      const open = await db
        .selectFrom('work_item')
        .select('id')
        .where('source_id', '=', meetingId)
        .where('kind', '=', 'panel-record.circulation')
        .where('status', '=', 'open')
        .execute();
      assert.equal(open.length, 0);
      const again = await post(chair, `${base()}/circulate`, {});
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /already been circulated/);
    });
    test('past 4 working days an uncirculated case is overdue on the record and the administrator’s work list, and circulating it then is recorded late', async () => {
      // A second meeting, on Thursday 17 December, with one case, recorded and approved on Monday 21 December.
      const second = await createPerson(db, {
        givenName: 'Vera',
        familyName: 'Quill',
        dateOfBirth: '2016-05-06',
        involvement: { organisationId: schoolId, userId: referrer.id },
      });
      const first = await db
        .selectFrom('panel_request')
        .selectAll()
        .where('id', '=', requestId)
        .executeTakeFirstOrThrow();
      const meeting2 = (
        await db
          .insertInto('panel_meeting')
          .values({
            panel_id: panelId,
            meeting_date: '2026-12-17',
            start_time: '10:00',
            end_time: '10:30',
            venue: 'Unity House',
            moved_from: null,
            moved_reason: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      const {
        id: _id,
        created_at: _c,
        updated_at: _u,
        ...copy
      } = first as typeof first & {
        created_at?: unknown;
        updated_at?: unknown;
      };
      const request2 = (
        await db
          .insertInto('panel_request')
          .values({ ...copy, person_id: second, meeting_id: meeting2, status: 'accepted' } as never)
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db.insertInto('panel_request_person').values({ request_id: request2, person_id: second }).execute();
      const base2 = `/panels/${panelId}/meetings/${meeting2}/record`;
      assert.equal((await post(admin, `${base2}/${request2}`, caseForm())).statusCode, 303);
      assert.equal((await post(chair, `${base2}/approve`, {})).statusCode, 303);
      // Due by the end of Wednesday 23 December; on Christmas Eve it is overdue.
      setClock(new Date('2026-12-24T10:00:00Z'));
      const work = await (await as(admin)).get('/work');
      assert.match(
        work.body,
        /Circulate the decisions of South Area Family Support Panel on Thursday 17 December 2026/,
      );
      assert.match(work.body, /Overdue/);
      const record = await (await as(admin)).get(base2);
      assert.match(record.body, /Circulation overdue/);
      assert.equal((await post(admin, `${base2}/circulate`, {})).statusCode, 303);
      const audit = (await audits('panel-record.circulated')).find((a) => a.record_id === second);
      assert.equal((audit!.details as { withinDeadline: boolean }).withinDeadline, false);
      const after = await (await as(admin)).get(base2);
      assert.match(after.body, /Circulated late/);
      assert.match(after.body, /circulated on Thursday 24 December 2026, later than 4 working days after the meeting/);
    });
  });
}
