import type { Locator } from 'playwright-core';
import { AppPage } from './app-page.ts';

const fillDate = async (page: AppPage['page'], prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  await page.locator(`#${prefix}-day`).fill(String(Number(d)));
  await page.locator(`#${prefix}-month`).fill(String(Number(m)));
  await page.locator(`#${prefix}-year`).fill(y!);
};

export class TafMeetingsPage extends AppPage {
  readonly heading = 'Team around the family meetings';

  meetings(): Locator {
    return this.page.locator('[data-qa="meetings"]');
  }
}

export class ScheduleMeetingPage extends AppPage {
  readonly heading = 'Arrange a team around the family meeting';

  async fill(m: { on: string; time: string; format: string; place: string; chair: string }): Promise<void> {
    await fillDate(this.page, 'meetsOn', m.on);
    await this.page.getByLabel('Time', { exact: true }).fill(m.time);
    await this.page.getByLabel(m.format, { exact: true }).check();
    await this.page.getByLabel('Where, or how to join').fill(m.place);
    await this.page.getByLabel('Who will chair').selectOption({ label: m.chair });
  }
  async arrange(): Promise<void> {
    await this.page.locator('[data-qa="arrange"]').click();
  }
}

export class TafMeetingPage extends AppPage {
  readonly heading = /^Team around the family meeting (Arranged|Held)$/;

  details(): Locator {
    return this.page.locator('[data-qa="meeting"]');
  }
  attendance(): Locator {
    return this.page.locator('[data-qa="attendance"]');
  }
  decisions(): Locator {
    return this.page.locator('[data-qa="decisions"]');
  }
}

export class RecordMeetingPage extends AppPage {
  readonly heading = 'Record the team around the family meeting';

  /** Marks one person in the team: `who` is the legend (their name and role), `answer` Present, Sent apologies or Absent. */
  async mark(who: string, answer: string): Promise<void> {
    await this.page.getByRole('group', { name: who }).getByLabel(answer, { exact: true }).check();
  }
  async familyPresent(name: string): Promise<void> {
    await this.page.getByRole('group', { name: 'Family members present' }).getByLabel(name, { exact: true }).check();
  }
  async fill(m: { others?: string; views: string; decisions: string; next?: string }): Promise<void> {
    if (m.others !== undefined) await this.page.getByLabel('Others present (optional)').fill(m.others);
    await this.page.getByLabel('The family’s views').fill(m.views);
    await this.page.getByLabel('Decisions').fill(m.decisions);
    if (m.next) await fillDate(this.page, 'nextMeetingOn', m.next);
  }
  async record(): Promise<void> {
    await this.page.locator('[data-qa="record-meeting"]').click();
  }
}

export class StepUpPage extends AppPage {
  readonly heading = 'Ask for a step up to children’s social care';

  async answerHarm(yes: boolean): Promise<void> {
    await this.page.getByLabel(yes ? 'Yes' : 'No', { exact: true }).check();
    await this.page.locator('[data-qa="continue"]').click();
  }
  summary(): Locator {
    return this.page.locator('[data-qa="summary"]');
  }
  async fill(s: { whyNow: string; whatChanged: string; urgent?: boolean; reason: string }): Promise<void> {
    await this.page.getByLabel('Why are you asking for a step up now?').fill(s.whyNow);
    await this.page.getByLabel('What has changed?').fill(s.whatChanged);
    if (s.urgent !== undefined) {
      const urgency = s.urgent ? this.page.getByLabel(/^Urgent/) : this.page.getByLabel('Not urgent', { exact: true });
      await urgency.check();
    }
    await this.page.getByLabel('To find out whether a child is at risk of harm', { exact: true }).check();
    await this.page.getByLabel('If you are sharing without the family’s agreement, why').fill(s.reason);
  }
  async send(): Promise<void> {
    await this.page.locator('[data-qa="step-up"]').click();
  }
}

export class StepDownPage extends AppPage {
  readonly heading = 'Step down from children’s social care into early help';

  async fill(s: { lead: string; on: string; present: string; summary: string; familyTold: string }): Promise<void> {
    await this.page.getByLabel('New lead practitioner').selectOption({ label: s.lead });
    await fillDate(this.page, 'heldOn', s.on);
    await this.page.getByLabel('Who took part').fill(s.present);
    await this.page.getByLabel('Summary of the conversation').fill(s.summary);
    await this.page.getByLabel('What the family was told').fill(s.familyTold);
  }
  async send(): Promise<void> {
    await this.page.locator('[data-qa="step-down"]').click();
  }
}
