import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addDays, londonToday } from '../../src/platform/calendar.ts';
import { createPerson } from '../support/people.ts';
import { IndexCardPage } from './pages/consent-pages.ts';
import { EpisodePage, EpisodesPage, OpenEpisodePage } from './pages/episodes.ts';
import { ActionPage, AgreePage, EditPlanPage, ObjectivePage, PlanPage, ReviewPage } from './pages/plans.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Early help plans (browser)', (env) => {
  for (const javaScriptEnabled of [true, false]) {
    const suffix = javaScriptEnabled ? 'A' : 'B';
    it(`agree a SMART plan and record two reviews${javaScriptEnabled ? '' : ', without JavaScript'}`, async () => {
      const db = env.app.database.db;
      const lead = await env.createUser({ name: `Lara Moss ${suffix}`, organisationName: `Brook Primary ${suffix}` });
      const childId = await createPerson(db, {
        givenName: 'Ines',
        familyName: `Varga${suffix}`,
        dateOfBirth: '2016-06-06',
        involvement: { organisationId: lead.organisationId, userId: lead.id },
      });
      const label = `${lead.name} (${lead.organisationName})`;
      const today = londonToday(env.clock.now());

      const page = await env.newPage({ javaScriptEnabled });
      await signIn(env, page, lead);
      const card = await IndexCardPage.open(page, childId, `Ines Varga${suffix}`);
      await card.click('Early help episodes');
      await (await EpisodesPage.verifyOnPage(page)).click('Open an early help episode');
      const open = await OpenEpisodePage.verifyOnPage(page);
      await open.chooseLead(label);
      await open.open();
      const episode = await EpisodePage.verifyOnPage(page);
      await episode.click(/See the family’s plan/);

      let plan = await PlanPage.verifyOnPage(page);
      await plan.click('Start the plan');
      await (await EditPlanPage.verifyOnPage(page)).save('Grandfather walks her to school', /Every 6 weeks/);
      await page.locator('.govuk-notification-banner--success').waitFor();
      plan = await PlanPage.verifyOnPage(page);

      await plan.click('Add an objective');
      let objective = await ObjectivePage.verifyOnPage(page);
      const fields = {
        area: 'The child’s developmental needs: Learning and education',
        need: 'Ines is often late for school',
        criterion: 'On time on at least 9 days in 10 for 6 weeks',
        target: null as string | null,
        agreedBy: 'Mother and the class teacher',
      };
      await objective.fill(fields);
      await objective.submit();
      await page.locator('.govuk-error-summary').waitFor();
      objective = await ObjectivePage.verifyOnPage(page);
      assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Objectives must be SMART/);
      assert.equal(await page.getByLabel('The need the objective addresses').inputValue(), fields.need);
      await objective.fill({ ...fields, target: addDays(today, 70) });
      await objective.submit();
      await page.locator('.govuk-notification-banner--success').waitFor();
      plan = await PlanPage.verifyOnPage(page);

      await plan.click(/Add an action/);
      await (await ActionPage.verifyOnPage(page)).add('Morning routine chart', label, addDays(today, 14));
      await page.locator('.govuk-notification-banner--success').waitFor();
      plan = await PlanPage.verifyOnPage(page);
      assert.match((await page.locator('[data-qa="actions"]').textContent()) ?? '', /Morning routine chart/);

      await plan.click('Record the family’s agreement');
      await (await AgreePage.verifyOnPage(page)).agree('Mother', today);
      await page.locator('[data-qa="next-review"]').waitFor();
      plan = await PlanPage.verifyOnPage(page);
      assert.match((await page.locator('[data-qa="agreement"]').textContent()) ?? '', /Mother/);

      for (const [n, view] of [
        [1, 'Mornings are calmer'],
        [2, 'Still calmer, and Ines likes the chart'],
      ] as const) {
        await plan.click('Record a review');
        await (await ReviewPage.verifyOnPage(page)).record(today, 'Some progress', `Review ${n} note`, view);
        await page
          .locator('[data-qa="review-record"]')
          .nth(n - 1)
          .waitFor();
        plan = await PlanPage.verifyOnPage(page);
      }
      assert.equal(await page.locator('[data-qa="review-record"]').count(), 2);
      assert.match((await page.locator('main').textContent()) ?? '', /Ines likes the chart/);
    });
  }
});
