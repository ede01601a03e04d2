import assert from 'node:assert/strict';
import { it } from 'node:test';
import { totpCode } from '../../src/platform/totp.ts';
import {
  AccountPage,
  RecoveryCodesPage,
  SetUpTwoFactorPage,
  SignedOutPage,
  SignInPage,
  TwoFactorPage,
} from './pages/auth.ts';
import { HomePage } from './pages/home.ts';
import { browserSuite } from './support/fixture.ts';
import { enrolAuthenticator, signIn } from './support/journeys.ts';

browserSuite('Signing in (browser)', (env) => {
  it('signs in with a password and an authenticator code, and shows who and where in the header', async () => {
    const user = await env.createUser({ name: 'Amara Okafor', organisationName: 'Riverside Primary School' });
    const page = await env.newPage();
    const home = await signIn(env, page, user);
    assert.equal(await home.headerName().textContent(), 'Amara Okafor');
    assert.equal(await home.headerOrganisation().textContent(), 'Riverside Primary School');
    assert.equal(await page.title(), 'Home – Early Help Hub');
  });

  it('shows the GOV.UK error summary for a wrong password, links it to the field and keeps the email', async () => {
    const user = await env.createUser();
    const page = await env.newPage();
    let signInPage = await SignInPage.open(page);

    await page.locator('[data-qa="sign-in"]').click();
    signInPage = await SignInPage.verifyOnPage(page);
    assert.match(await page.title(), /^Error: Sign in – Early Help Hub$/);
    assert.equal(await signInPage.fieldError('email'), 'Enter your email address');
    assert.equal(await signInPage.fieldError('password'), 'Enter your password');
    await signInPage.errorLink('Enter your password').click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');

    await signInPage.signIn(user.email, 'not the right password');
    signInPage = await SignInPage.verifyOnPage(page);
    const summary = signInPage.errorSummary();
    assert.equal((await summary.locator('.govuk-error-summary__title').textContent())?.trim(), 'There is a problem');
    // GOV.UK Frontend moves focus to the summary so a screen reader announces it.
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), true);
    const link = signInPage.errorLink('Enter a correct email address and password');
    assert.equal(await link.getAttribute('href'), '#email');
    await link.click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'email');
    assert.equal(await signInPage.email().inputValue(), user.email);
    assert.equal(await signInPage.password().inputValue(), '', 'a password is never sent back to the browser');
    assert.equal(await signInPage.fieldError('email'), 'Enter a correct email address and password');
  });

  it('sets up the authenticator on first sign-in: QR code, setup key, recovery codes, then home', async () => {
    const user = await env.createUser({ mfa: false, name: 'Tomasz Nowak' });
    const page = await env.newPage();
    const signInPage = await SignInPage.open(page);
    await signInPage.signIn(user.email, user.password);

    let setUp = await SetUpTwoFactorPage.verifyOnPage(page);
    const qr = setUp.qrCode();
    assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
    assert.ok(((await qr.getAttribute('alt')) ?? '').length > 10, 'the QR code has a text alternative');
    assert.ok(
      await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
      'the QR code renders',
    );
    const key = await setUp.setupKey();
    assert.match(key, /^[A-Z2-7]{16,}$/);

    // A code from the wrong time is refused and the same key is offered again.
    await setUp.enterCode(await totpCode(key, new Date(env.clock.now().getTime() + 3600_000)));
    setUp = await SetUpTwoFactorPage.verifyOnPage(page);
    assert.match(await setUp.fieldError('code'), /^The code is not correct/);
    assert.equal(await setUp.setupKey(), key);

    await setUp.enterCode(await env.totp(key));
    const recovery = await RecoveryCodesPage.verifyOnPage(page);
    const codes = await recovery.codes();
    assert.equal(codes.length, 10);
    for (const code of codes) assert.match(code, /^[0-9a-f]{5}-[0-9a-f]{5}$/);
    assert.equal(new Set(codes).size, 10);

    await recovery.continue();
    const home = await HomePage.verifyOnPage(page);
    assert.equal(await home.headerName().textContent(), 'Tomasz Nowak');
  });

  it('signs in with a recovery code, which then cannot be used again', async () => {
    const user = await env.createUser({ mfa: false });
    const page = await env.newPage();
    const signInPage = await SignInPage.open(page);
    await signInPage.signIn(user.email, user.password);
    const { codes } = await enrolAuthenticator(env, page);
    await new RecoveryCodesPage(page).continue();
    let home = await HomePage.verifyOnPage(page);
    await home.signOut();
    await SignedOutPage.verifyOnPage(page);

    const code = codes[3]!;
    home = await signIn(env, page, user, { code: code.toUpperCase() });
    const account = await AccountPage.open(page);
    assert.equal(await account.value('Unused recovery codes'), '9');
    await account.signOut();
    await SignedOutPage.verifyOnPage(page);

    const again = await SignInPage.open(page);
    await again.signIn(user.email, user.password);
    const twoFactor = await TwoFactorPage.verifyOnPage(page);
    await twoFactor.enterCode(code);
    const refused = await TwoFactorPage.verifyOnPage(page);
    assert.match(await refused.fieldError('code'), /^The code is not correct or has expired/);
  });
});
