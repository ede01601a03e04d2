import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createPerson } from '../support/people.ts';
import { NeedLevelPage, SuggestedLevelPage, ThresholdGuidancePage, ThresholdHelperPage } from './pages/threshold.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Threshold helper (browser)', (env) => {
  it('a teacher picks indicators, sees the suggestion and why, and records a different judgement with a rationale', async () => {
    const teacher = await env.createUser({ roles: ['practitioner'] });
    const childId = await createPerson(env.app.database.db, {
      givenName: 'Poppy',
      familyName: 'Fenwick',
      dateOfBirth: '2017-03-04',
      involvement: { organisationId: teacher.organisationId, userId: teacher.id },
    });
    const page = await env.newPage();
    await signIn(env, page, teacher);
    await page.goto(`/people/${childId}/need-level`);
    const levels = await NeedLevelPage.verifyOnPage(page);
    assert.equal(await page.locator('[data-qa="no-judgements"]').count(), 1);
    await levels.click('Use the threshold helper');

    const helper = await ThresholdHelperPage.verifyOnPage(page);
    await helper.pick('learning', 'Sometimes absent or truanting');
    await helper.pick('housing', 'Overcrowded housing');
    await helper.pick('warmth', 'Secure, caring parenting');
    await helper.suggest();

    const result = await SuggestedLevelPage.verifyOnPage(page);
    assert.match(await result.suggested(), /Suggested: Early Help/);
    const reasons = (await page.locator('[data-qa="reasons"]').textContent()) ?? '';
    assert.match(reasons, /Early Help in family and environment: ‘Overcrowded housing’/);
    assert.match(reasons, /Needs in 2 domains/);

    await page.locator('[data-qa="record-level"]').click();
    const withError = await SuggestedLevelPage.verifyOnPage(page);
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Enter why you judge/);
    await withError.record('Targeted', 'The family told me the housing is about to end.');

    await NeedLevelPage.verifyOnPage(page);
    const judgement = ((await page.locator('[data-qa="judgement"]').textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(judgement, /Targeted/);
    assert.match(judgement, /Helper suggested\s*Early Help \(guidance version 1\)/);
    assert.match(judgement, /Overcrowded housing/);

    await page.goto('/threshold/guidance');
    await ThresholdGuidancePage.verifyOnPage(page);
  });
});
