/**
 * Page objects for the services directory: search, a service's page, the eligibility check, and the
 * rules editor with its history. Each checks its h1 and runs axe on arrival (see AppPage).
 */
import type { Locator, Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

export type Answer = 'Yes' | 'No' | 'Not known';

/** The text of an element with whitespace collapsed, for assertions. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

export interface DirectoryFilters {
  words?: string;
  /** A string is typed as it is, to try bad input. */
  age?: number | string;
  /** The visible text of the area option, e.g. "Aire City Children's Partnership: Holbeck Mills (yours)". */
  area?: string | RegExp;
  needs?: string[];
  tiers?: string[];
}

export class DirectorySearchPage extends AppPage {
  readonly heading = 'Services directory';

  /** Follows "Services directory" in the main menu from whichever page is open. */
  static async fromMenu(page: Page): Promise<DirectorySearchPage> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Services directory' }).click();
    return DirectorySearchPage.verifyOnPage(page);
  }

  filters(): Locator {
    return this.page.locator('[data-qa="filters"]');
  }

  /** The options of the area list, as a person reads them. */
  async areaOptions(): Promise<string[]> {
    return (await this.filters().getByLabel('Area or cluster').locator('option').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    );
  }

  async filter(f: DirectoryFilters): Promise<DirectorySearchPage> {
    const form = this.filters();
    if (f.words !== undefined) await form.getByLabel('Search words').fill(f.words);
    if (f.age !== undefined) await form.getByLabel('Age of the child or young person').fill(String(f.age));
    if (f.area !== undefined) {
      const wanted = f.area;
      const label = (await this.areaOptions()).find((o) =>
        typeof wanted === 'string' ? o === wanted : wanted.test(o),
      );
      if (!label) throw new Error(`No area option matches ${String(wanted)}`);
      await form.getByLabel('Area or cluster').selectOption({ label });
    }
    for (const need of f.needs ?? []) {
      await form.getByRole('group', { name: 'Need' }).getByLabel(need, { exact: true }).check();
    }
    for (const tier of f.tiers ?? []) {
      await form.getByRole('group', { name: 'Tier' }).getByLabel(tier, { exact: true }).check();
    }
    await form.getByRole('button', { name: 'Apply filters' }).click();
    return DirectorySearchPage.verifyOnPage(this.page);
  }

  resultCount(): Locator {
    return this.page.locator('[data-qa="result-count"]');
  }

  /** The names of the services found, in order. */
  async resultNames(): Promise<string[]> {
    return (await this.page.locator('[data-qa="results"] h3').allTextContents()).map((t) => t.trim());
  }

  /** The selected-filter tags, each of which removes its filter. */
  async selectedFilters(): Promise<string[]> {
    return (await this.page.locator('.moj-filter__tag').allTextContents()).map((t) =>
      t
        .replace(/Remove this filter/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
  }

  /** Follows a selected-filter tag ("Remove this filter Age 14"), which searches again without it. */
  async removeFilter(text: string): Promise<DirectorySearchPage> {
    await this.page
      .locator('.moj-filter__selected')
      .getByRole('link', { name: `Remove this filter ${text}`, exact: true })
      .click();
    return DirectorySearchPage.verifyOnPage(this.page);
  }

  async openService(name: string): Promise<ServicePage> {
    await this.page.locator('[data-qa="results"]').getByRole('link', { name, exact: true }).click();
    return ServicePage.named(this.page, name);
  }
}

export class ServicePage extends AppPage {
  heading: string | RegExp = /.+/;

  /** Checks that the page open is the named service's page. */
  static async named(page: Page, name: string): Promise<ServicePage> {
    const onPage = new ServicePage(page);
    onPage.heading = name;
    await onPage.verifyOnPage();
    return onPage;
  }

  /** The "Who it is for" facts (ages, areas, needs). */
  async summaryValue(key: string): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row').filter({
      has: this.page.locator('.govuk-summary-list__key', { hasText: key }),
    });
    return textOf(row.first().locator('.govuk-summary-list__value'));
  }

  criteria(): Locator {
    return this.page.locator('[data-qa="criteria"] li');
  }

  async checkEligibility(): Promise<EligibilityPage> {
    await this.page.getByRole('link', { name: 'Check whether a child is likely to be eligible' }).click();
    return EligibilityPage.verifyOnPage(this.page);
  }

  async editRules(): Promise<RulesPage> {
    await this.page.getByRole('link', { name: 'Edit eligibility rules' }).click();
    return RulesPage.verifyOnPage(this.page);
  }
}

export class EligibilityPage extends AppPage {
  readonly heading = 'Check eligibility';

  ageInput(): Locator {
    return this.page.getByLabel('Age of the child or young person, in years');
  }

  /** The radios of one question, found by its wording. */
  question(question: string): Locator {
    return this.page.getByRole('group', { name: question, exact: true });
  }

  /** The answer chosen for a question, as its label reads. */
  async answer(question: string): Promise<Answer | undefined> {
    for (const answer of ['Yes', 'No', 'Not known'] as const) {
      if (await this.question(question).getByLabel(answer, { exact: true }).isChecked()) return answer;
    }
    return undefined;
  }

  /** Questions the chosen child's record answered, each as "<question> Yes, from <name>’s record". */
  async answeredFromRecord(): Promise<string[]> {
    const items = await this.page.locator('[data-qa="answered-from-record"]').all();
    return Promise.all(items.map((item) => textOf(item)));
  }

  /**
   * Types an age (no child record), answers each question by its wording, and checks. Questions left
   * out keep what the page already shows. A string age is typed as it is, to try bad input.
   */
  async check(age: number | string, answers: Record<string, Answer> = {}): Promise<EligibilityPage> {
    await this.ageInput().fill(String(age));
    for (const [question, answer] of Object.entries(answers)) {
      await this.question(question).getByLabel(answer, { exact: true }).check();
    }
    await this.page.getByRole('button', { name: 'Check eligibility' }).click();
    return EligibilityPage.verifyOnPage(this.page);
  }

  /**
   * Chooses a child the practitioner works with (by the start of the option's text, their name),
   * answers the questions, and checks. The age comes from the child's record.
   */
  async checkChild(name: string, answers: Record<string, Answer> = {}): Promise<EligibilityPage> {
    const select = this.page.getByLabel('Or choose a child you work with');
    const options = (await select.locator('option').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    const label = options.find((o) => o === name || o.startsWith(`${name} (`));
    if (!label) throw new Error(`No child ${name} among: ${options.join(', ')}`);
    await select.selectOption({ label });
    for (const [question, answer] of Object.entries(answers)) {
      await this.question(question).getByLabel(answer, { exact: true }).check();
    }
    await this.page.getByRole('button', { name: 'Check eligibility' }).click();
    return EligibilityPage.verifyOnPage(this.page);
  }

  /** The rules version the result names ("Checked against eligibility rules version 2"). */
  async rulesVersion(): Promise<string | undefined> {
    return /eligibility rules (version \d+|\([a-z ]+ only\))/.exec(await textOf(this.outcome()))?.[1];
  }

  outcome(): Locator {
    return this.page.locator('[data-qa="outcome"]');
  }

  /** The machine-readable outcome: eligible, not_eligible or more_information. */
  async outcomeCode(): Promise<string | null> {
    return this.outcome().getAttribute('data-outcome');
  }

  async outcomeHeading(): Promise<string> {
    return textOf(this.outcome().getByRole('heading', { level: 2 }));
  }

  /** Each reason in the "Why" table with its result, e.g. { text: 'At risk of coming into care', result: 'Met' }. */
  async reasons(): Promise<{ text: string; result: string }[]> {
    const rows = this.page.locator('[data-qa="reasons"] tbody tr');
    const out: { text: string; result: string }[] = [];
    for (const row of await rows.all()) {
      const cells = row.locator('td');
      out.push({ text: await textOf(cells.nth(0)), result: await textOf(cells.nth(1)) });
    }
    return out;
  }

  /** The result shown against the reason whose text matches. */
  async reasonResult(text: RegExp): Promise<string | undefined> {
    return (await this.reasons()).find((r) => text.test(r.text))?.result;
  }
}

export interface RuleChanges {
  minimumAge?: number | string;
  maximumAge?: number | string;
  ageWording?: string;
  /** By the criterion's number on the page (1 for the first): its new question and reason wording. */
  criteria?: Record<number, { question?: string; wording?: string }>;
  note?: string;
}

export class RulesPage extends AppPage {
  readonly heading = 'Eligibility rules';

  minimumAge(): Locator {
    return this.page.getByLabel('Lowest age (optional)');
  }

  maximumAge(): Locator {
    return this.page.getByLabel('Highest age (optional)');
  }

  ageWording(): Locator {
    return this.page.getByLabel('How the age range reads to a practitioner (optional)');
  }

  /** The boxes of one criterion, by its legend ("Criterion 3" or "Criterion 4 (new)"). */
  criterion(n: number): Locator {
    return this.page.getByRole('group', { name: new RegExp(`^Criterion ${n}( \\(new\\))?$`) });
  }

  note(): Locator {
    return this.page.getByLabel('What changed and why');
  }

  /** Types the changes and saves; the caller verifies where that leads (the history, or errors here). */
  async fill(changes: RuleChanges): Promise<void> {
    if (changes.minimumAge !== undefined) await this.minimumAge().fill(String(changes.minimumAge));
    if (changes.maximumAge !== undefined) await this.maximumAge().fill(String(changes.maximumAge));
    if (changes.ageWording !== undefined) await this.ageWording().fill(changes.ageWording);
    for (const [n, c] of Object.entries(changes.criteria ?? {})) {
      const group = this.criterion(Number(n));
      if (c.question !== undefined) await group.getByLabel('Question', { exact: true }).fill(c.question);
      if (c.wording !== undefined) await group.getByLabel('Reason wording', { exact: true }).fill(c.wording);
    }
    if (changes.note !== undefined) await this.note().fill(changes.note);
    await this.page.getByRole('button', { name: 'Save as a new version' }).click();
  }

  async save(changes: RuleChanges & { note: string }): Promise<HistoryPage> {
    await this.fill(changes);
    return HistoryPage.verifyOnPage(this.page);
  }

  async changeAgeRange(options: { minimumAge: number; wording?: string; note: string }): Promise<HistoryPage> {
    return this.save({
      minimumAge: options.minimumAge,
      ...(options.wording !== undefined ? { ageWording: options.wording } : {}),
      note: options.note,
    });
  }
}

export class HistoryPage extends AppPage {
  readonly heading = 'History of changes';

  /** The summary line of each rules version, newest first. */
  async versions(): Promise<string[]> {
    return (await this.page.locator('[data-qa="rule-version"] .govuk-details__summary-text').allTextContents()).map(
      (t) => t.replace(/\s+/g, ' ').trim(),
    );
  }

  /** Opens the n-th rules version (0 for the newest) and reads what it held. */
  async versionText(n: number): Promise<string> {
    const version = this.page.locator('[data-qa="rule-version"]').nth(n);
    await version.locator('summary').click();
    return textOf(version.locator('.govuk-details__text'));
  }

  /** The rows of "Changes to the entry", newest first: who and what. */
  async changes(): Promise<{ who: string; what: string }[]> {
    const rows = await this.page.locator('[data-qa="changes"] tbody tr').all();
    return Promise.all(
      rows.map(async (row) => ({
        who: await textOf(row.locator('td').nth(1)),
        what: await textOf(row.locator('td').nth(2)),
      })),
    );
  }

  async backToService(name: string): Promise<ServicePage> {
    await this.page.getByRole('link', { name: `Back to ${name}` }).click();
    return ServicePage.named(this.page, name);
  }
}
