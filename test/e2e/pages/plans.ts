import type { Locator } from 'playwright-core';
import { AppPage } from './app-page.ts';

const fillDate = async (page: AppPage['page'], prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  await page.locator(`#${prefix}-day`).fill(String(Number(d)));
  await page.locator(`#${prefix}-month`).fill(String(Number(m)));
  await page.locator(`#${prefix}-year`).fill(y!);
};

export class PlanPage extends AppPage {
  readonly heading = /^Early help plan/;

  banner(): Locator {
    return this.page.locator('.govuk-notification-banner--success');
  }
}

export class EditPlanPage extends AppPage {
  readonly heading = 'The plan’s strengths and reviews';

  async save(strengths: string, weeksLabel: RegExp): Promise<void> {
    await this.page.getByLabel('What strengths does the plan build on?').fill(strengths);
    await this.page.getByLabel(weeksLabel).check();
    await this.page.locator('[data-qa="save-plan"]').click();
  }
}

export class ObjectivePage extends AppPage {
  readonly heading = 'Add an objective';

  /**
   * With unmet needs from the episode's assessment, the objective names one of them (`assessmentNeed`, or the first);
   * without, it names an area of need from the guidance.
   */
  async fill(o: {
    area: string;
    need: string;
    criterion: string;
    target: string | null;
    agreedBy: string;
    assessmentNeed?: RegExp;
  }) {
    const needs = this.page.locator('[data-qa="assessment-needs"]');
    if (await needs.count()) {
      const choice = o.assessmentNeed ? needs.getByLabel(o.assessmentNeed) : needs.getByRole('radio').first();
      await choice.check();
    } else {
      await this.page.getByLabel('Area of need').selectOption({ label: o.area });
    }
    await this.page.getByLabel('The need the objective addresses').fill(o.need);
    await this.page.getByLabel('How will everyone know it has been achieved?').fill(o.criterion);
    if (o.target) await fillDate(this.page, 'targetDate', o.target);
    await this.page.getByLabel('Who agreed it?').fill(o.agreedBy);
    await this.page.getByLabel('Yes', { exact: true }).check();
  }
  async submit(): Promise<void> {
    await this.page.locator('[data-qa="add-objective"]').click();
  }
}

export class ActionPage extends AppPage {
  readonly heading = 'Add an action';

  async add(what: string, ownerLabel: string, due: string): Promise<void> {
    await this.page.getByLabel('What will be done?').fill(what);
    await this.page.getByLabel('A person', { exact: true }).check();
    await this.page.locator('#ownerUserId').selectOption({ label: ownerLabel });
    await fillDate(this.page, 'dueDate', due);
    await this.page.locator('[data-qa="add-action"]').click();
  }
}

export class AgreePage extends AppPage {
  readonly heading = 'Record the family’s agreement';

  async agree(who: string, on: string): Promise<void> {
    await this.page.getByLabel('Who in the family agreed the plan?').fill(who);
    await fillDate(this.page, 'agreedOn', on);
    await this.page.locator('[data-qa="record-agreement"]').click();
  }
}

export class ReviewPage extends AppPage {
  readonly heading = 'Record a review of the plan';

  async record(on: string, rating: string, note: string, familyView: string): Promise<void> {
    await fillDate(this.page, 'heldOn', on);
    await this.page.getByLabel(rating, { exact: true }).check();
    await this.page.getByLabel('Note on the progress').fill(note);
    await this.page.getByLabel('The family’s view').fill(familyView);
    await this.page.locator('[data-qa="record-review"]').click();
  }
}
