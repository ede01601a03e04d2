import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { londonToday } from '../../src/platform/calendar.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson, relate } from '../support/people.ts';

for (const engine of engines()) {
  describe(`Think Family (${engine})`, () => {
    let t: TestApp;
    let teacher: TestUser;
    let nurse: TestUser;
    let stranger: TestUser;
    let leader: TestUser;
    let school: string;
    let health: string;
    let child: string;
    let mother: string;
    let consentId: string;

    const as = signedInClients(() => t);

    before(async () => {
      t = await startTestApp(engine);
      const db = t.database.db;
      school = (await createOrganisation(db)).id;
      health = (await createOrganisation(db, { agency_type: 'health' })).id;
      const council = (await createOrganisation(db, { agency_type: 'local_authority' })).id;
      const lea = await createPartnership(db, 'Lea', [council]);
      await db.insertInto('area_postcode_district').values({ area_id: lea.areaId, district: 'LU3' }).execute();
      teacher = await createUser(db, { organisationId: school, name: 'Tara Teacher' });
      nurse = await createUser(db, { organisationId: health, name: 'Nadia Nurse' });
      stranger = await createUser(db, { organisationId: (await createOrganisation(db)).id });
      leader = await createUser(db, { roles: ['integrated_processes'], organisationId: council });
      await db.insertInto('user_area').values({ user_id: leader.id, area_id: lea.areaId }).execute();
      const address = { line1: '4 Sundon Crescent', postcode: 'LU3 4AA' };
      child = await createPerson(db, {
        givenName: 'Poppy',
        familyName: 'Marchbank',
        dateOfBirth: '2017-03-04',
        address,
        involvement: { organisationId: school, userId: teacher.id },
      });
      await db
        .insertInto('involvement')
        .values({
          person_id: child,
          organisation_id: health,
          user_id: nurse.id,
          role: 'School nurse',
          started_on: '2025-09-01',
        })
        .execute();
      await db
        .insertInto('need_level')
        .values({
          person_id: child,
          level: 'early_help',
          reason: 'Judgement',
          recorded_at: t.clock.now(),
          organisation_id: school,
        })
        .execute();
      mother = await createPerson(db, {
        kind: 'adult',
        givenName: 'Jade',
        familyName: 'Marchbank',
        dateOfBirth: '1990-01-01',
        address,
      });
      await relate(db, child, mother);
      const consent = await db
        .insertInto('consent')
        .values({
          person_id: child,
          household_id: null,
          given_by_person_id: mother,
          given_by_kind: 'parent_carer',
          decision: 'given',
          purposes: ['information_sharing'],
          service_name: null,
          method: 'in_person',
          obtained_on: '2026-01-10',
          review_on: null,
          explained: null,
          recorded_by: teacher.id,
          recorded_by_organisation_id: school,
          recorded_at: new Date('2026-01-10T12:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      consentId = consent.id;
      await db
        .insertInto('consent_recipient')
        .values({
          consent_id: consentId,
          kind: 'organisation',
          organisation_id: health,
          agency_type: null,
          panel_name: null,
        })
        .execute();
    });
    after(() => t.close());

    test('someone who does not work with the child is not found, and cannot record', async () => {
      const c = await as(stranger);
      assert.equal((await c.get(`/people/${child}/think-family`)).statusCode, 404);
      assert.equal(
        (await c.post(`/people/${child}/think-family`, { need: 'finance', about: 'household' })).statusCode,
        404,
      );
      assert.doesNotMatch((await c.get(`/people/${child}/family`)).body, /Think Family/);
    });

    test('a practitioner working with the child records needs on an adult and the household, audited', async () => {
      const c = await as(teacher);
      const form = await c.get(`/people/${child}/think-family`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Jade Marchbank/);
      const bad = await c.post(`/people/${child}/think-family`, {
        need: 'nonsense',
        about: '00000000-0000-4000-8000-000000000000',
        note: 'Kept',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Select the need/);
      assert.match(bad.body, /Select who the need is about/);
      assert.match(bad.body, />Kept</);
      const mental = await c.post(`/people/${child}/think-family`, {
        need: 'mental_health',
        about: mother,
        note: 'Low mood since the birth',
      });
      assert.equal(mental.statusCode, 303);
      const money = await c.post(`/people/${child}/think-family`, { need: 'finance', about: 'household', note: '' });
      assert.equal(money.statusCode, 303);
      const family = await c.get(`/people/${child}/family`);
      assert.match(family.body, /Think Family: adults’ needs/);
      assert.match(family.body, /Mental health/);
      assert.match(family.body, /Low mood since the birth/);
      assert.match(family.body, /Debt, low income or unemployment/);
      const events = await t.database.db
        .selectFrom('audit_event')
        .select(['record_id', 'details'])
        .where('action', '=', 'person.think-family.recorded')
        .orderBy('id')
        .execute();
      assert.equal(events.length, 2);
      assert.equal(events[0]!.record_id, child);
      assert.equal((events[0]!.details as { personId: string }).personId, mother);
    });

    test('a child with no address has no household to record on: the form says so', async () => {
      const homeless = await createPerson(t.database.db, {
        givenName: 'Alfie',
        familyName: 'Nowhere',
        dateOfBirth: '2015-02-02',
        involvement: { organisationId: school, userId: teacher.id },
      });
      const c = await as(teacher);
      assert.match((await c.get(`/people/${homeless}/think-family`)).body, /No current address is recorded/);
      const res = await c.post(`/people/${homeless}/think-family`, { need: 'finance', about: 'household' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Record the child’s address first/);
    });

    test('another agency sees a sensitive need only when a consent names its category for them', async () => {
      const c = await as(nurse);
      let page = await c.get(`/people/${child}/family`);
      assert.match(page.body, /Debt, low income or unemployment/, 'consent covers the health service');
      assert.doesNotMatch(page.body, /Mental health|Low mood/);
      assert.match(page.body, /1 more need is recorded that you cannot see/);
      let chronology = await c.get(`/people/${child}/chronology`);
      assert.doesNotMatch(chronology.body, /Adult need affecting parenting recorded: Mental health/);
      await t.database.db
        .updateTable('consent')
        .set({ sensitive_categories: ['mental_health'] })
        .where('id', '=', consentId)
        .execute();
      page = await c.get(`/people/${child}/family`);
      assert.match(page.body, /Mental health/);
      chronology = await c.get(`/people/${child}/chronology`);
      assert.match(chronology.body, /Adult need affecting parenting recorded: Mental health/);
    });

    test('the needs count in the targeted services leader’s Top 100, without naming them', async () => {
      const res = await (await as(leader)).get('/targeted-services');
      assert.match(res.body, /2 adult needs affecting parenting \(Think Family\) \(\+4\)/);
      assert.doesNotMatch(res.body, /Mental health|Debt, low income/);
    });

    test('a need can be ended with the date and the reason: shown as ended, audited, and on the chronology', async () => {
      const db = t.database.db;
      const need = await db
        .selectFrom('think_family_need')
        .select(['id', 'recorded_at'])
        .where('need', '=', 'finance')
        .executeTakeFirstOrThrow();
      const url = `/people/${child}/think-family/${need.id}/end`;
      const other = await as(stranger);
      assert.equal((await other.get(url)).statusCode, 404);
      assert.equal((await other.post(url, { reason: 'x' })).statusCode, 404);
      const c = await as(teacher);
      const form = await c.get(url);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Debt, low income or unemployment/);
      const [y, m, d] = londonToday(t.clock.now()).split('-');
      const bad = await c.post(url, {
        'endedOn-day': '1',
        'endedOn-month': '1',
        'endedOn-year': String(Number(y) + 1),
        reason: '',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /The date the need ended must be today or in the past/);
      assert.match(bad.body, /Enter why the need has ended/);
      const early = await c.post(url, {
        'endedOn-day': '1',
        'endedOn-month': '1',
        'endedOn-year': '2000',
        reason: 'Kept as typed',
      });
      assert.equal(early.statusCode, 400);
      assert.match(early.body, /The date the need ended must be on or after the day it was recorded/);
      assert.match(early.body, />Kept as typed</);
      const ended = await c.post(url, {
        'endedOn-day': d!,
        'endedOn-month': m!,
        'endedOn-year': y!,
        reason: 'Back in full-time work',
      });
      assert.equal(ended.statusCode, 303);
      const row = await db
        .selectFrom('think_family_need')
        .selectAll()
        .where('id', '=', need.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.ended_on, `${y}-${m}-${d}`);
      assert.equal(row.end_reason, 'Back in full-time work');
      assert.equal(row.ended_by, teacher.id);
      const page = await c.get(`/people/${child}/think-family`);
      assert.match(page.body, /data-qa="need-ended"/);
      assert.match(page.body, /Back in full-time work/);
      const events = await db
        .selectFrom('audit_event')
        .select(['record_id', 'details'])
        .where('action', '=', 'person.think-family.ended')
        .execute();
      assert.equal(events.length, 1);
      assert.equal(events[0]!.record_id, child);
      const chronology = await c.get(`/people/${child}/chronology`);
      assert.match(chronology.body, /Adult need affecting parenting ended: Debt, low income or unemployment/);
      const again = await c.post(url, {
        'endedOn-day': d!,
        'endedOn-month': m!,
        'endedOn-year': y!,
        reason: 'Twice',
      });
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /This need has already ended/);
      const leaderPage = await (await as(leader)).get('/targeted-services');
      assert.match(leaderPage.body, /1 adult need affecting parenting \(Think Family\)/);
    });
  });
}
