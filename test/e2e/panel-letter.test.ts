import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addDays, londonToday } from '../../src/platform/calendar.ts';
import { createPanel } from '../support/factories.ts';
import { createPerson } from '../support/people.ts';
import { ChildRequestPage, DecisionLetterPage, WithdrawRequestPage } from './pages/panel-letter.ts';
import { MeetingRecordPage } from './pages/panel-record.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('The family’s decision letter and withdrawing a request (browser)', (env) => {
  it('the administrator opens the letter from the record, records it sent; the referrer withdraws another request', async () => {
    const db = env.app.database.db;
    const admin = await env.createUser({ roles: ['panel_admin'], name: 'Amira Begum' });
    const referrer = await env.createUser({ roles: ['practitioner'], name: 'Nia Clarke' });
    const panelId = await createPanel(db, 'Riverside Area Family Support Panel', [
      { user: admin, role: 'administrator' },
    ]);
    const child = await createPerson(db, {
      givenName: 'Ulla',
      familyName: 'Fenwick',
      dateOfBirth: '2017-03-04',
      involvement: { organisationId: referrer.organisationId, userId: referrer.id },
    });
    // Dates from the real today, so the test does not depend on when it runs.
    const today = londonToday(new Date());
    const meeting = async (date: string) =>
      (
        await db
          .insertInto('panel_meeting')
          .values({
            panel_id: panelId,
            meeting_date: date,
            start_time: '10:00',
            end_time: '11:00',
            venue: 'Unity House',
            moved_from: null,
            moved_reason: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const pastMeeting = await meeting(addDays(today, -7));
    const nextMeeting = await meeting(addDays(today, 21));
    const request = async (meetingId: string, status: 'accepted' | 'discussed') => {
      const id = (
        await db
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
            status,
            status_reason: null,
            redirected_to: null,
            decided_by: admin.id,
            decided_at: new Date(),
            meeting_id: meetingId,
            slot_order: 1,
            papers_submitted_at: null,
            late_papers_agreed_by: null,
            late_papers_agreed_at: null,
            invitation_sent_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await db.insertInto('panel_request_person').values({ request_id: id, person_id: child }).execute();
      return id;
    };
    const decided = await request(pastMeeting, 'discussed');
    const now = new Date();
    await db
      .insertInto('panel_meeting_record')
      .values({
        meeting_id: pastMeeting,
        started_by: admin.id,
        started_at: now,
        updated_at: now,
        approved_by: admin.id,
        approved_at: now,
      })
      .execute();
    await db
      .insertInto('panel_case_record')
      .values({
        request_id: decided,
        meeting_id: pastMeeting,
        discussion: 'Private discussion of the panel.',
        outcomes: ['advice', 'better_coordination'],
        school_organisation_id: null,
        school_contact: null,
        school_note: null,
        lead_kind: 'agency',
        lead_user_id: null,
        lead_organisation_id: referrer.organisationId,
        lead_criteria: ['additional_needs', 'formal_assessment_likely', 'coordination_needed'],
        lead_objectives: 'One plan',
        lead_review_on: addDays(today, 60),
        lead_inform_family: 'By letter',
        dissent_user_id: null,
        dissent_organisation_id: null,
        dissent_reason: null,
        recorded_by: admin.id,
        recorded_at: now,
      })
      .execute();
    const waiting = await request(nextMeeting, 'accepted');

    const page = await env.newPage();
    await signIn(env, page, admin);
    await MeetingRecordPage.open(page, panelId, pastMeeting);
    assert.match((await page.locator('[data-qa="family-letter"]').textContent()) ?? '', /Letter not sent/);
    await page.locator('[data-qa="family-letter"] a').click();
    await DecisionLetterPage.verifyOnPage(page);
    const letter = (await page.locator('[data-qa="letter"]').textContent()) ?? '';
    assert.match(letter, /Riverside Area Family Support Panel met on/);
    assert.doesNotMatch(letter, /Private discussion/);
    await page.locator('[data-qa="record-letter"]').click();
    await page.locator('.govuk-error-summary').waitFor();
    await DecisionLetterPage.verifyOnPage(page);
    assert.match(
      (await page.locator('.govuk-error-summary').textContent()) ?? '',
      /Enter the date the letter was sent/,
    );
    const [y, m, d] = today.split('-');
    await page.locator('#sentOn-day').fill(String(Number(d)));
    await page.locator('#sentOn-month').fill(String(Number(m)));
    await page.locator('#sentOn-year').fill(y ?? '');
    await page.getByLabel('Posted to the family').check();
    await page.locator('[data-qa="record-letter"]').click();
    await page.waitForURL(/done=recorded/);
    await DecisionLetterPage.verifyOnPage(page);
    assert.match((await page.locator('[data-qa="letter-sent"]').textContent()) ?? '', /Posted to the family on/);

    const referrerPage = await env.newPage();
    await signIn(env, referrerPage, referrer);
    await referrerPage.goto(`/people/${child}/panel-requests/${waiting}`);
    await ChildRequestPage.verifyOnPage(referrerPage);
    await referrerPage.locator('[data-qa="withdraw"]').click();
    await WithdrawRequestPage.verifyOnPage(referrerPage);
    await referrerPage.locator('[data-qa="withdraw-request"]').click();
    await referrerPage.locator('.govuk-error-summary').waitFor();
    await WithdrawRequestPage.verifyOnPage(referrerPage);
    await referrerPage.getByLabel('Why is the request being withdrawn?').fill('The family moved away.');
    await referrerPage.locator('[data-qa="withdraw-request"]').click();
    await referrerPage.waitForURL(/done=withdrawn/);
    await ChildRequestPage.verifyOnPage(referrerPage);
    assert.match((await referrerPage.locator('main').textContent()) ?? '', /Withdrawn/);
  });
});
