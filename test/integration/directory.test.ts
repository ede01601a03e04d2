import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { AgencyType, DB } from '../../src/db/schema.ts';
import { type DirectoryDemo, NEED_TERM_IDS, seedDirectoryDemo } from '../../src/features/directory/demo-data.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

// A Tuesday, 10am in London.
const TUESDAY_MORNING = new Date('2026-11-24T10:00:00Z');

async function addChild(
  db: Kysely<DB>,
  dateOfBirth: string,
  involvements: { organisationId: string; userId?: string }[],
) {
  const child = await db
    .insertInto('person')
    .values({
      kind: 'child',
      given_name: 'Reuben',
      family_name: 'Ashworth-Oyelaran',
      known_as: null,
      date_of_birth: dateOfBirth,
      expected_date_of_birth: null,
      sex: 'M',
      nhs_number: null,
      upn: null,
      ethnicity: null,
      first_language: null,
      date_of_death: null,
      created_by: null,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const inv of involvements) {
    await db
      .insertInto('involvement')
      .values({
        person_id: child.id,
        organisation_id: inv.organisationId,
        team_id: null,
        user_id: inv.userId ?? null,
        role: 'Worker',
        started_on: '2026-01-01',
        ended_on: null,
        contact_phone: null,
        contact_email: null,
      })
      .execute();
  }
  return child.id;
}

/** A current address for a child, in an area (or none, to be found by postcode district). */
async function moveInto(db: Kysely<DB>, personId: string, postcode: string, areaId: string | null) {
  const h = await db
    .insertInto('household')
    .values({ address_line1: '9 Invented Row', address_line2: null, town: null, postcode, area_id: areaId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('household_member')
    .values({ household_id: h.id, person_id: personId, moved_in: '2024-01-01', moved_out: null })
    .execute();
  return h.id;
}

const htmlText = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The fields a browser would post back from a page's form: inputs, textareas and selected options. */
function formFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input[^>]*\bname="([^"]+)"(?:[^>]*\bvalue="([^"]*)")?[^>]*>/g)) {
    if (m[1] !== '_csrf' && !/type="(radio|checkbox)"/.test(m[0])) out[m[1]!] = htmlText(m[2] ?? '');
  }
  for (const m of html.matchAll(/<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"[^>]*\bchecked[^>]*>/g)) {
    out[m[1]!] = htmlText(m[2]!);
  }
  for (const m of html.matchAll(/<textarea[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    out[m[1]!] = htmlText(m[2]!);
  for (const m of html.matchAll(/<select[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    out[m[1]!] = htmlText(/<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? '');
  }
  return out;
}

/** The fields the GOV.UK error summary links to, in its order. */
const summaryFields = (html: string) =>
  [...(/govuk-error-summary__list[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '').matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);

const results = (res: { body: string }) => /data-qa="results"[\s\S]*?<\/ul>/.exec(res.body)?.[0] ?? '';

const MST_NO_EXCLUSIONS = {
  'answer-sexual-offending-primary': 'no',
  'answer-autism': 'no',
  'answer-living-independently': 'no',
  'answer-active-crisis': 'no',
};

for (const engine of engines()) {
  describe(`services directory on ${engine}`, () => {
    let t: TestApp;
    let demo: DirectoryDemo;
    let practitioner: TestUser;
    let admin: TestUser;
    let mst: string;
    let client: TestClient;
    let adminClient: TestClient;

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(TUESDAY_MORNING);
      demo = await seedDirectoryDemo(t.database.db, { today: TUESDAY_MORNING });
      mst = demo.serviceIds['Multisystemic Therapy (MST)']!;
      const school = await createOrganisation(t.database.db, {
        name: 'Westfield Academy (test)',
        agency_type: 'school',
      });
      practitioner = await createUser(t.database.db, { roles: ['practitioner'], organisationId: school.id });
      await t.database.db
        .insertInto('user_area')
        .values({ user_id: practitioner.id, area_id: demo.areaIds['Holbeck Mills']! })
        .execute();
      admin = await createUser(t.database.db, { roles: ['system_admin'] });
      client = new TestClient(t.app, t.clock);
      await client.signIn(practitioner);
      // One sign-in for the administrator: the clock stands still, and an authenticator code works only once.
      adminClient = new TestClient(t.app, t.clock);
      await adminClient.signIn(admin);
    });
    after(async () => t.close());

    test('the demo seed runs twice without duplicating anything', async () => {
      const before = await t.database.db.selectFrom('directory_service').select('id').execute();
      await seedDirectoryDemo(t.database.db, { today: TUESDAY_MORNING });
      const after = await t.database.db.selectFrom('directory_service').select('id').execute();
      assert.equal(after.length, before.length);
      assert.ok(before.length >= 15);
    });

    test('the directory needs sign-in and is in the navigation', async () => {
      assert.equal((await t.app.inject('/directory')).statusCode, 303);
      const res = await client.get('/directory');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<a class="govuk-service-navigation__link" href="\/directory" aria-current="true">/);
      assert.match((await client.get('/')).body, /href="\/directory">\s*Services directory/);
    });

    test('an MST-type service for a 14-year-old in my cluster', async () => {
      const area = demo.areaIds['Holbeck Mills']!;
      const need = NEED_TERM_IDS['behaviour-offending'];
      const res = await client.get(`/directory?age=14&area=${area}&need=${need}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Multisystemic Therapy \(MST\)/);
      assert.match(res.body, /Signpost intensive family support/);
      assert.match(res.body, /Youth Offending Service/);
      // Not in the cluster, or not for this age.
      assert.doesNotMatch(res.body, /Targeted Youth Support/);
      assert.doesNotMatch(res.body, /Early Start team/);
      // The selected filters can be removed one by one, and the form keeps what was chosen.
      assert.match(res.body, /Remove this filter<\/span> Age 14/);
      assert.match(res.body, /name="age" type="text" value="14"/);
    });

    test('filters: tier, access route, language, and the cluster rolls up to its partnership', async () => {
      const specialist = await client.get('/directory?tier=specialist');
      assert.match(specialist.body, /Multisystemic Therapy/);
      assert.doesNotMatch(specialist.body, /Family Information Service/);
      const panel = await client.get('/directory?access=panel');
      assert.match(panel.body, /Signpost intensive family support/);
      assert.match(panel.body, /School-based family workers/);
      assert.doesNotMatch(panel.body, /First Response/);
      const urdu = await client.get('/directory?language=ur');
      assert.match(urdu.body, /Family Information Service/);
      assert.match(urdu.body, /Cluster family support \(Gipton Moor\)/);
      assert.doesNotMatch(urdu.body, /Multisystemic/);
      const words = await client.get('/directory?q=multisystemic');
      assert.match(words.body, /1 service found/);
      const innerEast = results(await client.get(`/directory?area=${demo.areaIds['Gipton Moor']}`));
      assert.match(innerEast, /Cluster family support \(Gipton Moor\)/);
      assert.match(innerEast, /Duty and Advice Team/);
      assert.doesNotMatch(innerEast, /Early Start team \(Holbeck Mills\)/);
      assert.doesNotMatch(innerEast, /Rutmoor/);
    });

    test('abbreviations practitioners use find what they stand for, and a postcode finds its area’s services', async () => {
      const camhs = await client.get('/directory?q=camhs');
      assert.equal(camhs.statusCode, 200);
      assert.match(results(camhs), /Targeted mental health in schools/);
      assert.match(camhs.body, /Also searched for: child and adolescent mental health/);
      const yos = await client.get('/directory?q=YOS');
      assert.match(results(yos), /Youth Offending Service/);
      // A postcode in the partnership's Gipton Moor cluster: that cluster's services and the partnership-wide ones.
      const near = results(await client.get('/directory?postcode=ls9+7aa'));
      assert.match(near, /Cluster family support \(Gipton Moor\)/);
      assert.doesNotMatch(near, /Early Start team \(Holbeck Mills\)/);
      assert.doesNotMatch(near, /Rutmoor/);
      // Typed into the search words, a postcode is taken as one; only its first part is kept in the page's links.
      const typed = await client.get('/directory?q=LS9+7AA');
      assert.match(results(typed), /Cluster family support \(Gipton Moor\)/);
      assert.doesNotMatch(results(typed), /Rutmoor/);
      const unknown = await client.get('/directory?postcode=ZZ9');
      assert.match(unknown.body, /No area of this partnership covers ZZ9/);
      const bad = await client.get('/directory?postcode=not+a+postcode');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter a postcode, like LU3 2AB, or the first part of one, like LU3/);
      assert.match(bad.body, /value="not a postcode"/);
    });

    test('bad filter values are shown as GOV.UK errors with the input kept, never a 500', async () => {
      const res = await client.get('/directory?age=fourteen&area=nowhere&tier=huge');
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /govuk-error-summary/);
      assert.match(res.body, /Enter an age in whole years, from 0 to 25/);
      assert.match(res.body, /Select an area or cluster from the list/);
      assert.match(res.body, /Select universal, targeted or specialist/);
      assert.match(res.body, /value="fourteen"/);
      const long = await client.get(`/directory?q=${'x'.repeat(150)}`);
      assert.equal(long.statusCode, 400);
      const repeated = await client.get('/directory?age=1&age=2&page=-4');
      assert.equal(repeated.statusCode, 200);
    });

    test('the search form lists its problems in the order of its fields and keeps what was typed', async () => {
      const query = new URLSearchParams({
        q: 'x'.repeat(150),
        age: 'fourteen',
        postcode: 'nowhere-ish',
        area: 'nowhere',
        need: 'anything',
        tier: 'huge',
        access: 'by-post',
      });
      const res = await client.get(`/directory?${query}`);
      assert.equal(res.statusCode, 400);
      assert.deepEqual(summaryFields(res.body), ['q', 'age', 'postcode', 'area', 'need', 'tier', 'access']);
      assert.match(res.body, /Search words must be 100 characters or fewer/);
      assert.match(res.body, /Enter a postcode, like LU3 2AB, or the first part of one, like LU3/);
      assert.match(res.body, /Select needs from the list/);
      assert.match(res.body, /Select how families reach the service from the list/);
      assert.match(res.body, /value="fourteen"/);
      assert.match(res.body, /value="nowhere-ish"/);
    });

    test('the eligibility form names the child before the age, and keeps what was typed', async () => {
      await client.get(`/directory/services/${mst}/eligibility`);
      const both = await client.post(`/directory/services/${mst}/eligibility`, { childId: 'someone', age: 'ten' });
      assert.equal(both.statusCode, 400);
      assert.deepEqual(summaryFields(both.body), ['childId']);
      assert.match(both.body, /Select a child you work with/);
      const age = await client.post(`/directory/services/${mst}/eligibility`, {
        age: 'ten',
        'answer-risk-of-care': 'yes',
      });
      assert.equal(age.statusCode, 400);
      assert.deepEqual(summaryFields(age.body), ['age']);
      assert.match(age.body, /Enter an age in whole years, from 0 to 25/);
      assert.match(age.body, /name="age" type="text" value="ten"/);
    });

    test('the service page has what a practitioner needs to act', async () => {
      const res = await client.get(`/directory/services/${mst}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Through a panel: Children Aire panel/);
      assert.match(res.body, /0113 496 0830/);
      assert.match(res.body, /Always consider the need for consent/);
      assert.match(res.body, /MST is not for young people with autism/);
      assert.match(res.body, /Aged 11 to 17/);
      assert.doesNotMatch(res.body, /Edit eligibility rules/);
      assert.equal((await client.get('/directory/services/not-an-id')).statusCode, 404);
      assert.equal((await client.get('/directory/services/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    });

    test('a 14-year-old is eligible for MST, with the reasons', async () => {
      await client.get(`/directory/services/${mst}/eligibility`);
      const res = await client.post(`/directory/services/${mst}/eligibility`, {
        subject: 'age',
        age: '14',
        'answer-risk-of-care': 'yes',
        'answer-_area': 'yes',
        ...MST_NO_EXCLUSIONS,
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /data-outcome="eligible"/);
      assert.match(res.body, /The child is 14, which is within the age range/);
      assert.match(res.body, /At risk of coming into care/);
      assert.match(res.body, /MST is not for young people with autism[\s\S]*?Does not apply/);
      assert.match(res.body, /rules version 1/);
    });

    test('a 10-year-old is not eligible for MST because of the age range', async () => {
      await client.get(`/directory/services/${mst}/eligibility`);
      const res = await client.post(`/directory/services/${mst}/eligibility`, {
        subject: 'age',
        age: '10',
        'answer-risk-of-care': 'yes',
        ...MST_NO_EXCLUSIONS,
      });
      assert.match(res.body, /data-outcome="not_eligible"/);
      assert.match(
        res.body,
        /MST works with young people aged 11 to 17. The child is 10, which is under the age range/,
      );
    });

    test('unanswered questions give "more information needed"; an exclusion gives not eligible', async () => {
      await client.get(`/directory/services/${mst}/eligibility`);
      const unknown = await client.post(`/directory/services/${mst}/eligibility`, { subject: 'age', age: '14' });
      assert.match(unknown.body, /data-outcome="more_information"/);
      const excluded = await client.post(`/directory/services/${mst}/eligibility`, {
        subject: 'age',
        age: '14',
        'answer-high-asb': 'yes',
        ...MST_NO_EXCLUSIONS,
        'answer-autism': 'yes',
      });
      assert.match(excluded.body, /data-outcome="not_eligible"/);
      assert.match(excluded.body, /MST is not for young people with autism[\s\S]*?Applies/);
      const bad = await client.post(`/directory/services/${mst}/eligibility`, { subject: 'age', age: 'ten' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter an age in whole years/);
      assert.match(bad.body, /value="ten"/);
    });

    test('for a child the practitioner works with: age and involvements from the record, audited', async () => {
      const yot = await createOrganisation(t.database.db, {
        name: 'Youth justice service (test)',
        agency_type: 'youth_offending' as AgencyType,
      });
      const dob = `${TUESDAY_MORNING.getUTCFullYear() - 14}-01-15`;
      const childId = await addChild(t.database.db, dob, [
        { organisationId: practitioner.organisationId, userId: practitioner.id },
        { organisationId: yot.id },
      ]);
      await moveInto(t.database.db, childId, 'LS11 5ZZ', demo.areaIds['Holbeck Mills']!);
      const form = await client.get(`/directory/services/${mst}/eligibility`);
      assert.match(form.body, /Reuben Ashworth-Oyelaran/);
      const res = await client.post(`/directory/services/${mst}/eligibility`, {
        subject: 'child',
        childId,
        ...MST_NO_EXCLUSIONS,
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /data-outcome="eligible"/);
      assert.match(res.body, /The child is 14/);
      assert.match(res.body, /Involved with the Youth Offending Service[\s\S]*?from the child’s record/);
      const events = await t.database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'directory.eligibility.evaluated')
        .where('record_id', '=', childId)
        .execute();
      assert.equal(events.length, 1);
      assert.equal((await verifyAuditChain(t.database.db)).ok, true);

      // A child with no relationship to this practitioner is "not found".
      const stranger = await addChild(t.database.db, dob, [{ organisationId: yot.id }]);
      const denied = await client.post(`/directory/services/${mst}/eligibility`, {
        subject: 'child',
        childId: stranger,
      });
      assert.equal(denied.statusCode, 404);
      assert.doesNotMatch(denied.body, /Reuben/);
      // The refusal is audited on the child, as every refusal of a child's record is.
      const refused = await t.database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'directory.eligibility.refused')
        .where('record_id', '=', stranger)
        .execute();
      assert.equal(refused.length, 1);
    });

    test('area is a rule: a Luton child is not eligible for a Leeds service, with the reason in words', async () => {
      const dob = `${TUESDAY_MORNING.getUTCFullYear() - 14}-01-15`;
      const mine = [{ organisationId: practitioner.organisationId, userId: practitioner.id }];
      // By the household's area (and its parent partnership).
      const luton = await addChild(t.database.db, dob, mine);
      await moveInto(t.database.db, luton, 'LU3 9ZZ', demo.areaIds['Lea North']!);
      await client.get(`/directory/services/${mst}/eligibility`);
      const answers = { 'answer-risk-of-care': 'yes', ...MST_NO_EXCLUSIONS };
      const res = await client.post(`/directory/services/${mst}/eligibility`, { childId: luton, ...answers });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /data-outcome="not_eligible"/);
      assert.match(res.body, /this child lives in Lea North, which is outside that area\.[\s\S]*?Not met/);
      assert.doesNotMatch(res.body, /LU3 9ZZ|Invented Row/);
      assert.doesNotMatch(res.body, /name="answer-_area"/);

      // By postcode district alone, rolled up to the partnership.
      const leeds = await addChild(t.database.db, dob, mine);
      await moveInto(t.database.db, leeds, 'LS11 5ZZ', null);
      const ok = await client.post(`/directory/services/${mst}/eligibility`, { childId: leeds, ...answers });
      assert.match(ok.body, /data-outcome="eligible"/);
      assert.match(ok.body, /this child lives in Holbeck Mills\.[\s\S]*?Met/);

      // No address: the area is asked, and counted.
      const nowhere = await addChild(t.database.db, dob, mine);
      const ask = await client.post(`/directory/services/${mst}/eligibility`, { childId: nowhere, ...answers });
      assert.match(ask.body, /data-outcome="more_information"/);
      assert.match(ask.body, /Where this child lives is not known/);
      assert.match(ask.body, /name="answer-_area"/);
      const said = await client.post(`/directory/services/${mst}/eligibility`, {
        childId: nowhere,
        ...answers,
        'answer-_area': 'no',
      });
      assert.match(said.body, /data-outcome="not_eligible"/);

      // Someone in the household is shielded: where the child lives is "not known", never shown.
      const hidden = await addChild(t.database.db, dob, mine);
      const home = await moveInto(t.database.db, hidden, 'LU3 9ZZ', demo.areaIds['Lea North']!);
      const parent = await addChild(t.database.db, '1990-01-01', []);
      await t.database.db.updateTable('person').set({ shielded: true }).where('id', '=', parent).execute();
      await t.database.db
        .insertInto('household_member')
        .values({ household_id: home, person_id: parent, moved_in: '2024-01-01', moved_out: null })
        .execute();
      const withheld = await client.post(`/directory/services/${mst}/eligibility`, { childId: hidden, ...answers });
      assert.match(withheld.body, /data-outcome="more_information"/);
      assert.match(withheld.body, /Where this child lives is not known/);
      assert.doesNotMatch(withheld.body, /Lea North/);
    });

    test('only administrators and the owning organisation’s managers edit entries', async () => {
      assert.equal((await client.get(`/directory/services/${mst}/rules`)).statusCode, 403);
      assert.equal((await client.get('/directory/manage')).statusCode, 403);
      const otherManager = await createUser(t.database.db, {
        roles: ['manager'],
        organisationId: demo.organisationIds['Lea Borough Council Children and Learning (demo)']!,
      });
      const lea = new TestClient(t.app, t.clock);
      await lea.signIn(otherManager);
      assert.equal((await lea.get(`/directory/services/${mst}/rules`)).statusCode, 403);
      assert.equal((await lea.get(`/directory/services/${mst}/edit`)).statusCode, 403);
      const manage = await lea.get('/directory/manage');
      assert.match(manage.body, /Area family support panel/);
      assert.doesNotMatch(manage.body, /Multisystemic/);
      const aireManager = await createUser(t.database.db, {
        roles: ['manager'],
        organisationId: demo.organisationIds['Aire City Council Children and Families (demo)']!,
      });
      const aire = new TestClient(t.app, t.clock);
      await aire.signIn(aireManager);
      assert.equal((await aire.get(`/directory/services/${mst}/rules`)).statusCode, 200);
    });

    test('an administrator changes a rule and the next evaluation uses the new version', async () => {
      const form = await adminClient.get(`/directory/services/${mst}/rules`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /You are editing version 1/);
      const fields = formFields(form.body);
      assert.equal(fields['criteria-1-id'], 'youth-offending');

      // Bad input first: a question with no wording, and no note. Nothing is saved.
      const bad = await adminClient.post(`/directory/services/${mst}/rules`, {
        ...fields,
        criteriaMode: 'any',
        'criteria-3-question': 'Is the young person missing education?',
        'criteria-3-wording': '',
        changeNote: '',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter how this criterion reads as a reason/);
      assert.match(bad.body, /Enter what changed and why/);
      assert.match(bad.body, /Is the young person missing education\?/);

      const saved = await adminClient.post(`/directory/services/${mst}/rules`, {
        ...fields,
        criteriaMode: 'any',
        minimumAge: '10',
        ageWording: 'MST works with young people aged 10 to 17',
        changeNote: 'Pilot extends MST to 10-year-olds',
      });
      assert.equal(saved.statusCode, 303);
      const history = await adminClient.get(String(saved.headers.location));
      assert.match(history.body, /Eligibility rules version 2 saved/);
      assert.match(history.body, /Version 2 – .* Pilot extends MST to 10-year-olds/);
      assert.match(history.body, /Version 1 – /);

      await client.get(`/directory/services/${mst}/eligibility`);
      const res = await client.post(`/directory/services/${mst}/eligibility`, {
        subject: 'age',
        age: '10',
        'answer-risk-of-care': 'yes',
        'answer-_area': 'yes',
        ...MST_NO_EXCLUSIONS,
      });
      assert.match(res.body, /data-outcome="eligible"/);
      assert.match(res.body, /rules version 2/);
      const row = await t.database.db
        .selectFrom('directory_service')
        .select('minimum_age')
        .where('id', '=', mst)
        .executeTakeFirstOrThrow();
      assert.equal(row.minimum_age, 10);
      const audit = await t.database.db
        .selectFrom('audit_event')
        .select('action')
        .where('record_id', '=', mst)
        .where('action', '=', 'directory.rules.changed')
        .execute();
      assert.equal(audit.length, 1);
    });

    test('the rules form lists its problems in the order they are read, and keeps what was typed', async () => {
      const fields = formFields((await adminClient.get(`/directory/services/${mst}/rules`)).body);
      const bad = await adminClient.post(`/directory/services/${mst}/rules`, {
        ...fields,
        minimumAge: '16',
        maximumAge: '12',
        criteriaMode: 'some',
        'criteria-0-question': '',
        'criteria-0-wording': 'Typed wording kept',
        'criteria-0-fact': 'astrology',
        'exclusions-0-question': 'Typed question kept?',
        'exclusions-0-wording': '',
        changeNote: '',
        ageWording: 'w'.repeat(301),
        guidance: 'g'.repeat(2001),
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(summaryFields(bad.body), [
        'maximumAge',
        'criteriaMode',
        'criteria-0-question',
        'criteria-0-fact',
        'exclusions-0-wording',
        'changeNote',
        'ageWording',
        'guidance',
      ]);
      assert.match(bad.body, /Highest age must be the same as or more than the lowest age/);
      assert.match(bad.body, /Select whether all or any criteria must hold/);
      assert.match(bad.body, /Enter the question to ask about this criterion/);
      assert.match(bad.body, /Select where the answer can come from/);
      assert.match(bad.body, /Enter how this exclusion reads as a reason/);
      assert.match(bad.body, /Age wording must be 300 characters or fewer/);
      assert.match(bad.body, /Guidance must be 2000 characters or fewer/);
      assert.match(bad.body, /Typed wording kept/);
      assert.match(bad.body, /Typed question kept\?/);
      const notNumbers = await adminClient.post(`/directory/services/${mst}/rules`, {
        ...fields,
        minimumAge: 'eleven',
        maximumAge: '99',
        changeNote: 'Ages',
      });
      assert.equal(notNumbers.statusCode, 400);
      assert.deepEqual(summaryFields(notNumbers.body), ['minimumAge', 'maximumAge']);
      assert.match(notNumbers.body, /Lowest age must be a whole number from 0 to 25/);
      assert.match(notNumbers.body, /value="eleven"/);
    });

    test('editing an entry keeps a history; bad input keeps what was typed', async () => {
      const id = demo.serviceIds['Youth Offending Service']!;
      const form = await adminClient.get(`/directory/services/${id}/edit`);
      assert.equal(form.statusCode, 200);
      const base = {
        name: 'Youth Justice Service',
        description: 'Works with young people aged 10 to 17 in the youth justice system.',
        status: 'active',
        tier: 'specialist',
        accessRoute: 'direct',
        howToRefer: 'Phone the duty officer.',
        startConversation: 'The duty officer',
        startConversationPhone: '0113 496 0234',
        needs: [NEED_TERM_IDS['behaviour-offending']],
        areas: [demo.areaIds["Aire City Children's Partnership"]!],
        'reviewDate-day': '1',
        'reviewDate-month': '6',
        'reviewDate-year': '2027',
      };
      const bad = await adminClient.post(`/directory/services/${id}/edit`, { ...base, name: '', accessRoute: 'panel' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter the name of the service/);
      assert.match(bad.body, /Enter the name of the panel/);
      assert.match(bad.body, /Works with young people aged 10 to 17 in the youth justice system/);
      const ok = await adminClient.post(`/directory/services/${id}/edit`, base);
      assert.equal(ok.statusCode, 303);
      const page = await adminClient.get(String(ok.headers.location));
      assert.match(page.body, /Entry updated/);
      assert.match(page.body, /Youth Justice Service/);
      const history = await adminClient.get(`/directory/services/${id}/history`);
      assert.match(
        history.body,
        /Changed name, description, tier, how to refer, who starts the conversation, conversation phone, review date, needs/,
      );
    });

    test('review reminders: entries past their review date are listed until checked', async () => {
      const manage = await adminClient.get('/directory/manage');
      const overdue = /data-qa="overdue"[\s\S]*?<\/table>/.exec(manage.body)![0];
      assert.match(overdue, /Early Start team \(Holbeck Mills\)/);
      assert.match(overdue, /Targeted mental health in schools/);
      assert.doesNotMatch(overdue, /Multisystemic/);
      const id = demo.serviceIds['Early Start team (Holbeck Mills)']!;
      const service = await client.get(`/directory/services/${id}`);
      assert.match(service.body, /It may be out of date/);
      const res = await adminClient.post(`/directory/services/${id}/reviewed`, {});
      assert.equal(res.statusCode, 303);
      const after = await adminClient.get('/directory/manage');
      const overdueAfter = /data-qa="overdue"[\s\S]*?<\/table>/.exec(after.body)![0];
      assert.doesNotMatch(overdueAfter, /Early Start team/);
      assert.match(overdueAfter, /Targeted mental health in schools/);
    });

    test('a manager adds a service for their own organisation', async () => {
      const org = await createOrganisation(t.database.db, {
        name: 'Brookside Children’s Centre (test)',
        agency_type: 'early_years',
      });
      const manager = await createUser(t.database.db, { roles: ['manager'], organisationId: org.id });
      const c = new TestClient(t.app, t.clock);
      await c.signIn(manager);
      await c.get('/directory/services/new');
      const res = await c.post('/directory/services/new', {
        name: 'Baby massage group',
        description: 'A weekly group for parents and babies under one.',
        status: 'active',
        tier: 'universal',
        accessRoute: 'direct',
        areas: [demo.areaIds['Meanwood Beck']!],
        needs: [NEED_TERM_IDS['early-years']],
        'reviewDate-day': '1',
        'reviewDate-month': '9',
        'reviewDate-year': '2027',
      });
      assert.equal(res.statusCode, 303);
      const found = await client.get(`/directory?area=${demo.areaIds['Meanwood Beck']}&age=0`);
      assert.match(found.body, /Baby massage group/);
      const row = await t.database.db
        .selectFrom('directory_service as s')
        .innerJoin('directory_organisation as o', 'o.id', 's.directory_organisation_id')
        .select('o.organisation_id')
        .where('s.name', '=', 'Baby massage group')
        .executeTakeFirstOrThrow();
      assert.equal(row.organisation_id, org.id);
    });

    test('"open now" uses the time in London', async () => {
      t.clock.set(new Date('2026-11-28T03:00:00Z')); // a Saturday, 3am
      const c = new TestClient(t.app, t.clock);
      await c.signIn(practitioner);
      const res = await c.get('/directory?open=now');
      assert.match(res.body, /Duty and Advice Team/);
      assert.match(res.body, /Multisystemic Therapy/);
      assert.match(res.body, /First Response/);
      assert.doesNotMatch(res.body, /Family Information Service/);
      t.clock.set(TUESDAY_MORNING);
    });
  });
}
