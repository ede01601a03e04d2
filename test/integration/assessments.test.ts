import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { DEFAULT_GUIDANCE } from '../../src/features/threshold/default-guidance.ts';
import { idFrom, signedInClients, TestClient, versionOn } from '../support/client.ts';
import { createEarlyHelpWorld, createTeam, createUser, joinTeam, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createFamily, recordNeedLevel, withhold } from '../support/people.ts';

const domain = DEFAULT_GUIDANCE.domains[0]!;
const subArea = domain.subAreas[0]!;

for (const engine of engines()) {
  describe(`Early help assessments (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let colleague: TestUser;
    let head: TestUser;
    let stranger: TestUser;
    let childId: string;
    let siblingId: string;
    let parentId: string;
    const as = signedInClients(() => t);
    const base = (id: string) => `/people/${childId}/assessments/${id}`;
    const start = async () => {
      const c = await as(teacher);
      await c.get(`/people/${childId}/assessments/new`);
      const res = await c.post(`/people/${childId}/assessments`, { personIds: [childId, siblingId] });
      assert.equal(res.statusCode, 303, res.body.slice(0, 3000));
      return idFrom('assessments', res.headers.location);
    };
    const content = async (id: string) => {
      const r = await db
        .selectFrom('assessment')
        .select(['content', 'version', 'status'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return {
        ...r,
        content: (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as Record<string, unknown>,
      };
    };

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const world = await createEarlyHelpWorld(db);
      ({ teacher, stranger } = world);
      const school = world.school;
      colleague = await createUser(db, { organisationId: school.id, name: 'Cal Colleague' });
      head = await createUser(db, { organisationId: school.id, name: 'Hana Head', roles: ['practitioner', 'manager'] });
      await joinTeam(db, await createTeam(db, school.id, 'Pastoral'), [teacher], [head]);
      // The author manages a team of their own: still never signs off their own assessment.
      await joinTeam(db, await createTeam(db, school.id, 'Early years'), [], [teacher]);
      const family = await createFamily(db, {
        involvement: { organisationId: school.id, userId: teacher.id, role: 'Class teacher' },
        sibling: true,
        parent: { givenName: 'Rhona', familyName: 'Quillby', dateOfBirth: '1990-01-01' },
        address: { line1: '4 Mill Lane', postcode: 'LU1 1AB' },
      });
      childId = family.childId;
      siblingId = family.siblingId!;
      parentId = family.parentId!;
      await recordNeedLevel(db, childId, teacher, {
        domain: domain.id,
        subArea: subArea.id,
        text: 'Often late to school',
      });
      await withhold(db, { personId: parentId, subjectId: childId, fromId: siblingId }, teacher);
    });
    after(() => t.close());

    test('start is pre-filled from the record: household, who is involved, earlier needs copied as unmet needs', async () => {
      const c = await as(teacher);
      const page = await c.get(`/people/${childId}/assessments/new`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /data-qa="prefill-household"[^>]*>[^\n]*Poppy Fenwick/);
      assert.match(page.body, /Oak Lane Primary: Class teacher \(Tess Teacher\)/);
      assert.match(page.body, /Often late to school/);
      const id = await start();
      const a = await content(id);
      assert.equal(a.status, 'draft');
      const prefill = a.content.prefill as { household: { name: string }[]; involved: { role: string }[] };
      assert.ok(prefill.household.some((h) => h.name === 'Rhona Quillby'));
      assert.ok(prefill.involved.some((i) => i.role === 'Class teacher'));
      const needs = await db.selectFrom('assessment_need').selectAll().where('assessment_id', '=', id).execute();
      assert.deepEqual(
        needs.map((n) => [n.domain, n.sub_area, n.description]),
        [[domain.id, subArea.id, 'Often late to school']],
      );
      const people = await db
        .selectFrom('assessment_person')
        .select('person_id')
        .where('assessment_id', '=', id)
        .execute();
      assert.deepEqual(people.map((p) => p.person_id).sort(), [childId, siblingId].sort());
      const overview = await c.get(base(id));
      assert.equal(overview.statusCode, 200);
      assert.match(overview.body, /Unmet needs/);
    });

    test('a stranger is refused as not found, audited on the child', async () => {
      const id = await start();
      const c = await as(stranger);
      assert.equal((await c.get(base(id))).statusCode, 404);
      const refused = await db
        .selectFrom('audit_event')
        .select('action')
        .where('action', '=', 'assessment.refused')
        .where('record_id', '=', childId)
        .execute();
      assert.ok(refused.length >= 1);
    });

    test('save and come back later keeps what was typed, and records who changed which field', async () => {
      const id = await start();
      const c = await as(teacher);
      const page = await c.get(`${base(id)}/sections/identify`);
      assert.equal(page.statusCode, 200);
      const res = await c.post(`${base(id)}/sections/identify`, {
        version: String(versionOn(page.body)),
        whyNow: 'Attendance has dropped this term',
        whoAsked: 'Her mother asked the school',
        action: 'later',
      });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `${base(id)}?done=later`);
      const a = await content(id);
      assert.equal(a.content.whyNow, 'Attendance has dropped this term');
      assert.equal(a.version, 2);
      const again = await c.get(`${base(id)}/sections/identify`);
      assert.match(again.body, /Attendance has dropped this term/);
      const versions = await c.get(`${base(id)}/versions`);
      assert.match(versions.body, /Tess Teacher/);
      assert.match(versions.body, /Why is an assessment needed now\?/);
      // Save and continue goes on to the next section.
      const next = await c.post(`${base(id)}/sections/identify`, {
        version: '2',
        whyNow: 'Attendance has dropped this term',
        whoAsked: 'Her mother asked the school',
        action: 'continue',
      });
      assert.equal(next.headers.location, `${base(id)}/sections/domain-${domain.id}`);
    });

    test('a stale save is not applied: warned with who changed what, their version beside what was typed (kept)', async () => {
      const id = await start();
      const a = await as(teacher);
      const b = await as(colleague);
      const pageA = await a.get(`${base(id)}/sections/identify`);
      const pageB = await b.get(`${base(id)}/sections/identify`);
      const from = String(versionOn(pageA.body));
      assert.equal(String(versionOn(pageB.body)), from);
      const saved = await b.post(`${base(id)}/sections/identify`, {
        version: from,
        whyNow: 'Written by Cal',
        action: 'later',
      });
      assert.equal(saved.statusCode, 303);
      const stale = await a.post(`${base(id)}/sections/identify`, {
        version: from,
        whyNow: 'Written by Tess',
        action: 'later',
      });
      assert.equal(stale.statusCode, 409);
      assert.match(stale.body, /data-qa="conflict"/);
      assert.match(stale.body, /Cal Colleague saved version/);
      assert.match(stale.body, /Written by Tess<\/textarea>/);
      assert.match(stale.body, /data-qa="theirs-whyNow"[\s\S]*Written by Cal/);
      assert.equal((await content(id)).content.whyNow, 'Written by Cal');
      // Choosing to keep theirs is a link; choosing "mine" saves from the version the warning showed.
      const mine = await a.post(`${base(id)}/sections/identify`, {
        version: String(versionOn(stale.body)),
        whyNow: 'Written by Tess',
        action: 'later',
      });
      assert.equal(mine.statusCode, 303);
      assert.equal((await content(id)).content.whyNow, 'Written by Tess');
    });

    test('the autosave answers JSON with the same version check', async () => {
      const id = await start();
      const c = await as(teacher);
      const page = await c.get(`${base(id)}/sections/views`);
      const from = versionOn(page.body);
      const ok = await c.post(`${base(id)}/sections/views/autosave`, {
        version: String(from),
        childViews: 'I like art',
      });
      assert.equal(ok.statusCode, 200);
      const answer = ok.json() as { saved: boolean; version: number; savedAt: string };
      assert.equal(answer.saved, true);
      assert.equal(answer.version, from + 1);
      assert.match(answer.savedAt, /^\d\d:\d\d$/);
      const stale = await c.post(`${base(id)}/sections/views/autosave`, {
        version: String(from),
        childViews: 'I like music',
      });
      assert.equal(stale.statusCode, 409);
      assert.equal((stale.json() as { conflict: boolean }).conflict, true);
      assert.equal((await content(id)).content.childViews, 'I like art');
    });

    test('a session time-out mid-section keeps what was typed, offered back after signing in', async () => {
      const id = await start();
      const c = new TestClient(t.app, t.clock);
      await c.signIn(teacher);
      const page = await c.get(`${base(id)}/sections/changes`);
      t.clock.advance((t.config.session.idleMinutes + 1) * 60_000);
      as.clear(); // every other signed-in client timed out too
      const res = await c.post(`${base(id)}/sections/changes`, {
        version: String(versionOn(page.body)),
        changesWanted: 'Mornings that start calmly',
        successCriteria: 'On time four days in five',
        action: 'later',
      });
      assert.equal(res.headers.location, '/sign-in?timeout=1');
      assert.equal((await c.signIn(teacher)).headers.location, '/sign-in/resume');
      const resume = await c.get('/sign-in/resume');
      assert.match(resume.body, /data-qa="kept-form"[^>]*>[^<]*Early help assessment[^<]*Poppy Fenwick/);
      assert.match(resume.body, /Mornings that start calmly/);
      const fields: Record<string, string> = {};
      for (const m of resume.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
        if (m[1] !== '_csrf') fields[m[1]!] = m[2]!;
      }
      const sent = await c.post(`${base(id)}/sections/changes`, fields);
      assert.equal(sent.statusCode, 303);
      const a = await content(id);
      assert.equal(a.content.changesWanted, 'Mornings that start calmly');
      assert.equal(a.content.successCriteria, 'On time four days in five');
    });

    test('unmet needs are structured: added by sub-area for a child or the family, and removed', async () => {
      const id = await start();
      const c = await as(teacher);
      const page = await c.get(`${base(id)}/sections/needs`);
      assert.equal(page.statusCode, 200);
      const bad = await c.post(`${base(id)}/needs`, {
        version: String(versionOn(page.body)),
        subArea: '',
        personId: 'family',
        description: 'Housing is damp',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Select the area of the need/);
      assert.match(bad.body, /Housing is damp/);
      const last = domain.subAreas.at(-1)!;
      const ok = await c.post(`${base(id)}/needs`, {
        version: String(versionOn(page.body)),
        subArea: last.id,
        personId: 'family',
        description: 'Housing is damp',
      });
      assert.equal(ok.statusCode, 303);
      const needs = await db
        .selectFrom('assessment_need')
        .selectAll()
        .where('assessment_id', '=', id)
        .where('removed_at', 'is', null)
        .execute();
      const family = needs.find((n) => n.description === 'Housing is damp')!;
      assert.equal(family.person_id, null);
      assert.equal(family.sub_area, last.id);
      const after1 = await c.get(`${base(id)}/sections/needs`);
      const removed = await c.post(`${base(id)}/needs/${family.id}/remove`, {
        version: String(versionOn(after1.body)),
      });
      assert.equal(removed.statusCode, 303);
      const left = await db
        .selectFrom('assessment_need')
        .select('id')
        .where('assessment_id', '=', id)
        .where('removed_at', 'is', null)
        .execute();
      assert.equal(left.length, 1);
    });

    test('sign-off: submitted to a manager of the author’s team; the author cannot sign off their own; return loop with reason', async () => {
      const id = await start();
      const author = await as(teacher);
      const form = await author.get(`${base(id)}/submit`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Hana Head \(Pastoral\)/);
      assert.doesNotMatch(form.body, /Tess Teacher \(/);
      const sent = await author.post(`${base(id)}/submit`, { managerId: head.id });
      assert.equal(sent.statusCode, 303);
      assert.equal((await content(id)).status, 'submitted');
      const work = await db
        .selectFrom('work_item')
        .selectAll()
        .where('source_id', '=', id)
        .where('status', '=', 'open')
        .execute();
      assert.deepEqual(
        work.map((w) => [w.kind, w.assigned_user_id]),
        [['assessment.sign-off', head.id]],
      );
      const told = await db.selectFrom('notification').select('title').where('user_id', '=', head.id).execute();
      assert.ok(told.some((n) => /waiting for your sign-off/.test(n.title)));
      assert.ok(!told.some((n) => n.title.includes('Poppy')));

      // The author, even as a manager of a team, is refused with a message and what they chose kept.
      await author.get(`${base(id)}/sign-off`);
      const own = await author.post(`${base(id)}/sign-off`, { decision: 'signed_off' });
      assert.equal(own.statusCode, 400);
      assert.match(own.body, /You wrote this assessment, so you cannot sign it off/);
      assert.match(own.body, /value="signed_off" checked/);
      assert.equal((await content(id)).status, 'submitted');

      // Changing it while it is with the manager is refused.
      const locked = await author.post(`${base(id)}/sections/identify`, { version: '1', whyNow: 'x', action: 'later' });
      assert.equal(locked.statusCode, 400);

      const manager = await as(head);
      const page = await manager.get(`${base(id)}/sign-off`);
      assert.equal(page.statusCode, 200);
      const noReason = await manager.post(`${base(id)}/sign-off`, { decision: 'returned', reason: '' });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Enter what needs to change/);
      const returned = await manager.post(`${base(id)}/sign-off`, {
        decision: 'returned',
        reason: 'Add the child’s own words',
      });
      assert.equal(returned.statusCode, 303);
      assert.equal((await content(id)).status, 'returned');
      const back = await db
        .selectFrom('work_item')
        .selectAll()
        .where('source_id', '=', id)
        .where('status', '=', 'open')
        .execute();
      assert.deepEqual(
        back.map((w) => [w.kind, w.assigned_user_id]),
        [['assessment.returned', teacher.id]],
      );
      const overview = await author.get(base(id));
      assert.match(overview.body, /Add the child’s own words/);

      // The author changes it and submits again; the manager signs it off.
      const views = await author.get(`${base(id)}/sections/views`);
      await author.post(`${base(id)}/sections/views`, {
        version: String(versionOn(views.body)),
        childViews: 'I want to be on time',
        action: 'later',
      });
      assert.equal((await author.post(`${base(id)}/submit`, { managerId: head.id })).statusCode, 303);
      await manager.get(`${base(id)}/sign-off`);
      assert.equal((await manager.post(`${base(id)}/sign-off`, { decision: 'signed_off' })).statusCode, 303);
      const signed = await db
        .selectFrom('assessment')
        .select(['status', 'signed_off_version', 'version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(signed.status, 'signed_off');
      assert.equal(signed.signed_off_version, signed.version);
      const history = await db
        .selectFrom('assessment_signoff')
        .select(['outcome', 'reason'])
        .where('assessment_id', '=', id)
        .orderBy('submitted_at')
        .execute();
      assert.deepEqual(history, [
        { outcome: 'returned', reason: 'Add the child’s own words' },
        { outcome: 'signed_off', reason: null },
      ]);
      const chronology = await author.get(`/people/${childId}/chronology`);
      assert.match(chronology.body, /Early help assessment \(version \d+\) signed off/);
      assert.match(chronology.body, /returned for changes/);
    });

    test('a signed-off version is kept unchanged; later edits make a new draft; print and PDF withhold protected people', async () => {
      const id = await start();
      const author = await as(teacher);
      const page = await author.get(`${base(id)}/sections/identify`);
      await author.post(`${base(id)}/sections/identify`, {
        version: String(versionOn(page.body)),
        whyNow: 'Signed-off words',
        action: 'later',
      });
      await author.post(`${base(id)}/submit`, { managerId: head.id });
      const manager = await as(head);
      await manager.get(`${base(id)}/sign-off`);
      await manager.post(`${base(id)}/sign-off`, { decision: 'signed_off' });
      const signedVersion = (await content(id)).version;

      const again = await author.get(`${base(id)}/sections/identify`);
      const edit = await author.post(`${base(id)}/sections/identify`, {
        version: String(versionOn(again.body)),
        whyNow: 'Later words',
        action: 'later',
      });
      assert.equal(edit.statusCode, 303);
      const now = await content(id);
      assert.equal(now.status, 'draft');
      assert.equal(now.version, signedVersion + 1);
      const kept = await db
        .selectFrom('assessment_version')
        .select('content')
        .where('assessment_id', '=', id)
        .where('number', '=', signedVersion)
        .executeTakeFirstOrThrow();
      const keptContent = (typeof kept.content === 'string' ? JSON.parse(kept.content) : kept.content) as Record<
        string,
        unknown
      >;
      assert.equal(keptContent.whyNow, 'Signed-off words');

      const print = await author.get(`${base(id)}/print`);
      assert.equal(print.statusCode, 200);
      assert.match(print.body, /Signed-off words/);
      assert.doesNotMatch(print.body, /Later words/);
      assert.doesNotMatch(print.body, /Rhona|Quillby/);
      assert.match(print.body, /a family member whose details are withheld/);
      const pdf = await author.get(`${base(id)}/pdf`);
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.doesNotMatch(String(pdf.headers['content-disposition']), /Poppy|Fenwick/);

      // Another agency without consent or a lawful basis cannot see it.
      assert.equal((await (await as(stranger)).get(`${base(id)}/print`)).statusCode, 404);
    });
  });
}
