/**
 * Page objects for the consent journeys. Each one checks it is on the right page, and that the page
 * passes axe at WCAG 2.2 AA, before a test uses it (see AppPage).
 */
import type { Locator, Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

/** The text of an element, for assertions. */
export async function text(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

async function dateInto(page: Page, prefix: string, iso: string) {
  const [y, m, d] = iso.split('-');
  await page.locator(`#${prefix}-day`).fill(String(Number(d)));
  await page.locator(`#${prefix}-month`).fill(String(Number(m)));
  await page.locator(`#${prefix}-year`).fill(y!);
}

export class IndexCardPage extends AppPage {
  heading: string | RegExp = /.+/;

  static async open(page: Page, personId: string, name: string): Promise<IndexCardPage> {
    await page.goto(`/people/${personId}`);
    const card = new IndexCardPage(page);
    card.heading = name;
    await card.verifyOnPage();
    return card;
  }
  consentStatus(): Locator {
    return this.page.locator('[data-qa="consent-status"]');
  }
  async openConsent(): Promise<ConsentPage> {
    await this.consentStatus().getByRole('link', { name: 'Consent and sharing' }).click();
    return ConsentPage.verifyOnPage(this.page);
  }
  async openNotes(): Promise<NotesPage> {
    await this.consentStatus().getByRole('link', { name: 'Notes and conversations' }).click();
    return NotesPage.verifyOnPage(this.page);
  }
}

export class ConsentPage extends AppPage {
  readonly heading = 'Consent and information sharing';

  static async open(page: Page, personId: string): Promise<ConsentPage> {
    await page.goto(`/people/${personId}/consent`);
    return ConsentPage.verifyOnPage(page);
  }
  state(): Locator {
    return this.page.locator('[data-qa="consent-state"]');
  }
  history(): Locator {
    return this.page.locator('[data-qa="consent-history"]');
  }
  wishes(): Locator {
    return this.page.locator('[data-qa="wishes"]');
  }
  decisions(): Locator {
    return this.page.locator('[data-qa="decisions"]');
  }
  async startConsent(): Promise<RecordConsentPage> {
    await this.click('Record consent or refusal');
    return RecordConsentPage.verifyOnPage(this.page);
  }
  async startWish(): Promise<WishPage> {
    await this.click('Record a confidentiality wish');
    return WishPage.verifyOnPage(this.page);
  }
  async startDecision(): Promise<DecisionPage> {
    await this.click('Record a sharing decision');
    return DecisionPage.verifyOnPage(this.page);
  }
  async withdrawFirst(): Promise<WithdrawPage> {
    await this.history().locator('[data-qa="withdraw"]').first().click();
    return WithdrawPage.verifyOnPage(this.page);
  }
  async explanationFirst(): Promise<ExplanationPage> {
    await this.history()
      .getByRole('link', { name: /Family explanation/ })
      .first()
      .click();
    return ExplanationPage.verifyOnPage(this.page);
  }
}

export interface ConsentAnswers {
  decision: 'They gave consent' | 'They refused consent';
  givenBy: string;
  purposes: string[];
  organisations: string[];
  method: string;
  obtainedOn: string;
}

export class RecordConsentPage extends AppPage {
  readonly heading = 'Record consent or refusal';

  async fill(a: ConsentAnswers): Promise<void> {
    await this.page.getByLabel(a.decision, { exact: true }).check();
    await this.page.getByLabel(a.givenBy, { exact: true }).check();
    for (const p of a.purposes) await this.page.getByLabel(p, { exact: true }).check();
    for (const o of a.organisations) await this.page.getByLabel(o, { exact: true }).check();
    await this.page.getByLabel(a.method, { exact: true }).check();
    await dateInto(this.page, 'obtainedOn', a.obtainedOn);
  }
  async save(): Promise<void> {
    await this.page.locator('[data-qa="save-consent"]').click();
  }
}

export class WishPage extends AppPage {
  readonly heading = 'Record a confidentiality wish';

  async record(keepFrom: string, information: string, bestInterests: string): Promise<ConsentPage> {
    await this.page.getByLabel(keepFrom, { exact: true }).check();
    await this.page.getByLabel('What does the young person want kept private?').fill(information);
    await this.page.getByLabel('Why is this in their best interests?').fill(bestInterests);
    await this.page.locator('[data-qa="save-wish"]').click();
    return ConsentPage.verifyOnPage(this.page);
  }
}

export class DecisionPage extends AppPage {
  readonly heading = 'Record a sharing decision';

  async shareWithoutConsent(d: {
    what: string;
    organisation: string;
    basis: string;
    advice: string;
    reason: string;
  }): Promise<ConsentPage> {
    await this.page.getByLabel('To share', { exact: true }).check();
    await this.page.getByLabel('What information?').fill(d.what);
    await this.page.getByLabel('A named organisation', { exact: true }).check();
    await this.page.locator('#recipientOrganisationId').selectOption({ label: d.organisation });
    await this.page.getByLabel(d.basis, { exact: true }).check();
    await this.page.locator('#adviceSought').fill(d.advice);
    await this.page.locator('#reason').fill(d.reason);
    await this.page.locator('[data-qa="save-decision"]').click();
    return ConsentPage.verifyOnPage(this.page);
  }
}

export class WithdrawPage extends AppPage {
  readonly heading = 'Withdraw consent';

  effects(): Locator {
    return this.page.locator('[data-qa="withdrawal-effects"]');
  }
  async withdraw(on: string, said: string): Promise<ConsentPage> {
    await dateInto(this.page, 'withdrawnOn', on);
    await this.page.getByLabel('What did they say?').fill(said);
    await this.page.locator('[data-qa="confirm-withdraw"]').click();
    return ConsentPage.verifyOnPage(this.page);
  }
}

export class NotesPage extends AppPage {
  readonly heading = 'Notes and conversations';

  static async open(page: Page, personId: string): Promise<NotesPage> {
    await page.goto(`/people/${personId}/notes`);
    return NotesPage.verifyOnPage(page);
  }
  notes(): Locator {
    return this.page.locator('[data-qa="note"]');
  }
  hiddenExplanation(): Locator {
    return this.page.locator('[data-qa="hidden-explanation"]');
  }
  hiddenCount(): Locator {
    return this.page.locator('[data-qa="hidden-count"]');
  }
}

/** The letter's heading is in the family's language, so the page is recognised by the letter itself. */
export class ExplanationPage extends AppPage {
  readonly heading = /.+/;

  letter(): Locator {
    return this.page.locator('[data-qa="explanation"]');
  }
  async switchTo(languageName: string, code: string): Promise<ExplanationPage> {
    await this.page.locator('[data-qa="languages"]').getByRole('link', { name: languageName, exact: true }).click();
    await this.page.waitForURL((url) => url.searchParams.get('lang') === code);
    return ExplanationPage.verifyOnPage(this.page);
  }
}
