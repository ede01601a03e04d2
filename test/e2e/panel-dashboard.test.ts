import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createPanel } from '../support/factories.ts';
import { createPerson } from '../support/people.ts';
import { expectAccessible } from './support/axe.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Panel dashboard (browser)', (env) => {
  it('a chair compares the panels they run, opens one panel’s figures and is told when a date is not real', async () => {
    const db = env.app.database.db;
    const now = env.clock.now().getTime();
    const day = (offset: number) => new Date(now + offset * 24 * 3600_000).toISOString().slice(0, 10);
    const practitioner = await env.createUser({ roles: ['practitioner'], organisationName: 'Stopsley Primary' });
    const chair = await env.createUser({ roles: ['panel_chair'] });
    const panelId = await createPanel(db, 'South Area Family Support Panel', [{ user: chair, role: 'chair' }]);
    const meeting = await db
      .insertInto('panel_meeting')
      .values({
        panel_id: panelId,
        meeting_date: day(10),
        start_time: '10:00',
        end_time: '12:00',
        venue: 'Unity House',
        moved_from: null,
        moved_reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const child = await createPerson(db, {
      givenName: 'Ulla',
      familyName: 'Fenwick',
      dateOfBirth: '2017-03-04',
      involvement: { organisationId: practitioner.organisationId, userId: practitioner.id },
    });
    const request = await db
      .insertInto('panel_request')
      .values({
        panel_id: panelId,
        person_id: child,
        referrer_user_id: practitioner.id,
        referrer_organisation_id: practitioner.organisationId,
        episode_id: null,
        assessment_id: null,
        assessment_version: null,
        changes_wanted: null,
        success_criteria: null,
        questions: null,
        service_id: null,
        eligibility: null,
        sharing_basis: null,
        sharing_basis_id: null,
        status: 'accepted',
        status_reason: null,
        redirected_to: null,
        decided_by: chair.id,
        decided_at: new Date(now - 5 * 24 * 3600_000),
        meeting_id: meeting.id,
        slot_order: 1,
        papers_submitted_at: null,
        late_papers_agreed_by: null,
        late_papers_agreed_at: null,
        invitation_sent_at: new Date(now - 5 * 24 * 3600_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // An invitation met on time, due a week ago: in the default period whatever the time of day.
    await db
      .insertInto('deadline')
      .values({
        owner_type: 'panel_request',
        owner_id: request.id,
        rule_code: 'PANEL_INVITATION',
        rule_words: 'Referrer invited at least 3 working days before the meeting',
        started_at: new Date(now - 20 * 24 * 3600_000),
        due_at: new Date(now - 7 * 24 * 3600_000),
        at_risk_from: new Date(now - 8 * 24 * 3600_000),
        met_at: new Date(now - 9 * 24 * 3600_000),
        met_by: null,
      })
      .execute();

    const page = await env.newPage();
    await signIn(env, page, chair);
    await page.goto('/panels');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'See the panels you run side by side' }).click();
    await page.locator('h1', { hasText: 'Panels side by side' }).waitFor();
    await expectAccessible(page);
    const row = (await page.locator('[data-qa="panel-compliance"]').first().textContent()) ?? '';
    assert.match(row, /South Area Family Support Panel[\s\S]*1 of 1 \(100%\)/);

    await page.getByRole('link', { name: /Dashboard.*South Area Family Support Panel/ }).click();
    await page.locator('h1', { hasText: 'Panel dashboard' }).waitFor();
    await expectAccessible(page);
    assert.equal((await page.locator('[data-qa="meeting-row"] [data-qa="used"]').textContent())?.trim(), '1');
    assert.equal(
      (await page.locator('[data-qa="compliance-PANEL_INVITATION"] [data-qa="on-time"]').textContent())?.trim(),
      '1 (100%)',
    );
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /Fenwick/);

    await page.locator('#from-day').fill('31');
    await page.locator('#from-month').fill('2');
    await page.locator('#from-year').fill('2026');
    await page.getByRole('button', { name: 'Show the figures' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expectAccessible(page);
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Start date must be a real date/);
    assert.equal(await page.locator('#from-day').inputValue(), '31');
  });
});
