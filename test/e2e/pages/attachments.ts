import type { Locator, Page } from 'playwright-core';
import { AppPage } from './app-page.ts';
import type { IndexCardPage } from './people.ts';

export interface ListedAttachment {
  name: string;
  type: string;
  uploadedBy: string;
}

/** A child's attachments: the list and the upload form. */
export class AttachmentsPage extends AppPage {
  heading = 'Attachments';

  static async from(card: IndexCardPage): Promise<AttachmentsPage> {
    await card.page.getByRole('link', { name: /^Attachments/ }).click();
    return AttachmentsPage.verifyOnPage(card.page);
  }

  rows(): Locator {
    return this.page.locator('[data-qa="attachment"]');
  }

  async listed(): Promise<ListedAttachment[]> {
    const out: ListedAttachment[] = [];
    for (const row of await this.rows().all()) {
      const cells = (await row.locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      out.push({ name: cells[0] ?? '', type: cells[1] ?? '', uploadedBy: cells[2] ?? '' });
    }
    return out;
  }

  async fill(description: string, file: { name: string; mimeType: string; buffer: Buffer }) {
    await this.page.getByLabel('Describe the file').fill(description);
    await this.page.getByLabel('Choose the file').setInputFiles(file);
  }

  /** Uploads, expecting success: back on this page with the banner. */
  async upload(description: string, file: { name: string; mimeType: string; buffer: Buffer }) {
    await this.fill(description, file);
    await this.page.getByRole('button', { name: 'Upload file' }).click();
    return AttachmentsPage.verifyOnPage(this.page);
  }

  /** Uploads, expecting a refusal: the same page with an error summary. */
  async uploadRefused(description: string, file: { name: string; mimeType: string; buffer: Buffer }) {
    return this.upload(description, file);
  }

  static async open(page: Page, personId: string) {
    await page.goto(`/people/${personId}/attachments`);
    return AttachmentsPage.verifyOnPage(page);
  }
}
