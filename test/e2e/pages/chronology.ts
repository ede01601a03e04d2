/** Page objects for the chronology: each checks its h1 and runs axe on arrival (see AppPage). */
import type { Locator } from 'playwright-core';
import { AppPage } from './app-page.ts';

export class ChronologyPage extends AppPage {
  heading: string | RegExp = /^(Family chronology|Chronology)$/;

  entries(): Locator {
    return this.page.locator('[data-qa="entry"]');
  }
  async kinds(): Promise<string[]> {
    return this.entries().evaluateAll((items) => items.map((i) => i.getAttribute('data-kind') ?? ''));
  }
  withheld(): Locator {
    return this.page.locator('[data-qa="withheld"]');
  }
  async filterByKind(label: string): Promise<ChronologyPage> {
    await this.page.getByLabel(label, { exact: true }).check();
    await this.page.getByRole('button', { name: 'Apply filters' }).click();
    return ChronologyPage.verifyOnPage(this.page);
  }
  async print(): Promise<ChronologyPrintPage> {
    await this.page.getByRole('link', { name: 'Print this chronology' }).click();
    return ChronologyPrintPage.verifyOnPage(this.page);
  }
  /** Downloads the PDF and returns its bytes and the name the browser was given. */
  async downloadPdf(): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('link', { name: /Download as PDF/ }).click(),
    ]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
  }
}

export class ChronologyPrintPage extends AppPage {
  heading = /^(Family chronology|Chronology): /;

  document(): Locator {
    return this.page.locator('[data-qa="document"]');
  }
}
