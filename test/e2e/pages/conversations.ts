import type { Locator, Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

async function dateInto(page: Page, prefix: string, iso: string) {
  const [y, m, d] = iso.split('-');
  await page.locator(`#${prefix}-day`).fill(String(Number(d)));
  await page.locator(`#${prefix}-month`).fill(String(Number(m)));
  await page.locator(`#${prefix}-year`).fill(y!);
}

export class RecordConversationPage extends AppPage {
  readonly heading = 'Record a conversation';

  async fillBasics(on: string, kind: string, agreed: string): Promise<void> {
    await dateInto(this.page, 'held', on);
    await this.page.getByLabel(kind, { exact: true }).check();
    await this.page.getByLabel('What was agreed').fill(agreed);
  }
  /** Searches the people picker for someone by name (the form comes back with everything typed). */
  async findPeople(label: string): Promise<void> {
    await this.page.locator('#peopleSearch').fill(label.split(/[,(]/)[0]!.trim());
    await Promise.all([this.page.waitForLoadState('load'), this.page.locator('[data-qa="search-people"]').click()]);
    await this.page.locator('[data-qa="people-found"]').waitFor();
    await RecordConversationPage.verifyOnPage(this.page);
  }
  async pickParticipant(index: number, name: string): Promise<void> {
    await this.findPeople(name);
    await this.page.locator(`#participant-${index}`).selectOption({ label: name });
  }
  async action(index: number, description: string, owner: string, due: string): Promise<void> {
    await this.findPeople(owner);
    await this.page.locator(`#action-${index}-description`).fill(description);
    await this.page.locator(`#action-${index}-owner`).selectOption({ label: owner });
    await dateInto(this.page, `action-${index}-due`, due);
  }
  async addAnotherAction(): Promise<RecordConversationPage> {
    await this.page.locator('[data-qa="add-action"]').click();
    return RecordConversationPage.verifyOnPage(this.page);
  }
  actionRows(): Locator {
    return this.page.locator('[data-qa="action-row"]');
  }
  async save(): Promise<void> {
    await this.page.locator('[data-qa="save-conversation"]').click();
  }
}

export class ConversationPage extends AppPage {
  readonly heading = /^(Phone call|Meeting|Video call) on /;

  participants(): Locator {
    return this.page.locator('[data-qa="participants"]');
  }
  actions(): Locator {
    return this.page.locator('[data-qa="action"]');
  }
}
