import { AppPage } from './app-page.ts';

/** Choosing the panel to redirect a received request to. */
export class RedirectChoosePage extends AppPage {
  readonly heading = 'Redirect to a panel';
}

/** The family's agreement, the agency's reason and the panel request's own questions. */
export class RedirectFormPage extends AppPage {
  readonly heading = /^Redirect to /;

  async answer(name: string, value: 'yes' | 'no'): Promise<void> {
    await this.page.locator(`input[name="${name}"][value="${value}"]`).check();
  }
}
