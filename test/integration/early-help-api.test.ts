/**
 * The JSON API for early help assessments, plans and reviews, and team around the family meetings: each operation
 * as a client uses it with its user's token, the rules the pages keep (a stale version is a 409, an objective that is
 * not SMART or an action without an owner a 422, the author never signs off their own), and a user with no
 * relationship with the child getting 404 with nothing of the child in it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { DEFAULT_GUIDANCE } from '../../src/features/threshold/default-guidance.ts';
import { createEarlyHelpWorld, createTeam, createUser, joinTeam, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createFamily, recordNeedLevel, withhold } from '../support/people.ts';

const domain = DEFAULT_GUIDANCE.domains[0]!;
const subArea = domain.subAreas[0]!;
type Json = ReturnType<typeof JSON.parse>;

for (const engine of engines()) {
  describe(`the early help API (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let head: TestUser;
    let nurse: TestUser;
    let stranger: TestUser;
    let episodeId: string;
    let childId: string;
    let siblingId: string;
    const tokens = new Map<string, string>();

    const call = async (
      who: TestUser,
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      payload?: unknown,
    ): Promise<{ status: number; json: Json; body: string; type: string }> => {
      let token = tokens.get(who.id);
      if (!token) {
        token = (
          await new TokenService(db, t.clock).createForEmail(
            who.email,
            { name: 'test', expiresInDays: null },
            { requestId: 'test', clientIp: '127.0.0.1' },
          )
        ).token;
        tokens.set(who.id, token);
      }
      const res = await t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
      });
      return {
        status: res.statusCode,
        json: res.body ? (res.json() as Json) : {},
        body: res.body,
        type: String(res.headers['content-type'] ?? ''),
      };
    };
    /** Audit events about the children (a refusal is on the child the request reached the record through). */
    const audited = async (action: string) =>
      db
        .selectFrom('audit_event')
        .select(['action', 'record_id', 'details'])
        .where('action', '=', action)
        .where('record_id', 'in', [childId, siblingId])
        .execute();

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const world = await createEarlyHelpWorld(db, { health: true });
      ({ teacher, stranger } = world);
      nurse = world.nurse!;
      const school = world.school;
      head = await createUser(db, { organisationId: school.id, name: 'Hana Head', roles: ['practitioner', 'manager'] });
      await joinTeam(db, await createTeam(db, school.id, 'Pastoral'), [teacher], [head]);
      const family = await createFamily(db, {
        involvement: { organisationId: school.id, userId: teacher.id, role: 'Class teacher' },
        sibling: true,
        parent: { givenName: 'Rhona', familyName: 'Quillby', dateOfBirth: '1990-01-01' },
        address: { line1: '4 Mill Lane', postcode: 'LU1 1AB' },
        areaId: world.areaId,
      });
      childId = family.childId;
      siblingId = family.siblingId!;
      await recordNeedLevel(db, childId, teacher, {
        domain: domain.id,
        subArea: subArea.id,
        text: 'Often late to school',
      });
      // The parent's details are withheld from the family: the printable assessment does not name them.
      await withhold(db, { personId: family.parentId!, subjectId: childId, fromId: siblingId }, teacher);
    });
    after(() => t.close());

    describe('assessments', () => {
      let assessmentId: string;

      test('start, list and read one: status, version, sections, needs with their area, withheld people not named', async () => {
        const started = await call(teacher, 'POST', '/api/v1/assessments', {
          personId: childId,
          otherPersonIds: [siblingId],
        });
        assert.equal(started.status, 201, started.body);
        assessmentId = started.json.id;
        const list = await call(teacher, 'GET', `/api/v1/assessments?personId=${childId}`);
        assert.equal(list.status, 200, list.body);
        assert.deepEqual(
          list.json.items.map((a: Json) => [a.id, a.status]),
          [[assessmentId, 'draft']],
        );
        const one = await call(teacher, 'GET', `/api/v1/assessments/${assessmentId}`);
        assert.equal(one.status, 200, one.body);
        assert.equal(one.json.status, 'draft');
        assert.equal(one.json.version, 1);
        assert.equal(one.json.author.name, 'Tess Teacher');
        assert.deepEqual(one.json.children.map((c: Json) => c.name).sort(), ['Pip Fenwick', 'Poppy Fenwick']);
        assert.ok(one.json.household.some((h: Json) => h.name === 'a family member whose details are withheld'));
        assert.doesNotMatch(one.body, /Rhona|Quillby/);
        assert.ok(one.json.sections.some((s: Json) => s.key === 'identify' && s.fields.length === 2));
        assert.deepEqual(
          one.json.needs.map((n: Json) => [n.domain, n.subArea, n.subAreaName, n.description]),
          [[domain.id, subArea.id, subArea.name, 'Often late to school']],
        );
        assert.equal((await audited('assessment.started')).length, 1);
        assert.ok((await audited('assessment.viewed')).length >= 1);
      });

      test('saving a section from the version read gives a new version; a stale version is a 409 and saves nothing', async () => {
        const saved = await call(teacher, 'PUT', `/api/v1/assessments/${assessmentId}/sections/identify`, {
          version: 1,
          values: { whyNow: 'Attendance has dropped this term', whoAsked: 'Her mother asked the school' },
        });
        assert.equal(saved.status, 200, saved.body);
        assert.deepEqual(saved.json, { version: 2, saved: true });
        const stale = await call(teacher, 'PUT', `/api/v1/assessments/${assessmentId}/sections/identify`, {
          version: 1,
          values: { whyNow: 'Typed over an old copy', whoAsked: '' },
        });
        assert.equal(stale.status, 409, stale.body);
        assert.match(stale.type, /^application\/problem\+json/);
        assert.match(stale.json.detail, /version 2/);
        const one = await call(teacher, 'GET', `/api/v1/assessments/${assessmentId}`);
        const whyNow = one.json.sections
          .find((s: Json) => s.key === 'identify')
          .fields.find((f: Json) => f.name === 'whyNow');
        assert.equal(whyNow.value, 'Attendance has dropped this term');
        assert.equal(one.json.version, 2);
        const need = await call(teacher, 'POST', `/api/v1/assessments/${assessmentId}/needs`, {
          version: 2,
          subArea: subArea.id,
          personId: siblingId,
          description: 'Pip is anxious at drop-off',
        });
        assert.equal(need.status, 201, need.body);
        assert.deepEqual(need.json, { version: 3, saved: true });
        const versions = await call(teacher, 'GET', `/api/v1/assessments/${assessmentId}/versions`);
        assert.equal(versions.status, 200, versions.body);
        assert.deepEqual(
          versions.json.items.map((v: Json) => v.number),
          [3, 2, 1],
        );
        assert.ok(versions.json.items[1].changed.length === 2);
        assert.equal((await audited('assessment.saved')).length, 2);
      });

      test('the author cannot sign off their own (422 with the reason); the manager it was submitted to can', async () => {
        const submitted = await call(teacher, 'POST', `/api/v1/assessments/${assessmentId}/submit`, {
          managerId: head.id,
        });
        assert.equal(submitted.status, 200, submitted.body);
        const own = await call(teacher, 'POST', `/api/v1/assessments/${assessmentId}/sign-off`, {
          decision: 'signed_off',
        });
        assert.equal(own.status, 422, own.body);
        assert.match(own.json.detail, /You wrote this assessment, so you cannot sign it off/);
        assert.equal(own.json.errors[0].field, 'decision');
        assert.equal((await audited('assessment.sign-off-refused')).length, 1);
        const noReason = await call(head, 'POST', `/api/v1/assessments/${assessmentId}/sign-off`, {
          decision: 'returned',
        });
        assert.equal(noReason.status, 422, noReason.body);
        assert.equal(noReason.json.errors[0].field, 'reason');
        const signed = await call(head, 'POST', `/api/v1/assessments/${assessmentId}/sign-off`, {
          decision: 'signed_off',
        });
        assert.equal(signed.status, 200, signed.body);
        const one = await call(head, 'GET', `/api/v1/assessments/${assessmentId}`);
        assert.equal(one.status, 200, one.body);
        assert.equal(one.json.status, 'signed_off');
        assert.equal(one.json.signedOffVersion, 3);
        assert.deepEqual(
          one.json.signOffs.map((s: Json) => [s.version, s.manager, s.outcome]),
          [[3, 'Hana Head', 'signed_off']],
        );
        assert.equal((await audited('assessment.signed-off')).length, 1);
      });

      test('someone with no relationship with the child gets 404 and nothing of the child, audited on the child', async () => {
        const before = (await audited('assessment.refused')).length;
        for (const [method, url, payload] of [
          ['GET', `/api/v1/assessments?personId=${childId}`],
          ['GET', `/api/v1/assessments/${assessmentId}`],
          ['GET', `/api/v1/assessments/${assessmentId}/versions`],
          ['PUT', `/api/v1/assessments/${assessmentId}/sections/identify`, { version: 3, values: { whyNow: 'x' } }],
          ['POST', `/api/v1/assessments`, { personId: childId }],
        ] as const) {
          const res = await call(stranger, method, url, payload);
          assert.equal(res.status, 404, `${method} ${url}: ${res.body}`);
          assert.doesNotMatch(res.body, /Poppy|Fenwick|Attendance/);
        }
        assert.equal((await audited('assessment.refused')).length, before + 5);
      });
    });

    describe('plans and reviews', () => {
      let objectiveId: string;
      let actionId: string;

      before(async () => {
        const opened = await call(teacher, 'POST', '/api/v1/episodes', { personId: childId, leadUserId: teacher.id });
        assert.equal(opened.status, 201, opened.body);
        episodeId = opened.json.id;
      });

      test('the plan is started, and an objective that is not SMART is refused with a 422 naming the fields', async () => {
        const none = await call(teacher, 'GET', `/api/v1/episodes/${episodeId}/plan`);
        assert.equal(none.status, 200, none.body);
        assert.equal(none.json.plan, null);
        const started = await call(teacher, 'PUT', `/api/v1/episodes/${episodeId}/plan`, {
          strengths: 'A close family; Poppy loves reading',
          reviewWeeks: 6,
        });
        assert.equal(started.status, 200, started.body);
        const typed = {
          domain: domain.id,
          subArea: subArea.id,
          need: 'Poppy is often late to school',
          agreedBy: 'Poppy’s mother and the school',
          realistic: true,
        };
        const notSmart = await call(teacher, 'POST', `/api/v1/episodes/${episodeId}/plan/objectives`, typed);
        assert.equal(notSmart.status, 422, notSmart.body);
        assert.match(notSmart.type, /^application\/problem\+json/);
        assert.match(notSmart.json.detail, /not SMART/);
        assert.match(notSmart.json.detail, /measurable/);
        assert.deepEqual(
          notSmart.json.errors.map((e: Json) => e.field),
          ['successCriterion', 'targetDate'],
        );
        const objectives = await db.selectFrom('plan_objective').select('id').execute();
        assert.equal(objectives.length, 0, 'nothing saved');
        const past = await call(teacher, 'POST', `/api/v1/episodes/${episodeId}/plan/objectives`, {
          ...typed,
          successCriterion: 'On time every day for four weeks',
          targetDate: '2026-11-01',
        });
        assert.equal(past.status, 422, past.body);
        assert.deepEqual(
          past.json.errors.map((e: Json) => e.field),
          ['targetDate'],
        );
        const added = await call(teacher, 'POST', `/api/v1/episodes/${episodeId}/plan/objectives`, {
          ...typed,
          successCriterion: 'On time every day for four weeks',
          targetDate: '2027-03-01',
        });
        assert.equal(added.status, 201, added.body);
        objectiveId = added.json.id;
        assert.equal((await audited('plan.started')).length, 1);
        assert.equal((await audited('plan.objective-added')).length, 1);
      });

      test('an action needs an owner (422); with one it is added, the plan agreed and the action marked done', async () => {
        const url = `/api/v1/episodes/${episodeId}/plan/objectives/${objectiveId}/actions`;
        const ownerless = await call(teacher, 'POST', url, { what: 'Breakfast club place', dueDate: '2027-01-15' });
        assert.equal(ownerless.status, 422, ownerless.body);
        assert.deepEqual(
          ownerless.json.errors.map((e: Json) => e.field),
          ['owner'],
        );
        assert.match(ownerless.json.detail, /every action needs an owner/);
        const added = await call(teacher, 'POST', url, {
          what: 'Breakfast club place',
          ownerUserId: teacher.id,
          dueDate: '2027-01-15',
        });
        assert.equal(added.status, 201, added.body);
        actionId = added.json.id;
        const agreed = await call(teacher, 'POST', `/api/v1/episodes/${episodeId}/plan/agree`, {
          agreedWith: 'Poppy’s mother',
          agreedOn: '2026-12-01',
        });
        assert.equal(agreed.status, 200, agreed.body);
        const done = await call(teacher, 'POST', `/api/v1/episodes/${episodeId}/plan/actions/${actionId}/complete`);
        assert.equal(done.status, 200, done.body);
        assert.deepEqual(done.json, { id: actionId });
        assert.equal((await audited('plan.action-added')).length, 1);
        assert.equal((await audited('plan.agreed')).length, 1);
        assert.equal((await audited('plan.action-completed')).length, 1);
      });

      test('a review records progress on each open objective and the family’s view; the plan shows it all', async () => {
        const url = `/api/v1/episodes/${episodeId}/plan/reviews`;
        const missing = await call(teacher, 'POST', url, {
          heldOn: '2026-12-01',
          familyView: 'Mornings are calmer',
          reviewWeeks: 6,
          progress: [{ objectiveId }],
        });
        assert.equal(missing.status, 422, missing.body);
        assert.ok(missing.json.errors.some((e: Json) => e.field === `progress.${objectiveId}.rating`));
        const reviewed = await call(teacher, 'POST', url, {
          heldOn: '2026-12-01',
          familyView: 'Mornings are calmer',
          reviewWeeks: 6,
          progress: [{ objectiveId, rating: 'some_progress', note: 'Late twice this week', status: 'open' }],
        });
        assert.equal(reviewed.status, 201, reviewed.body);
        const plan = await call(teacher, 'GET', `/api/v1/episodes/${episodeId}/plan`);
        assert.equal(plan.status, 200, plan.body);
        assert.equal(plan.json.plan.status, 'agreed');
        assert.equal(plan.json.plan.agreedWith, 'Poppy’s mother');
        const [o] = plan.json.objectives;
        assert.deepEqual(
          [o.subArea, o.subAreaName, o.successCriterion, o.targetDate, o.status],
          [subArea.id, subArea.name, 'On time every day for four weeks', '2027-03-01', 'open'],
        );
        assert.deepEqual(
          o.actions.map((a: Json) => [a.what, a.owner.userId, a.dueDate, a.status, a.completedBy]),
          [['Breakfast club place', teacher.id, '2027-01-15', 'done', 'Tess Teacher']],
        );
        assert.deepEqual(
          plan.json.reviews.map((r: Json) => [r.familyView, r.progress.map((p: Json) => [p.rating, p.note])]),
          [['Mornings are calmer', [['some_progress', 'Late twice this week']]]],
        );
        assert.ok(plan.json.nextReview);
        assert.equal((await audited('plan.reviewed')).length, 1);
        assert.ok((await audited('plan.viewed')).length >= 2);
      });

      test('someone with no relationship with the child gets 404 for the plan, and a change by them saves nothing', async () => {
        const before = (await audited('plan.refused')).length;
        const seen = await call(stranger, 'GET', `/api/v1/episodes/${episodeId}/plan`);
        assert.equal(seen.status, 404, seen.body);
        assert.doesNotMatch(seen.body, /Poppy|Fenwick|reading/);
        const add = await call(stranger, 'POST', `/api/v1/episodes/${episodeId}/plan/objectives`, {
          domain: domain.id,
          subArea: subArea.id,
          need: 'x',
          successCriterion: 'x',
          targetDate: '2027-03-01',
          agreedBy: 'x',
          realistic: true,
        });
        assert.equal(add.status, 404, add.body);
        const done = await call(stranger, 'POST', `/api/v1/episodes/${episodeId}/plan/actions/${actionId}/complete`);
        assert.equal(done.status, 404, done.body);
        assert.equal((await db.selectFrom('plan_objective').select('id').execute()).length, 1);
        assert.equal((await audited('plan.refused')).length, before + 3);
        // Someone in the team who is not the lead may see the plan but not change it.
        const joined = await call(teacher, 'POST', `/api/v1/episodes/${episodeId}/members`, {
          userId: nurse.id,
          role: 'School nurse',
        });
        assert.equal(joined.status, 201, joined.body);
        assert.equal((await call(nurse, 'GET', `/api/v1/episodes/${episodeId}/plan`)).status, 200);
        const change = await call(nurse, 'PUT', `/api/v1/episodes/${episodeId}/plan`, {
          strengths: 'Changed',
          reviewWeeks: 6,
        });
        assert.equal(change.status, 403, change.body);
      });
    });

    describe('team around the family meetings', () => {
      let meetingId: string;

      test('the lead arranges a meeting; it cannot be recorded before it is held (422)', async () => {
        const url = `/api/v1/episodes/${episodeId}/taf-meetings`;
        const badTime = await call(teacher, 'POST', url, {
          meetsOn: '2026-12-03',
          time: 'half two',
          format: 'in_person',
          place: 'Oak Lane Primary, the library',
          chairUserId: teacher.id,
        });
        assert.equal(badTime.status, 422, badTime.body);
        assert.deepEqual(
          badTime.json.errors.map((e: Json) => e.field),
          ['time'],
        );
        const made = await call(teacher, 'POST', url, {
          meetsOn: '2026-12-03',
          time: '14:30',
          format: 'in_person',
          place: 'Oak Lane Primary, the library',
          chairUserId: teacher.id,
        });
        assert.equal(made.status, 201, made.body);
        meetingId = made.json.id;
        const list = await call(teacher, 'GET', url);
        assert.equal(list.status, 200, list.body);
        assert.deepEqual(
          list.json.items.map((m: Json) => [m.id, m.status, m.meetsAt, m.chair]),
          [[meetingId, 'scheduled', '2026-12-03T14:30:00.000Z', 'Tess Teacher']],
        );
        const early = await call(teacher, 'POST', `${url}/${meetingId}/record`, {
          attendance: { lead: 'present' },
          familyViews: 'Mum wants help with mornings',
          decisions: ['Breakfast club from Monday'],
        });
        assert.equal(early.status, 422, early.body);
        assert.match(early.json.detail, /has not happened yet/);
        assert.equal((await audited('taf-meeting.scheduled')).length, 1);
      });

      test('recording it: everyone in the team marked, the family present, the views and decisions', async () => {
        t.clock.set(new Date('2026-12-04T10:00:00Z'));
        const url = `/api/v1/episodes/${episodeId}/taf-meetings/${meetingId}`;
        const before = await call(teacher, 'GET', url);
        assert.equal(before.status, 200, before.body);
        const keys = before.json.team.map((m: Json) => m.key);
        assert.equal(keys[0], 'lead');
        const nurseKey = before.json.team.find((m: Json) => m.name === 'Nia Nurse').key;
        const unmarked = await call(teacher, 'POST', `${url}/record`, {
          attendance: { lead: 'present' },
          familyViews: 'Mum wants help with mornings',
          decisions: ['Breakfast club from Monday'],
        });
        assert.equal(unmarked.status, 422, unmarked.body);
        assert.deepEqual(
          unmarked.json.errors.map((e: Json) => e.field),
          [`attendance-${nurseKey}`],
        );
        const recorded = await call(teacher, 'POST', `${url}/record`, {
          attendance: { lead: 'present', [nurseKey]: 'apologies' },
          familyIds: [siblingId],
          others: [{ name: 'Pat Quinn', organisation: 'Lea Young Carers' }],
          familyViews: 'Mum wants help with mornings',
          decisions: ['Breakfast club from Monday', 'Meet again in six weeks'],
          nextMeetingOn: '2027-01-15',
        });
        assert.equal(recorded.status, 200, recorded.body);
        const after = await call(nurse, 'GET', url);
        assert.equal(after.status, 200, after.body);
        assert.equal(after.json.status, 'held');
        assert.deepEqual(after.json.attendance.map((a: Json) => [a.name, a.attendance]).sort(), [
          ['Nia Nurse', 'apologies'],
          ['Tess Teacher', 'present'],
        ]);
        assert.deepEqual(after.json.family, [{ id: siblingId, name: 'Pip Fenwick' }]);
        assert.deepEqual(after.json.others, [{ name: 'Pat Quinn', organisation: 'Lea Young Carers' }]);
        assert.deepEqual(after.json.decisions, ['Breakfast club from Monday', 'Meet again in six weeks']);
        assert.equal(after.json.familyViews, 'Mum wants help with mornings');
        assert.equal(after.json.nextMeetingOn, '2027-01-15');
        assert.equal((await audited('taf-meeting.recorded')).length, 1);
        assert.ok((await audited('taf-meeting.viewed')).length >= 2);
      });

      test('someone with no relationship with the child gets 404 for the meetings and cannot arrange one', async () => {
        const before = (await audited('taf-meeting.refused')).length;
        const url = `/api/v1/episodes/${episodeId}/taf-meetings`;
        for (const [method, path, payload] of [
          ['GET', url],
          ['GET', `${url}/${meetingId}`],
          [
            'POST',
            url,
            {
              meetsOn: '2026-12-10',
              time: '10:00',
              format: 'video',
              place: 'A video call',
              chairUserId: stranger.id,
            },
          ],
        ] as const) {
          const res = await call(stranger, method, path, payload);
          assert.equal(res.status, 404, `${method} ${path}: ${res.body}`);
          assert.doesNotMatch(res.body, /Poppy|Fenwick|mornings|Breakfast/);
        }
        assert.equal((await audited('taf-meeting.refused')).length, before + 3);
        assert.equal((await db.selectFrom('taf_meeting').select('id').execute()).length, 1);
      });
    });
  });
}
