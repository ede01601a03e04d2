import type { Locator, Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

export class SignInPage extends AppPage {
  readonly heading = 'Sign in to Early Help Hub';

  static async open(page: Page): Promise<SignInPage> {
    await page.goto('/sign-in');
    return SignInPage.verifyOnPage(page);
  }

  email(): Locator {
    return this.page.getByLabel('Email address');
  }

  password(): Locator {
    return this.page.getByLabel('Password', { exact: true });
  }

  /** The banner shown after an idle timeout. */
  timeoutBanner(): Locator {
    return this.page.locator('.govuk-notification-banner');
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.email().fill(email);
    await this.password().fill(password);
    await this.page.locator('[data-qa="sign-in"]').click();
  }
}

export class TwoFactorPage extends AppPage {
  readonly heading = 'Enter your security code';

  async enterCode(code: string): Promise<void> {
    await this.page.getByLabel('Enter your security code').fill(code);
    await this.page.getByRole('button', { name: 'Continue' }).click();
  }
}

export class SetUpTwoFactorPage extends AppPage {
  readonly heading = 'Set up your authenticator app';

  qrCode(): Locator {
    return this.page.locator('img.app-qr');
  }

  async setupKey(): Promise<string> {
    return ((await this.page.locator('[data-qa="totp-secret"]').textContent()) ?? '').trim();
  }

  async enterCode(code: string): Promise<void> {
    await this.page.getByLabel('Code from your app').fill(code);
    await this.page.getByRole('button', { name: 'Continue' }).click();
  }
}

export class RecoveryCodesPage extends AppPage {
  readonly heading = 'Save your recovery codes';

  async codes(): Promise<string[]> {
    return (await this.page.locator('[data-qa="recovery-codes"] li').allTextContents()).map((c) => c.trim());
  }

  async continue(): Promise<void> {
    await this.page.getByRole('link', { name: 'Continue to Early Help Hub' }).click();
  }
}

export class SignedOutPage extends AppPage {
  readonly heading = 'You have signed out';
}

export class AccountPage extends AppPage {
  readonly heading = 'Your account';

  static async open(page: Page): Promise<AccountPage> {
    await page.goto('/account');
    return AccountPage.verifyOnPage(page);
  }

  /** The value beside a key in the account summary ("Signed-in sessions" → "2"). */
  async value(key: string): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row').filter({
      has: this.page.locator('.govuk-summary-list__key', { hasText: key }),
    });
    return ((await row.locator('.govuk-summary-list__value').textContent()) ?? '').trim();
  }

  async signOutEverywhere(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out on every device' }).click();
  }
}

export class ChangePasswordPage extends AppPage {
  readonly heading = 'Change your password';

  static async open(page: Page): Promise<ChangePasswordPage> {
    await page.goto('/account/password');
    return ChangePasswordPage.verifyOnPage(page);
  }

  async fill(values: { current: string; next: string; confirm?: string }): Promise<void> {
    await this.page.getByLabel('Current password').fill(values.current);
    await this.page.getByLabel('New password', { exact: true }).fill(values.next);
    await this.page.getByLabel('Confirm new password').fill(values.confirm ?? values.next);
  }

  async submit(): Promise<void> {
    await this.page.getByRole('button', { name: 'Change password' }).click();
  }
}

export class ResumePage extends AppPage {
  readonly heading = 'Continue where you left off';

  /** The kept form, as shown: each row's label and value. */
  async fields(): Promise<Record<string, string>> {
    const rows = await this.page.locator('.govuk-summary-list__row').all();
    const shown: Record<string, string> = {};
    for (const row of rows) {
      const key = ((await row.locator('dt').textContent()) ?? '').trim();
      shown[key] = ((await row.locator('dd').textContent()) ?? '').trim();
    }
    return shown;
  }

  async send(): Promise<void> {
    await this.page.locator('[data-qa="resume"]').click();
  }
}
