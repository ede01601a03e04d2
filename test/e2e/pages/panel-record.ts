import type { Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

export class MeetingRecordPage extends AppPage {
  readonly heading = /^Record of the meeting on /;

  static async open(page: Page, panelId: string, meetingId: string): Promise<MeetingRecordPage> {
    await page.goto(`/panels/${panelId}/meetings/${meetingId}/record`);
    return MeetingRecordPage.verifyOnPage(page);
  }

  async status(): Promise<string> {
    return ((await this.page.locator('[data-qa="record-status"]').textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }
}

export class CaseRecordPage extends AppPage {
  constructor(
    page: Page,
    readonly heading: string,
  ) {
    super(page);
  }

  static async forCase(page: Page, childName: string): Promise<CaseRecordPage> {
    const onPage = new CaseRecordPage(page, childName);
    await onPage.verifyOnPage();
    return onPage;
  }

  async errors(): Promise<string> {
    return (await this.page.locator('.govuk-error-summary').textContent()) ?? '';
  }
}

export class PanelDecisionsPage extends AppPage {
  readonly heading = /decisions of /;
}
