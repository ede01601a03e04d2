/**
 * Holes found by probing consent and sharing: a panel consent covers only the panel it names; another
 * agency's decision texts need a sharing basis; a sensitive disclosure is never blocked but is kept to
 * the recorder's organisation without consent; a young child cannot consent for themselves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { AgencyType, DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPanel, createPartnership, createUser, type TestUser } from '../support/factories.ts';
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

/** A team; a panel is its own record now (docs/decisions/0029), with the team's members as its members. */
async function team(db: Kysely<DB>, organisationId: string, name: string, isPanel: boolean, members: TestUser[]) {
  const row = await db
    .insertInto('team')
    .values({ organisation_id: organisationId, area_id: null, name, phone: null, email: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const m of members) await db.insertInto('user_team').values({ user_id: m.id, team_id: row.id }).execute();
  if (isPanel)
    return createPanel(
      db,
      name,
      members.map((user) => ({ user })),
    );
  return row.id;
}

for (const engine of engines()) {
  describe(`consent and sharing safeguards on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let org: Record<'school' | 'health' | 'council', { id: string; agency_type: AgencyType }>;
    let teacher: TestUser;
    let healthVisitor: TestUser;
    let northPanel: TestUser;
    let southPanel: TestUser;
    let child: string;
    let mother: string;
    let toddler: string;
    let frontDoorIn: TestUser;
    let frontDoorOut: TestUser;
    const as = signedInClients(() => t);
    const today = () => t.clock.now().toISOString().slice(0, 10).split('-');
    const dateFields = (prefix: string) => {
      const [y, m, d] = today();
      return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
    };
    const consentForm = (givenBy: string, extra: Record<string, string | string[]> = {}) => ({
      decision: 'given',
      givenBy,
      purposes: ['information_sharing', 'panel_discussion'],
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
        council: await make('Luton Borough Council', 'local_authority'),
      };
      teacher = await createUser(db, { roles: ['practitioner'], organisationId: org.school.id, name: 'Priya Sharma' });
      healthVisitor = await createUser(db, { roles: ['practitioner'], organisationId: org.health.id });
      northPanel = await createUser(db, { roles: ['panel_member'], organisationId: org.council.id });
      southPanel = await createUser(db, { roles: ['panel_member'], organisationId: org.council.id });
      await team(db, org.council.id, 'North Family Support Panel', true, [northPanel]);
      await team(db, org.council.id, 'South Family Support Panel', true, [southPanel]);
      await team(db, org.council.id, 'Youth Offending North', false, []);
      child = await addPerson(db, 'child', 'Aleksandra', 'Kowalczyk', '2012-03-27');
      mother = await addPerson(db, 'adult', 'Marta', 'Kowalczyk', '1985-06-01');
      await db
        .insertInto('relationship')
        .values({ person_id: child, related_person_id: mother, kind: 'parent', parental_responsibility: true })
        .execute();
      toddler = await addPerson(db, 'child', 'Kacper', 'Kowalczyk', '2023-05-01');
      await db
        .insertInto('relationship')
        .values({ person_id: toddler, related_person_id: mother, kind: 'parent', parental_responsibility: true })
        .execute();
      await involve(db, toddler, healthVisitor, 'Health visitor');
      // The child lives in the Luton partnership; one front door serves it, another serves Bedford.
      const luton = await createPartnership(db, 'Luton', [org.school.id, org.health.id, org.council.id]);
      const bedford = await createOrganisation(db, { name: 'Bedford Borough Council', agency_type: 'local_authority' });
      await createPartnership(db, 'Bedford', [bedford.id]);
      frontDoorIn = await createUser(db, { roles: ['front_door'], organisationId: org.council.id });
      frontDoorOut = await createUser(db, { roles: ['front_door'], organisationId: bedford.id });
      const home = await db
        .insertInto('household')
        .values({
          address_line1: '12 Larkspur Row',
          address_line2: null,
          town: 'Luton',
          postcode: 'LU2 7QX',
          area_id: luton.areaId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('household_member')
        .values({ household_id: home.id, person_id: child, moved_in: null, moved_out: null })
        .execute();
      await involve(db, child, teacher, 'Class teacher');
      await involve(db, child, healthVisitor, 'School nurse');
      await involve(db, child, northPanel, 'Panel member');
      await involve(db, child, southPanel, 'Panel member');
    });
    after(async () => t.close());

    test('a consent naming one panel lets only that panel’s members read other agencies’ notes', async () => {
      const note = await post(teacher, `/people/${child}/notes`, {
        category: 'general',
        body: 'Attendance has dropped to 81% this term.',
      });
      assert.equal(note.statusCode, 303);
      const form = await (await as(teacher)).get(`/people/${child}/consent/new`);
      assert.match(form.body, /<option value="North Family Support Panel"/);
      assert.match(form.body, /<option value="South Family Support Panel"/);
      assert.doesNotMatch(form.body, /<option value="Youth Offending North"/);
      const unknown = await post(
        teacher,
        `/people/${child}/consent`,
        consentForm(mother, { recipients: ['panel'], panelName: 'Any panel at all' }),
      );
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /Select a panel from the list/);
      const res = await post(
        teacher,
        `/people/${child}/consent`,
        consentForm(mother, { recipients: ['panel'], panelName: 'north family support panel' }),
      );
      assert.equal(res.statusCode, 303);
      const north = await (await as(northPanel)).get(`/people/${child}/notes`);
      assert.match(north.body, /Attendance has dropped/);
      const south = await (await as(southPanel)).get(`/people/${child}/notes`);
      assert.equal(south.statusCode, 200);
      assert.doesNotMatch(south.body, /Attendance has dropped/);
      assert.match(south.body, /1 note is not shown to you/);
    });

    test('a panel consent follows the panel through a rename and stops covering a member who has left it', async () => {
      // The consent recorded above names the North panel; it points at the panel, not only its name.
      const panel = await db
        .selectFrom('panel')
        .select('id')
        .where('name', '=', 'North Family Support Panel')
        .executeTakeFirstOrThrow();
      const recipient = await db
        .selectFrom('consent_recipient')
        .select(['panel_id', 'panel_name'])
        .where('kind', '=', 'panel')
        .executeTakeFirstOrThrow();
      assert.equal(recipient.panel_id, panel.id);
      await db
        .updateTable('panel')
        .set({ name: 'Northern Area Family Support Panel' })
        .where('id', '=', panel.id)
        .execute();
      assert.match((await (await as(northPanel)).get(`/people/${child}/notes`)).body, /Attendance has dropped/);
      // Membership ended today: the consent no longer covers them.
      await db
        .updateTable('panel_member')
        .set({ to_date: t.clock.now().toISOString().slice(0, 10) })
        .where('user_id', '=', northPanel.id)
        .execute();
      const left = await (await as(northPanel)).get(`/people/${child}/notes`);
      assert.doesNotMatch(left.body, /Attendance has dropped/);
      await db.updateTable('panel_member').set({ to_date: null }).where('user_id', '=', northPanel.id).execute();
      await db.updateTable('panel').set({ name: 'North Family Support Panel' }).where('id', '=', panel.id).execute();
    });

    test('another agency’s sharing decision shows its texts only with a sharing basis', async () => {
      const res = await post(teacher, `/people/${child}/consent/decisions`, {
        decision: 'not_share',
        what: 'The address of the refuge mum stayed at',
        recipientKind: 'organisation',
        recipientOrganisationId: org.health.id,
        reason: 'Mum fears her ex-partner works alongside the clinic staff.',
        adviceSought: 'Designated safeguarding lead',
      });
      assert.equal(res.statusCode, 303);
      const own = await (await as(teacher)).get(`/people/${child}/consent`);
      assert.match(own.body, /The address of the refuge mum stayed at/);
      assert.match(own.body, /ex-partner works alongside/);
      const health = await (await as(healthVisitor)).get(`/people/${child}/consent`);
      assert.equal(health.statusCode, 200);
      assert.match(health.body, /Case detail recorded by other agencies is hidden from you/);
      assert.doesNotMatch(health.body, /refuge mum stayed at/);
      assert.doesNotMatch(health.body, /ex-partner works alongside/);
      assert.doesNotMatch(health.body, /Designated safeguarding lead/);
      assert.match(health.body, /Details hidden/);
      assert.match(health.body, /Larkspur Primary School/);
      assert.match(health.body, /23 November 2026/);
      // A withhold marker's reason is case detail too; what it withholds, and from whom, is shown to all.
      const marker = await post(teacher, `/people/${child}/consent/markers`, {
        target: `person:${child}`,
        withheldFrom: mother,
        reason: 'Court order after the incident in October.',
      });
      assert.equal(marker.statusCode, 303);
      const again = await (await as(healthVisitor)).get(`/people/${child}/consent`);
      assert.doesNotMatch(again.body, /incident in October/);
      assert.match(again.body, /Where Aleksandra Kowalczyk lives/);
      assert.match((await (await as(teacher)).get(`/people/${child}/consent`)).body, /incident in October/);
    });

    test('a sexual-health disclosure without consent is recorded and kept to the recorder’s organisation', async () => {
      const colleague = await createUser(db, { roles: ['practitioner'], organisationId: org.school.id });
      await involve(db, child, colleague, 'Head of year');
      const form = await (await as(teacher)).get(`/people/${child}/notes`);
      assert.match(form.body, /only your organisation will see it/);
      assert.doesNotMatch(form.body, /record a general note/);
      const res = await post(teacher, `/people/${child}/notes`, {
        category: 'sexual_health',
        body: 'Disclosed she is worried she may be pregnant.',
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
      const row = await db
        .selectFrom('case_note')
        .select(['own_organisation_only', 'consent_id'])
        .where('category', '=', 'sexual_health')
        .executeTakeFirstOrThrow();
      assert.equal(row.own_organisation_only, true);
      assert.equal(row.consent_id, null);
      const own = await (await as(colleague)).get(`/people/${child}/notes`);
      assert.match(own.body, /worried she may be pregnant/);
      assert.match(own.body, /Seen only by Larkspur Primary School/);
      // Even a consent given later that names health for sexual health does not widen a note kept to one organisation.
      const consent = await post(teacher, `/people/${child}/consent`, {
        ...consentForm(mother, { organisations: [org.health.id] }),
        sensitiveCategories: ['sexual_health'],
      });
      assert.equal(consent.statusCode, 303, consent.body.slice(0, 3000));
      const health = await (await as(healthVisitor)).get(`/people/${child}/notes`);
      assert.doesNotMatch(health.body, /may be pregnant/);
    });

    test('a 3-year-old cannot be the person consenting; the form asks for a person with parental responsibility', async () => {
      const form = await (await as(healthVisitor)).get(`/people/${toddler}/consent/new`);
      assert.equal(form.statusCode, 200);
      assert.doesNotMatch(form.body, /Kacper Kowalczyk \(the young person\)/);
      assert.match(form.body, /Kacper is under 12/);
      assert.match(form.body, /a person with parental responsibility/);
      const res = await post(healthVisitor, `/people/${toddler}/consent`, {
        ...consentForm(toddler, { organisations: [org.school.id] }),
        sensitiveCategories: ['mental_health'],
        competent: 'yes',
        competenceNote: 'He nodded.',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /A child under 12 cannot give consent for themselves/);
      assert.match(res.body, /Select a person with parental responsibility/);
      const rows = await db.selectFrom('consent').select('id').where('person_id', '=', toddler).execute();
      assert.equal(rows.length, 0);
      const byMother = await post(healthVisitor, `/people/${toddler}/consent`, {
        ...consentForm(mother, { organisations: [org.school.id] }),
      });
      assert.equal(byMother.statusCode, 303);
    });

    test('a young person consents for themselves only with a recorded judgement of their competence', async () => {
      const url = `/people/${child}/consent`;
      const form = { ...consentForm(child, { organisations: [org.health.id] }), purposes: ['information_sharing'] };
      const missing = await post(teacher, url, form);
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Select whether the young person understands what they are agreeing to/);
      assert.match(missing.body, /Enter why you think so/);
      const notCompetent = await post(teacher, url, {
        ...form,
        competent: 'no',
        competenceNote: 'Could not say who would see it.',
      });
      assert.equal(notCompetent.statusCode, 400);
      assert.match(notCompetent.body, /Ask a person with parental responsibility instead/);
      assert.match(notCompetent.body, /Could not say who would see it/);
      const ok = await post(teacher, url, {
        ...form,
        competent: 'yes',
        competenceNote: 'She explained in her own words who would see it and that she can change her mind.',
      });
      assert.equal(ok.statusCode, 303);
      const row = await db
        .selectFrom('consent')
        .select(['competent', 'competence_note', 'given_by_kind'])
        .where('given_by_person_id', '=', child)
        .executeTakeFirstOrThrow();
      assert.equal(row.competent, true);
      assert.match(row.competence_note ?? '', /in her own words/);
      assert.equal(row.given_by_kind, 'young_person');
      const overview = await (await as(teacher)).get(url);
      assert.match(overview.body, /Judged able to consent/);
    });

    const outbox = async () =>
      (await db.selectFrom('outbox_message').select('payload').orderBy('created_at').execute()).map(
        (m) => m.payload as unknown as { to: string; subject: string; text: string },
      );

    test('ending a wish needs a relationship or the front door of the child’s partnership, a confirmation and a reason', async () => {
      const res = await post(teacher, `/people/${child}/consent/wishes`, {
        withheldFrom: mother,
        information: 'That she sees the school counsellor',
        bestInterests: 'She fears the sessions would be stopped.',
      });
      assert.equal(res.statusCode, 303);
      const wish = await db.selectFrom('confidentiality_wish').select('id').executeTakeFirstOrThrow();
      const url = `/people/${child}/consent/wishes/${wish.id}/end`;
      // Another partnership's front door has no relationship with the child: no page, no change.
      assert.equal((await (await as(frontDoorOut)).get(url)).statusCode, 403);
      const outside = await post(frontDoorOut, url, { reason: 'Tidying up' });
      assert.equal(outside.statusCode, 403);
      assert.equal(
        (await db.selectFrom('confidentiality_wish').select('ended_on').executeTakeFirstOrThrow()).ended_on,
        null,
      );
      // The overview no longer offers a one-click end: it links to a confirmation page.
      const overview = await (await as(frontDoorIn)).get(`/people/${child}/consent`);
      assert.match(overview.body, new RegExp(`href="${url}"`));
      const page = await (await as(frontDoorIn)).get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /End a confidentiality wish/);
      const blank = await post(frontDoorIn, url, { reason: '  ' });
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /govuk-error-summary/);
      assert.match(blank.body, /Enter why this is ending/);
      const before = (await outbox()).length;
      const ended = await post(frontDoorIn, url, { reason: 'Aleksandra told the nurse she has now told her mum.' });
      assert.equal(ended.statusCode, 303);
      const row = await db.selectFrom('confidentiality_wish').selectAll().executeTakeFirstOrThrow();
      assert.match(row.ended_reason ?? '', /now told her mum/);
      const event = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'confidentiality-wish.ended')
        .executeTakeFirstOrThrow();
      assert.equal(event.record_type, 'person');
      assert.equal(event.record_id, child);
      assert.match(event.reason ?? '', /now told her mum/);
      const mail = (await outbox()).slice(before);
      assert.equal(mail.length, 1);
      assert.equal(mail[0]!.to, teacher.email);
      assert.doesNotMatch(JSON.stringify(mail[0]), /Aleksandra|Kowalczyk|counsellor|told her mum/);
    });

    test('ending a withhold marker needs a confirmation and a reason, names the child in the audit and tells the recorder', async () => {
      const marker = await db
        .selectFrom('withhold_marker')
        .select('id')
        .where('ended_at', 'is', null)
        .executeTakeFirstOrThrow();
      const url = `/people/${child}/consent/markers/${marker.id}/end`;
      assert.equal((await post(frontDoorOut, url, { reason: 'Not needed' })).statusCode, 403);
      const page = await (await as(frontDoorIn)).get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /End a withhold marker/);
      const blank = await post(frontDoorIn, url, {});
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /Enter why this is ending/);
      const before = (await outbox()).length;
      const ended = await post(frontDoorIn, url, { reason: 'The court order was discharged on appeal.' });
      assert.equal(ended.statusCode, 303);
      const row = await db
        .selectFrom('withhold_marker')
        .selectAll()
        .where('id', '=', marker.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.ended_at);
      assert.match(row.ended_reason ?? '', /discharged on appeal/);
      const event = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'withhold-marker.ended')
        .executeTakeFirstOrThrow();
      assert.equal(event.record_type, 'person');
      assert.equal(event.record_id, child);
      const mail = (await outbox()).slice(before);
      assert.equal(mail.length, 1);
      assert.equal(mail[0]!.to, teacher.email);
      assert.doesNotMatch(JSON.stringify(mail[0]), /Aleksandra|Kowalczyk|court order|discharged/);
    });

    test('withdrawing a consent: not by another partnership’s front door; the recorder is told', async () => {
      const consent = await db
        .selectFrom('consent')
        .select('id')
        .where('person_id', '=', child)
        .where('given_by_person_id', '=', mother)
        .where('withdrawn_at', 'is', null)
        .executeTakeFirstOrThrow();
      const url = `/people/${child}/consent/${consent.id}/withdraw`;
      assert.equal((await (await as(frontDoorOut)).get(url)).statusCode, 403);
      const outside = await post(frontDoorOut, url, { ...dateFields('withdrawnOn'), reason: 'Mum rang' });
      assert.equal(outside.statusCode, 403);
      const blank = await post(frontDoorIn, url, { ...dateFields('withdrawnOn'), reason: '' });
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /Enter what the person said when they withdrew consent/);
      const before = (await outbox()).length;
      const done = await post(frontDoorIn, url, { ...dateFields('withdrawnOn'), reason: 'Mum rang the front door.' });
      assert.equal(done.statusCode, 303);
      const event = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'consent.withdrawn')
        .executeTakeFirstOrThrow();
      assert.equal(event.record_type, 'person');
      assert.equal(event.record_id, child);
      const mail = (await outbox()).slice(before);
      // The recorder is told once; anyone else who relied on it gets a notification email that says only that
      // there is something to look at.
      const toRecorder = mail.filter((m) => m.to === teacher.email);
      assert.equal(toRecorder.length, 1, JSON.stringify(mail.map((m) => [m.to, m.subject])));
      for (const m of mail) assert.doesNotMatch(JSON.stringify(m), /Aleksandra|Kowalczyk|Mum rang/);
      for (const m of mail.filter((x) => x.to !== teacher.email)) assert.match(m.text, /\/notifications/);
    });

    test('a sensitive service’s involvement shows only to that service and to those a consent names for it', async () => {
      const camhs = await createOrganisation(db, { name: 'Luton CAMHS', agency_type: 'health', tier: 'specialist' });
      const camhsWorker = await createUser(db, {
        roles: ['practitioner'],
        organisationId: camhs.id,
        name: 'Imran Ali',
      });
      const admin = await createUser(db, { roles: ['system_admin'], organisationId: org.council.id });
      const form = await (await as(admin)).get(`/admin/organisations/${camhs.id}/edit`);
      assert.match(form.body, /Sensitive service/);
      const saved = await post(admin, `/admin/organisations/${camhs.id}`, {
        name: 'Luton CAMHS',
        agencyType: 'health',
        tier: 'specialist',
        sensitiveCategory: 'mental_health',
      });
      assert.equal(saved.statusCode, 303);
      const marked = await db
        .selectFrom('organisation')
        .select('sensitive_category')
        .where('id', '=', camhs.id)
        .executeTakeFirstOrThrow();
      assert.equal(marked.sensitive_category, 'mental_health');
      // The CAMHS practitioner leads: who leads must not give away who is involved.
      await db.updateTable('involvement').set({ is_lead: false }).where('person_id', '=', child).execute();
      await db
        .insertInto('involvement')
        .values({
          person_id: child,
          organisation_id: camhs.id,
          team_id: null,
          user_id: camhsWorker.id,
          role: 'Mental health practitioner',
          started_on: '2026-01-01',
          ended_on: null,
          contact_phone: '01632 960 555',
          contact_email: null,
          is_lead: true,
        })
        .execute();
      const hidden = /Mental health practitioner|Luton CAMHS|Imran Ali|01632 960 555/;
      // The school works with Aleksandra but no consent names it for mental health.
      const card = await (await as(teacher)).get(`/people/${child}`);
      assert.equal(card.statusCode, 200);
      assert.doesNotMatch(card.body, hidden);
      assert.match(card.body, /A service is involved — contact the lead practitioner/);
      assert.match(card.body, /Appointed, from a service whose involvement is not shown to you/);
      // Her little brother's family view shows his sister's services.
      const family = await (await as(healthVisitor)).get(`/people/${toddler}/family`);
      assert.equal(family.statusCode, 200);
      assert.doesNotMatch(family.body, hidden);
      assert.match(family.body, /A service is involved — contact the lead practitioner/);
      const tokens = new TokenService(db, t.clock);
      const { token } = await tokens.createForEmail(
        teacher.email,
        { name: 'test', expiresInDays: null },
        { requestId: 'test', clientIp: '127.0.0.1' },
      );
      const api = await t.app.inject({ url: `/api/v1/people/${child}`, headers: { authorization: `Bearer ${token}` } });
      assert.equal(api.statusCode, 200, api.body);
      assert.doesNotMatch(api.body, hidden);
      assert.match(api.body, /A service is involved — contact the lead practitioner/);
      // The service itself sees its own involvement.
      assert.match((await (await as(camhsWorker)).get(`/people/${child}`)).body, /Luton CAMHS/);
      // Health is named by a current consent that includes mental health (recorded earlier for sexual health only).
      const named = await post(teacher, `/people/${child}/consent`, {
        ...consentForm(child, { organisations: [org.health.id] }),
        purposes: ['information_sharing'],
        sensitiveCategories: ['mental_health'],
        competent: 'yes',
        competenceNote: 'She asked for health to know about CAMHS.',
      });
      assert.equal(named.statusCode, 303, named.body.slice(0, 500));
      assert.match((await (await as(healthVisitor)).get(`/people/${child}`)).body, /Luton CAMHS/);
      assert.doesNotMatch((await (await as(teacher)).get(`/people/${child}`)).body, /Luton CAMHS/);
    });

    test('adding yourself to a child needs a reason, which is audited and shown on the card with when and by whom', async () => {
      const nurse = await createUser(db, { roles: ['practitioner'], organisationId: org.health.id, name: 'Nia Jones' });
      const c = await as(nurse);
      const form = await c.get(`/people/${child}/involvements/new`);
      assert.match(form.body, /Why are you adding yourself/);
      const blank = await c.post(`/people/${child}/involvements/new`, { role: 'School nurse', reason: '' });
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /Enter why you are adding yourself to this child/);
      const ok = await c.post(`/people/${child}/involvements/new`, {
        role: 'School nurse',
        reason: 'Referred by the school for a drop-in health check.',
      });
      assert.equal(ok.statusCode, 303);
      const event = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'person.involvement.added')
        .where('actor_user_id', '=', nurse.id)
        .executeTakeFirstOrThrow();
      assert.equal(event.record_id, child);
      assert.match(event.reason ?? '', /drop-in health check/);
      const card = await (await as(teacher)).get(`/people/${child}`);
      assert.match(
        card.body,
        /Added by Nia Jones on 23 November 2026: Referred by the school for a drop-in health check/,
      );
    });
  });
}
