/**
 * An agency's own assessment, attached and counted instead of an Early Help Assessment (issue 10;
 * docs/decisions/0033): attaching it in the child's episode with its document, the refusals (what was typed kept),
 * the assessment on record, the derived summary on the person, the plan's objectives, a panel request resting on
 * it, the step up's summary, the sharing rules and the audit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { assessmentOnRecord } from '../../src/features/assessments/on-record.ts';
import { stepUpExtras } from '../../src/features/episodes/steps.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPanel, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { FILES, multipart, type Part } from '../support/files.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const episodeIdFrom = (location: unknown) => /\/episodes\/([0-9a-f-]{36})/.exec(String(location))![1]!;
const agencyIdFrom = (location: unknown) => /\/agency-assessments\/([0-9a-f-]{36})/.exec(String(location))![1]!;
const dateFields = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! };
};

for (const engine of engines()) {
  describe(`An agency’s own assessment (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let worker: TestUser;
    let stranger: TestUser;
    let schoolId: string;
    let householdArea: string;
    let panelId: string;
    const as = signedInClients(() => t);

    /** A child at the school with an episode the council's worker leads (the worker works with the child). */
    const family = async (givenName: string) => {
      const childId = await createPerson(db, {
        givenName,
        familyName: 'Marsh',
        dateOfBirth: '2016-05-04',
        involvement: { organisationId: schoolId, userId: teacher.id },
      });
      const household = await registry.findOrCreateHousehold(db, {
        line1: `${givenName} Cottage`,
        line2: null,
        town: null,
        postcode: 'LU1 1AA',
        areaId: householdArea,
      });
      await registry.moveTo(db, childId, household, '2020-01-01');
      const c = await as(teacher);
      await c.get(`/people/${childId}/episodes/new`);
      const opened = await c.post(`/people/${childId}/episodes`, { personIds: childId, leadUserId: worker.id });
      assert.equal(opened.statusCode, 303, opened.body.slice(0, 2000));
      const episodeId = episodeIdFrom(opened.headers.location);
      return { childId, episodeId, url: `/people/${childId}/episodes/${episodeId}` };
    };

    const good = (childId: string, extra: Record<string, string> = {}): Record<string, string> => ({
      tool: 'Youth Justice AssetPlus',
      personIds: childId,
      ...dateFields('completedOn', '2026-11-20'),
      signedOffBy: 'Pat Senior, team manager',
      ...dateFields('signedOffOn', '2026-11-24'),
      level: 'targeted',
      summary: 'Missing school on Mondays; tension at home in the mornings.',
      'need-1-subArea': 'learning',
      'need-1-personId': childId,
      'need-1-description': 'Misses school most Mondays',
      'need-2-subArea': 'housing',
      'need-2-personId': 'family',
      'need-2-description': 'The flat is damp',
      ...extra,
    });

    /** Posts the attach form as a browser does: the CSRF token first, the fields, then the file (or none). */
    const attach = async (
      user: TestUser,
      childId: string,
      fields: Record<string, string>,
      file: { filename: string; content: Buffer } | null = { filename: 'assetplus.pdf', content: FILES.pdf },
    ) => {
      const c = await as(user);
      t.clock.advance(1000);
      await c.get(`/people/${childId}/agency-assessments/new`);
      const parts: Part[] = [{ name: '_csrf', value: c.csrf ?? '' }];
      for (const [name, value] of Object.entries(fields)) parts.push({ name, value });
      parts.push({ name: 'file', file: file ?? { filename: '', content: Buffer.alloc(0) } });
      const { body, contentType } = multipart(parts);
      return t.app.inject({
        method: 'POST',
        url: `/people/${childId}/agency-assessments`,
        payload: body,
        headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': contentType },
      });
    };
    const audits = (action: string, recordId: string) =>
      db
        .selectFrom('audit_event')
        .select(['record_id', 'details'])
        .where('action', '=', action)
        .where('record_id', '=', recordId)
        .execute();

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const council = await createOrganisation(db, {
        name: 'Lea Youth Justice Service',
        agency_type: 'local_authority',
      });
      const otherSchool = await createOrganisation(db, { name: 'Far Hill Primary', agency_type: 'school' });
      schoolId = school.id;
      const lea = await createPartnership(db, 'Lea', [school.id, council.id]);
      householdArea = lea.areaId;
      await createPartnership(db, 'Elsewhere', [otherSchool.id]);
      teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
      worker = await createUser(db, { organisationId: council.id, name: 'Wren Worker' });
      stranger = await createUser(db, { organisationId: otherSchool.id, name: 'Sam Stranger' });
      const admin = await createUser(db, { organisationId: council.id, name: 'Ada Admin', roles: ['system_admin'] });
      panelId = await createPanel(db, 'South Area Family Support Panel', [{ user: admin, role: 'administrator' }]);
    });
    after(() => t.close());

    test('bad input is refused GOV.UK style with what was typed kept, and nothing is stored', async () => {
      const { childId } = await family('Ada');
      const before = await db.selectFrom('assessment').select('id').execute();
      const noFile = await attach(
        worker,
        childId,
        good(childId, { ...dateFields('completedOn', '2027-01-05'), ...dateFields('signedOffOn', '2010-01-01') }),
        null,
      );
      assert.equal(noFile.statusCode, 400, noFile.body.slice(0, 2000));
      assert.match(noFile.body, /There is a problem/);
      assert.match(noFile.body, /The date it was completed must be today or in the past/);
      assert.match(noFile.body, /The date it was signed off must be on or after Ada Marsh’s date of birth/);
      assert.match(noFile.body, /Select a file to upload/);
      assert.match(noFile.body, /value="Youth Justice AssetPlus"/);
      assert.match(noFile.body, /Missing school on Mondays; tension at home in the mornings\./);
      assert.match(noFile.body, /Misses school most Mondays<\/textarea>/);
      assert.match(noFile.body, /value="learning" selected/);

      const missing = await attach(worker, childId, { personIds: childId, 'need-1-description': 'Sleeps badly' });
      assert.equal(missing.statusCode, 400);
      for (const m of [
        'Enter the name of the assessment or the tool used',
        'Enter the date it was completed',
        'Enter who signed it off in your agency',
        'Select the level of need the assessment found',
        'Select the area of need 1',
        'Select who need 1 is about',
      ]) {
        assert.match(missing.body, new RegExp(m));
      }
      assert.match(missing.body, /Sleeps badly<\/textarea>/);

      const program = await attach(worker, childId, good(childId), {
        filename: 'assessment.pdf',
        content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]),
      });
      assert.equal(program.statusCode, 400);
      assert.match(program.body, /is a program, not a document/);
      const order = await attach(worker, childId, good(childId, dateFields('signedOffOn', '2026-11-01')));
      assert.equal(order.statusCode, 400);
      assert.match(order.body, /must be the same as or after the date it was completed/);
      assert.deepEqual(await db.selectFrom('assessment').select('id').execute(), before);
    });

    test('attached with its document: counted as the assessment on record, the person’s summary, the chronology and the audit', async () => {
      const { childId, episodeId } = await family('Bo');
      const res = await attach(worker, childId, good(childId));
      assert.equal(res.statusCode, 303, res.body.slice(0, 3000));
      const id = agencyIdFrom(res.headers.location);
      const page = await (await as(worker)).get(String(res.headers.location));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /The agency’s assessment has been attached/);
      assert.match(page.body, /Youth Justice AssetPlus/);
      assert.match(page.body, /Pat Senior, team manager/);
      assert.match(page.body, /Misses school most Mondays/);
      assert.doesNotMatch(page.body, /data-qa="no-needs"/);

      const row = await db.selectFrom('assessment').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.kind, 'agency');
      assert.equal(row.episode_id, episodeId);
      assert.equal(row.signed_off_version, 1);
      const onRecord = await assessmentOnRecord(db, childId);
      assert.equal(onRecord?.id, id);
      assert.equal(onRecord?.kind, 'agency');
      assert.equal(onRecord?.on, '2026-11-20');
      assert.equal(onRecord?.level, 'targeted');
      assert.equal(onRecord?.author.organisation, 'Lea Youth Justice Service');
      assert.deepEqual(onRecord?.needs.map((n) => [n.domain, n.subArea, n.personId, n.description]).sort(), [
        ['development', 'learning', childId, 'Misses school most Mondays'],
        ['family', 'housing', null, 'The flat is damp'],
      ]);
      const person = await db
        .selectFrom('person')
        .select(['early_help_assessment', 'early_help_assessment_on'])
        .where('id', '=', childId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(person, { early_help_assessment: 'completed', early_help_assessment_on: '2026-11-20' });

      const file = await db
        .selectFrom('attachment')
        .selectAll()
        .where('person_id', '=', childId)
        .executeTakeFirstOrThrow();
      assert.equal(file.media_type, 'application/pdf');
      const download = await (await as(worker)).get(`/people/${childId}/attachments/${file.id}`);
      assert.equal(download.statusCode, 200);
      assert.equal((await audits('assessment.attached', childId)).length, 1);
      assert.equal((await audits('attachment.uploaded', file.id)).length, 1);
      assert.ok((await audits('assessment.viewed', childId)).length >= 1);
      const episodePage = await (await as(worker)).get(`/people/${childId}/episodes/${episodeId}`);
      assert.match(
        episodePage.body,
        /Assessment on record: <a[^>]*>Youth Justice AssetPlus<\/a> \(Lea Youth Justice Service’s own assessment, completed 20 November 2026\), level of need: Targeted, 2 unmet needs\./,
      );
      const chronology = await (await as(worker)).get(`/people/${childId}/chronology`);
      assert.match(chronology.body, /An agency’s own assessment attached, counted as the early help assessment/);

      // The list links to it; the Early Help Assessment's own pages refuse to change it.
      const list = await (await as(worker)).get(`/people/${childId}/assessments`);
      assert.match(list.body, new RegExp(`/people/${childId}/agency-assessments/${id}`));
      assert.match(list.body, /An agency’s own assessment, attached/);
      const section = await (await as(worker)).get(`/people/${childId}/assessments/${id}/sections/level`);
      assert.equal(section.statusCode, 400);
      assert.equal((await (await as(worker)).get(`/people/${childId}/assessments/${id}/print`)).statusCode, 404);

      // The plan offers its unmet needs; the step up's summary names it.
      const plan = `/people/${childId}/episodes/${episodeId}/plan`;
      const w = await as(worker);
      await w.get(`${plan}/edit`);
      assert.equal(
        (await w.post(`${plan}/edit`, { strengths: 'Grandmother helps', reviewWeeks: '6' })).statusCode,
        303,
      );
      const objective = await w.get(`${plan}/objectives/new`);
      assert.match(objective.body, /Learning and education: Misses school most Mondays/);
      assert.match(objective.body, /The flat is damp/);
      const extras = (await stepUpExtras(db, episodeId)).join('\n');
      assert.match(
        extras,
        /An agency’s own assessment, attached in place of an Early Help Assessment: Youth Justice AssetPlus/,
      );
      assert.match(extras, /Level of need judged in the assessment: Targeted\./);
      assert.match(extras, /Misses school most Mondays/);
    });

    test('no unmet needs is allowed, and the page warns', async () => {
      const { childId } = await family('Cy');
      const fields = good(childId);
      for (const k of Object.keys(fields)) if (k.startsWith('need-')) delete fields[k];
      const res = await attach(worker, childId, fields);
      assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
      const page = await (await as(worker)).get(String(res.headers.location));
      assert.match(page.body, /data-qa="no-needs"/);
      assert.match(page.body, /No unmet needs were recorded from this assessment/);
    });

    test('a panel request rests on an agency’s own assessment', async () => {
      const { childId } = await family('Di');
      const c = await db
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
          obtained_on: '2026-11-01',
          review_on: null,
          explained: null,
          withdrawn_on: null,
          withdrawn_reason: null,
          withdrawn_by: null,
          withdrawn_at: null,
          recorded_by: worker.id,
          recorded_by_organisation_id: worker.organisationId,
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
      const ask = {
        harm: 'no',
        breakdown: 'no',
        statutory: 'no',
        educationOnly: 'no',
        steps: ['monitored'],
        changesWanted: 'School every day.',
        successCriteria: 'Attendance above 95% for a term.',
        questions: 'Who can offer mentoring?',
      };
      const w = await as(worker);
      await w.get(`/people/${childId}/panel-requests/new/${panelId}`);
      const refused = await w.post(`/people/${childId}/panel-requests/new/${panelId}`, ask);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /nor an agency’s own assessment attached in its place/);
      const res = await attach(worker, childId, good(childId));
      const id = agencyIdFrom(res.headers.location);
      const form = await w.get(`/people/${childId}/panel-requests/new/${panelId}`);
      assert.match(form.body, /Youth Justice AssetPlus, Lea Youth Justice Service’s own assessment/);
      const made = await w.post(`/people/${childId}/panel-requests/new/${panelId}`, ask);
      assert.equal(made.statusCode, 303, made.body.slice(0, 2000));
      const r = await db
        .selectFrom('panel_request')
        .selectAll()
        .where('person_id', '=', childId)
        .executeTakeFirstOrThrow();
      assert.equal(r.assessment_id, id);
      assert.equal(r.assessment_version, 1);
    });

    test('another agency without consent gets no content; someone who does not work with the child gets not found', async () => {
      const { childId } = await family('Ed');
      const res = await attach(worker, childId, good(childId));
      const url = String(res.headers.location).replace(/\?.*$/, '');
      const { episodeId } = await db
        .selectFrom('assessment')
        .select('episode_id as episodeId')
        .where('id', '=', agencyIdFrom(url))
        .executeTakeFirstOrThrow();
      const teacherEpisode = await (await as(teacher)).get(`/people/${childId}/episodes/${episodeId}`);
      assert.equal(teacherEpisode.statusCode, 200);
      assert.match(
        teacherEpisode.body,
        /Lea Youth Justice Service holds an assessment on record for this child: you need consent/,
      );
      assert.doesNotMatch(teacherEpisode.body, /Youth Justice AssetPlus/);
      const teacherSees = await (await as(teacher)).get(url);
      assert.equal(teacherSees.statusCode, 403);
      assert.doesNotMatch(teacherSees.body, /Youth Justice AssetPlus|Misses school most Mondays/);
      const file = await db
        .selectFrom('attachment')
        .select('id')
        .where('person_id', '=', childId)
        .executeTakeFirstOrThrow();
      assert.equal((await (await as(teacher)).get(`/people/${childId}/attachments/${file.id}`)).statusCode, 404);
      assert.equal((await (await as(stranger)).get(url)).statusCode, 404);
      assert.equal((await (await as(stranger)).get(`/people/${childId}/agency-assessments/new`)).statusCode, 404);
      const refusals = await audits('assessment.refused', childId);
      assert.ok(refusals.length >= 2, 'each refusal is audited on the child');
    });
    test('the API attaches one in the episode; bad input is a 422 naming the fields; a stranger gets not found', async () => {
      const { childId, episodeId } = await family('Fay');
      const token = async (u: TestUser) =>
        (
          await new TokenService(db, t.clock).createForEmail(
            u.email,
            { name: 'test', expiresInDays: null },
            { requestId: 'test', clientIp: '127.0.0.1' },
          )
        ).token;
      const call = async (u: TestUser, payload: unknown) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/episodes/${episodeId}/agency-assessments`,
          headers: { authorization: `Bearer ${await token(u)}` },
          payload: payload as Record<string, unknown>,
        });
      const body = {
        personId: childId,
        tool: 'Health visiting family health needs assessment',
        completedOn: '2026-11-20',
        signedOffBy: 'Lee Lead, health visiting team leader',
        signedOffOn: '2026-11-21',
        level: 'early_help',
        summary: 'Sleep and feeding routines',
        needs: [{ subArea: 'learning', personId: null, description: 'Not yet at nursery' }],
        document: { fileName: 'hv.pdf', content: FILES.pdf.toString('base64') },
      };
      const bad = await call(worker, {
        ...body,
        completedOn: '2027-06-01',
        needs: [{ subArea: 'nowhere', personId: null, description: 'x' }],
        document: { fileName: 'x.exe', content: Buffer.from('MZ program').toString('base64') },
      });
      assert.equal(bad.statusCode, 422, bad.body);
      const fields = (bad.json().errors as { field: string }[]).map((e) => e.field);
      assert.ok(fields.includes('completedOn'), bad.body);
      assert.ok(fields.includes('needs.0.subArea'), bad.body);
      assert.ok(fields.includes('document'), bad.body);
      assert.equal((await call(stranger, body)).statusCode, 404);
      const ok = await call(worker, body);
      assert.equal(ok.statusCode, 201, ok.body);
      const onRecord = await assessmentOnRecord(db, childId);
      assert.equal(onRecord?.id, ok.json().id);
      assert.equal(onRecord?.agency?.tool, 'Health visiting family health needs assessment');
      assert.equal(onRecord?.levelName, 'Early Help');
      const list = await t.app.inject({
        method: 'GET',
        url: `/api/v1/assessments?personId=${childId}`,
        headers: { authorization: `Bearer ${await token(worker)}` },
      });
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(
        (list.json().items as { id: string; kind: string }[]).map((i) => [i.id, i.kind]),
        [[ok.json().id, 'agency']],
      );
    });
    test('a new Early Help Assessment offers concerns from conversations as suggestions, never adding them itself', async () => {
      const { childId } = await family('Gus');
      const converse = async (by: TestUser, concerns: string) => {
        const c = await db
          .insertInto('conversation')
          .values({
            person_id: childId,
            organisation_id: by.organisationId,
            kind: 'phone',
            held_on: '2026-11-25',
            concerns,
            strengths: null,
            agreed: 'Talk again next week',
            recorded_by: by.id,
            recorded_at: new Date('2026-11-25T12:00:00Z'),
            follow_up_on: '2026-12-09',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db.insertInto('conversation_child').values({ conversation_id: c.id, person_id: childId }).execute();
      };
      await converse(worker, 'Gus is up late gaming and tired in lessons');
      // Another agency's conversation, with no consent to share: not offered.
      await converse(teacher, 'Told the teacher about a row at home');
      const w = await as(worker);
      const start = await w.get(`/people/${childId}/assessments/new`);
      assert.match(start.body, /data-qa="prefill-conversations">Gus is up late gaming and tired in lessons/);
      assert.doesNotMatch(start.body, /a row at home/);
      const res = await w.post(`/people/${childId}/assessments`, { personIds: childId });
      assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
      const id = /\/assessments\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
      const needs = await db.selectFrom('assessment_need').selectAll().where('assessment_id', '=', id).execute();
      assert.equal(needs.length, 0, 'a concern is never a need until the practitioner adds it');
      const page = await w.get(`/people/${childId}/assessments/${id}/sections/needs`);
      assert.match(page.body, /data-qa="conversation-suggestions"/);
      assert.match(page.body, /Gus is up late gaming and tired in lessons/);
      assert.doesNotMatch(page.body, /a row at home/);
      const chosen = await w.get(`/people/${childId}/assessments/${id}/sections/needs?suggest=0`);
      assert.match(chosen.body, /name="description"[^>]*>Gus is up late gaming and tired in lessons<\/textarea>/);
      const version = Number(/name="version" value="(\d+)"/.exec(chosen.body)![1]);
      const added = await w.post(`/people/${childId}/assessments/${id}/needs`, {
        version: String(version),
        subArea: 'health',
        personId: childId,
        description: 'Gus is up late gaming and tired in lessons',
      });
      assert.equal(added.statusCode, 303, added.body.slice(0, 2000));
      const after = await db.selectFrom('assessment_need').selectAll().where('assessment_id', '=', id).execute();
      assert.deepEqual(
        after.map((n) => [n.sub_area, n.description]),
        [['health', 'Gus is up late gaming and tired in lessons']],
      );
    });
  });
}
