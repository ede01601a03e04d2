import assert from 'node:assert/strict';
import { it } from 'node:test';
import { enqueueJob, JobRunner } from '../../src/platform/jobs.ts';
import { AdministrationPage } from './pages/admin-closures.ts';
import { BackgroundJobsPage } from './pages/admin-jobs.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Background jobs (browser)', (env) => {
  it('an administrator sees a failed job, with no personal details, and tries it again by keyboard', async () => {
    const db = env.app.database.db;
    const runner = new JobRunner(db, env.clock).register('test.flaky', async () => {
      throw new Error('Connection refused for <robin.example@test.invalid>');
    });
    await enqueueJob(db, 'test.flaky', {}, { maxAttempts: 1 });
    assert.equal((await runner.runDue(new Date(Date.now() + 1000))).failed, 1);

    const admin = await env.createUser({ roles: ['system_admin'] });
    const page = await env.newPage();
    await signIn(env, page, admin);
    const index = await AdministrationPage.open(page);
    await index.click('Background jobs');
    const jobs = await BackgroundJobsPage.verifyOnPage(page);
    assert.equal(await page.locator('[data-qa="count-failed"]').textContent(), '1');
    const rows = await jobs.rows();
    assert.equal(rows.length, 1);
    assert.match(rows[0]!, /test\.flaky 1 Error: Connection refused for <\[email address\]>/);

    await page.locator('[data-qa="retry-job"]').focus();
    // The page posts back to itself: wait for the answer, not the same heading on the page that left.
    await page.keyboard.press('Enter');
    await page.locator('.govuk-notification-banner').waitFor();
    await BackgroundJobsPage.verifyOnPage(page);
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /tried again shortly/);
    assert.equal(await page.locator('[data-qa="no-failed-jobs"]').count(), 1);
    assert.equal(await page.locator('[data-qa="count-queued"]').textContent(), '1');
  });
});
