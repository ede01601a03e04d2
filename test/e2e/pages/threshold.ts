import { AppPage } from './app-page.ts';

export class NeedLevelPage extends AppPage {
  readonly heading = 'Level of need';
}

export class ThresholdHelperPage extends AppPage {
  readonly heading = 'Threshold helper';

  /** Opens a sub-area's details and ticks an indicator by its words. */
  async pick(subArea: string, indicator: string): Promise<void> {
    const details = this.page.locator(`[data-qa="sub-area-${subArea}"]`);
    if (!(await details.evaluate((el) => (el as HTMLDetailsElement).open))) await details.locator('summary').click();
    await details.getByLabel(indicator, { exact: true }).check();
  }

  async suggest(): Promise<void> {
    await this.page.locator('[data-qa="suggest"]').click();
  }
}

export class SuggestedLevelPage extends AppPage {
  readonly heading = 'Suggested level of need';

  async suggested(): Promise<string> {
    return ((await this.page.locator('[data-qa="suggested-level"]').textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  async record(level: string, rationale: string): Promise<void> {
    await this.page.getByLabel(level, { exact: true }).check();
    await this.page.getByLabel('Why').fill(rationale);
    await this.page.locator('[data-qa="record-level"]').click();
  }
}

export class ThresholdGuidancePage extends AppPage {
  readonly heading = /^Threshold of need/;
}
