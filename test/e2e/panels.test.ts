import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MeetingPage, PanelFormPage, PanelPage, PanelsPage } from './pages/panels.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Panels (browser)', (env) => {
  it('a panel administrator adds a panel, is told what was wrong, and generates its meetings', async () => {
    const admin = await env.createUser({ roles: ['panel_admin'] });
    const page = await env.newPage();
    await signIn(env, page, admin);
    const panels = await PanelsPage.open(page);
    await panels.addPanel();
    const form = await PanelFormPage.verifyOnPage(page);
    await form.save();
    await page.locator('.govuk-error-summary').waitFor();
    const withErrors = await PanelFormPage.verifyOnPage(page);
    const summary = (await page.locator('.govuk-error-summary').textContent()) ?? '';
    assert.match(summary, /Enter the name of the panel/);
    assert.match(summary, /Select the kind of panel/);
    assert.equal(await page.getByLabel('Maximum length').inputValue(), '120');

    await withErrors.fill('Riverside Area Family Support Panel', 'Area family support panel');
    await withErrors.save();
    const panel = new PanelPage(page, 'Riverside Area Family Support Panel');
    await panel.verifyOnPage();
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /Panel added/);
    assert.match((await page.locator('[data-qa="members"]').textContent()) ?? '', /Administrator/);
    assert.equal(await page.locator('[data-qa="no-meetings"]').count(), 1);

    await panel.generate('2', 'Riverside Children’s Centre');
    await page.locator('[data-qa="generated"]').waitFor();
    await panel.verifyOnPage();
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /meetings? added/);
    const rows = await panel.meetingRows();
    assert.ok(rows.length >= 4, rows.join('\n'));
    assert.match(rows[0]!, /10:00 to 12:00 Riverside Children’s Centre 8 Scheduled/);

    await page.locator('[data-qa="meetings"] tbody tr a').first().click();
    await MeetingPage.verifyOnPage(page);
    assert.match(
      (await page.locator('[data-qa="meeting-deadlines"]').textContent()) ?? '',
      /Papers to the administrator/,
    );
  });
});
