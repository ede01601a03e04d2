/**
 * The panel dashboard (docs/decisions/0038): figures checked against known rows — the deadlines of the four rules
 * due in the period (on time, late, missed, not yet due), slots used, cases waiting, outcomes, recommendations by
 * agency and the unmet needs by month — for the panel's chair; the chairs' view across panels; the period's date
 * errors kept as typed; and the dashboard refused (and the refusal audited) to anyone who does not run the panel.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { partnershipCompliance } from '../../src/features/panels/dashboard.ts';
import { currentGuidance } from '../../src/features/threshold/repository.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPanel, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

// Tuesday 15 December 2026.
const NOW = new Date('2026-12-15T10:00:00Z');
const PERIOD = 'from-day=1&from-month=11&from-year=2026&to-day=31&to-month=12&to-year=2026';
const at = (iso: string) => new Date(iso);

for (const engine of engines()) {
  describe(`the panel dashboard on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let chair: TestUser;
    let admin: TestUser;
    let otherChair: TestUser;
    let member: TestUser;
    let practitioner: TestUser;
    let ipt: TestUser;
    let panelId: string;
    let otherPanelId: string;
    const as = signedInClients(() => t);
    const requests: Record<string, string> = {};

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(NOW);
      db = t.database.db;
      const council = await createOrganisation(db, { name: 'Luton Borough Council', agency_type: 'local_authority' });
      const health = await createOrganisation(db, { name: 'Luton Health Visiting', agency_type: 'health' });
      const school = await createOrganisation(db, { name: 'Stopsley Primary', agency_type: 'school' });
      chair = await createUser(db, { roles: ['panel_chair'], organisationId: council.id });
      admin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id });
      otherChair = await createUser(db, { roles: ['panel_chair'], organisationId: council.id });
      member = await createUser(db, { roles: ['panel_member'], organisationId: health.id });
      practitioner = await createUser(db, { roles: ['practitioner'], organisationId: school.id });
      ipt = await createUser(db, { roles: ['integrated_processes'], organisationId: council.id });
      panelId = await createPanel(db, 'South Area Family Support Panel', [
        { user: chair, role: 'chair' },
        { user: admin, role: 'administrator' },
        { user: member, role: 'member' },
      ]);
      otherPanelId = await createPanel(db, 'North Area Family Support Panel', [{ user: otherChair, role: 'chair' }]);
      const team = await db
        .insertInto('team')
        .values({ organisation_id: health.id, area_id: null, name: 'South Health Visiting' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const guidance = await currentGuidance(db);

      const meeting = async (panel: string, date: string, status: 'held' | 'scheduled') =>
        (
          await db
            .insertInto('panel_meeting')
            .values({
              panel_id: panel,
              meeting_date: date,
              start_time: '10:00',
              end_time: '12:00',
              venue: null,
              status,
              moved_from: null,
              moved_reason: null,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      const m1 = await meeting(panelId, '2026-11-18', 'held');
      const m2 = await meeting(panelId, '2026-12-02', 'held');
      const m3 = await meeting(panelId, '2026-12-30', 'scheduled');
      const mOther = await meeting(otherPanelId, '2026-11-19', 'held');

      let n = 0;
      const request = async (
        key: string,
        panel: string,
        values: { status: 'submitted' | 'accepted' | 'discussed'; meeting?: string; created: string; decided?: string },
        needs: string[] = [],
      ) => {
        const child = await createPerson(db, {
          givenName: 'Ada',
          familyName: `Case${++n}`,
          dateOfBirth: '2016-03-04',
          involvement: { organisationId: school.id, userId: practitioner.id },
        });
        let assessmentId: string | null = null;
        if (needs.length) {
          assessmentId = (
            await db
              .insertInto('assessment')
              .values({
                episode_id: null,
                author_id: practitioner.id,
                organisation_id: school.id,
                guidance_id: guidance.id,
                contact_id: null,
                status: 'signed_off',
                content: '{}',
                version: 1,
                signed_off_version: 1,
                started_at: at('2026-10-01T10:00:00Z'),
                updated_at: at('2026-10-01T10:00:00Z'),
                updated_by: practitioner.id,
              })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id;
          for (const need of needs) {
            const [domain, subArea] = need.split(':') as [string, string];
            await db
              .insertInto('assessment_need')
              .values({
                assessment_id: assessmentId,
                person_id: child,
                domain,
                sub_area: subArea,
                description: 'A need',
                recorded_by: practitioner.id,
                recorded_at: at('2026-10-01T10:00:00Z'),
              })
              .execute();
          }
        }
        requests[key] = (
          await db
            .insertInto('panel_request')
            .values({
              panel_id: panel,
              person_id: child,
              referrer_user_id: practitioner.id,
              referrer_organisation_id: school.id,
              episode_id: null,
              assessment_id: assessmentId,
              assessment_version: assessmentId ? 1 : null,
              changes_wanted: null,
              success_criteria: null,
              questions: null,
              service_id: null,
              eligibility: null,
              sharing_basis: null,
              sharing_basis_id: null,
              status: values.status,
              status_reason: null,
              redirected_to: null,
              decided_by: values.decided ? admin.id : null,
              decided_at: values.decided ? at(values.decided) : null,
              meeting_id: values.meeting ?? null,
              slot_order: values.meeting ? 1 : null,
              papers_submitted_at: null,
              late_papers_agreed_by: null,
              late_papers_agreed_at: null,
              invitation_sent_at: null,
              created_at: at(values.created),
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
        return requests[key]!;
      };
      const r1 = await request(
        'r1',
        panelId,
        { status: 'discussed', meeting: m1, created: '2026-10-20T10:00:00Z', decided: '2026-10-22T10:00:00Z' },
        ['development:emotional', 'family:housing'],
      );
      const r2 = await request('r2', panelId, {
        status: 'discussed',
        meeting: m1,
        created: '2026-10-20T10:00:00Z',
        decided: '2026-10-22T10:00:00Z',
      });
      const r3 = await request(
        'r3',
        panelId,
        { status: 'discussed', meeting: m2, created: '2026-11-10T10:00:00Z', decided: '2026-11-12T10:00:00Z' },
        ['family:housing'],
      );
      const r4 = await request('r4', panelId, {
        status: 'accepted',
        meeting: m3,
        created: '2026-12-01T10:00:00Z',
        decided: '2026-12-02T10:00:00Z',
      });
      await request('r5', panelId, { status: 'submitted', created: '2026-12-10T10:00:00Z' });
      await request('r6', panelId, {
        status: 'accepted',
        created: '2026-12-08T10:00:00Z',
        decided: '2026-12-12T10:00:00Z',
      });
      const r0 = await request('r0', panelId, { status: 'discussed', created: '2026-09-01T10:00:00Z' });
      const rOther = await request('rOther', otherPanelId, {
        status: 'discussed',
        meeting: mOther,
        created: '2026-10-20T10:00:00Z',
      });

      const deadline = async (
        ownerType: 'panel_request' | 'panel_meeting',
        ownerId: string,
        rule: string,
        due: string,
        met: string | null,
      ) => {
        await db
          .insertInto('deadline')
          .values({
            owner_type: ownerType,
            owner_id: ownerId,
            rule_code: rule,
            rule_words: rule,
            started_at: at('2026-10-01T00:00:00Z'),
            due_at: at(due),
            at_risk_from: at(due),
            met_at: met ? at(met) : null,
            met_by: null,
          })
          .execute();
      };
      // Papers: on time, late, missed, not yet due; one before the period; one on another panel.
      await deadline('panel_request', r1, 'PANEL_PAPERS', '2026-11-12T00:00:00Z', '2026-11-10T15:00:00Z');
      await deadline('panel_request', r2, 'PANEL_PAPERS', '2026-11-12T00:00:00Z', '2026-11-12T09:00:00Z');
      await deadline('panel_request', r3, 'PANEL_PAPERS', '2026-11-26T00:00:00Z', null);
      await deadline('panel_request', r4, 'PANEL_PAPERS', '2026-12-23T00:00:00Z', null);
      await deadline('panel_request', r0, 'PANEL_PAPERS', '2026-10-01T00:00:00Z', null);
      await deadline('panel_request', rOther, 'PANEL_PAPERS', '2026-11-13T00:00:00Z', null);
      // Invitations: all four on time.
      for (const [r, due] of [
        [r1, '2026-11-14T00:00:00Z'],
        [r2, '2026-11-14T00:00:00Z'],
        [r3, '2026-11-28T00:00:00Z'],
        [r4, '2026-12-24T00:00:00Z'],
      ] as const) {
        await deadline('panel_request', r, 'PANEL_INVITATION', due, '2026-11-01T10:00:00Z');
      }
      // Decisions recorded: one meeting on time, one late.
      await deadline('panel_meeting', m1, 'PANEL_DECISION_RECORDED', '2026-11-20T12:00:00Z', '2026-11-19T16:00:00Z');
      await deadline('panel_meeting', m2, 'PANEL_DECISION_RECORDED', '2026-12-04T12:00:00Z', '2026-12-05T09:00:00Z');
      // Circulated: on time, missed, late.
      await deadline('panel_request', r1, 'PANEL_DECISION_CIRCULATED', '2026-11-25T00:00:00Z', '2026-11-23T10:00:00Z');
      await deadline('panel_request', r2, 'PANEL_DECISION_CIRCULATED', '2026-11-25T00:00:00Z', null);
      await deadline('panel_request', r3, 'PANEL_DECISION_CIRCULATED', '2026-12-09T00:00:00Z', '2026-12-10T10:00:00Z');

      // The records, approved, with outcomes and recommendations.
      for (const [m, approved] of [
        [m1, '2026-11-19T16:00:00Z'],
        [m2, '2026-12-05T09:00:00Z'],
        [mOther, '2026-11-19T16:00:00Z'],
      ] as const) {
        await db
          .insertInto('panel_meeting_record')
          .values({
            meeting_id: m,
            started_by: admin.id,
            started_at: at(approved),
            updated_at: at(approved),
            approved_by: chair.id,
            approved_at: at(approved),
          })
          .execute();
      }
      const caseRecord = async (request: string, meetingId: string, outcomes: string[]) =>
        db
          .insertInto('panel_case_record')
          .values({
            request_id: request,
            meeting_id: meetingId,
            discussion: 'Discussed',
            outcomes,
            school_organisation_id: null,
            school_contact: null,
            school_note: null,
            lead_kind: null,
            lead_user_id: null,
            lead_organisation_id: null,
            lead_criteria: [],
            lead_objectives: null,
            lead_review_on: null,
            lead_inform_family: null,
            dissent_user_id: null,
            dissent_organisation_id: null,
            dissent_reason: null,
            recorded_by: admin.id,
            recorded_at: at('2026-11-18T12:00:00Z'),
          })
          .execute();
      await caseRecord(r1, m1, ['advice', 'better_coordination']);
      await caseRecord(r2, m1, ['advice']);
      await caseRecord(r3, m2, ['joint_visits']);
      await caseRecord(rOther, mOther, ['allocate_resource']);
      const recommendation = async (request: string, dueOn: string) => {
        const x = await db
          .insertInto('panel_recommendation')
          .values({
            request_id: request,
            what: 'Offer a home visit',
            organisation_id: health.id,
            team_id: team.id,
            due_on: dueOn,
            created_by: admin.id,
            created_at: at('2026-11-19T16:00:00Z'),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db
          .insertInto('work_item')
          .values({
            kind: 'panel-record.recommendation',
            title: 'Act on a recommendation',
            href: '/work',
            source_type: 'panel_recommendation',
            source_id: x.id,
            person_id: null,
            assigned_user_id: null,
            assigned_team_id: team.id,
            deadline_id: null,
            due_at: at(`${dueOn}T23:59:00Z`),
            created_at: at('2026-11-19T16:00:00Z'),
            created_by: chair.id,
          })
          .execute();
        return x.id;
      };
      await recommendation(r1, '2026-12-01');
      const reported = await recommendation(r3, '2027-01-10');
      // The agency reported it could not implement the second; a correction would stand in its place.
      await db
        .insertInto('panel_recommendation_report')
        .values({
          recommendation_id: reported,
          implemented: false,
          implemented_on: null,
          note: 'No health visitor free until February',
          reported_by: chair.id,
          reported_at: at('2026-11-25T10:00:00Z'),
        })
        .execute();
    });
    after(async () => t.close());

    const cells = (body: string, qa: string) => {
      const row = body.match(new RegExp(`data-qa="${qa}"[\\s\\S]*?</tr>`))?.[0] ?? '';
      return [...row.matchAll(/<td[^>]*>([^<]*)</g)].map((m) => m[1]!.trim());
    };

    test('the chair sees the deadlines kept, counted from the deadline rows of the period', async () => {
      const page = await (await as(chair)).get(`/panels/${panelId}/dashboard?${PERIOD}`);
      assert.equal(page.statusCode, 200);
      assert.deepEqual(cells(page.body, 'compliance-PANEL_PAPERS'), ['4', '1 (33%)', '1 (33%)', '1 (33%)', '1']);
      assert.deepEqual(cells(page.body, 'compliance-PANEL_INVITATION'), ['4', '4 (100%)', '0 (0%)', '0 (0%)', '0']);
      assert.deepEqual(cells(page.body, 'compliance-PANEL_DECISION_RECORDED'), [
        '2',
        '1 (50%)',
        '1 (50%)',
        '0 (0%)',
        '0',
      ]);
      assert.deepEqual(cells(page.body, 'compliance-PANEL_DECISION_CIRCULATED'), [
        '3',
        '1 (33%)',
        '1 (33%)',
        '1 (33%)',
        '0',
      ]);
      const viewed = await db
        .selectFrom('audit_event')
        .select(['actor_user_id', 'record_id'])
        .where('action', '=', 'panel-dashboard.viewed')
        .execute();
      assert.ok(viewed.some((e) => e.actor_user_id === chair.id && e.record_id === panelId));
    });

    test('slots used, cases waiting with their days, outcomes, recommendations by agency and needs by month', async () => {
      const page = await (await as(admin)).get(`/panels/${panelId}/dashboard?${PERIOD}`);
      assert.equal(page.statusCode, 200);
      assert.deepEqual(cells(page.body, 'meeting-row'), ['1', '8', '7']);
      const waiting = [...page.body.matchAll(/data-qa="waiting-row"[\s\S]*?<\/tr>/g)].map((m) => m[0]);
      assert.equal(waiting.length, 2);
      assert.match(waiting[0]!, new RegExp(requests.r5!.slice(0, 8)));
      assert.match(waiting[0]!, /A decision[\s\S]*data-qa="days">5</);
      assert.match(waiting[1]!, new RegExp(requests.r6!.slice(0, 8)));
      assert.match(waiting[1]!, /A slot on a meeting[\s\S]*data-qa="days">3</);
      assert.doesNotMatch(page.body, /Case\d/, 'no child is named');
      assert.match(page.body, /Outcomes of the 3 cases discussed/);
      assert.deepEqual(cells(page.body, 'outcome-advice'), ['2', '67%']);
      assert.deepEqual(cells(page.body, 'outcome-joint_visits'), ['1', '33%']);
      assert.deepEqual(cells(page.body, 'outcome-allocate_resource'), ['0', '0%']);
      assert.match(page.body, /Luton Health Visiting/);
      assert.deepEqual(cells(page.body, 'recommendation-row'), ['2', '1', '1']);
      assert.match(page.body, /November 2026[\s\S]*December 2026/);
      const needs = [...page.body.matchAll(/data-qa="need-row"[\s\S]*?<\/tr>/g)].map((m) => m[0]);
      assert.equal(needs.length, 2);
      assert.match(needs[0]!, /Family and environment: Housing, employment and money/);
      assert.deepEqual(cells(needs[0]!, 'need-row'), ['1', '1', '2']);
      assert.match(needs[1]!, /Social, emotional and behavioural development/);
      assert.deepEqual(cells(needs[1]!, 'need-row'), ['1', '0', '1']);
    });

    test('each table downloads as CSV with the same figures', async () => {
      const res = await (await as(chair)).get(`/panels/${panelId}/dashboard.csv?table=compliance&${PERIOD}`);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/csv/);
      assert.match(res.body, /Papers to the panel administrator[^\r\n]*,4,1,1,1,1,33,33,33/);
      const needs = await (await as(chair)).get(`/panels/${panelId}/dashboard.csv?table=needs&${PERIOD}`);
      assert.match(
        needs.body,
        /Family and environment: Housing, employment and money",?1,1,2|Housing, employment and money,1,1,2/,
      );
    });

    test('the chairs’ view puts the panels a user runs side by side; integrated processes see every panel', async () => {
      const mine = await (await as(chair)).get(`/panels/dashboard?${PERIOD}`);
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /South Area Family Support Panel/);
      assert.doesNotMatch(mine.body, /North Area Family Support Panel/);
      const all = await (await as(ipt)).get(`/panels/dashboard?${PERIOD}`);
      assert.equal(all.statusCode, 200);
      assert.match(all.body, /North Area Family Support Panel/);
      assert.match(all.body, /South Area Family Support Panel/);
      assert.match(all.body, /data-qa="compliance-PANEL_PAPERS"[\s\S]*?data-qa="due">5</);
      const rows = [...all.body.matchAll(/data-qa="panel-compliance"[\s\S]*?<\/tr>/g)].map((m) => m[0]);
      assert.match(rows[0]!, /North Area[\s\S]*data-qa="PANEL_PAPERS">0 of 1 \(0%\)/);
      assert.match(rows[1]!, /South Area[\s\S]*data-qa="PANEL_PAPERS">1 of 3 \(33%\)/);
      assert.match(all.body, /data-qa="outcome-allocate_resource"[\s\S]*?1 \(100%\)/);
      const events = await db
        .selectFrom('audit_event')
        .select('details')
        .where('action', '=', 'panel-dashboard.across-viewed')
        .where('actor_user_id', '=', ipt.id)
        .execute();
      assert.equal(events.length, 1);
    });

    test('the command line counts the same figures', async () => {
      const r = await partnershipCompliance(db, { from: '2026-11-01', to: '2026-12-31' }, NOW);
      const south = r.perPanel.find((p) => p.id === panelId)!.rows;
      assert.deepEqual(
        south.map((x) => [x.rule, x.due, x.onTime, x.late, x.missed, x.notYetDue]),
        [
          ['PANEL_PAPERS', 4, 1, 1, 1, 1],
          ['PANEL_INVITATION', 4, 4, 0, 0, 0],
          ['PANEL_DECISION_RECORDED', 2, 1, 1, 0, 0],
          ['PANEL_DECISION_CIRCULATED', 3, 1, 1, 1, 0],
        ],
      );
      assert.equal(r.all[0]!.due, 5);
    });

    test('the period: the last 6 months by default; dates that are not real are shown again as typed', async () => {
      const page = await (await as(chair)).get(`/panels/${panelId}/dashboard`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /from Tuesday 16 June 2026 to Tuesday 15 December 2026/);
      const bad = await (await as(chair)).get(
        `/panels/${panelId}/dashboard?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=1&to-year=2026`,
      );
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /There is a problem/);
      assert.match(bad.body, /Start date must be a real date/);
      assert.match(bad.body, /name="from-day"[^>]*value="31"/);
      const backwards = await (await as(chair)).get(
        `/panels/${panelId}/dashboard?from-day=1&from-month=12&from-year=2026&to-day=1&to-month=11&to-year=2026`,
      );
      assert.equal(backwards.statusCode, 400);
      assert.match(backwards.body, /Start date must be the same as or before the end date/);
    });

    test('refused to those who do not run the panel: a chair of another panel is told it is not found, and it is audited', async () => {
      const other = await (await as(otherChair)).get(`/panels/${panelId}/dashboard?${PERIOD}`);
      assert.equal(other.statusCode, 404);
      const refused = await db
        .selectFrom('audit_event')
        .select(['record_id'])
        .where('action', '=', 'panel-dashboard.refused')
        .where('actor_user_id', '=', otherChair.id)
        .execute();
      assert.deepEqual(
        refused.map((e) => e.record_id),
        [panelId],
      );
      assert.equal((await (await as(otherChair)).get(`/panels/${panelId}/dashboard.csv?table=needs`)).statusCode, 404);
      assert.equal((await (await as(member)).get(`/panels/${panelId}/dashboard`)).statusCode, 403);
      assert.equal((await (await as(practitioner)).get('/panels/dashboard')).statusCode, 403);
    });
  });
}
