import { AppPage } from './app-page.ts';

export class BackgroundJobsPage extends AppPage {
  readonly heading = 'Background jobs';

  async tryAgain(): Promise<void> {
    await this.page.locator('[data-qa="retry-job"]').first().click();
  }

  async rows(): Promise<string[]> {
    return (await this.page.locator('[data-qa="failed-jobs"] tbody tr').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    );
  }
}
