import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createPerson } from '../support/people.ts';
import {
  AssessmentPage,
  AssessmentSectionPage,
  SignOffAssessmentPage,
  StartAssessmentPage,
  SubmitAssessmentPage,
} from './pages/assessments.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Early help assessments (browser)', (env) => {
  for (const javaScriptEnabled of [true, false]) {
    const suffix = javaScriptEnabled ? 'A' : 'B';
    it(`start, write sections, save and come back, submit, return and sign off${javaScriptEnabled ? ' (autosave)' : ', without JavaScript'}`, async () => {
      const db = env.app.database.db;
      const teacher = await env.createUser({
        name: `Tegan Hale ${suffix}`,
        organisationName: `Larkspur Primary ${suffix}`,
      });
      const head = await env.createUser({ name: `Hari Patel ${suffix}`, organisationName: `Larkspur Trust ${suffix}` });
      const team = await db
        .insertInto('team')
        .values({ organisation_id: teacher.organisationId, name: `Pastoral ${suffix}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('user_team')
        .values([
          { user_id: teacher.id, team_id: team.id, is_manager: false },
          { user_id: head.id, team_id: team.id, is_manager: true },
        ])
        .execute();
      const childId = await createPerson(db, {
        givenName: 'Zofia',
        familyName: `Nowak${suffix}`,
        dateOfBirth: '2015-04-02',
        involvement: { organisationId: teacher.organisationId, userId: teacher.id },
      });

      const page = await env.newPage({ javaScriptEnabled });
      await signIn(env, page, teacher);
      await page.goto(`/people/${childId}/assessments/new`);
      const start = await StartAssessmentPage.verifyOnPage(page);
      await start.click('Start the assessment');
      let overview = await AssessmentPage.verifyOnPage(page);
      assert.match((await overview.successBanner().textContent()) ?? '', /Assessment started/);

      await overview.click('Why now and who asked');
      let section = await AssessmentSectionPage.verifyOnPage(page);
      await page.getByLabel('Why is an assessment needed now?').fill('Attendance has dropped since September.');
      if (javaScriptEnabled) {
        await page
          .locator('[data-qa="autosave-status"]')
          .filter({ hasText: /Saved at \d\d:\d\d/ })
          .waitFor({ timeout: 15_000 });
        const saved = await db.selectFrom('assessment').select('content').executeTakeFirstOrThrow();
        const content = (typeof saved.content === 'string' ? JSON.parse(saved.content) : saved.content) as Record<
          string,
          string
        >;
        assert.equal(content.whyNow, 'Attendance has dropped since September.');
      }
      await section.click('Save and continue');
      section = await AssessmentSectionPage.verifyOnPage(page);
      await page.getByRole('button', { name: 'Save and come back later' }).click();
      overview = await AssessmentPage.verifyOnPage(page);
      assert.match((await overview.successBanner().textContent()) ?? '', /You can come back to this assessment later/);

      await overview.click('Submit for sign-off');
      const submit = await SubmitAssessmentPage.verifyOnPage(page);
      await page.getByLabel('Manager').selectOption({ label: `${head.name} (Pastoral ${suffix})` });
      await submit.click('Submit for sign-off');
      overview = await AssessmentPage.verifyOnPage(page);
      assert.match((await overview.status().textContent()) ?? '', /With a manager/);
      const href = new URL(page.url()).pathname;

      const managerPage = await env.newPage({ javaScriptEnabled });
      await signIn(env, managerPage, head);
      await managerPage.goto(`${href}/sign-off`);
      let signOff = await SignOffAssessmentPage.verifyOnPage(managerPage);
      await managerPage.getByLabel('Return it for changes').check();
      await managerPage.getByLabel('What needs to change').fill('Add the child’s views.');
      await signOff.click('Record the decision');
      let managerView = await AssessmentPage.verifyOnPage(managerPage);
      assert.match((await managerView.history().textContent()) ?? '', /Add the child’s views/);

      await page.goto(href);
      overview = await AssessmentPage.verifyOnPage(page);
      assert.match((await overview.status().textContent()) ?? '', /Returned for changes/);
      await overview.click('Submit for sign-off');
      await SubmitAssessmentPage.verifyOnPage(page);
      await page.getByLabel('Manager').selectOption({ label: `${head.name} (Pastoral ${suffix})` });
      await page.getByRole('button', { name: 'Submit for sign-off' }).click();
      await AssessmentPage.verifyOnPage(page);

      await managerPage.goto(`${href}/sign-off`);
      signOff = await SignOffAssessmentPage.verifyOnPage(managerPage);
      await managerPage.getByLabel('Sign it off').check();
      await signOff.click('Record the decision');
      managerView = await AssessmentPage.verifyOnPage(managerPage);
      assert.match((await managerView.status().textContent()) ?? '', /Signed off/);
    });
  }
});
