import type { Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

export class RequestStartPage extends AppPage {
  readonly heading = 'Do you believe a child is at risk of significant harm?';

  async answer(yes: boolean): Promise<void> {
    await this.page.getByLabel(yes ? 'Yes' : 'No', { exact: true }).check();
    await this.page.locator('[data-qa="continue"]').click();
  }
}

export class RequestFormPage extends AppPage {
  readonly heading = /^(Urgent request to the front door|Request support from the front door)$/;

  async fill(details: { circumstances: string; needs: string; tried?: string; reason: string; urgency?: string }) {
    await this.page.getByLabel('The circumstances and needs causing concern').fill(details.circumstances);
    await this.page.getByLabel('What do you think needs to happen?').fill(details.needs);
    if (details.tried) await this.page.getByLabel('What has been tried already').fill(details.tried);
    await this.page.getByLabel('To find out whether a child is at risk of harm', { exact: true }).check();
    await this.page.getByLabel('If you are sharing without the family’s agreement, why').fill(details.reason);
    if (details.urgency) await this.page.getByLabel(details.urgency, { exact: true }).check();
  }

  async send(): Promise<void> {
    await this.page.locator('[data-qa="send-request"]').click();
  }
}

export class ContactPage extends AppPage {
  readonly heading = /^Contact FD-[0-9A-Z]{6}/;

  async reference(): Promise<string> {
    return ((await this.page.locator('[data-qa="reference"]').textContent()) ?? '').trim();
  }
}

export class FrontDoorQueuePage extends AppPage {
  readonly heading = 'Front door';

  static async open(page: Page): Promise<FrontDoorQueuePage> {
    await page.goto('/front-door');
    return FrontDoorQueuePage.verifyOnPage(page);
  }
}

export class DecisionPage extends AppPage {
  readonly heading = 'Record the decision';

  async decide(outcome: string, rationale: string): Promise<void> {
    await this.page.getByLabel(outcome, { exact: true }).check();
    await this.page.getByLabel('Rationale', { exact: true }).fill(rationale);
    await this.page.locator('[data-qa="decide"]').click();
  }
}
