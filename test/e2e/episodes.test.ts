import assert from 'node:assert/strict';
import { it } from 'node:test';
import { londonToday } from '../../src/platform/calendar.ts';
import { createPerson } from '../support/people.ts';
import { IndexCardPage } from './pages/consent-pages.ts';
import {
  AddMemberPage,
  ClosedPage,
  CloseEpisodePage,
  EpisodePage,
  EpisodesPage,
  HandoverPage,
  OpenEpisodePage,
} from './pages/episodes.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Early help episodes (browser)', (env) => {
  for (const javaScriptEnabled of [true, false]) {
    const suffix = javaScriptEnabled ? 'A' : 'B';
    it(`open, add a team member, hand over and close${javaScriptEnabled ? '' : ', without JavaScript'}`, async () => {
      const db = env.app.database.db;
      const teacher = await env.createUser({
        name: `Tegan Hale ${suffix}`,
        organisationName: `Larkspur Primary ${suffix}`,
      });
      const nurse = await env.createUser({
        name: `Nia Okafor ${suffix}`,
        organisationName: `Lea Valley Health ${suffix}`,
      });
      const childId = await createPerson(db, {
        givenName: 'Zofia',
        familyName: `Nowak${suffix}`,
        dateOfBirth: '2015-04-02',
        involvement: { organisationId: teacher.organisationId, userId: teacher.id },
      });
      const teacherLabel = `${teacher.name} (${teacher.organisationName})`;
      const nurseLabel = `${nurse.name} (${nurse.organisationName})`;

      const page = await env.newPage({ javaScriptEnabled });
      await signIn(env, page, teacher);
      const card = await IndexCardPage.open(page, childId, `Zofia Nowak${suffix}`);
      await card.click('Early help episodes');
      const list = await EpisodesPage.verifyOnPage(page);
      await list.click('Open an early help episode');

      let open = await OpenEpisodePage.verifyOnPage(page);
      await open.open();
      open = await OpenEpisodePage.verifyOnPage(page);
      assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Select the lead practitioner/);
      await open.chooseLead(teacherLabel);
      await open.open();

      let episode = await EpisodePage.verifyOnPage(page);
      assert.match((await episode.lead().textContent()) ?? '', new RegExp(teacher.name));
      await episode.click('Add to the team');
      const add = await AddMemberPage.verifyOnPage(page);
      await add.addUser(nurseLabel, 'School nurse');
      episode = await EpisodePage.verifyOnPage(page);
      assert.match((await episode.team().textContent()) ?? '', /School nurse/);

      await episode.click('Hand over to a new lead');
      let handover = await HandoverPage.verifyOnPage(page);
      await handover.fill(nurseLabel, '', londonToday(env.clock.now()));
      await handover.submit();
      handover = await HandoverPage.verifyOnPage(page);
      assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Enter the handover note/);
      await handover.fill(nurseLabel, 'Health needs are now the main focus.', londonToday(env.clock.now()));
      await handover.submit();
      episode = await EpisodePage.verifyOnPage(page);
      assert.match((await episode.lead().textContent()) ?? '', new RegExp(nurse.name));
      assert.match((await episode.history().textContent()) ?? '', /handed over to/);

      // The new lead closes it.
      const nursePage = await env.newPage({ javaScriptEnabled });
      await signIn(env, nursePage, nurse);
      const href = new URL(page.url()).pathname;
      await nursePage.goto(href);
      let mine = await EpisodePage.verifyOnPage(nursePage);
      await mine.click('Acknowledge that I am the lead practitioner');
      mine = await EpisodePage.verifyOnPage(nursePage);
      await mine.click('Close for another reason');
      let close = await CloseEpisodePage.verifyOnPage(nursePage);
      await close.submit();
      close = await CloseEpisodePage.verifyOnPage(nursePage);
      assert.match(
        (await nursePage.locator('.govuk-error-summary').textContent()) ?? '',
        /Select why the episode is closing/,
      );
      await nursePage.getByLabel('Another service now leads').check();
      await close.submit();
      // The nurse worked with the child only as lead: closing ends that, so she is told it is done.
      await ClosedPage.verifyOnPage(nursePage);
      const teacherView = await EpisodePage.open(page, new URL(page.url()).pathname);
      assert.match((await page.locator('[data-qa="closed"]').textContent()) ?? '', /Another service now leads/);
      assert.ok(teacherView);
    });
  }
});
