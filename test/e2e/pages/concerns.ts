import { AppPage } from './app-page.ts';

export class RaiseConcernPage extends AppPage {
  readonly heading = 'Disagree with this decision';

  async raise(disagreement: string, outcomeWanted: string): Promise<void> {
    await this.page.getByLabel('What do you disagree with, and why?').fill(disagreement);
    await this.page.getByLabel('What outcome do you want?').fill(outcomeWanted);
    await this.page.locator('[data-qa="raise-concern"]').click();
  }
}

export class ConcernPage extends AppPage {
  readonly heading = 'Concern about a decision';

  async recordOutcome(outcome: string | RegExp, reasons: string): Promise<void> {
    await this.page.getByLabel(outcome).check();
    await this.page.getByLabel('Reasons', { exact: true }).fill(reasons);
    await this.page.locator('[data-qa="record-outcome"]').click();
  }

  async stageText(stage: string): Promise<string> {
    return ((await this.page.locator(`[data-qa="stage-${stage}"]`).textContent()) ?? '').replace(/\s+/g, ' ');
  }
}

export class ConcernsListPage extends AppPage {
  readonly heading = 'Concerns about decisions';
}
