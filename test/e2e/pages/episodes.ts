import type { Locator, Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

export class EpisodesPage extends AppPage {
  readonly heading = 'Early help episodes';
}

export class OpenEpisodePage extends AppPage {
  readonly heading = 'Open an early help episode';

  async chooseLead(label: string): Promise<void> {
    await this.page.getByLabel('Lead practitioner').selectOption({ label });
  }
  async open(): Promise<void> {
    await this.page.locator('[data-qa="open"]').click();
  }
}

export class EpisodePage extends AppPage {
  readonly heading = /^Early help episode (Open|Closed)/;

  static async open(page: Page, path: string): Promise<EpisodePage> {
    await page.goto(path);
    return EpisodePage.verifyOnPage(page);
  }

  lead(): Locator {
    return this.page.locator('[data-qa="lead"]');
  }
  team(): Locator {
    return this.page.locator('[data-qa="team"]');
  }
  history(): Locator {
    return this.page.locator('[data-qa="history"]');
  }
}

export class AddMemberPage extends AppPage {
  readonly heading = 'Add to the team around the family';

  async addUser(label: string, role: string): Promise<void> {
    await this.page.getByLabel('A practitioner who uses Early Help Hub').check();
    await this.page.getByLabel('Practitioner who uses Early Help Hub', { exact: true }).selectOption({ label });
    await this.page.getByLabel('Their role in the team').fill(role);
    await this.page.locator('[data-qa="add"]').click();
  }
}

export class HandoverPage extends AppPage {
  readonly heading = 'Hand over to a new lead practitioner';

  async fill(label: string, note: string, iso: string): Promise<void> {
    await this.page.getByLabel('New lead practitioner').selectOption({ label });
    await this.page.getByLabel('Handover note').fill(note);
    const [y, m, d] = iso.split('-');
    await this.page.locator('#agreedOn-day').fill(String(Number(d)));
    await this.page.locator('#agreedOn-month').fill(String(Number(m)));
    await this.page.locator('#agreedOn-year').fill(y!);
  }
  async submit(): Promise<void> {
    await this.page.locator('[data-qa="record-handover"]').click();
  }
}

export class CloseEpisodePage extends AppPage {
  readonly heading = 'Close the early help episode';

  async submit(): Promise<void> {
    await this.page.locator('[data-qa="close-episode"]').click();
  }
}

export class ClosedPage extends AppPage {
  readonly heading = 'Early help episode closed';
}

export class ProposeClosurePage extends AppPage {
  readonly heading = 'Propose closing the episode: improvement made';

  async submit(): Promise<void> {
    await this.page.locator('[data-qa="propose-closure"]').click();
  }
}

export class MonitoringPage extends AppPage {
  readonly heading = 'Confirm closure or record a relapse';

  async confirm(): Promise<void> {
    await this.page.locator('[data-qa="confirm-closure"]').click();
  }
}

export class ClosureLetterPage extends AppPage {
  readonly heading = 'Your family’s early help support has ended';
}
