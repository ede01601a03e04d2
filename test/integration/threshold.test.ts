import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

for (const engine of engines()) {
  describe(`Threshold of need (${engine})`, () => {
    let t: TestApp;
    let teacher: TestUser;
    let teacherClient: TestClient;
    let nurse: TestUser;
    let nurseClient: TestClient;
    let childId: string;

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      const school = await createOrganisation(t.database.db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const health = await createOrganisation(t.database.db, { name: 'Lea Health', agency_type: 'health' });
      teacher = await createUser(t.database.db, {
        roles: ['practitioner'],
        organisationId: school.id,
        name: 'Tess Teacher',
      });
      nurse = await createUser(t.database.db, {
        roles: ['practitioner'],
        organisationId: health.id,
        name: 'Nia Nurse',
      });
      childId = await createPerson(t.database.db, {
        givenName: 'Poppy',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      await t.database.db.transaction().execute(async (trx) => {
        const { addInvolvement } = await import('../../src/features/people/registry-repository.ts');
        await addInvolvement(trx, childId, {
          organisationId: health.id,
          teamId: null,
          userId: nurse.id,
          role: 'School nurse',
          startedOn: '2025-09-01',
          contactPhone: null,
          contactEmail: null,
        });
      });
      teacherClient = new TestClient(t.app, t.clock);
      await teacherClient.signIn(teacher);
      nurseClient = new TestClient(t.app, t.clock);
      await nurseClient.signIn(nurse);
    });
    after(() => t.close());

    test('the helper suggests a level per domain and overall, with reasons and services, and records nothing', async () => {
      const page = await teacherClient.get('/threshold');
      assert.equal(page.statusCode, 200);
      const guidanceId = /name="guidanceId" value="([^"]+)"/.exec(page.body)![1]!;
      assert.match(page.body, /Learning and education/);
      const res = await teacherClient.post('/threshold/suggest', {
        guidanceId,
        indicator: ['learning.early_help.1', 'basic-care.targeted.2', 'learning.universal.2'],
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Suggested: <strong>Targeted<\/strong>/);
      assert.match(res.body, /Targeted in parents and carers/);
      assert.match(res.body, /Needs in 2 domains/);
      assert.match(res.body, /Strengths: Attends school, college or training well/);
      assert.doesNotMatch(res.body, /Record your judgement<\/h2>/);
      const rows = await t.database.db.selectFrom('need_level').selectAll().execute();
      assert.equal(rows.length, 0);
    });

    test('a specialist indicator shows the significant-harm warning', async () => {
      const page = await teacherClient.get('/threshold');
      const guidanceId = /name="guidanceId" value="([^"]+)"/.exec(page.body)![1]!;
      const res = await teacherClient.post('/threshold/suggest', {
        guidanceId,
        indicator: 'relationships.specialist.1',
      });
      assert.match(res.body, /data-qa="significant-harm"/);
      assert.match(res.body, /telephone the front door now/);
    });

    test('recording a judgement for a child: errors keep what was typed; the judgement can differ from the suggestion', async () => {
      const form = await teacherClient.get(`/people/${childId}/need-level/new`);
      assert.equal(form.statusCode, 200);
      const guidanceId = /name="guidanceId" value="([^"]+)"/.exec(form.body)![1]!;
      const picks = ['learning.early_help.1', 'health.early_help.3', 'housing.early_help.2'];
      const suggested = await teacherClient.post(`/people/${childId}/need-level/suggest`, {
        guidanceId,
        indicator: picks,
      });
      assert.match(suggested.body, /Suggested: <strong>Early Help<\/strong>/);
      assert.match(suggested.body, /Record your judgement/);

      let res = await teacherClient.post(`/people/${childId}/need-level`, {
        guidanceId,
        indicator: picks,
        level: 'targeted',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter why you judge this to be the level of need/);
      assert.match(res.body, /value="targeted" checked/);

      res = await teacherClient.post(`/people/${childId}/need-level`, {
        guidanceId,
        indicator: picks,
        level: 'targeted',
        rationale: 'Mum says things are worse than school sees.',
      });
      assert.equal(res.statusCode, 303);
      const rows = await t.database.db.selectFrom('need_level').selectAll().where('person_id', '=', childId).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.level, 'targeted');
      assert.equal(rows[0]!.suggested_level, 'early_help');
      assert.equal(rows[0]!.organisation_id, teacher.organisationId);
      const indicators = rows[0]!.indicators as unknown as { text: string }[];
      assert.equal(indicators.length, 3);
      assert.equal(indicators[0]!.text, 'Sometimes absent or truanting');

      const page = await teacherClient.get(`/people/${childId}/need-level`);
      assert.match(page.body, /Targeted — /);
      assert.match(
        page.body,
        /Helper suggested<\/dt><dd class="govuk-summary-list__value">Early Help \(guidance version 1\)/,
      );
      // Three unmet needs recorded by one agency: prompt for an Early Help Assessment (the Rutland rule).
      assert.match(page.body, /data-qa="assessment-prompt"/);
      const audit = await t.database.db
        .selectFrom('audit_event')
        .select(['action', 'record_id'])
        .where('action', '=', 'person.need-level.recorded')
        .execute();
      assert.deepEqual(audit, [{ action: 'person.need-level.recorded', record_id: childId }]);
    });

    test("another agency's judgement is counted, not shown, without consent or a lawful basis", async () => {
      const page = await nurseClient.get(`/people/${childId}/need-level`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /Mum says/);
      assert.match(page.body, /1 judgement by other agencies you cannot see/);
      assert.doesNotMatch(page.body, /data-qa="assessment-prompt"/);
    });

    test('without a relationship the child is not found, and the refusal is audited on the child', async () => {
      const stranger = await createUser(t.database.db, { roles: ['practitioner'] });
      const client = new TestClient(t.app, t.clock);
      await client.signIn(stranger);
      assert.equal((await client.get(`/people/${childId}/need-level`)).statusCode, 404);
      assert.equal((await client.get(`/people/${childId}/need-level/new`)).statusCode, 404);
      await client.get('/threshold');
      const res = await client.post(`/people/${childId}/need-level`, {
        level: 'universal',
        rationale: 'x',
        guidanceId: '00000000-0000-4000-8000-000000000000',
      });
      assert.equal(res.statusCode, 404);
      const refused = await t.database.db
        .selectFrom('audit_event')
        .select('record_id')
        .where('action', '=', 'person.need-level.refused')
        .where('actor_user_id', '=', stranger.id)
        .execute();
      assert.equal(refused.length, 3);
      assert.ok(refused.every((r) => r.record_id === childId));
    });

    test('a merged record leads to the record kept only for those who may see it; others are told it is not there', async () => {
      const keptId = await createPerson(t.database.db, {
        givenName: 'Linnet',
        familyName: 'Quarrendon',
        dateOfBirth: '2016-10-11',
        shielded: true,
        involvement: { organisationId: teacher.organisationId, userId: teacher.id },
      });
      const duplicateId = await createPerson(t.database.db, {
        givenName: 'Linnet',
        familyName: 'Quarendon',
        dateOfBirth: '2016-10-11',
      });
      await t.database.db
        .updateTable('person')
        .set({ merged_into: keptId, merged_at: t.clock.now() })
        .where('id', '=', duplicateId)
        .execute();
      for (const page of ['need-level', 'need-level/new', 'who-to-talk-to']) {
        const res = await teacherClient.get(`/people/${duplicateId}/${page}`);
        assert.equal(res.statusCode, 303, page);
        assert.match(String(res.headers.location), new RegExp(`^/people/${keptId}/`), page);
        const other = await nurseClient.get(`/people/${duplicateId}/${page}`);
        assert.equal(other.statusCode, 404, page);
        assert.doesNotMatch(other.body, new RegExp(keptId), page);
      }
      const refused = await t.database.db
        .selectFrom('audit_event')
        .select('action')
        .where('record_type', '=', 'person')
        .where('record_id', '=', keptId)
        .where('action', 'in', ['person.need-level.refused', 'person.contacts.refused'])
        .execute();
      assert.deepEqual(refused.map((r) => r.action).sort(), [
        'person.contacts.refused',
        'person.need-level.refused',
        'person.need-level.refused',
      ]);
    });

    test('administrators publish a new version; earlier judgements keep theirs; a stale edit is refused', async () => {
      const adminUser = await createUser(t.database.db, { roles: ['system_admin'] });
      const admin = new TestClient(t.app, t.clock);
      await admin.signIn(adminUser);
      assert.equal((await teacherClient.get('/admin/threshold-guidance')).statusCode, 403);
      const form = await admin.get('/admin/threshold-guidance/early_help');
      assert.equal(form.statusCode, 200);
      const field = (name: string) =>
        new RegExp(`name="${name}"[^>]*>([^<]*)<`).exec(form.body)?.[1]?.replace(/&#39;|&rsquo;/g, '’') ?? '';
      const body: Record<string, string> = {
        basedOn: '1',
        summary: field('summary'),
        assessment: field('assessment'),
        keyServices: 'Family support services',
        note: '',
      };
      for (const s of [
        'learning',
        'health',
        'emotional',
        'self-care',
        'relationships',
        'housing',
        'community',
        'basic-care',
        'warmth',
        'guidance',
      ]) {
        body[`indicators-${s}`] = s === 'learning' ? 'Often late for school\nSometimes absent' : 'An indicator';
      }
      let res = await admin.post('/admin/threshold-guidance/early_help', body);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter what changed and why/);
      assert.match(res.body, /Often late for school/);
      res = await admin.post('/admin/threshold-guidance/early_help', { ...body, note: 'Lateness added' });
      assert.equal(res.statusCode, 303);
      res = await admin.post('/admin/threshold-guidance/early_help', {
        ...body,
        note: 'A second edit from the old page',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Someone else published a new version/);

      const list = await admin.get('/admin/threshold-guidance');
      assert.match(list.body, /Lateness added/);
      const helper = await teacherClient.get('/threshold');
      assert.match(helper.body, /Often late for school/);
      assert.match(helper.body, /guidance version 2/);
      const page = await teacherClient.get(`/people/${childId}/need-level`);
      assert.match(page.body, /guidance version 1/);
      assert.match(page.body, /Sometimes absent or truanting/);
      assert.ok((await verifyAuditChain(t.database.db)).ok);
    });
  });
}
