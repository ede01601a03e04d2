import assert from 'node:assert/strict';
import { it } from 'node:test';
import { londonToday } from '../../src/platform/calendar.ts';
import { createOrganisation, createPanel } from '../support/factories.ts';
import { createPerson } from '../support/people.ts';
import { CaseRecordPage, MeetingRecordPage, PanelDecisionsPage } from './pages/panel-record.ts';
import { MeetingPage } from './pages/panels.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Panel meeting record (browser)', (env) => {
  it('the administrator records the meeting, is told what was missing, and the chair approves and circulates it', async () => {
    const db = env.app.database.db;
    const admin = await env.createUser({ roles: ['panel_admin'], name: 'Amira Begum' });
    const chair = await env.createUser({ roles: ['panel_chair'], name: 'Grace Obi' });
    const referrer = await env.createUser({ roles: ['practitioner'], name: 'Nia Clarke' });
    const panelId = await createPanel(db, 'Riverside Area Family Support Panel', [
      { user: admin, role: 'administrator' },
      { user: chair, role: 'chair' },
    ]);
    const health = await createOrganisation(db, { name: 'Riverside Health Visiting', agency_type: 'health' });
    await db
      .insertInto('team')
      .values({ organisation_id: health.id, area_id: null, name: 'Health visitors' })
      .execute();
    const child = await createPerson(db, {
      givenName: 'Ulla',
      familyName: 'Fenwick',
      dateOfBirth: '2017-03-04',
      involvement: { organisationId: referrer.organisationId, userId: referrer.id },
    });
    const today = londonToday(new Date(env.clock.now()));
    const meetingId = (
      await db
        .insertInto('panel_meeting')
        .values({
          panel_id: panelId,
          meeting_date: today,
          start_time: '00:00',
          end_time: '00:15',
          venue: 'Unity House',
          moved_from: null,
          moved_reason: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const request = await db
      .insertInto('panel_request')
      .values({
        panel_id: panelId,
        person_id: child,
        referrer_user_id: referrer.id,
        referrer_organisation_id: referrer.organisationId,
        episode_id: null,
        assessment_id: null,
        assessment_version: null,
        changes_wanted: 'Calmer mornings',
        success_criteria: 'On time every day',
        questions: 'Who can co-ordinate?',
        service_id: null,
        eligibility: null,
        sharing_basis: null,
        sharing_basis_id: null,
        status: 'accepted',
        status_reason: null,
        redirected_to: null,
        decided_by: admin.id,
        decided_at: new Date(env.clock.now()),
        meeting_id: meetingId,
        slot_order: 1,
        papers_submitted_at: null,
        late_papers_agreed_by: null,
        late_papers_agreed_at: null,
        invitation_sent_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('panel_request_person').values({ request_id: request.id, person_id: child }).execute();
    const nextYear = String(Number(today.slice(0, 4)) + 1);

    const page = await env.newPage();
    await signIn(env, page, admin);
    await page.goto(`/panels/${panelId}/meetings/${meetingId}`);
    await MeetingPage.verifyOnPage(page);
    await page.locator('[data-qa="record-link"]').click();
    const record = await MeetingRecordPage.verifyOnPage(page);
    assert.match(await record.status(), /Not yet approved/);
    await page
      .getByRole('group', { name: /Amira Begum/ })
      .getByLabel('Present')
      .check();
    await page
      .getByRole('group', { name: /Grace Obi/ })
      .getByLabel('Present')
      .check();
    await page
      .getByRole('group', { name: /Nia Clarke/ })
      .getByLabel('Present', { exact: true })
      .check();
    await page.locator('[data-qa="save-attendance"]').click();
    await MeetingRecordPage.verifyOnPage(page);
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /Attendance recorded/);

    await page.getByRole('link', { name: 'Ulla Fenwick' }).click();
    const form = await CaseRecordPage.forCase(page, 'Ulla Fenwick');
    await page.getByLabel('Summary of the discussion').fill('No one agency can meet the family’s needs alone.');
    await page.getByLabel(/Agree the appointment of a lead professional/).check();
    await page.getByLabel('Yes, a named person').check();
    await page
      .getByLabel('Lead professional', { exact: true })
      .selectOption({ label: `${referrer.name} (${referrer.organisationName})` });
    await page.locator('[data-qa="save-case"]').click();
    await page.locator('.govuk-error-summary').waitFor();
    const errors = await form.errors();
    assert.match(errors, /only when the panel agrees all three criteria/);
    assert.match(errors, /Enter the lead professional’s objectives/);
    assert.equal(
      await page.getByLabel('Summary of the discussion').inputValue(),
      'No one agency can meet the family’s needs alone.',
    );
    await form.verifyOnPage();
    for (const c of [/additional needs/, /formal or statutory assessment/, /collaborative input/]) {
      await page.getByLabel(c).check();
    }
    await page.getByLabel('Clear and specific objectives for the lead professional').fill('One co-ordinated plan.');
    await page.locator('#leadReviewOn').getByLabel('Day').fill('15');
    await page.locator('#leadReviewOn').getByLabel('Month').fill('3');
    await page.locator('#leadReviewOn').getByLabel('Year').fill(nextYear);
    await page.getByLabel('How the young person and family will be told, and by whom').fill('Nia Clarke visits them.');
    await page.locator('[data-qa="save-case"]').click();
    await page.locator('.govuk-notification-banner').waitFor();
    await form.verifyOnPage();
    await page.getByLabel('What is to be done').fill('Offer a home visit about sleep routines');
    await page.getByLabel('Agency and team').selectOption({ label: 'Riverside Health Visiting: Health visitors' });
    await page.locator('#dueOn').getByLabel('Day').fill('15');
    await page.locator('#dueOn').getByLabel('Month').fill('1');
    await page.locator('#dueOn').getByLabel('Year').fill(nextYear);
    await page.locator('[data-qa="add-recommendation"]').click();
    await page.locator('[data-qa="recommendations"]').waitFor();
    await form.verifyOnPage();
    assert.match((await page.locator('[data-qa="recommendations"]').textContent()) ?? '', /sleep routines/);

    const chairPage = await env.newPage();
    await signIn(env, chairPage, chair);
    await MeetingRecordPage.open(chairPage, panelId, meetingId);
    await chairPage.locator('[data-qa="approve-record"]').click();
    await chairPage.locator('.govuk-notification-banner').waitFor();
    const approved = await MeetingRecordPage.verifyOnPage(chairPage);
    assert.match(await approved.status(), /Approved by Grace Obi/);
    assert.match((await chairPage.locator('[data-qa="circulation"]').textContent()) ?? '', /Not yet circulated/);
    await chairPage.locator('[data-qa="circulate-decisions"]').click();
    await chairPage.waitForURL(/done=circulated/);
    await MeetingRecordPage.verifyOnPage(chairPage);
    assert.match(
      (await chairPage.locator('[data-qa="circulation"]').textContent()) ?? '',
      /Written decisions circulated on .*, within 4 working days of the meeting/,
    );

    const referrerPage = await env.newPage();
    await signIn(env, referrerPage, referrer);
    await referrerPage.goto(`/people/${child}/panel-requests/${request.id}/decisions`);
    await PanelDecisionsPage.verifyOnPage(referrerPage);
    const text = (await referrerPage.locator('main').textContent()) ?? '';
    assert.match(text, /Nia Clarke/);
    assert.match(text, /sleep routines/);
  });
});
