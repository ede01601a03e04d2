import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FILES } from '../support/files.ts';
import { createPerson } from '../support/people.ts';
import { AgencyAssessmentPage, AttachAgencyAssessmentPage } from './pages/assessments.ts';
import { EpisodePage, OpenEpisodePage } from './pages/episodes.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('An agency’s own assessment (browser)', (env) => {
  for (const javaScriptEnabled of [true, false]) {
    const suffix = javaScriptEnabled ? 'A' : 'B';
    it(`attached from the episode: refused with what was typed kept, then attached and shown${javaScriptEnabled ? '' : ', without JavaScript'}`, async () => {
      const db = env.app.database.db;
      const worker = await env.createUser({
        name: `Yusuf Adeyemi ${suffix}`,
        organisationName: `Youth Justice Service ${suffix}`,
      });
      const childId = await createPerson(db, {
        givenName: 'Kit',
        familyName: `Lowry${suffix}`,
        dateOfBirth: '2011-02-03',
        involvement: { organisationId: worker.organisationId, userId: worker.id },
      });
      const page = await env.newPage({ javaScriptEnabled });
      await signIn(env, page, worker);
      await page.goto(`/people/${childId}/episodes/new`);
      const open = await OpenEpisodePage.verifyOnPage(page);
      await open.chooseLead(`${worker.name} (${worker.organisationName})`);
      await open.open();
      const episode = await EpisodePage.verifyOnPage(page);
      await episode.click('Attach an agency’s own assessment');
      let attach = await AttachAgencyAssessmentPage.verifyOnPage(page);

      await page.getByLabel('Name of the assessment or the tool used').fill('Youth Justice AssetPlus');
      await page.locator('#completedOn-day').fill('20');
      await page.locator('#completedOn-month').fill('11');
      await page.locator('#completedOn-year').fill('2099');
      await page.getByLabel('Who signed it off in your agency?').fill('Pat Senior, team manager');
      await page.locator('#signedOffOn-day').fill('24');
      await page.locator('#signedOffOn-month').fill('11');
      await page.locator('#signedOffOn-year').fill('2026');
      await page.getByLabel('Targeted').check();
      await page.getByLabel('Summary of what it found').fill('Missing school; mornings are hard.');
      await page.locator('#need-1-subArea').selectOption('learning');
      await page.locator('#need-1-personId').selectOption('family');
      await page.locator('#need-1-description').fill('Misses school most Mondays');
      await attach.click('Attach the assessment');
      await page.locator('.govuk-error-summary').waitFor();
      attach = await AttachAgencyAssessmentPage.verifyOnPage(page);
      const summary = (await page.locator('.govuk-error-summary').textContent()) ?? '';
      assert.match(summary, /The date it was completed must be today or in the past/);
      assert.match(summary, /Select a file to upload/);
      assert.equal(
        await page.getByLabel('Name of the assessment or the tool used').inputValue(),
        'Youth Justice AssetPlus',
      );
      assert.equal(await page.locator('#need-1-description').inputValue(), 'Misses school most Mondays');

      await page.locator('#completedOn-year').fill('2026');
      await page.getByLabel('The assessment document').setInputFiles({
        name: 'assetplus.pdf',
        mimeType: 'application/pdf',
        buffer: FILES.pdf,
      });
      await attach.click('Attach the assessment');
      const shown = await AgencyAssessmentPage.verifyOnPage(page);
      assert.match((await shown.successBanner().textContent()) ?? '', /The agency’s assessment has been attached/);
      assert.match((await page.locator('[data-qa="needs"]').textContent()) ?? '', /Misses school most Mondays/);
      assert.match((await page.locator('[data-qa="signed-off"]').textContent()) ?? '', /Pat Senior, team manager/);
      await page.context().close();
    });
  }
});
