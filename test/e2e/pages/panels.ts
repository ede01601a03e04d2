import type { Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

export class PanelsPage extends AppPage {
  readonly heading = 'Panels';

  static async open(page: Page): Promise<PanelsPage> {
    await page.goto('/panels');
    return PanelsPage.verifyOnPage(page);
  }

  async addPanel(): Promise<void> {
    await this.page.locator('[data-qa="add-panel"]').click();
  }
}

export class PanelFormPage extends AppPage {
  readonly heading = 'Add a panel';

  async fill(name: string, kind: string): Promise<void> {
    await this.page.getByLabel('Name', { exact: true }).fill(name);
    await this.page.getByLabel(kind, { exact: true }).check();
  }

  async save(): Promise<void> {
    await this.page.locator('[data-qa="save-panel"]').click();
  }
}

export class PanelPage extends AppPage {
  constructor(
    page: Page,
    readonly heading: string | RegExp = /Panel/,
  ) {
    super(page);
  }

  async generate(months: string, venue: string): Promise<void> {
    await this.page.getByLabel('For the next').fill(months);
    await this.page.getByLabel('Venue (optional)').fill(venue);
    await this.page.locator('[data-qa="generate"]').click();
  }

  async meetingRows(): Promise<string[]> {
    return (await this.page.locator('[data-qa="meetings"] tbody tr').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    );
  }
}

export class MeetingPage extends AppPage {
  readonly heading = /^Meeting on /;
}

export class PapersPage extends AppPage {
  readonly heading = /^Papers: /;
}

export class PapersAgendaPage extends AppPage {
  readonly heading = /^Agenda: /;
}
