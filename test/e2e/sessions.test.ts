import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AccountPage, ChangePasswordPage, ResumePage, SignedOutPage, SignInPage, TwoFactorPage } from './pages/auth.ts';
import { HomePage } from './pages/home.ts';
import { expectAccessible } from './support/axe.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Sessions (browser)', (env) => {
  it('keeps a form sent after the idle timeout and offers it back after signing in again', async () => {
    const user = await env.createUser();
    const page = await env.newPage();
    await signIn(env, page, user);
    const changePassword = await ChangePasswordPage.open(page);
    const next = 'plum orchard lantern 47';
    await changePassword.fill({ current: user.password, next });

    env.clock.advance(31 * 60_000);
    await changePassword.submit();

    const signInPage = await SignInPage.verifyOnPage(page);
    assert.equal(new URL(page.url()).search, '?timeout=1');
    assert.match((await signInPage.timeoutBanner().textContent()) ?? '', /signed out because you were inactive/);
    await signInPage.signIn(user.email, user.password);
    await (await TwoFactorPage.verifyOnPage(page)).enterCode(await env.totp(user.totpSecret!));

    const resume = await ResumePage.verifyOnPage(page);
    // Passwords are never kept across a timeout: the page asks for them again.
    assert.deepEqual(await resume.fields(), {});
    await page.getByLabel('Current password').fill(user.password);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('Confirm new password').fill(next);
    await resume.send();
    const account = await AccountPage.verifyOnPage(page);
    assert.equal((await account.successBanner().textContent())?.includes('Your password has been changed'), true);

    // The change really happened: the new password is the one that signs in now.
    await account.signOut();
    await SignedOutPage.verifyOnPage(page);
    const again = await SignInPage.open(page);
    await again.signIn(user.email, next);
    await TwoFactorPage.verifyOnPage(page);
  });

  it('signs out, after which pages need signing in again', async () => {
    const user = await env.createUser();
    const page = await env.newPage();
    const home = await signIn(env, page, user);
    await home.signOut();
    const signedOut = await SignedOutPage.verifyOnPage(page);
    assert.equal(await signedOut.headerName().count(), 0, 'the header no longer shows who was signed in');

    await page.goto('/account');
    const signInPage = await SignInPage.verifyOnPage(page);
    assert.equal(await signInPage.timeoutBanner().count(), 0, 'signing out is not a timeout');
  });

  it('signs out on every device from the account page', async () => {
    const user = await env.createUser();
    const laptop = await env.newPage();
    await signIn(env, laptop, user);
    // The second device signs in with the next authenticator code, as it would in life.
    env.clock.advance(30_000);
    const tablet = await env.newPage();
    await signIn(env, tablet, user);

    const account = await AccountPage.open(laptop);
    assert.equal(await account.value('Signed-in sessions'), '2');
    await account.signOutEverywhere();
    await SignedOutPage.verifyOnPage(laptop);

    // The other device's next request finds its session gone.
    await tablet.reload();
    const signInPage = await SignInPage.verifyOnPage(tablet);
    assert.equal(await signInPage.headerName().count(), 0);
  });

  it('warns two minutes before the idle timeout; "Stay signed in" keeps the session, by button or Escape', async () => {
    const user = await env.createUser();
    const page = await env.newPage();
    await page.clock.install();
    await signIn(env, page, user);
    const dialog = page.getByRole('dialog', { name: 'You’re about to be signed out' });
    assert.equal(await dialog.isVisible(), false);

    // 28 minutes idle (the test's SESSION_IDLE_MINUTES is 30): the warning opens, with focus inside it.
    env.clock.advance(28 * 60_000);
    await page.clock.fastForward('28:01');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(
      await page.evaluate(() => !!document.activeElement?.closest('dialog')),
      true,
      'focus is in the dialog',
    );
    assert.match((await dialog.textContent()) ?? '', /sign you out in/);
    await expectAccessible(page);

    const kept = page.waitForResponse((r) => r.url().endsWith('/session/keep-alive'));
    await dialog.getByRole('button', { name: 'Stay signed in' }).click();
    assert.equal((await kept).status(), 204);
    await dialog.waitFor({ state: 'hidden' });

    // The session was extended on the server: another 20 minutes (48 since signing in) and it is still open.
    env.clock.advance(20 * 60_000);
    await page.clock.fastForward('28:01');
    await dialog.waitFor({ state: 'visible' });
    const keptAgain = page.waitForResponse((r) => r.url().endsWith('/session/keep-alive'));
    await page.keyboard.press('Escape');
    assert.equal((await keptAgain).status(), 204);
    await dialog.waitFor({ state: 'hidden' });
    env.clock.advance(20 * 60_000);
    await page.reload();
    await HomePage.verifyOnPage(page);
  });

  it('"Sign out" in the warning signs out; without JavaScript there is no warning', async () => {
    const user = await env.createUser();
    const page = await env.newPage();
    await page.clock.install();
    await signIn(env, page, user);
    await page.clock.fastForward('28:01');
    const dialog = page.getByRole('dialog', { name: 'You’re about to be signed out' });
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByRole('button', { name: 'Sign out' }).click();
    await SignedOutPage.verifyOnPage(page);

    const scriptless = await env.newPage({ javaScriptEnabled: false });
    await signIn(env, scriptless, user);
    assert.equal(await scriptless.locator('dialog').isVisible(), false);
  });
});
