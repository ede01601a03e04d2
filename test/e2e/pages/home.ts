import type { Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

export class HomePage extends AppPage {
  readonly heading = /^Welcome, /;

  static async open(page: Page): Promise<HomePage> {
    await page.goto('/');
    return HomePage.verifyOnPage(page);
  }
}

export class NotFoundPage extends AppPage {
  readonly heading = 'Page not found';
}

export class CookiesPage extends AppPage {
  readonly heading = 'Cookies';
}

export class PrivacyPage extends AppPage {
  readonly heading = 'Privacy notice';
}

export class AccessibilityStatementPage extends AppPage {
  readonly heading = 'Accessibility statement';
}
