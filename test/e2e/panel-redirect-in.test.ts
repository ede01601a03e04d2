import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as registry from '../../src/features/people/registry-repository.ts';
import { currentGuidance } from '../../src/features/threshold/repository.ts';
import { londonToday } from '../../src/platform/calendar.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createPanel, createPartnership, createUser } from '../support/factories.ts';
import { createPerson } from '../support/people.ts';
import { ContactPage } from './pages/front-door.ts';
import { RedirectChoosePage, RedirectFormPage } from './pages/panel-redirect-in.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Redirecting a received request to a panel (browser)', (env) => {
  /** A front door request for targeted support, on the leader's work list; consent and an assessment for the panel. */
  const received = async (suffix: string) => {
    const db = env.app.database.db;
    const school = await createOrganisation(db, { name: `Oak Lane Primary ${suffix}`, agency_type: 'school' });
    const social = await createOrganisation(db, { name: `Lea Social Care ${suffix}`, agency_type: 'social_care' });
    const leader = await env.createUser({
      roles: ['integrated_processes'],
      name: `Tia Leader ${suffix}`,
      organisationName: `Lea Council ${suffix}`,
    });
    const lea = await createPartnership(db, `Lea ${suffix}`, [school.id, leader.organisationId]);
    await db
      .insertInto('team')
      .values({
        organisation_id: social.id,
        name: `Front Door ${suffix}`,
        area_id: lea.partnershipId,
        contact_role: 'front_door',
      })
      .execute();
    const targeted = await db
      .insertInto('team')
      .values({
        organisation_id: leader.organisationId,
        name: `Targeted ${suffix}`,
        area_id: lea.areaId,
        contact_role: 'targeted_services',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('user_team').values({ user_id: leader.id, team_id: targeted.id, is_manager: false }).execute();
    const teacher = await createUser(db, { organisationId: school.id, name: `Tess Teacher ${suffix}` });
    const fd = await createUser(db, {
      organisationId: social.id,
      name: `Fay Door ${suffix}`,
      roles: ['front_door'],
    });
    const panelId = await createPanel(db, `Lea Family Support Panel ${suffix}`, []);
    await db.updateTable('panel').set({ area_id: lea.areaId }).where('id', '=', panelId).execute();
    const childId = await createPerson(db, {
      givenName: 'Remy',
      familyName: `Stone${suffix}`,
      dateOfBirth: '2016-06-06',
      involvement: { organisationId: school.id, userId: teacher.id },
    });
    const home = await registry.findOrCreateHousehold(db, {
      line1: `3 Mill Lane ${suffix}`,
      line2: null,
      town: null,
      postcode: 'LU1 1AA',
      areaId: lea.areaId,
    });
    await registry.moveTo(db, childId, home, '2020-01-01');
    const today = londonToday(env.clock.now());
    const consent = await db
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
        obtained_on: today,
        review_on: null,
        explained: null,
        withdrawn_on: null,
        withdrawn_reason: null,
        withdrawn_by: null,
        withdrawn_at: null,
        recorded_by: teacher.id,
        recorded_by_organisation_id: teacher.organisationId,
        recorded_at: env.clock.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('consent_recipient')
      .values({
        consent_id: consent.id,
        kind: 'panel',
        organisation_id: null,
        agency_type: null,
        panel_name: 'Lea panel',
        panel_id: panelId,
      })
      .execute();
    const guidance = await currentGuidance(db);
    const content = { changesWanted: 'Calmer mornings.', successCriteria: 'School every day for a term.' };
    const assessment = await db
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
        started_at: env.clock.now(),
        updated_at: env.clock.now(),
        updated_by: teacher.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('assessment_person').values({ assessment_id: assessment.id, person_id: childId }).execute();
    await db
      .insertInto('assessment_version')
      .values({
        assessment_id: assessment.id,
        number: 1,
        content: JSON.stringify(content),
        section: null,
        saved_by: teacher.id,
        saved_at: env.clock.now(),
      })
      .execute();
    // The teacher asks the front door, which sends the request to the leader.
    const t = new TestClient(env.app.app, env.app.clock);
    await t.signIn(teacher);
    await t.get(`/front-door/requests/new?child=${childId}`);
    await t.post('/front-door/requests/new', { harm: 'no', child: childId });
    const made = await t.post('/front-door/requests', {
      harm: 'no',
      child: childId,
      referralSource: '2A',
      circumstances: 'Often hungry and tired in class.',
      needsToHappen: 'Someone to work with the family on routines.',
      tried: 'Breakfast club.',
      permission: 'child_at_risk_of_harm',
      lawfulReason: 'Parents could not be reached today.',
      urgency: 'normal',
    });
    assert.equal(made.statusCode, 303, made.body.slice(0, 300));
    const contactId = /\/front-door\/contacts\/([0-9a-f-]{36})/.exec(String(made.headers.location))![1]!;
    const f = new TestClient(env.app.app, env.app.clock);
    await f.signIn(fd);
    await f.get(`/front-door/contacts/${contactId}/decision`);
    const decided = await f.post(`/front-door/contacts/${contactId}/decision`, {
      outcome: 'targeted_support',
      level: 'targeted',
      indicator: ['learning.early_help.1'],
      rationale: 'Needs across home and school.',
    });
    assert.equal(decided.statusCode, 303);
    return { leader, contactId, today };
  };

  for (const javaScriptEnabled of [true, false]) {
    const suffix = javaScriptEnabled ? 'A' : 'B';
    it(`the leader redirects the request: refused without the family’s agreement, then made${javaScriptEnabled ? '' : ', without JavaScript'}`, async () => {
      const { leader, contactId, today } = await received(suffix);
      const page = await env.newPage({ javaScriptEnabled });
      await signIn(env, page, leader);
      await page.goto(`/front-door/contacts/${contactId}`);
      const contact = await ContactPage.verifyOnPage(page);
      await contact.click('Redirect to a panel');
      const choose = await RedirectChoosePage.verifyOnPage(page);
      await choose.click(new RegExp(`Lea Family Support Panel ${suffix}`));
      let form = await RedirectFormPage.verifyOnPage(page);

      await form.answer('familyAgreed', 'no');
      await page.getByLabel('Why your agency cannot meet the request').fill('A six-month waiting list.');
      for (const q of ['harm', 'breakdown', 'statutory', 'educationOnly']) await form.answer(q, 'no');
      await page.getByLabel('What questions do you want the panel to answer?').fill('Who can offer a family worker?');
      await form.click('Redirect to the panel');
      await page.locator('.govuk-error-summary').waitFor();
      form = await RedirectFormPage.verifyOnPage(page);
      assert.match((await form.errorSummary().textContent()) ?? '', /only when the family has been told and agrees/);
      assert.equal(
        await page.getByLabel('Why your agency cannot meet the request').inputValue(),
        'A six-month waiting list.',
      );

      await form.answer('familyAgreed', 'yes');
      await page.getByLabel('Who in the family agreed').fill('Dee Stone, mother');
      const [y, m, d] = today.split('-');
      await page.locator('#agreedOn-day').fill(String(Number(d)));
      await page.locator('#agreedOn-month').fill(String(Number(m)));
      await page.locator('#agreedOn-year').fill(y!);
      await page.getByLabel('By phone').check();
      await form.click('Redirect to the panel');
      const done = await ContactPage.verifyOnPage(page);
      assert.match((await done.successBanner().textContent()) ?? '', /Request redirected to the panel/);
      assert.equal(await page.locator('[data-qa="redirect-to-panel"]').count(), 0);
      const row = await env.app.database.db
        .selectFrom('panel_request')
        .select(['status', 'redirected_from_id', 'family_agreed_by'])
        .where('redirected_from_id', '=', contactId)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'submitted');
      assert.equal(row.family_agreed_by, 'Dee Stone, mother');
      await page.context().close();
    });
  }
});
