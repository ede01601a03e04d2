/**
 * After the panel (docs/decisions/0036): the team asked reports whether it implemented a recommendation; a report of
 * non-implementation notifies the panel's chair and deputy chair and goes on their work lists until considered;
 * another team is refused and audited; bad input keeps what was typed; a second report is refused unless it corrects
 * the one that stands, and the history is kept; the chronology shows it; the API reads the record and reports.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { currentGuidance } from '../../src/features/threshold/repository.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPanel, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

// Wednesday 16 December 2026, after the meeting (10:00 to 10:30).
const AFTER = new Date('2026-12-16T11:00:00Z');
// Tuesday 12 January 2027: the agencies report back.
const LATER = new Date('2027-01-12T10:00:00Z');

for (const engine of engines()) {
  describe(`implementation reports on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let referrer: TestUser;
    let admin: TestUser;
    let chair: TestUser;
    let deputyChair: TestUser;
    let member: TestUser;
    let healthWorker: TestUser;
    let councilWorker: TestUser;
    let stranger: TestUser;
    let panelId: string;
    let meetingId: string;
    let requestId: string;
    let child: string;
    let healthTeam: string;
    let councilTeam: string;
    let healthRec: string;
    let councilRec: string;
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
    const tokens = new Map<string, string>();
    const call = async (u: TestUser, method: 'GET' | 'POST', url: string, payload?: unknown) => {
      if (!tokens.has(u.id)) {
        const made = await new TokenService(db, t.clock).createForEmail(
          u.email,
          { name: 'test', expiresInDays: null },
          { requestId: 'test', clientIp: '127.0.0.1' },
        );
        tokens.set(u.id, made.token);
      }
      return t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${tokens.get(u.id)}` },
        ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
      });
    };
    const record = () => `/panels/${panelId}/meetings/${meetingId}/record`;
    const reportUrl = (recId: string) =>
      `/people/${child}/panel-requests/${requestId}/recommendations/${recId}/implementation`;
    const audits = (action: string) =>
      db.selectFrom('audit_event').select(['record_id', 'details']).where('action', '=', action).execute();
    const openWork = (kind: string) =>
      db
        .selectFrom('work_item')
        .select(['assigned_user_id', 'assigned_team_id', 'source_id', 'person_id'])
        .where('kind', '=', kind)
        .where('status', '=', 'open')
        .execute();

    let redirectedRequest = '';
    const redirectedId = () => redirectedRequest;
    const consentAndAssessment = async () => {
      redirectedRequest = (
        await db
          .selectFrom('panel_request')
          .select('id')
          .where('person_id', '=', child)
          .where('status', '=', 'redirected')
          .executeTakeFirstOrThrow()
      ).id;
      const c = await db
        .insertInto('consent')
        .values({
          person_id: child,
          household_id: null,
          given_by_person_id: child,
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
          recorded_by: referrer.id,
          recorded_by_organisation_id: referrer.organisationId,
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
      const guidance = await currentGuidance(db);
      const content = { changesWanted: 'Calmer mornings', successCriteria: 'On time every day' };
      const a = await db
        .insertInto('assessment')
        .values({
          episode_id: null,
          author_id: referrer.id,
          organisation_id: referrer.organisationId,
          guidance_id: guidance.id,
          contact_id: null,
          content: JSON.stringify(content),
          version: 1,
          status: 'signed_off',
          signed_off_version: 1,
          started_at: new Date('2026-11-01T10:00:00Z'),
          updated_at: new Date('2026-11-02T10:00:00Z'),
          updated_by: referrer.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('assessment_person').values({ assessment_id: a.id, person_id: child }).execute();
      await db
        .insertInto('assessment_version')
        .values({
          assessment_id: a.id,
          number: 1,
          content: JSON.stringify(content),
          section: null,
          saved_by: referrer.id,
          saved_at: new Date('2026-11-02T10:00:00Z'),
        })
        .execute();
    };

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(AFTER);
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Stopsley Primary', agency_type: 'school' });
      const council = await createOrganisation(db, { name: 'Luton Borough Council', agency_type: 'local_authority' });
      const health = await createOrganisation(db, { name: 'Luton Health Visiting', agency_type: 'health' });
      referrer = await createUser(db, { roles: ['practitioner'], organisationId: school.id, name: 'Nia Clarke' });
      admin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id, name: 'Amira Begum' });
      chair = await createUser(db, { roles: ['panel_chair'], organisationId: council.id, name: 'Grace Obi' });
      deputyChair = await createUser(db, { roles: ['panel_chair'], organisationId: health.id, name: 'Ivo Marsh' });
      member = await createUser(db, { roles: ['panel_member'], organisationId: health.id, name: 'Hal Jones' });
      healthWorker = await createUser(db, { roles: ['practitioner'], organisationId: health.id, name: 'Lena Ward' });
      councilWorker = await createUser(db, { roles: ['practitioner'], organisationId: council.id, name: 'Omar Pike' });
      const youth = await createOrganisation(db, { name: 'Luton Youth Service', agency_type: 'voluntary' });
      stranger = await createUser(db, { roles: ['practitioner'], organisationId: youth.id, name: 'Tess Gray' });
      panelId = await createPanel(db, 'South Area Family Support Panel', [
        { user: admin, role: 'administrator' },
        { user: chair, role: 'chair' },
        { user: member, role: 'member' },
      ]);
      await db
        .insertInto('panel_member')
        .values({
          panel_id: panelId,
          user_id: deputyChair.id,
          organisation_id: health.id,
          role: 'deputy_chair',
          deputy_for: null,
          adviser_kind: null,
          from_date: '2020-01-01',
          to_date: null,
        })
        .execute();
      const team = async (organisationId: string, name: string, user: TestUser) => {
        const id = (
          await db
            .insertInto('team')
            .values({ organisation_id: organisationId, area_id: null, name })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
        await db.insertInto('user_team').values({ user_id: user.id, team_id: id }).execute();
        return id;
      };
      healthTeam = await team(health.id, 'South Health Visiting', healthWorker);
      councilTeam = await team(council.id, 'Family Support Team', councilWorker);
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
      // The meeting's record, through the pages: the case, two recommendations, and the chair's approval.
      const saved = await post(admin, `${record()}/${requestId}`, {
        discussion: 'Mornings are hard; health and the council can both help.',
        outcomes: ['advice', 'better_coordination'],
        leadKind: 'none',
      });
      assert.equal(saved.statusCode, 303, saved.body);
      for (const [what, teamId] of [
        ['Offer a health visitor home visit about sleep routines', healthTeam],
        ['Offer a family support worker for mornings', councilTeam],
      ] as const) {
        const added = await post(admin, `${record()}/${requestId}/recommendations`, {
          what,
          teamId,
          'dueOn-day': '15',
          'dueOn-month': '1',
          'dueOn-year': '2027',
        });
        assert.equal(added.statusCode, 303, added.body);
      }
      assert.equal((await post(chair, `${record()}/approve`, {})).statusCode, 303);
      const recs = await db.selectFrom('panel_recommendation').select(['id', 'team_id']).execute();
      healthRec = recs.find((r) => r.team_id === healthTeam)!.id;
      councilRec = recs.find((r) => r.team_id === councilTeam)!.id;
    });
    after(async () => t.close());

    test('the teams asked see their recommendations on their work lists and a link to report on each', async () => {
      setClock(LATER);
      const work = await openWork('panel-record.recommendation');
      assert.deepEqual(work.map((w) => w.assigned_team_id).sort(), [healthTeam, councilTeam].sort());
      const page = await (await as(healthWorker)).get(`/people/${child}/panel-requests/${requestId}/decisions`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Not reported yet/);
      assert.ok(page.body.includes(`href="${reportUrl(healthRec)}"`), 'a link to report on its own');
      assert.ok(!page.body.includes(`href="${reportUrl(councilRec)}"`), 'no link to report on another team’s');
    });

    test('someone who does not work with the child is told it is not found, audited', async () => {
      const res = await (await as(stranger)).get(reportUrl(healthRec));
      assert.equal(res.statusCode, 404);
      const sent = await post(stranger, reportUrl(healthRec), {
        implemented: 'no',
        reason: 'No capacity',
      });
      assert.equal(sent.statusCode, 404);
      assert.ok((await audits('panel-recommendation.refused')).some((a) => a.record_id === child));
    });

    test('another team that works with the child is refused with the reason, and the refusal audited', async () => {
      const res = await post(councilWorker, reportUrl(healthRec), {
        implemented: 'yes',
        'implementedOn-day': '5',
        'implementedOn-month': '1',
        'implementedOn-year': '2027',
      });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /Only Luton Health Visiting: South Health Visiting, the team the panel asked/);
      const refused = await audits('panel-recommendation.report-refused');
      assert.equal(refused.length, 1);
      assert.equal(refused[0]!.record_id, child);
      assert.equal(await db.selectFrom('panel_recommendation_report').select('id').executeTakeFirst(), undefined);
    });

    test('bad input is refused GOV.UK style, keeping what was typed', async () => {
      const none = await post(healthWorker, reportUrl(healthRec), {});
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /Select whether the recommendation was implemented/);
      const noReason = await post(councilWorker, reportUrl(councilRec), { implemented: 'no', reason: '  ' });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Enter why it was not implemented/);
      const future = await post(healthWorker, reportUrl(healthRec), {
        implemented: 'yes',
        'implementedOn-day': '1',
        'implementedOn-month': '2',
        'implementedOn-year': '2027',
        note: 'Two visits so far',
      });
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /Date implemented must be today or in the past/);
      assert.match(future.body, /Two visits so far/);
      const before = await post(healthWorker, reportUrl(healthRec), {
        implemented: 'yes',
        'implementedOn-day': '10',
        'implementedOn-month': '12',
        'implementedOn-year': '2026',
      });
      assert.equal(before.statusCode, 400);
      assert.match(before.body, /Date implemented must be on or after the panel met, Wednesday 16 December 2026/);
      const notADate = await post(healthWorker, reportUrl(healthRec), {
        implemented: 'yes',
        'implementedOn-day': '31',
        'implementedOn-month': '2',
        'implementedOn-year': '2027',
      });
      assert.equal(notADate.statusCode, 400);
      assert.match(notADate.body, /Date implemented must be a real date/);
      assert.equal(await db.selectFrom('panel_recommendation_report').select('id').executeTakeFirst(), undefined);
    });

    test('implemented: the report completes the team’s work item and shows on the record and the decisions page', async () => {
      const res = await post(healthWorker, reportUrl(healthRec), {
        implemented: 'yes',
        'implementedOn-day': '5',
        'implementedOn-month': '1',
        'implementedOn-year': '2027',
        note: 'Two home visits; a sleep plan agreed',
      });
      assert.equal(res.statusCode, 303, res.body);
      const work = await openWork('panel-record.recommendation');
      assert.deepEqual(
        work.map((w) => w.assigned_team_id),
        [councilTeam],
      );
      const page = await (await as(referrer)).get(`/people/${child}/panel-requests/${requestId}/decisions`);
      assert.match(page.body, /Implemented on Tuesday 5 January 2027/);
      const casePage = await (await as(member)).get(`${record()}/${requestId}`);
      assert.match(casePage.body, /Implemented on Tuesday 5 January 2027/);
      assert.match(casePage.body, /Lena Ward, Luton Health Visiting/);
      const meeting = await (await as(member)).get(record());
      assert.match(meeting.body, /Implementation: 1 of 2 recommendations reported on/);
      assert.equal((await audits('panel-recommendation.reported')).length, 1);
      // No one is alerted when it was implemented.
      assert.equal((await openWork('panel-recommendation.not-implemented')).length, 0);
    });

    test('a second report is refused unless it corrects the one that stands; a correction keeps the history', async () => {
      const again = await post(healthWorker, reportUrl(healthRec), {
        implemented: 'yes',
        'implementedOn-day': '6',
        'implementedOn-month': '1',
        'implementedOn-year': '2027',
      });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /Lena Ward \(Luton Health Visiting\) has already reported on this recommendation/);
      const form = await (await as(healthWorker)).get(reportUrl(healthRec));
      const standing = /name="corrects" value="([0-9a-f-]{36})"/.exec(form.body)?.[1];
      assert.ok(standing, 'the form names the report it would correct');
      const corrected = await post(healthWorker, reportUrl(healthRec), {
        corrects: standing!,
        implemented: 'yes',
        'implementedOn-day': '6',
        'implementedOn-month': '1',
        'implementedOn-year': '2027',
        note: 'The first visit was on the 6th',
      });
      assert.equal(corrected.statusCode, 303);
      const history = await db
        .selectFrom('panel_recommendation_report')
        .select(['id', 'implemented_on', 'corrects_id', 'reported_by'])
        .where('recommendation_id', '=', healthRec)
        .orderBy('reported_at')
        .execute();
      assert.equal(history.length, 2);
      assert.equal(history[0]!.implemented_on, '2027-01-05');
      assert.equal(history[1]!.corrects_id, history[0]!.id);
      const page = await (await as(healthWorker)).get(reportUrl(healthRec));
      assert.match(page.body, /Implemented on Wednesday 6 January 2027/);
      assert.match(page.body, /Corrected/);
      const stale = await post(healthWorker, reportUrl(healthRec), {
        corrects: standing!,
        implemented: 'no',
        reason: 'Oops',
      });
      assert.equal(stale.statusCode, 409);
      assert.equal((await audits('panel-recommendation.report-corrected')).length, 1);
    });

    test('not implemented: the chair and deputy chair are notified and have it on their work lists; the chronology shows it', async () => {
      const res = await post(councilWorker, reportUrl(councilRec), {
        implemented: 'no',
        reason: 'No family support worker free until March',
      });
      assert.equal(res.statusCode, 303, res.body);
      const notes = await db
        .selectFrom('notification')
        .select(['user_id', 'href'])
        .where('kind', '=', 'panel-recommendation.not-implemented')
        .execute();
      assert.deepEqual(notes.map((n) => n.user_id).sort(), [chair.id, deputyChair.id].sort());
      assert.doesNotMatch(notes[0]!.href, /Ulla|Fenwick/);
      const alerts = await openWork('panel-recommendation.not-implemented');
      assert.deepEqual(alerts.map((w) => w.assigned_user_id).sort(), [chair.id, deputyChair.id].sort());
      assert.ok(alerts.every((w) => w.person_id === null));
      const work = await (await as(chair)).get('/work');
      assert.match(work.body, /Consider a recommendation of South Area Family Support Panel that was not implemented/);
      assert.equal((await openWork('panel-record.recommendation')).length, 0);
      const chron = await (await as(referrer)).get(`/people/${child}/chronology`);
      assert.match(
        chron.body,
        /Luton Borough Council reported the recommendation of South Area Family Support Panel was not implemented/,
      );
      const meeting = await (await as(member)).get(record());
      assert.match(meeting.body, /1 not implemented/);
    });

    test('only the chair or a deputy chair marks it considered, with a note; others are refused and audited', async () => {
      const casePage = await (await as(chair)).get(`${record()}/${requestId}`);
      assert.match(casePage.body, /No family support worker free until March/);
      const reportId = /\/reports\/([0-9a-f-]{36})\/consider/.exec(casePage.body)?.[1];
      assert.ok(reportId, 'the chair is offered the form');
      const memberPage = await (await as(member)).get(`${record()}/${requestId}`);
      assert.doesNotMatch(memberPage.body, /data-qa="consider"/);
      const url = `${record()}/${requestId}/reports/${reportId}/consider`;
      const field = `considered-${reportId}`;
      const byMember = await post(member, url, { [field]: 'Spoke to them' });
      assert.equal(byMember.statusCode, 403);
      assert.equal((await audits('panel-recommendation.consider-refused')).length, 1);
      const byOutsider = await post(councilWorker, url, { [field]: 'Spoke to them' });
      assert.equal(byOutsider.statusCode, 403);
      const empty = await post(chair, url, { [field]: '' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Enter what you did about it/);
      const ok = await post(deputyChair, url, {
        [field]: 'Agreed with the council that a worker starts on 1 March; the family told',
      });
      assert.equal(ok.statusCode, 303);
      assert.equal((await openWork('panel-recommendation.not-implemented')).length, 0);
      const after = await (await as(chair)).get(`${record()}/${requestId}`);
      assert.match(after.body, /Considered by Ivo Marsh/);
      assert.doesNotMatch(after.body, /data-qa="consider"/);
      const twice = await post(chair, url, { [field]: 'Again' });
      assert.equal(twice.statusCode, 409);
      assert.equal((await audits('panel-recommendation.considered')).length, 1);
    });

    test('a discussed case can be re-referred, linked to its earlier discussion, under the same checks as any request', async () => {
      const childPage = await (await as(referrer)).get(`/people/${child}/panel-requests/${requestId}`);
      const again = `/people/${child}/panel-requests/new/${panelId}?previous=${requestId}`;
      assert.ok(childPage.body.includes(again), 'the request offers a re-referral');
      const form = await (await as(referrer)).get(again);
      assert.equal(form.statusCode, 200);
      assert.match(
        form.body,
        /Re-referral: discussed on Wednesday 16 December 2026 at South Area Family Support Panel/,
      );
      assert.match(
        form.body,
        /Offer a family support worker for mornings \(Luton Borough Council\): No family support/,
      );
      assert.match(form.body, /Calmer mornings/);
      assert.match(form.body, /Who can co-ordinate\?/);
      assert.ok(form.body.includes(`name="previousRequestId" value="${requestId}"`));
      const ask = {
        harm: 'no',
        breakdown: 'no',
        statutory: 'no',
        educationOnly: 'no',
        steps: ['monitored'],
        changesWanted: 'Calmer mornings',
        successCriteria: 'On time every day',
        questions: 'The family support worker never started: who else can help?',
        previousRequestId: requestId,
      };
      const url = `/people/${child}/panel-requests/new/${panelId}`;
      // The consent and assessment checks apply as for any request, and what was typed is kept.
      const noConsent = await post(referrer, url, ask);
      assert.equal(noConsent.statusCode, 400);
      assert.match(noConsent.body, /There is no consent to share with South Area Family Support Panel/);
      assert.match(noConsent.body, /never started: who else can help/);
      assert.match(noConsent.body, /Re-referral: discussed on Wednesday 16 December 2026/);
      // A redirect rule applies to a re-referral too.
      const redirected = await post(referrer, url, { ...ask, harm: 'yes' });
      assert.equal(redirected.statusCode, 200);
      assert.match(redirected.body, /front door/i);
      await consentAndAssessment();
      // Only a discussed request of this child can be the earlier one.
      const notDiscussed = await post(referrer, url, { ...ask, previousRequestId: redirectedId() });
      assert.equal(notDiscussed.statusCode, 400);
      assert.match(notDiscussed.body, /A re-referral follows a request about this child that a panel has discussed/);
      const made = await post(referrer, url, ask);
      assert.equal(made.statusCode, 303, made.body);
      const row = await db
        .selectFrom('panel_request')
        .select(['id', 'previous_request_id', 'status'])
        .where('previous_request_id', '=', requestId)
        .where('status', '=', 'submitted')
        .executeTakeFirstOrThrow();
      const mine = await (await as(referrer)).get(`/people/${child}/panel-requests/${row.id}`);
      assert.match(
        mine.body,
        /Re-referral: discussed on Wednesday 16 December 2026 at South Area Family Support Panel/,
      );
      const queue = await (await as(admin)).get(`/panels/${panelId}/requests`);
      assert.match(queue.body, /Re-referral: discussed on Wednesday 16 December 2026/);
      const adminView = await (await as(admin)).get(`/panels/${panelId}/requests/${row.id}`);
      assert.match(adminView.body, /Offer a family support worker for mornings/);
      assert.match(adminView.body, /Identify a better way of co-ordinating services/);
    });

    test('the API reads the approved record for the panel’s members, with each recommendation’s implementation', async () => {
      const res = await call(member, 'GET', `/api/v1/panel-meetings/${meetingId}/record`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as {
        approvedAt: string;
        attendance: unknown[];
        cases: {
          requestId: string;
          outcomes: string[];
          recommendations: { id: string; implementation: { status: string; reports: unknown[] } }[];
        }[];
      };
      assert.ok(body.approvedAt);
      assert.equal(body.cases.length, 1);
      assert.deepEqual(body.cases[0]!.outcomes, ['advice', 'better_coordination']);
      const health = body.cases[0]!.recommendations.find((r) => r.id === healthRec)!;
      assert.equal(health.implementation.status, 'implemented');
      assert.equal(health.implementation.reports.length, 2);
      const council = body.cases[0]!.recommendations.find((r) => r.id === councilRec)!;
      assert.equal(council.implementation.status, 'not_implemented');
      const denied = await call(healthWorker, 'GET', `/api/v1/panel-meetings/${meetingId}/record`);
      assert.ok([403, 404].includes(denied.statusCode));
    });

    test('the API reports under the page’s rules: 422 naming the fields, 409 for a second report, 403 for another team', async () => {
      const url = (id: string) => `/api/v1/panel-recommendations/${id}/implementation`;
      const bad = await call(councilWorker, 'POST', url(councilRec), { implemented: 'no', corrects: null });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /reason/);
      const malformed = await call(councilWorker, 'POST', url(councilRec), { implemented: 7 });
      assert.equal(malformed.statusCode, 400);
      const wrongTeam = await call(healthWorker, 'POST', url(councilRec), {
        implemented: 'yes',
        implementedOn: '2027-01-11',
      });
      assert.equal(wrongTeam.statusCode, 403);
      const second = await call(councilWorker, 'POST', url(councilRec), {
        implemented: 'yes',
        implementedOn: '2027-01-11',
      });
      assert.equal(second.statusCode, 409);
      const standing = await db
        .selectFrom('panel_recommendation_report')
        .select('id')
        .where('recommendation_id', '=', councilRec)
        .executeTakeFirstOrThrow();
      const fixed = await call(councilWorker, 'POST', url(councilRec), {
        implemented: 'yes',
        implementedOn: '2027-01-11',
        note: 'A worker was found after all',
        corrects: standing.id,
      });
      assert.equal(fixed.statusCode, 201, fixed.body);
      assert.equal((fixed.json() as { implementation: { status: string } }).implementation.status, 'implemented');
    });
  });
}
