import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AppPage } from './pages/app-page.ts';
import { RecoveryCodesPage, SignedOutPage, SignInPage, TwoFactorPage } from './pages/auth.ts';
import { AccessibilityStatementPage, CookiesPage, HomePage, NotFoundPage, PrivacyPage } from './pages/home.ts';
import { copySlips, reflowProblems } from './support/axe.ts';
import { browserSuite } from './support/fixture.ts';
import { enrolAuthenticator, signIn } from './support/journeys.ts';

class FormNotSentPage extends AppPage {
  readonly heading = 'Your form could not be sent';
}

browserSuite('Keyboard, no JavaScript and service pages (browser)', (env) => {
  it('reaches the skip link first, skips to main, and signs in and out with the keyboard only', async () => {
    const user = await env.createUser();
    const page = await env.newPage();
    const signInPage = await SignInPage.open(page);

    await page.keyboard.press('Tab');
    const skip = page.locator('.govuk-skip-link');
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true, 'the skip link is focused first');
    assert.equal((await skip.textContent())?.trim(), 'Skip to main content');
    const box = await skip.boundingBox();
    assert.ok(box && box.width > 10 && box.height > 10, 'the focused skip link is visible');

    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main-content');
    await page.keyboard.press('Tab');
    assert.equal(await signInPage.focused(), 'input#email', 'after skipping, Tab reaches the first field');
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    assert.equal(await signInPage.focused(), 'input#password');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');

    const twoFactor = await TwoFactorPage.verifyOnPage(page);
    await twoFactor.tabTo('#code');
    await page.keyboard.type(await env.totp(user.totpSecret!));
    await page.keyboard.press('Enter');

    const home = await HomePage.verifyOnPage(page);
    assert.equal(await home.headerName().textContent(), user.name);
    await home.tabTo('[data-qa="account"] button');
    await page.keyboard.press('Enter');
    await SignedOutPage.verifyOnPage(page);
  });

  it('works without JavaScript: first sign-in with authenticator set-up, sign out, sign in again', async () => {
    const user = await env.createUser({ mfa: false });
    const page = await env.newPage({ javaScriptEnabled: false });
    let signInPage = await SignInPage.open(page);
    assert.equal(await page.locator('body.js-enabled').count(), 0, 'no script ran');

    await signInPage.signIn(user.email, 'not the right password');
    signInPage = await SignInPage.verifyOnPage(page);
    assert.equal(
      await signInPage.errorLink('Enter a correct email address and password').getAttribute('href'),
      '#email',
    );
    assert.equal(await signInPage.email().inputValue(), user.email);

    await signInPage.signIn(user.email, user.password);
    const { secret } = await enrolAuthenticator(env, page);
    await new RecoveryCodesPage(page).continue();
    let home = await HomePage.verifyOnPage(page);
    await home.signOut();
    await SignedOutPage.verifyOnPage(page);

    home = await signIn(env, page, { ...user, totpSecret: secret });
    assert.equal(await home.headerName().textContent(), user.name);
    assert.equal(await page.locator('body.js-enabled').count(), 0);
  });

  it('shows accessible service pages: not found, cookies, privacy and the accessibility statement', async () => {
    const page = await env.newPage();
    const response = await page.goto('/no-such-page');
    assert.equal(response?.status(), 404);
    const notFound = await NotFoundPage.verifyOnPage(page);
    // Landmarks let screen reader users jump between header, main content and footer.
    for (const role of ['banner', 'main', 'contentinfo'] as const) {
      assert.equal(await page.getByRole(role).count(), 1, `one ${role} landmark`);
    }

    await notFound.click('Cookies');
    const cookies = await CookiesPage.verifyOnPage(page);
    await cookies.click('Privacy notice');
    const privacy = await PrivacyPage.verifyOnPage(page);
    await privacy.click('Accessibility statement');
    await AccessibilityStatementPage.verifyOnPage(page);

    const user = await env.createUser();
    await signIn(env, page, user);
    assert.equal((await page.goto('/no-such-page'))?.status(), 404);
    const signedIn = await NotFoundPage.verifyOnPage(page);
    assert.equal(await signedIn.headerName().textContent(), user.name);
  });

  it('explains a form that could not be sent because its security cookie was lost', async () => {
    const page = await env.newPage();
    const signInPage = await SignInPage.open(page);
    await page.context().clearCookies();
    await signInPage.signIn('someone@test.invalid', 'any password at all');
    await FormNotSentPage.verifyOnPage(page);
  });

  it('the checks on every page catch sideways scrolling at 320 pixels and copy slips', async () => {
    const page = await env.newPage();
    await page.setContent(
      '<main><p>1 child found.The score adds up.</p><p>Two&nbsp; spaces.</p><p>Write to a.b@example.org or see https://x.example/A.B</p>' +
        '<div style="width: 600px">wide</div><pre>keep  code</pre></main>',
    );
    assert.deepEqual(await copySlips(page), [
      'sentences run together in "1 child found.The score adds up."',
      'doubled space in "Two\u00a0 spaces."',
    ]);
    assert.equal((await reflowProblems(page)).length, 1);
    await page.setContent('<main><p>Fits.</p></main>');
    assert.deepEqual(await reflowProblems(page), []);
    assert.deepEqual(page.viewportSize(), { width: 1280, height: 720 }, 'the viewport is put back');
  });
});
