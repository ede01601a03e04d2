import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createPerson } from '../support/people.ts';
import {
  ClosureLetterPage,
  EpisodePage,
  MonitoringPage,
  OpenEpisodePage,
  ProposeClosurePage,
} from './pages/episodes.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

const WEEK = 7 * 24 * 60 * 60 * 1000;

browserSuite('Closing an early help episode (browser)', (env) => {
  for (const javaScriptEnabled of [true, false]) {
    const suffix = javaScriptEnabled ? 'A' : 'B';
    it(`propose closure, monitor, confirm and see the family's letter${javaScriptEnabled ? '' : ', without JavaScript'}`, async () => {
      const db = env.app.database.db;
      const teacher = await env.createUser({
        name: `Tamsin Reed ${suffix}`,
        organisationName: `Birchwood Primary ${suffix}`,
      });
      const childId = await createPerson(db, {
        givenName: 'Mira',
        familyName: `Castell${suffix}`,
        dateOfBirth: '2015-06-07',
        involvement: { organisationId: teacher.organisationId, userId: teacher.id },
      });

      let page = await env.newPage({ javaScriptEnabled });
      await signIn(env, page, teacher);
      await page.goto(`/people/${childId}/episodes/new`);
      const open = await OpenEpisodePage.verifyOnPage(page);
      await open.chooseLead(`${teacher.name} (${teacher.organisationName})`);
      await open.open();
      let episode = await EpisodePage.verifyOnPage(page);
      const path = new URL(page.url()).pathname;

      await episode.click('Propose closure: improvement made');
      let propose = await ProposeClosurePage.verifyOnPage(page);
      await page.getByLabel('What improvement has the family made?').fill('Attendance back above 95% all term.');
      await page.locator('#outcome-education-2').check();
      await propose.submit();
      await page.locator('.govuk-error-summary').waitFor();
      propose = await ProposeClosurePage.verifyOnPage(page);
      assert.match(
        (await page.locator('.govuk-error-summary').textContent()) ?? '',
        /Enter the evidence that “Getting a good education” was achieved/,
      );
      assert.equal(
        await page.getByLabel('What improvement has the family made?').inputValue(),
        'Attendance back above 95% all term.',
      );
      await page.getByLabel('Evidence for “Getting a good education”').fill('School register: 96% this term.');
      await propose.submit();
      await page.locator('[data-qa="monitoring"]').waitFor();
      episode = await EpisodePage.verifyOnPage(page);
      assert.match((await page.locator('[data-qa="monitoring"]').textContent()) ?? '', /Monitored for 12 weeks/);

      // Twelve weeks later, the lead confirms closure (a fresh sign-in after the long jump).
      env.clock.advance(12 * WEEK + 60_000);
      page = await env.newPage({ javaScriptEnabled });
      await signIn(env, page, teacher);
      await page.goto(path);
      episode = await EpisodePage.verifyOnPage(page);
      await episode.click('Confirm closure or record a relapse');
      const monitoring = await MonitoringPage.verifyOnPage(page);
      await monitoring.confirm();
      await page.locator('[data-qa="closed"]').waitFor();
      episode = await EpisodePage.verifyOnPage(page);
      assert.match(
        (await page.locator('[data-qa="closed"]').textContent()) ?? '',
        /Needs met, and the improvement sustained/,
      );
      assert.match((await page.locator('[data-qa="outcomes"]').textContent()) ?? '', /Getting a good education/);

      await page.locator('[data-qa="letter"]').click();
      await ClosureLetterPage.verifyOnPage(page);
      assert.match(
        (await page.locator('[data-qa="letter-outcomes"]').textContent()) ?? '',
        /Getting a good education \(and it has lasted\)/,
      );
    });
  }
});
