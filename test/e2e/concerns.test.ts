import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createPerson } from '../support/people.ts';
import { ConcernPage, ConcernsListPage, RaiseConcernPage } from './pages/concerns.ts';
import { NeedLevelPage } from './pages/threshold.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Concerns about decisions (browser)', (env) => {
  it('a teacher disagrees with a level of need; the nurse who recorded it takes it to the line managers', async () => {
    const db = env.app.database.db;
    const teacher = await env.createUser({ roles: ['practitioner'], name: 'Tess Teacher' });
    const nurse = await env.createUser({ roles: ['practitioner'], name: 'Nia Nurse' });
    await db
      .updateTable('app_user')
      .set({ organisation_id: teacher.organisationId })
      .where('id', '=', nurse.id)
      .execute();
    const childId = await createPerson(db, {
      givenName: 'Poppy',
      familyName: 'Fenwick',
      dateOfBirth: '2017-03-04',
      involvement: { organisationId: teacher.organisationId, userId: teacher.id },
    });
    await db
      .insertInto('need_level')
      .values({
        person_id: childId,
        level: 'universal',
        reason: 'No additional needs seen at the health check.',
        recorded_by: nurse.id,
        organisation_id: teacher.organisationId,
        recorded_at: new Date('2026-12-01T10:00:00Z'),
      })
      .execute();

    const page = await env.newPage();
    await signIn(env, page, teacher);
    await page.goto(`/people/${childId}/need-level`);
    await NeedLevelPage.verifyOnPage(page);
    await page.locator('[data-qa="disagree"]').click();

    const raise = await RaiseConcernPage.verifyOnPage(page);
    await raise.raise('', 'Early help, with an assessment.');
    await RaiseConcernPage.verifyOnPage(page);
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Enter what you disagree with/);
    assert.equal(await page.getByLabel('What outcome do you want?').inputValue(), 'Early help, with an assessment.');
    await raise.raise('Attendance has fallen and she is often hungry.', 'Early help, with an assessment.');

    const concern = await ConcernPage.verifyOnPage(page);
    assert.match(await concern.stageText('practitioners'), /Nia Nurse/);
    assert.match(await concern.stageText('practitioners'), /5 working days/);
    const concernUrl = page.url();

    await page.goto('/concerns');
    await ConcernsListPage.verifyOnPage(page);
    assert.match((await page.locator('[data-qa="raised"]').textContent()) ?? '', /Poppy Fenwick/);

    const nursePage = await env.newPage();
    await signIn(env, nursePage, nurse);
    await nursePage.goto('/concerns');
    await ConcernsListPage.verifyOnPage(nursePage);
    await nursePage.locator('[data-qa="waiting"]').getByRole('link', { name: 'Poppy Fenwick' }).click();
    const answer = await ConcernPage.verifyOnPage(nursePage);
    await nursePage.locator('[data-qa="record-outcome"]').click();
    await ConcernPage.verifyOnPage(nursePage);
    assert.match((await nursePage.locator('.govuk-error-summary').textContent()) ?? '', /Select the outcome/);
    await answer.recordOutcome(/Not resolved/, 'We could not agree.');
    const moved = await ConcernPage.verifyOnPage(nursePage);
    assert.match(await moved.stageText('practitioners'), /We could not agree\./);
    assert.equal(await nursePage.locator('[data-qa="stage-line_managers"]').count(), 1);
    assert.equal(nursePage.url().split('?')[0], concernUrl.split('?')[0]);
  });
});
