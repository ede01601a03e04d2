import type { Locator, Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

/** The header link to notifications, on every page for a signed-in user. */
export function notificationsLink(page: Page): Locator {
  return page.locator('[data-qa="notifications-link"]');
}

export class NotificationsPage extends AppPage {
  readonly heading = 'Notifications';

  static async open(page: Page): Promise<NotificationsPage> {
    await page.goto('/notifications');
    return NotificationsPage.verifyOnPage(page);
  }
  rows(): Locator {
    return this.page.locator('[data-qa="notification"]');
  }
  unread(): Locator {
    return this.page.locator('[data-qa="notification"][data-read="no"]');
  }
  /** Opens the notification with this title: it is marked read and its record's page opens. */
  async open(title: string): Promise<void> {
    await this.rows().filter({ hasText: title }).getByRole('button', { name: /^Open/ }).click();
  }
}

export class WorkPage extends AppPage {
  readonly heading = 'Your work';

  static async open(page: Page): Promise<WorkPage> {
    await page.goto('/work');
    return WorkPage.verifyOnPage(page);
  }
  items(): Locator {
    return this.page.locator('[data-qa="work-item"]');
  }
  async openItem(title: string): Promise<void> {
    await this.items().getByRole('link', { name: title }).click();
  }
}

export class EmailPreferencePage extends AppPage {
  readonly heading = 'When should we email you about new notifications?';

  static async open(page: Page): Promise<EmailPreferencePage> {
    await page.goto('/account/notifications');
    return EmailPreferencePage.verifyOnPage(page);
  }
}

export class ShieldingPage extends AppPage {
  readonly heading = /shield/i;

  static async open(page: Page, personId: string): Promise<ShieldingPage> {
    await page.goto(`/people/${personId}/shielding`);
    return ShieldingPage.verifyOnPage(page);
  }
}

export class LiftRequestPage extends AppPage {
  readonly heading = 'Request to lift shielding';
}
