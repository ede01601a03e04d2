import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { AgencyType, DB } from '../../src/db/schema.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { loadActor } from '../../src/platform/sessions.ts';
import { ConsentRequiredError, requireSharingBasis } from '../../src/platform/sharing.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPanel, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

async function addPerson(db: Kysely<DB>, kind: 'child' | 'adult', given: string, family: string, dob: string) {
  const row = await db
    .insertInto('person')
    .values({
      kind,
      given_name: given,
      middle_names: null,
      family_name: family,
      known_as: null,
      date_of_birth: dob,
      expected_date_of_birth: null,
      sex: 'U',
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
  return row.id;
}

async function addHousehold(db: Kysely<DB>, line1: string, postcode: string, members: string[]) {
  const h = await db
    .insertInto('household')
    .values({ address_line1: line1, address_line2: null, town: 'Luton', postcode, area_id: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const person_id of members) {
    await db
      .insertInto('household_member')
      .values({ household_id: h.id, person_id, moved_in: null, moved_out: null })
      .execute();
  }
  return h.id;
}

async function relate(db: Kysely<DB>, child: string, adult: string, kind: 'parent' | 'step_parent', pr: boolean) {
  await db
    .insertInto('relationship')
    .values({ person_id: child, related_person_id: adult, kind, parental_responsibility: pr })
    .execute();
}

async function involve(db: Kysely<DB>, personId: string, user: TestUser, role: string) {
  await db
    .insertInto('involvement')
    .values({
      person_id: personId,
      organisation_id: user.organisationId,
      team_id: null,
      user_id: user.id,
      role,
      started_on: '2025-01-01',
      ended_on: null,
      contact_phone: null,
      contact_email: null,
    })
    .execute();
}

const auditCount = async (db: Kysely<DB>, action: string, recordId?: string) => {
  let q = db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', action);
  if (recordId) q = q.where('record_id', '=', recordId);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

for (const engine of engines()) {
  describe(`consent and information sharing on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let org: Record<'school' | 'health' | 'council' | 'police', { id: string; agency_type: AgencyType }>;
    let teacher: TestUser;
    let healthVisitor: TestUser;
    let frontDoor: TestUser;
    let outsider: TestUser;
    let analyst: TestUser;
    let admin: TestUser;
    let child: string;
    let mother: string;
    let father: string;
    let stepFather: string;
    let otherChild: string;
    let childHome: string;
    const as = signedInClients(() => t);
    const today = () => t.clock.now().toISOString().slice(0, 10).split('-');
    const dateFields = (prefix: string, iso?: string) => {
      const [y, m, d] = iso ? iso.split('-') : today();
      return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
    };
    const consentForm = (givenBy: string, extra: Record<string, string | string[]> = {}) => ({
      decision: 'given',
      givenBy,
      purposes: ['information_sharing', 'team_around_family'],
      agencyTypes: ['health'],
      method: 'in_person',
      ...dateFields('obtainedOn'),
      ...extra,
    });
    const post = async (user: TestUser, url: string, form: Record<string, string | string[]>) => {
      const c = await as(user);
      await c.get('/people');
      return c.post(url, form);
    };

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-11-23T10:00:00Z'));
      db = t.database.db;
      const make = async (name: string, agency_type: AgencyType) =>
        createOrganisation(db, { name, agency_type, tier: 'universal' });
      org = {
        school: await make('Larkspur Primary School', 'school'),
        health: await make('Northgate Health Visiting', 'health'),
        council: await make('Luton Front Door', 'local_authority'),
        police: await make('Bedfordshire Police', 'police'),
      };
      teacher = await createUser(db, { roles: ['practitioner'], organisationId: org.school.id, name: 'Priya Sharma' });
      healthVisitor = await createUser(db, {
        roles: ['practitioner'],
        organisationId: org.health.id,
        name: 'Hannah Lee',
      });
      frontDoor = await createUser(db, { roles: ['front_door'], organisationId: org.council.id, name: 'Femi Adeyemi' });
      outsider = await createUser(db, { roles: ['practitioner'], organisationId: org.police.id, name: 'Owen Price' });
      analyst = await createUser(db, { roles: ['analyst'], organisationId: org.council.id });
      admin = await createUser(db, { roles: ['system_admin'], organisationId: org.council.id });
      child = await addPerson(db, 'child', 'Aleksandra', 'Kowalczyk', '2012-03-27');
      mother = await addPerson(db, 'adult', 'Marta', 'Kowalczyk', '1985-06-01');
      father = await addPerson(db, 'adult', 'Tomasz', 'Kowalczyk', '1983-02-11');
      stepFather = await addPerson(db, 'adult', 'Piotr', 'Nowak', '1980-09-09');
      otherChild = await addPerson(db, 'child', 'Samir', 'Haddad', '2016-05-05');
      await relate(db, child, mother, 'parent', true);
      await relate(db, child, father, 'parent', true);
      await relate(db, child, stepFather, 'step_parent', false);
      childHome = await addHousehold(db, '12 Larkspur Row', 'LU2 7QX', [child, mother, stepFather]);
      await addHousehold(db, '3 Quarry Lane', 'LU4 9PL', [father]);
      await involve(db, child, teacher, 'Class teacher');
      await involve(db, child, healthVisitor, 'School nurse');
      await involve(db, otherChild, teacher, 'Class teacher');
    });
    after(async () => t.close());

    test('a general note from the school is hidden from health until consent covers them', async () => {
      const added = await post(teacher, `/people/${child}/notes`, {
        category: 'general',
        body: 'Attendance has dropped to 81% this term; mum says mornings are hard.',
      });
      assert.equal(added.statusCode, 303);
      const own = await (await as(teacher)).get(`/people/${child}/notes`);
      assert.match(own.body, /Attendance has dropped/);
      const health = await (await as(healthVisitor)).get(`/people/${child}/notes`);
      assert.equal(health.statusCode, 200);
      assert.doesNotMatch(health.body, /Attendance has dropped/);
      assert.match(health.body, /1 note is not shown to you/);
      assert.match(health.body, /No current consent/);
      const card = await (await as(healthVisitor)).get(`/people/${child}`);
      assert.match(card.body, /Case detail recorded by other agencies is hidden from you/);
      assert.match(card.body, /Always consider the need for consent/);
    });

    test('consent from someone without parental responsibility is refused and audited', async () => {
      const before = await auditCount(db, 'consent.change-refused', child);
      const res = await post(teacher, `/people/${child}/consent`, consentForm(stepFather));
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Piotr Nowak does not have parental responsibility for Aleksandra Kowalczyk/);
      assert.match(res.body, /value="in_person" checked/);
      assert.equal(await auditCount(db, 'consent.change-refused', child), before + 1);
      assert.equal(
        Number(
          (
            await db
              .selectFrom('consent')
              .select((e) => e.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
        0,
      );
    });

    test('a date in the future is refused and audited; missing answers get GOV.UK messages', async () => {
      const before = await auditCount(db, 'consent.change-refused', child);
      const future = await post(
        teacher,
        `/people/${child}/consent`,
        consentForm(mother, dateFields('obtainedOn', '2026-11-24')),
      );
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /Date consent was obtained must be today or in the past/);
      assert.equal(await auditCount(db, 'consent.change-refused', child), before + 1);
      const empty = await post(teacher, `/people/${child}/consent`, {});
      assert.equal(empty.statusCode, 400);
      for (const message of [
        'Select whether consent was given or refused',
        'Select who gave or refused consent',
        'Select what the information may be used for',
        'Select who the information may be shared with',
        'Enter the date consent was obtained',
      ]) {
        assert.match(empty.body, new RegExp(message));
      }
      const badDate = await post(
        teacher,
        `/people/${child}/consent`,
        consentForm(mother, { 'obtainedOn-day': '31', 'obtainedOn-month': '2' }),
      );
      assert.equal(badDate.statusCode, 400);
      assert.match(badDate.body, /Date consent was obtained must be a real date/);
    });

    test('consent given by a parent lets health see the school note; the family gets an explanation', async () => {
      const res = await post(
        teacher,
        `/people/${child}/consent`,
        consentForm(mother, dateFields('reviewOn', '2027-05-23')),
      );
      assert.equal(res.statusCode, 303);
      assert.equal(await auditCount(db, 'consent.recorded'), 1);
      const health = await (await as(healthVisitor)).get(`/people/${child}/notes`);
      assert.match(health.body, /Attendance has dropped/);
      const overview = await (await as(teacher)).get(`/people/${child}/consent`);
      assert.match(overview.body, /Consent given/);
      assert.match(overview.body, /Marta Kowalczyk/);
      assert.match(overview.body, /Review by 23 May 2027/);
      const consent = await db.selectFrom('consent').selectAll().executeTakeFirstOrThrow();
      assert.equal(consent.given_by_kind, 'parent_carer');
      assert.deepEqual(consent.purposes, ['information_sharing', 'team_around_family']);
    });

    test('a contradictory refusal overlapping a current consent is refused with a way forward', async () => {
      const res = await post(teacher, `/people/${child}/consent`, {
        ...consentForm(father, { decision: 'refused', agencyTypes: [], organisations: [org.health.id] }),
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /This contradicts consent given by Marta Kowalczyk/);
      assert.match(res.body, /Withdraw that consent first/);
      // A refusal that does not overlap (the police, a different recipient) is fine.
      const separate = await post(teacher, `/people/${child}/consent`, {
        ...consentForm(father, { decision: 'refused', agencyTypes: ['police'] }),
      });
      assert.equal(separate.statusCode, 303);
    });

    test('guessing the id of another child’s note or consent gives 404 and is audited', async () => {
      await post(teacher, `/people/${otherChild}/notes`, { category: 'general', body: 'Samir settled well.' });
      const note = await db
        .selectFrom('case_note')
        .select('id')
        .where('person_id', '=', otherChild)
        .executeTakeFirstOrThrow();
      const viaOther = await (await as(teacher)).get(`/people/${child}/notes/${note.id}`);
      assert.equal(viaOther.statusCode, 404);
      assert.doesNotMatch(viaOther.body, /Samir settled/);
      const direct = await (await as(healthVisitor)).get(`/people/${otherChild}/notes/${note.id}`);
      assert.equal(direct.statusCode, 404);
      assert.ok((await auditCount(db, 'case-note.view-refused')) >= 2);
      const own = await (await as(teacher)).get(`/people/${otherChild}/notes/${note.id}`);
      assert.equal(own.statusCode, 200);
      assert.match(own.body, /Samir settled well/);
      assert.equal(await auditCount(db, 'case-note.viewed', note.id), 1);
      const consent = await db
        .selectFrom('consent')
        .select('id')
        .where('person_id', '=', child)
        .executeTakeFirstOrThrow();
      const before = await auditCount(db, 'consent.change-refused', otherChild);
      const wrongChild = await post(teacher, `/people/${otherChild}/consent/${consent.id}/withdraw`, {
        ...dateFields('withdrawnOn'),
        reason: 'Testing',
      });
      assert.equal(wrongChild.statusCode, 404);
      assert.equal(await auditCount(db, 'consent.change-refused', otherChild), before + 1);
      assert.equal((await (await as(teacher)).get(`/people/${child}/consent/not-a-uuid/withdraw`)).statusCode, 404);
      const nobody = await (await as(outsider)).get(`/people/${child}/consent/${consent.id}/explanation`);
      assert.equal(nobody.statusCode, 404);
    });

    test('changing consent without rights is refused with a clear message and audited', async () => {
      const before = await auditCount(db, 'consent.change-refused', child);
      const res = await post(outsider, `/people/${child}/consent`, consentForm(mother));
      assert.equal(res.statusCode, 403);
      assert.match(
        res.body,
        /You can only record or change consent for someone you, your team or your organisation work with/,
      );
      const consent = await db
        .selectFrom('consent')
        .select('id')
        .where('person_id', '=', child)
        .executeTakeFirstOrThrow();
      const withdraw = await post(analyst, `/people/${child}/consent/${consent.id}/withdraw`, {
        ...dateFields('withdrawnOn'),
        reason: 'Not mine to withdraw',
      });
      assert.equal(withdraw.statusCode, 403);
      assert.match(withdraw.body, /Your role does not allow you to record or change consent/);
      assert.equal(await auditCount(db, 'consent.change-refused', child), before + 2);
      const still = await db
        .selectFrom('consent')
        .select('withdrawn_at')
        .where('id', '=', consent.id)
        .executeTakeFirstOrThrow();
      assert.equal(still.withdrawn_at, null);
    });

    test('the family explanation honours a withhold marker for the person it is addressed to', async () => {
      const marker = await post(teacher, `/people/${child}/consent/markers`, {
        target: `household:${childHome}`,
        withheldFrom: father,
        reason: 'Non-molestation order: Tomasz must not learn where Aleksandra and Marta live.',
      });
      assert.equal(marker.statusCode, 303);
      const fathers = await db
        .selectFrom('consent')
        .select('id')
        .where('given_by_person_id', '=', father)
        .executeTakeFirstOrThrow();
      const mothers = await db
        .selectFrom('consent')
        .select('id')
        .where('given_by_person_id', '=', mother)
        .executeTakeFirstOrThrow();
      const forFather = await (await as(teacher)).get(`/people/${child}/consent/${fathers.id}/explanation`);
      assert.equal(forFather.statusCode, 200);
      assert.match(forFather.body, /Dear <bdi>Tomasz Kowalczyk<\/bdi>/);
      assert.doesNotMatch(forFather.body, /Larkspur Row|LU2 7QX/);
      const forMother = await (await as(teacher)).get(`/people/${child}/consent/${mothers.id}/explanation`);
      assert.match(forMother.body, /12 Larkspur Row/);
      const card = await (await as(healthVisitor)).get(`/people/${child}`);
      assert.match(card.body, /Withheld from Tomasz Kowalczyk/);
      const event = await db
        .selectFrom('audit_event')
        .select('details')
        .where('action', '=', 'consent.explanation.viewed')
        .where('record_id', '=', fathers.id)
        .executeTakeFirstOrThrow();
      assert.equal((event.details as unknown as { addressShown: boolean }).addressShown, false);
    });

    test('the explanation is in Urdu (right to left), Polish and Bengali, from the translations held as data', async () => {
      const mothers = await db
        .selectFrom('consent')
        .select('id')
        .where('given_by_person_id', '=', mother)
        .executeTakeFirstOrThrow();
      const url = `/people/${child}/consent/${mothers.id}/explanation`;
      const c = await as(teacher);
      const ur = await c.get(`${url}?lang=ur`);
      assert.match(ur.body, /<article class="app-letter" lang="ur" dir="rtl"/);
      assert.match(ur.body, /آپ کی رضامندی کا ریکارڈ/);
      const pl = await c.get(`${url}?lang=pl`);
      assert.match(pl.body, /lang="pl" dir="ltr"/);
      assert.match(pl.body, /Zmiana decyzji/);
      const bn = await c.get(`${url}?lang=bn`);
      assert.match(bn.body, /আপনার সিদ্ধান্ত বদলানো/);
      const unknown = await c.get(`${url}?lang=xx`);
      assert.match(unknown.body, /lang="en" dir="ltr"/);
      // A language is added without code: insert its rows, and missing phrases fall back to marked English.
      await db
        .insertInto('consent_text')
        .values([
          { language: 'pa', key: 'language.name', text: 'ਪੰਜਾਬੀ' },
          { language: 'pa', key: 'record_heading', text: 'ਤੁਹਾਡੀ ਸਹਿਮਤੀ ਦਾ ਰਿਕਾਰਡ' },
        ])
        .execute();
      const pa = await c.get(`${url}?lang=pa`);
      assert.match(pa.body, /lang="pa"/);
      assert.match(pa.body, /ਤੁਹਾਡੀ ਸਹਿਮਤੀ ਦਾ ਰਿਕਾਰਡ/);
      assert.match(pa.body, /<span lang="en" dir="ltr">Changing your mind<\/span>/);
      await db.deleteFrom('consent_text').where('language', '=', 'pa').execute();
    });

    test('sharing without consent: refused for a practitioner, an audited override for the front door', async () => {
      const form = {
        decision: 'share',
        what: 'Attendance record and the note about mornings',
        recipientKind: 'organisation',
        recipientOrganisationId: org.police.id,
        basis: 'child_at_risk_of_harm',
        adviceSought: 'Designated safeguarding lead',
        reason: 'Aleksandra disclosed an adult at home hit her; police need it for a joint visit today.',
      };
      const refused = await post(teacher, `/people/${child}/consent/decisions`, form);
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /Only a manager working with this child, or a front door worker/);
      assert.equal(await auditCount(db, 'sharing.override-refused', child), 1);
      // Before the decision the police officer, though now involved, sees nothing from the school.
      await involve(db, child, outsider, 'Police child protection officer');
      assert.doesNotMatch((await (await as(outsider)).get(`/people/${child}/notes`)).body, /Attendance has dropped/);
      const noReason = await post(frontDoor, `/people/${child}/consent/decisions`, { ...form, reason: '' });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Enter why sharing without consent is needed/);
      const done = await post(frontDoor, `/people/${child}/consent/decisions`, form);
      assert.equal(done.statusCode, 303);
      const event = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'sharing.override')
        .executeTakeFirstOrThrow();
      assert.match(event.reason ?? '', /joint visit/);
      assert.match((await (await as(outsider)).get(`/people/${child}/notes`)).body, /Attendance has dropped/);
      // The decision's texts are the council's case detail: the police, whom it names, see them; the school does not.
      const log = await (await as(outsider)).get(`/people/${child}/consent`);
      assert.match(log.body, /Without consent/);
      assert.match(log.body, /To help a child who is at risk of harm/);
      const school = await (await as(teacher)).get(`/people/${child}/consent`);
      assert.doesNotMatch(school.body, /joint visit/);
      assert.match(school.body, /Details hidden/);
    });

    test('a decision not to share is recorded with its reason; sharing with consent out of scope asks for consent', async () => {
      const notShare = await post(teacher, `/people/${child}/consent/decisions`, {
        decision: 'not_share',
        what: 'Mum’s health history',
        recipientKind: 'organisation',
        recipientOrganisationId: org.police.id,
        reason: '',
      });
      assert.equal(notShare.statusCode, 400);
      assert.match(notShare.body, /Enter why you decided not to share/);
      const ok = await post(teacher, `/people/${child}/consent/decisions`, {
        decision: 'not_share',
        what: 'Mum’s health history',
        recipientKind: 'organisation',
        recipientOrganisationId: org.police.id,
        reason: 'Not relevant to the joint visit.',
      });
      assert.equal(ok.statusCode, 303);
      const consent = await db
        .selectFrom('consent')
        .select('id')
        .where('given_by_person_id', '=', mother)
        .executeTakeFirstOrThrow();
      const outOfScope = await post(teacher, `/people/${child}/consent/decisions`, {
        decision: 'share',
        what: 'Attendance',
        recipientKind: 'agency_type',
        recipientAgencyType: 'housing',
        basis: 'consent',
        consentId: consent.id,
      });
      assert.equal(outOfScope.statusCode, 409);
      assert.match(outOfScope.body, /Consent is needed before this information is shared/);
      assert.match(outOfScope.body, /does not cover this recipient/);
      assert.doesNotMatch(outOfScope.body, /Record a lawful basis for sharing/);
    });

    test('withdrawal cuts access at once and explains what happens to information already shared', async () => {
      const consent = await db
        .selectFrom('consent')
        .select('id')
        .where('given_by_person_id', '=', mother)
        .executeTakeFirstOrThrow();
      assert.match((await (await as(healthVisitor)).get(`/people/${child}/notes`)).body, /Attendance has dropped/);
      const form = await (await as(teacher)).get(`/people/${child}/consent/${consent.id}/withdraw`);
      assert.match(form.body, /Information already shared stays with the organisations that received it/);
      const future = await post(teacher, `/people/${child}/consent/${consent.id}/withdraw`, {
        ...dateFields('withdrawnOn', '2026-12-01'),
        reason: 'Mum changed her mind',
      });
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /must be today or in the past/);
      const res = await post(teacher, `/people/${child}/consent/${consent.id}/withdraw`, {
        ...dateFields('withdrawnOn'),
        reason: 'Mum rang: she does not want health involved any more.',
      });
      assert.equal(res.statusCode, 303);
      const after = await (await as(healthVisitor)).get(`/people/${child}/notes`);
      assert.doesNotMatch(after.body, /Attendance has dropped/);
      assert.equal(await auditCount(db, 'consent.withdrawn', child), 1);
      const again = await post(teacher, `/people/${child}/consent/${consent.id}/withdraw`, {
        ...dateFields('withdrawnOn'),
        reason: 'Twice',
      });
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /already been withdrawn/);
    });

    test('a young person’s confidentiality wish is recorded, with details only for those with a basis', async () => {
      const res = await post(teacher, `/people/${child}/consent/wishes`, {
        withheldFrom: mother,
        information: 'That she has been seeing the school counsellor',
        bestInterests: 'She fears her mother will stop the sessions; she is 14 and understands the choice.',
      });
      assert.equal(res.statusCode, 303);
      const own = await (await as(teacher)).get(`/people/${child}/consent`);
      assert.match(own.body, /seeing the school counsellor/);
      const health = await (await as(healthVisitor)).get(`/people/${child}/consent`);
      assert.doesNotMatch(health.body, /seeing the school counsellor/);
      assert.match(health.body, /Details hidden/);
      const bad = await post(teacher, `/people/${child}/consent/wishes`, {
        withheldFrom: otherChild,
        information: 'x',
        bestInterests: 'y',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Select a parent or carer recorded for this young person/);
    });

    test('sensitive notes without explicit consent stay with the school; with it, named organisations see them', async () => {
      const kept = await post(teacher, `/people/${child}/notes`, {
        category: 'mental_health',
        body: 'Said she has felt low since the summer.',
      });
      assert.equal(kept.statusCode, 303);
      assert.doesNotMatch((await (await as(healthVisitor)).get(`/people/${child}/notes`)).body, /felt low/);
      // The young person consents for herself: mental health, naming the school and the health service.
      const consent = await post(teacher, `/people/${child}/consent`, {
        ...consentForm(child, { agencyTypes: ['youth_service'], organisations: [org.school.id, org.health.id] }),
        competent: 'yes',
        competenceNote: 'She is 14 and explained who would see it and why.',
        sensitiveCategories: ['mental_health'],
        purposes: ['information_sharing'],
      });
      assert.equal(consent.statusCode, 303);
      const ok = await post(teacher, `/people/${child}/notes`, {
        category: 'mental_health',
        body: 'Low mood, self-referred.',
      });
      assert.equal(ok.statusCode, 303);
      assert.match((await (await as(healthVisitor)).get(`/people/${child}/notes`)).body, /Low mood, self-referred/);
      // A youth worker is covered by agency type for general detail, but not named for the sensitive category.
      const youth = await createOrganisation(db, { name: 'Northgate Youth Hub', agency_type: 'youth_service' });
      const youthWorker = await createUser(db, { roles: ['practitioner'], organisationId: youth.id });
      await involve(db, child, youthWorker, 'Youth worker');
      const seen = await (await as(youthWorker)).get(`/people/${child}/notes`);
      assert.match(seen.body, /Attendance has dropped/);
      assert.doesNotMatch(seen.body, /Low mood/);
      assert.match(seen.body, /2 notes are not shown to you/);
      const row = await db
        .selectFrom('consent')
        .select('given_by_kind')
        .where('given_by_person_id', '=', child)
        .executeTakeFirstOrThrow();
      assert.equal(row.given_by_kind, 'young_person');
    });

    test('administrators manage sensitive categories; others may not', async () => {
      const res = await post(admin, '/admin/sensitive-categories', {
        label: 'Gender identity',
        code: 'gender_identity',
      });
      assert.equal(res.statusCode, 303);
      const dup = await post(admin, '/admin/sensitive-categories', { label: 'Gender', code: 'gender_identity' });
      assert.equal(dup.statusCode, 400);
      assert.match(dup.body, /already exists/);
      const bad = await post(admin, '/admin/sensitive-categories', { label: 'X', code: '9bad code' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Code must start with a letter/);
      assert.equal((await (await as(teacher)).get('/admin/sensitive-categories')).statusCode, 403);
      const form = await (await as(teacher)).get(`/people/${child}/consent/new`);
      assert.match(form.body, /Gender identity/);
      const retire = await post(admin, '/admin/sensitive-categories/gender_identity/retire', {});
      assert.equal(retire.statusCode, 303);
      assert.doesNotMatch((await (await as(teacher)).get(`/people/${child}/consent/new`)).body, /Gender identity/);
      assert.equal(await auditCount(db, 'sensitive-category.created'), 1);
    });

    test('requireSharingBasis refuses a panel referral without consent, and allows it with consent or a lawful basis', async () => {
      const actor = (await loadActor(db, teacher.id, 'session'))!;
      const panel = { panelName: 'Area 2 Family Support Panel' };
      const attempt = () =>
        db
          .transaction()
          .execute((trx) => requireSharingBasis(trx, actor, otherChild, 'panel_discussion', panel, t.clock.now()));
      await assert.rejects(attempt, (err) => err instanceof ConsentRequiredError && err.reasons.length > 0);
      await createPanel(db, 'Area 2 Family Support Panel');
      const parent = await addPerson(db, 'adult', 'Leila', 'Haddad', '1988-01-01');
      await relate(db, otherChild, parent, 'parent', true);
      const recorded = await post(teacher, `/people/${otherChild}/consent`, {
        ...consentForm(parent, { agencyTypes: [], recipients: ['panel'], panelName: 'Area 2 family support panel' }),
        purposes: ['panel_discussion'],
      });
      assert.equal(recorded.statusCode, 303);
      const basis = await attempt();
      assert.equal(basis.kind, 'consent');
      await assert.rejects(() =>
        db
          .transaction()
          .execute((trx) => requireSharingBasis(trx, actor, otherChild, 'service_referral', panel, t.clock.now())),
      );
      const police = { organisationId: org.police.id };
      const toPolice = () =>
        db
          .transaction()
          .execute((trx) => requireSharingBasis(trx, actor, otherChild, 'information_sharing', police, t.clock.now()));
      await assert.rejects(toPolice);
      const override = await post(frontDoor, `/people/${otherChild}/consent/decisions`, {
        decision: 'share',
        what: 'Attendance and the disclosure',
        recipientKind: 'organisation',
        recipientOrganisationId: org.police.id,
        basis: 'serious_crime',
        reason: 'Suspected exploitation: police asked for attendance patterns.',
      });
      assert.equal(override.statusCode, 303);
      assert.equal((await toPolice()).kind, 'lawful_basis');
    });

    test('the print stylesheet for the family explanation is served', async () => {
      const res = await t.app.inject('/consent-assets/print.css');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/css/);
      assert.match(res.body, /@media print/);
    });

    test('every page of the feature is audited and the audit chain still verifies', async () => {
      assert.ok((await auditCount(db, 'case-note.list.viewed')) > 5);
      assert.ok((await auditCount(db, 'consent.viewed')) > 1);
      const verified = await verifyAuditChain(db);
      assert.equal(verified.ok, true);
    });
  });
}
