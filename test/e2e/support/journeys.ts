import type { Page } from 'playwright-core';
import { RecoveryCodesPage, SetUpTwoFactorPage, SignInPage, TwoFactorPage } from '../pages/auth.ts';
import { HomePage } from '../pages/home.ts';
import type { BrowserTestEnv, BrowserUser } from './fixture.ts';

/** Signs in with password and the current authenticator code (or the code given) and lands on home. */
export async function signIn(
  env: BrowserTestEnv,
  page: Page,
  user: BrowserUser,
  options: { code?: string } = {},
): Promise<HomePage> {
  const signInPage = await SignInPage.open(page);
  await signInPage.signIn(user.email, user.password);
  const twoFactor = await TwoFactorPage.verifyOnPage(page);
  if (!options.code && !user.totpSecret) throw new Error('This user has no authenticator: give a code');
  await twoFactor.enterCode(options.code ?? (await env.totp(user.totpSecret!)));
  return HomePage.verifyOnPage(page);
}

/**
 * From the set-up page a first sign-in leads to: reads the setup key as a person would type it
 * into their app, confirms with the code it gives, and returns the key and the recovery codes.
 */
export async function enrolAuthenticator(
  env: BrowserTestEnv,
  page: Page,
): Promise<{ secret: string; codes: string[] }> {
  const setUp = await SetUpTwoFactorPage.verifyOnPage(page);
  const secret = await setUp.setupKey();
  await setUp.enterCode(await env.totp(secret));
  const recovery = await RecoveryCodesPage.verifyOnPage(page);
  return { secret, codes: await recovery.codes() };
}
