/**
 * Redirecting a received request to a panel (issue 11; docs/decisions/0039): the targeted services leader's request
 * from the front door is redirected to a panel only with the family told and agreeing; the panel request goes
 * through the panel's own checks; the received request's work item is closed; another agency is refused, audited.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import { loadActor } from '../../src/platform/sessions.ts';
import { listWork } from '../../src/platform/work.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPanel, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

for (const engine of engines()) {
  describe(`redirecting a received request to a panel on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let fd: TestUser;
    let tsl: TestUser;
    let otherTsl: TestUser;
    let admin: TestUser;
    let panelId: string;
    let farPanelId: string;
    let kid: string;
    let contactId: string;
    const as = signedInClients(() => t);
    const audits = (action: string) =>
      db.selectFrom('audit_event').select(['record_id', 'details']).where('action', '=', action).execute();
    const url = () => `/front-door/contacts/${contactId}/redirect-to-panel/${panelId}/${kid}`;
    const form = (extra: Record<string, string | string[]> = {}) => ({
      familyAgreed: 'yes',
      agreedBy: 'Dee Stone, mother',
      'agreedOn-day': '1',
      'agreedOn-month': '12',
      'agreedOn-year': '2026',
      agreedHow: 'phone',
      reason: 'Our targeted service has a waiting list of six months; the family needs several agencies now.',
      harm: 'no',
      breakdown: 'no',
      statutory: 'no',
      educationOnly: 'no',
      steps: ['monitored', 'consent-explained'],
      changesWanted: 'Calmer mornings.',
      successCriteria: 'School every day for a term.',
      questions: 'Which agency can offer a family worker?',
      ...extra,
    });
    const post = async (user: TestUser, path: string, body: Record<string, string | string[]>) => {
      const c = await as(user);
      await c.get('/');
      return c.post(path, body);
    };
    const openWork = async (user: TestUser) =>
      (await listWork(db, (await loadActor(db, user.id, 'session'))!, t.clock.now())).filter(
        (w) => w.kind === 'front-door.targeted-support' && w.href === `/front-door/contacts/${contactId}`,
      );

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-07T10:00:00Z'));
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const council = await createOrganisation(db, { name: 'Lea Council', agency_type: 'local_authority' });
      const social = await createOrganisation(db, { name: 'Lea Social Care', agency_type: 'social_care' });
      const far = await createOrganisation(db, { name: 'Far Council', agency_type: 'local_authority' });
      const lea = await createPartnership(db, 'Lea', [school.id, council.id]);
      const elsewhere = await createPartnership(db, 'Elsewhere', [far.id]);
      await db
        .insertInto('team')
        .values({
          organisation_id: social.id,
          name: 'Lea Front Door',
          area_id: lea.partnershipId,
          contact_role: 'front_door',
        })
        .execute();
      const targeted = await db
        .insertInto('team')
        .values({
          organisation_id: council.id,
          name: 'Lea Targeted',
          area_id: lea.areaId,
          contact_role: 'targeted_services',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
      fd = await createUser(db, { organisationId: social.id, name: 'Fay Door', roles: ['front_door'] });
      tsl = await createUser(db, { organisationId: council.id, name: 'Tia Leader', roles: ['integrated_processes'] });
      otherTsl = await createUser(db, { organisationId: far.id, name: 'Far Leader', roles: ['integrated_processes'] });
      admin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id, name: 'Amira Begum' });
      await db.insertInto('user_team').values({ user_id: tsl.id, team_id: targeted.id, is_manager: false }).execute();
      farPanelId = await createPanel(db, 'Aardvark Far Panel', []);
      await db.updateTable('panel').set({ area_id: elsewhere.areaId }).where('id', '=', farPanelId).execute();
      panelId = await createPanel(db, 'Lea Family Support Panel', [{ user: admin, role: 'administrator' }]);
      await db.updateTable('panel').set({ area_id: lea.areaId }).where('id', '=', panelId).execute();
      kid = await createPerson(db, {
        givenName: 'Remy',
        familyName: 'Stone',
        dateOfBirth: '2016-06-06',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      const household = await registry.findOrCreateHousehold(db, {
        line1: '3 Mill Lane',
        line2: null,
        town: null,
        postcode: 'LU1 1AA',
        areaId: lea.areaId,
      });
      await registry.moveTo(db, kid, household, '2020-01-01');
      // The teacher asks the front door; the front door sends it to the targeted services leader.
      const c = await as(teacher);
      await c.get(`/front-door/requests/new?child=${kid}`);
      await c.post('/front-door/requests/new', { harm: 'no', child: kid });
      const made = await c.post('/front-door/requests', {
        harm: 'no',
        child: kid,
        referralSource: '2A',
        circumstances: 'Often hungry and tired in class.',
        needsToHappen: 'Someone to work with the family on routines.',
        tried: 'Breakfast club.',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Parents could not be reached today.',
        urgency: 'normal',
      });
      contactId = /\/front-door\/contacts\/([0-9a-f-]{36})/.exec(String(made.headers.location))![1]!;
      await (await as(fd)).get(`/front-door/contacts/${contactId}/decision`);
      const decided = await (await as(fd)).post(`/front-door/contacts/${contactId}/decision`, {
        outcome: 'targeted_support',
        level: 'targeted',
        indicator: ['learning.early_help.1'],
        rationale: 'Needs across home and school.',
      });
      assert.equal(decided.statusCode, 303);
    });
    after(() => t.close());

    test('the leader sees the way to redirect, and the panels covering the child’s area first', async () => {
      const l = await as(tsl);
      const contact = await l.get(`/front-door/contacts/${contactId}`);
      assert.match(contact.body, /data-qa="redirect-to-panel"/);
      const choose = await l.get(`/front-door/contacts/${contactId}/redirect-to-panel`);
      assert.equal(choose.statusCode, 200);
      const lea = choose.body.indexOf('Lea Family Support Panel');
      const far = choose.body.indexOf('Aardvark Far Panel');
      assert.ok(lea > 0 && far > lea, 'the panel covering the child’s area comes first, whatever its name');
      assert.match(choose.body, /Covers the child’s area/);
      assert.equal((await l.get(url())).statusCode, 200);
    });

    test('refused without the family’s agreement, with the reason, audited; what was typed is kept', async () => {
      const before = (await audits('panel-request.redirect-in.refused')).length;
      const res = await post(tsl, url(), form({ familyAgreed: 'no' }));
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /only when the family has been told and agrees/);
      assert.match(res.body, /waiting list of six months/);
      const refused = await audits('panel-request.redirect-in.refused');
      assert.equal(refused.length, before + 1);
      assert.equal(refused.at(-1)!.record_id, kid);
      // Missing who, when and how is a form problem, each on its field.
      const missing = await post(
        tsl,
        url(),
        form({ agreedBy: '', 'agreedOn-day': '', 'agreedOn-month': '', 'agreedOn-year': '', agreedHow: '' }),
      );
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Enter who in the family agreed/);
      assert.match(missing.body, /Enter the date the family agreed/);
      assert.match(missing.body, /Select how the family agreed/);
      const future = await post(tsl, url(), form({ 'agreedOn-year': '2027' }));
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /The date the family agreed must be today or in the past/);
      assert.equal(
        (await db.selectFrom('panel_request').select('id').where('person_id', '=', kid).execute()).length,
        0,
      );
      assert.equal((await openWork(tsl)).length, 1);
    });

    test('the panel’s own checks apply: consent naming the panel, then an assessment on record', async () => {
      const noConsent = await post(tsl, url(), form());
      assert.equal(noConsent.statusCode, 400);
      assert.match(noConsent.body, /There is no consent to share with Lea Family Support Panel/);
      const c = await db
        .insertInto('consent')
        .values({
          person_id: kid,
          household_id: null,
          given_by_person_id: kid,
          given_by_kind: 'young_person',
          decision: 'given',
          purposes: ['panel_discussion'],
          service_name: null,
          method: 'in_person',
          obtained_on: '2026-12-01',
          review_on: null,
          explained: null,
          withdrawn_on: null,
          withdrawn_reason: null,
          withdrawn_by: null,
          withdrawn_at: null,
          recorded_by: teacher.id,
          recorded_by_organisation_id: teacher.organisationId,
          recorded_at: new Date('2026-12-01T10:00:00Z'),
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
          panel_name: 'Lea Family Support Panel',
          panel_id: panelId,
        })
        .execute();
      const noAssessment = await post(tsl, url(), form());
      assert.equal(noAssessment.statusCode, 400);
      assert.match(noAssessment.body, /no signed-off Early Help Assessment/);
      // A redirect rule still applies: a "yes" to significant harm is recorded as redirected to the front door.
      const harm = await post(tsl, url(), form({ harm: 'yes' }));
      assert.equal(harm.statusCode, 200);
      assert.match(harm.body, /The panel is not the right route/);
      const redirected = await db
        .selectFrom('panel_request')
        .selectAll()
        .where('person_id', '=', kid)
        .executeTakeFirstOrThrow();
      assert.equal(redirected.status, 'redirected');
      assert.equal(redirected.redirected_to, 'front_door');
      assert.equal(redirected.redirected_from_id, contactId);
      // The received request stays with the leader: nothing was made of it.
      assert.equal((await openWork(tsl)).length, 1);
    });

    test('goes through: the panel request names where it came from, and the received request is closed', async () => {
      const guidance = await db.selectFrom('threshold_guidance').select('id').executeTakeFirstOrThrow();
      const content = { changesWanted: 'From the assessment.', successCriteria: 'Fewer late marks.' };
      const a = await db
        .insertInto('assessment')
        .values({
          episode_id: null,
          author_id: teacher.id,
          organisation_id: teacher.organisationId,
          guidance_id: guidance.id,
          contact_id: null,
          content: JSON.stringify(content),
          version: 1,
          status: 'signed_off',
          signed_off_version: 1,
          started_at: new Date('2026-12-01T10:00:00Z'),
          updated_at: new Date('2026-12-02T10:00:00Z'),
          updated_by: teacher.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('assessment_person').values({ assessment_id: a.id, person_id: kid }).execute();
      await db
        .insertInto('assessment_version')
        .values({
          assessment_id: a.id,
          number: 1,
          content: JSON.stringify(content),
          section: null,
          saved_by: teacher.id,
          saved_at: new Date('2026-12-02T10:00:00Z'),
        })
        .execute();

      const res = await post(tsl, url(), form());
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/front-door/contacts/${contactId}?done=redirected-to-panel`);
      const r = await db
        .selectFrom('panel_request')
        .selectAll()
        .where('person_id', '=', kid)
        .where('status', '=', 'submitted')
        .executeTakeFirstOrThrow();
      assert.equal(r.referrer_user_id, tsl.id);
      assert.equal(r.referrer_organisation_id, tsl.organisationId);
      assert.equal(r.redirected_from_kind, 'contact');
      assert.equal(r.redirected_from_id, contactId);
      assert.equal(r.family_agreed_by, 'Dee Stone, mother');
      assert.equal(String(r.family_agreed_on).slice(0, 10), '2026-12-01');
      assert.equal(r.family_agreed_how, 'phone');
      assert.match(r.redirected_in_reason ?? '', /waiting list/);
      assert.equal(r.assessment_id, a.id);
      assert.equal(r.sharing_basis, 'consent');
      // The work item is closed; the way to redirect is gone, and a second redirect is not found.
      assert.equal((await openWork(tsl)).length, 0);
      const after = await (await as(tsl)).get(`/front-door/contacts/${contactId}`);
      assert.doesNotMatch(after.body, /data-qa="redirect-to-panel"/);
      assert.equal((await post(tsl, url(), form())).statusCode, 404);
      const done = await audits('panel-request.redirected-in');
      assert.equal(done.length, 1);
      assert.equal(done[0]!.record_id, kid);
      assert.equal((done[0]!.details as { receivedId: string }).receivedId, contactId);

      // The panel's administrator sees where it came from.
      const reference = (
        await db.selectFrom('contact').select('reference').where('id', '=', contactId).executeTakeFirstOrThrow()
      ).reference;
      const page = await (await as(admin)).get(`/panels/${panelId}/requests/${r.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(
        page.body,
        new RegExp(`Redirected by Lea Council from the front door’s request for support ${reference}`),
      );
      assert.match(page.body, /Dee Stone, mother, Tuesday 1 December 2026, by phone/);
      assert.match(page.body, /waiting list of six months/);

      // On the child's chronology, at index level: the teacher (another agency) sees it.
      const chronology = await (await as(teacher)).get(`/people/${kid}/chronology`);
      assert.equal(chronology.statusCode, 200);
      assert.match(chronology.body, /Lea Council redirected the front door’s request for support/);
    });

    test('another agency cannot redirect the request: not found, audited on the child', async () => {
      const before = (await audits('panel-request.redirect-in.refused')).length;
      const o = await as(otherTsl);
      assert.equal((await o.get(`/front-door/contacts/${contactId}/redirect-to-panel`)).statusCode, 404);
      assert.equal((await post(otherTsl, url(), form())).statusCode, 404);
      const refused = await audits('panel-request.redirect-in.refused');
      assert.ok(refused.length >= before + 2);
      assert.equal(refused.at(-1)!.record_id, kid);
      // A practitioner has no such power at all.
      assert.equal(
        (await (await as(teacher)).get(`/front-door/contacts/${contactId}/redirect-to-panel`)).statusCode,
        403,
      );
    });
  });
}
