import type { Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

export class AdministrationPage extends AppPage {
  readonly heading = 'Administration';

  static async open(page: Page): Promise<AdministrationPage> {
    await page.goto('/admin');
    return AdministrationPage.verifyOnPage(page);
  }
}

export class ClosureDaysPage extends AppPage {
  readonly heading = 'Closure days';

  static async open(page: Page): Promise<ClosureDaysPage> {
    await page.goto('/admin/closure-days');
    return ClosureDaysPage.verifyOnPage(page);
  }

  async add(date: { day: string; month: string; year: string }, name: string): Promise<void> {
    await this.page.getByLabel('Day').fill(date.day);
    await this.page.getByLabel('Month').fill(date.month);
    await this.page.getByLabel('Year').fill(date.year);
    await this.page.getByLabel('Name').fill(name);
    await this.page.locator('[data-qa="add-closure-day"]').click();
  }

  async rows(): Promise<string[]> {
    return (await this.page.locator('[data-qa="closure-days"] tbody tr').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    );
  }
}

export class RemoveClosureDayPage extends AppPage {
  readonly heading = /^Remove .+\?$/;

  async confirm(): Promise<void> {
    await this.page.locator('[data-qa="confirm-remove"]').click();
  }
}
