import assert from 'node:assert/strict';
import { test } from 'node:test';
import { londonToday } from '../../src/platform/calendar.ts';
import { createOrganisation } from '../support/factories.ts';
import { family } from './pages/consent-data.ts';
import { ConsentPage, DecisionPage, IndexCardPage, RecordConsentPage, text } from './pages/consent-pages.ts';
import { expectAccessible } from './support/axe.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('recording consent, wishes and sharing decisions in the browser', (env) => {
  test('a school practitioner records consent with a parent and a young person’s confidentiality wish', async () => {
    const db = env.app.database.db;
    const teacher = await env.createUser({ name: 'Priya Sharma', organisationName: 'Larkspur Primary School' });
    const health = await createOrganisation(db, { name: 'Northgate Health Visiting', agency_type: 'health' });
    const f = await family(db, [
      { userId: teacher.id, organisationId: teacher.organisationId },
      { userId: null, organisationId: health.id },
    ]);
    const page = await env.newPage();
    await signIn(env, page, teacher);
    const card = await IndexCardPage.open(page, f.child, f.name);
    assert.match(await text(card.consentStatus()), /No current consent/);
    const consent = await card.openConsent();
    const form = await consent.startConsent();
    await form.save();
    await RecordConsentPage.verifyOnPage(page);
    assert.match(await text(form.errorSummary()), /Select whether consent was given or refused/);
    await form.fill({
      decision: 'They gave consent',
      givenBy: f.motherName,
      purposes: [
        'Sharing information between the services involved',
        'Team around the family: planning and working together',
      ],
      organisations: ['Northgate Health Visiting'],
      method: 'In person',
      obtainedOn: londonToday(env.clock.now()),
    });
    await form.save();
    const recorded = await ConsentPage.verifyOnPage(page);
    assert.match(await text(recorded.successBanner()), /Consent recorded/);
    assert.match(await text(recorded.history()), new RegExp(f.motherName));
    assert.match(await text(recorded.history()), /Northgate Health Visiting/);
    const wish = await recorded.startWish();
    const withWish = await wish.record(
      f.motherName,
      'That she has been seeing the school counsellor',
      'She is 14, understands the choice, and fears the sessions would be stopped.',
    );
    assert.match(await text(withWish.successBanner()), /Confidentiality wish recorded/);
    assert.match(await text(withWish.wishes()), /seeing the school counsellor/);
    const rows = await db
      .selectFrom('consent')
      .select(['decision', 'given_by_kind'])
      .where('person_id', '=', f.child)
      .execute();
    assert.deepEqual(rows, [{ decision: 'given', given_by_kind: 'parent_carer' }]);
  });

  test('a front-door worker records a sharing decision without consent for a child at risk, with its reason', async () => {
    const db = env.app.database.db;
    const worker = await env.createUser({
      name: 'Femi Adeyemi',
      organisationName: 'Luton Front Door',
      roles: ['front_door'],
    });
    await createOrganisation(db, { name: 'Bedfordshire Police Child Protection', agency_type: 'police' });
    const school = await createOrganisation(db, { name: 'Riverside Primary', agency_type: 'school' });
    const f = await family(db, [{ userId: null, organisationId: school.id }]);
    const page = await env.newPage({ javaScriptEnabled: false });
    await signIn(env, page, worker);
    const consent = await ConsentPage.open(page, f.child);
    assert.match(await text(consent.state()), /No current consent/);
    const decision = await consent.startDecision();
    const done = await decision.shareWithoutConsent({
      what: 'School attendance and the disclosure made to the class teacher today',
      organisation: 'Bedfordshire Police Child Protection',
      basis: 'To help a child who is at risk of harm',
      advice: 'Duty and advice team manager',
      reason: 'Aleksandra disclosed that an adult at home hit her; police join the strategy discussion this afternoon.',
    });
    assert.match(await text(done.successBanner()), /Sharing without consent recorded/);
    const log = await text(done.decisions());
    assert.match(log, /Without consent/);
    assert.match(log, /strategy discussion this afternoon/);
    assert.match(log, /Duty and advice team manager/);
    const audit = await db
      .selectFrom('audit_event')
      .select('reason')
      .where('action', '=', 'sharing.override')
      .execute();
    assert.ok(audit.some((a) => /strategy discussion/.test(a.reason ?? '')));
  });

  test('with JavaScript, the sharing decision form stays accessible in every state its choices put it in', async () => {
    // The journey above runs without JavaScript, so the radios' script never ran there: each choice is
    // made here with the script running, and the page checked again after it.
    const db = env.app.database.db;
    const worker = await env.createUser({ organisationName: 'Dunstable Front Door', roles: ['front_door'] });
    const school = await createOrganisation(db, { name: 'Hillside Primary', agency_type: 'school' });
    const f = await family(db, [{ userId: null, organisationId: school.id }]);
    const page = await env.newPage();
    await signIn(env, page, worker);
    await page.goto(`/people/${f.child}/consent/decisions/new`);
    await DecisionPage.verifyOnPage(page);
    for (const choice of ['A named organisation', 'Any service of a type', 'Someone else', 'Consent in scope']) {
      await page.getByLabel(choice, { exact: true }).check();
      await expectAccessible(page);
    }
  });
});
