import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AdministrationPage, ClosureDaysPage, RemoveClosureDayPage } from './pages/admin-closures.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Closure days (browser)', (env) => {
  it('an administrator adds a closure day, is told what was wrong, and removes it after confirming', async () => {
    const admin = await env.createUser({ roles: ['system_admin'] });
    const page = await env.newPage();
    await signIn(env, page, admin);
    const index = await AdministrationPage.open(page);
    await index.click('Closure days');
    const closures = await ClosureDaysPage.verifyOnPage(page);
    assert.equal(await page.locator('[data-qa="no-closure-days"]').count(), 1);

    const year = String(new Date(env.clock.now()).getUTCFullYear() + 1);
    await closures.add({ day: '30', month: '2', year }, 'Christmas closure');
    const withError = await ClosureDaysPage.verifyOnPage(page);
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Date must be a real date/);
    assert.equal(await page.getByLabel('Name').inputValue(), 'Christmas closure');
    assert.equal(await page.getByLabel('Day').inputValue(), '30');

    await withError.add({ day: '29', month: '12', year }, 'Christmas closure');
    const added = await ClosureDaysPage.verifyOnPage(page);
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /Closure day added/);
    const rows = await added.rows();
    assert.equal(rows.length, 1);
    assert.match(rows[0]!, new RegExp(`29 December ${year} Christmas closure Everyone`));

    await page.getByRole('link', { name: /Remove/ }).click();
    const remove = await RemoveClosureDayPage.verifyOnPage(page);
    await remove.confirm();
    await ClosureDaysPage.verifyOnPage(page);
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /Closure day removed/);
    assert.equal(await page.locator('[data-qa="no-closure-days"]').count(), 1);
  });
});
