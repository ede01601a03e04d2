import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AppPage } from './pages/app-page.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

class ApiTokensPage extends AppPage {
  readonly heading = 'API tokens';

  async create(values: { name: string; expiry: string; password: string }): Promise<void> {
    await this.page.getByLabel('Token name').fill(values.name);
    await this.page.getByLabel(values.expiry, { exact: true }).check();
    await this.page.getByLabel('Your password').fill(values.password);
    await this.page.getByRole('button', { name: 'Create token' }).click();
  }
}

class TokenCreatedPage extends AppPage {
  readonly heading = 'Token created';
}

browserSuite('API tokens (browser)', (env) => {
  it('asks for the password again to create a token, with a GOV.UK error for a wrong one', async () => {
    const user = await env.createUser();
    const page = await env.newPage();
    await signIn(env, page, user);
    await page.goto('/account/api-tokens');
    let tokens = await ApiTokensPage.verifyOnPage(page);
    assert.equal(await page.getByLabel('90 days').isChecked(), true, 'the maximum is offered by default');
    assert.equal(await page.getByLabel(/never/i).count(), 0);

    await tokens.create({ name: 'Weekly report', expiry: '30 days', password: 'not my password' });
    tokens = await ApiTokensPage.verifyOnPage(page);
    assert.match(await page.title(), /^Error: /);
    const link = page.locator('.govuk-error-summary a', { hasText: 'Your password is not correct' });
    assert.equal(await link.getAttribute('href'), '#password');
    assert.equal(await page.getByLabel('Token name').inputValue(), 'Weekly report');
    assert.equal(await page.getByLabel('Your password').inputValue(), '');

    await tokens.create({ name: 'Weekly report', expiry: '30 days', password: user.password });
    await TokenCreatedPage.verifyOnPage(page);
    assert.match((await page.locator('body').textContent()) ?? '', /ehh_[A-Za-z0-9_-]{43}/);
  });
});
