import { AppPage } from './app-page.ts';

export class TargetedServicesPage extends AppPage {
  readonly heading = 'Targeted services';

  async setMeeting(date: Date): Promise<void> {
    await this.page.getByLabel('Day').fill(String(date.getUTCDate()));
    await this.page.getByLabel('Month').fill(String(date.getUTCMonth() + 1));
    await this.page.getByLabel('Year').fill(String(date.getUTCFullYear()));
    await this.page.locator('[data-qa="set-meeting"]').click();
  }
}

export class AddFamilyPage extends AppPage {
  readonly heading = 'Add a family to the meeting';

  async add(reason: string): Promise<void> {
    await this.page.getByLabel('Why is the family brought to the meeting?').fill(reason);
    await this.page.locator('[data-qa="save"]').click();
  }
}

export class RemoveFamilyPage extends AppPage {
  readonly heading = 'Take a family off the meeting';

  async remove(reason: string): Promise<void> {
    await this.page.getByLabel('Why is the family taken off the meeting?').fill(reason);
    await this.page.locator('[data-qa="save"]').click();
  }
}

export class ThinkFamilyPage extends AppPage {
  readonly heading = 'Think Family: adults’ needs';

  async record(need: string, about: string, note: string): Promise<void> {
    await this.page.getByRole('radio', { name: need }).check();
    await this.page.getByRole('radio', { name: about }).check();
    await this.page.getByLabel('Note (optional)').fill(note);
    await this.page.locator('[data-qa="record-need"]').click();
  }
}
