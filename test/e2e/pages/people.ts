/**
 * Page objects for the child index: search, results, the index card and the family, registering a child
 * and the duplicate check, and the review of possible duplicates with merges and their undoing. Each
 * checks its h1 and runs axe on arrival (see AppPage).
 */
import type { Locator, Page } from 'playwright-core';
import { AppPage } from './app-page.ts';

/**
 * An element's text split into the lines a person sees (at each `<br>`), whitespace collapsed; with
 * `visible`, without the parts that are only for screen readers.
 */
async function lines(locator: Locator, visible = false): Promise<string[]> {
  const parts = await locator.evaluate((el, dropHidden) => {
    const copy = el.cloneNode(true) as HTMLElement;
    if (dropHidden) for (const hidden of copy.querySelectorAll('.govuk-visually-hidden')) hidden.remove();
    for (const br of copy.querySelectorAll('br')) br.replaceWith('\u2028');
    return (copy.textContent ?? '').split('\u2028');
  }, visible);
  return parts.map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** The text of an element (a line break is a space), with whitespace collapsed, for assertions. */
export async function textOf(locator: Locator): Promise<string> {
  return (await lines(locator)).join(' ');
}

/** What a sighted person reads: the text without its visually hidden parts, whitespace collapsed. */
export async function visibleText(locator: Locator): Promise<string> {
  return (await lines(locator, true)).join(' ');
}

/** The first line of an element's text, such as a name above a hint. */
async function firstLine(locator: Locator): Promise<string> {
  return (await lines(locator))[0] ?? '';
}

async function cellTexts(row: Locator): Promise<string[]> {
  const texts: string[] = [];
  for (const cell of await row.locator('td').all()) texts.push(await textOf(cell));
  return texts;
}

/** A date as a person types it into the three GOV.UK date boxes: strings, so a wrong date can be typed too. */
export interface TypedDate {
  day: string;
  month: string;
  year: string;
}

/** `2014-03-09` as typed: day 9, month 3, year 2014. */
export function typed(iso: string): TypedDate {
  const [y, m, d] = iso.split('-');
  return { day: String(Number(d)), month: String(Number(m)), year: y! };
}

async function typeDate(group: Locator, date: TypedDate): Promise<void> {
  await group.getByLabel('Day', { exact: true }).fill(date.day);
  await group.getByLabel('Month', { exact: true }).fill(date.month);
  await group.getByLabel('Year', { exact: true }).fill(date.year);
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Follows a link in the main menu from whichever page is open. */
async function fromMenu(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

// ---- Finding a child ---------------------------------------------------------------------------------------

export interface SearchTerms {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: TypedDate;
  postcode?: string;
  nhsNumber?: string;
}

export class ChildrenAndFamiliesPage extends AppPage {
  readonly heading = 'Children and families';

  static async open(page: Page): Promise<ChildrenAndFamiliesPage> {
    await page.goto('/people');
    return ChildrenAndFamiliesPage.verifyOnPage(page);
  }

  static async fromMenu(page: Page): Promise<ChildrenAndFamiliesPage> {
    await fromMenu(page, 'Children and families');
    return ChildrenAndFamiliesPage.verifyOnPage(page);
  }

  searchForm(): Locator {
    return this.page.locator('[data-qa="search-form"]');
  }

  async fillSearch(terms: SearchTerms): Promise<void> {
    const form = this.searchForm();
    if (terms.givenName !== undefined) await form.getByLabel('First name', { exact: true }).fill(terms.givenName);
    if (terms.familyName !== undefined) await form.getByLabel('Last name', { exact: true }).fill(terms.familyName);
    if (terms.dateOfBirth)
      await typeDate(form.getByRole('group', { name: 'Date of birth (optional)' }), terms.dateOfBirth);
    if (terms.postcode !== undefined) await form.getByLabel('Postcode (optional)').fill(terms.postcode);
    if (terms.nhsNumber !== undefined) {
      const more = form.locator('details');
      if (!(await more.evaluate((d) => (d as HTMLDetailsElement).open))) {
        await more.getByText('Search by NHS number, UPN, email, telephone or age').click();
      }
      await form.getByLabel('NHS number', { exact: true }).fill(terms.nhsNumber);
    }
  }

  async search(terms: SearchTerms): Promise<SearchResultsPage> {
    await this.fillSearch(terms);
    await this.searchForm().getByRole('button', { name: 'Search', exact: true }).click();
    return SearchResultsPage.verifyOnPage(this.page);
  }

  /** The names of the children the signed-in person and their teams work with. */
  async caseload(): Promise<string[]> {
    return (await this.page.locator('[data-qa="caseload"] tbody tr a').allTextContents()).map((t) => t.trim());
  }

  async registerAChild(): Promise<RegisterChildPage> {
    await this.page.getByRole('link', { name: 'Register a child', exact: true }).click();
    return RegisterChildPage.verifyOnPage(this.page);
  }
}

export interface SearchHit {
  name: string;
  dateOfBirth: string;
  /** The postcode as shown, or "Shielded" for a shielded child. */
  postcode: string;
  score: number;
  /** The outcome tag: "Likely the same child", "Possible match" or "Weak match". */
  outcome: string;
  /** Each reason as shown, evidence for first, then "Against: …". */
  reasons: string[];
  shielded: boolean;
}

export class SearchResultsPage extends AppPage {
  readonly heading = 'Search results';

  resultCount(): Locator {
    return this.page.locator('[data-qa="result-count"]');
  }

  rows(): Locator {
    return this.page.locator('[data-qa="results"] [data-qa="result"]');
  }

  /** The children found, closest first, as a person reads each row. */
  async results(): Promise<SearchHit[]> {
    const hits: SearchHit[] = [];
    for (const row of await this.rows().all()) {
      const cells = row.locator('td');
      hits.push({
        name: await textOf(cells.nth(0).getByRole('link')),
        dateOfBirth: await textOf(cells.nth(1)),
        postcode: await textOf(cells.nth(2)),
        score: Number(await textOf(row.locator('[data-qa="score"]'))),
        outcome: await textOf(cells.nth(4).locator('.govuk-tag')),
        reasons: (await cells.nth(4).locator('.app-reasons li').allTextContents()).map((t) => t.trim()),
        shielded: (await cells.nth(2).getByText('Shielded', { exact: true }).count()) > 0,
      });
    }
    return hits;
  }

  /** Opens the child's index card from their row (the first row with that name). */
  async open(name: string): Promise<IndexCardPage> {
    await this.linkTo(name).click();
    return IndexCardPage.verifyFor(this.page, name);
  }

  /** Opens a shielded child's record, which first asks for a reason. */
  async openShielded(name: string): Promise<BreakGlassPage> {
    await this.linkTo(name).click();
    return BreakGlassPage.verifyOnPage(this.page);
  }

  linkTo(name: string): Locator {
    return this.rows().getByRole('link', { name, exact: true }).first();
  }

  async registerAChild(): Promise<RegisterChildPage> {
    await this.page.locator('[data-qa="register-from-search"]').click();
    return RegisterChildPage.verifyOnPage(this.page);
  }
}

// ---- The index card and the family ------------------------------------------------------------------------

export interface Involvement {
  role: string;
  /** The practitioner's name (if a person), team and organisation. */
  who: string;
  contact: string;
  since: string;
}

/** A child's index card: its h1 is the child's name. */
export class IndexCardPage extends AppPage {
  heading: string | RegExp = /.+/;

  static async verifyFor(page: Page, name: string): Promise<IndexCardPage> {
    const card = new IndexCardPage(page);
    card.heading = name;
    await card.verifyOnPage();
    return card;
  }

  static async open(page: Page, personId: string, name: string): Promise<IndexCardPage> {
    await page.goto(`/people/${personId}`);
    return IndexCardPage.verifyFor(page, name);
  }

  /** A row of the identifying details, by its key ("Date of birth", "Address", …). */
  async detail(key: string): Promise<string> {
    const row = this.page
      .locator('[data-qa="identity"] .govuk-summary-list__row')
      .filter({ has: this.page.locator('dt', { hasText: key }) });
    return textOf(row.locator('dd'));
  }

  address(): Locator {
    return this.page.locator('[data-qa="address"]');
  }

  involvementsTable(): Locator {
    return this.page.locator('[data-qa="involvements"]');
  }

  /** Everyone working with the child, as the table lists them. */
  async involvements(): Promise<Involvement[]> {
    const rows: Involvement[] = [];
    for (const row of await this.involvementsTable().locator('tbody tr').all()) {
      const [role = '', who = '', contact = '', since = ''] = await cellTexts(row);
      rows.push({ role, who, contact, since });
    }
    return rows;
  }

  /** The email links in the involvement table, so a person can write to a practitioner. */
  async emailLinks(): Promise<string[]> {
    return this.involvementsTable()
      .locator('a[href^="mailto:"]')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  }

  /** The family members listed on the card, by name. */
  async family(): Promise<string[]> {
    return (await this.page.locator('[data-qa="family"] tbody tr td:first-child').allTextContents()).map((t) =>
      t.trim(),
    );
  }

  async seeAllChildrenInFamily(): Promise<ChildrenInFamilyPage> {
    await this.page.getByRole('link', { name: 'See all the children in this family' }).click();
    return ChildrenInFamilyPage.verifyOnPage(this.page);
  }

  /** The warning shown on a shielded record opened with a reason. */
  shieldedWarning(): Locator {
    return this.page.locator('.govuk-warning-text');
  }
}

/**
 * A shielded child's record, or the record of someone living with one, asks why it is needed before it opens
 * (break-glass).
 */
export class BreakGlassPage extends AppPage {
  readonly heading = /^(This record is shielded|This person's whereabouts are protected)$/;

  async openWithReason(reason: string, name: string): Promise<IndexCardPage> {
    await this.page.getByLabel('Why do you need to open this record?').fill(reason);
    await this.page.getByRole('button', { name: 'Open the record' }).click();
    return IndexCardPage.verifyFor(this.page, name);
  }

  /** Presses "Open the record" with no reason: the page comes back with an error. */
  async openWithoutReason(): Promise<BreakGlassPage> {
    await this.page.getByRole('button', { name: 'Open the record' }).click();
    return BreakGlassPage.verifyOnPage(this.page);
  }
}

export interface FamilyChild {
  name: string;
  dateOfBirth: string;
  how: string;
  involved: string;
}

export class ChildrenInFamilyPage extends AppPage {
  readonly heading = 'Children in the family';

  /** The child whose family this is, from the caption above the h1. */
  caption(): Locator {
    return this.page.locator('.govuk-caption-l');
  }

  async children(): Promise<FamilyChild[]> {
    const rows: FamilyChild[] = [];
    for (const row of await this.page.locator('[data-qa="family-children"] tbody tr').all()) {
      const [name = '', dateOfBirth = '', how = '', involved = ''] = await cellTexts(row);
      rows.push({ name, dateOfBirth, how, involved });
    }
    return rows;
  }

  async adults(): Promise<string[]> {
    return (await this.page.locator('[data-qa="family-adults"] li').allTextContents()).map((t) => t.trim());
  }

  async openChild(name: string): Promise<IndexCardPage> {
    await this.page.locator('[data-qa="family-children"]').getByRole('link', { name, exact: true }).click();
    return IndexCardPage.verifyFor(this.page, name);
  }
}

// ---- Registering a child -----------------------------------------------------------------------------------

export interface ChildDetails {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: TypedDate;
  sex?: 'Female' | 'Male' | 'Not known';
  nhsNumber?: string;
  addressLine1?: string;
  postcode?: string;
  role?: string;
}

export class RegisterChildPage extends AppPage {
  readonly heading = 'Register a child';

  static async open(page: Page): Promise<RegisterChildPage> {
    await page.goto('/people/new');
    return RegisterChildPage.verifyOnPage(page);
  }

  form(): Locator {
    return this.page.locator('[data-qa="person-form"]');
  }

  /** The field with this label, to read back what was typed. */
  field(label: string): Locator {
    return this.form().getByLabel(label, { exact: true });
  }

  /** The date of birth as it stands in the three boxes. */
  async dateOfBirth(): Promise<TypedDate> {
    const group = this.form().getByRole('group', { name: 'Date of birth (if born)' });
    return {
      day: await group.getByLabel('Day', { exact: true }).inputValue(),
      month: await group.getByLabel('Month', { exact: true }).inputValue(),
      year: await group.getByLabel('Year', { exact: true }).inputValue(),
    };
  }

  async fill(d: ChildDetails): Promise<void> {
    const form = this.form();
    if (d.givenName !== undefined) await this.field('First name').fill(d.givenName);
    if (d.familyName !== undefined) await this.field('Last name').fill(d.familyName);
    if (d.dateOfBirth) await typeDate(form.getByRole('group', { name: 'Date of birth (if born)' }), d.dateOfBirth);
    if (d.sex) await form.getByRole('group', { name: 'Sex' }).getByLabel(d.sex, { exact: true }).check();
    if (d.nhsNumber !== undefined) await this.field('NHS number').fill(d.nhsNumber);
    if (d.addressLine1 !== undefined) await this.field('Address line 1').fill(d.addressLine1);
    if (d.postcode !== undefined) await this.field('Postcode').fill(d.postcode);
    if (d.role !== undefined) await this.field('Your role with the child').fill(d.role);
  }

  /** Presses Continue; the caller checks where it led (the form again, the check page or the new card). */
  async continue(): Promise<void> {
    await this.page.locator('[data-qa="save-person"]').click();
  }

  async continueWithErrors(): Promise<RegisterChildPage> {
    await this.continue();
    return RegisterChildPage.verifyOnPage(this.page);
  }

  async continueToCheck(): Promise<RegisterCheckPage> {
    await this.continue();
    return RegisterCheckPage.verifyOnPage(this.page);
  }
}

export interface PossibleMatch {
  name: string;
  dateOfBirth: string;
  postcode: string;
  score: number;
  reasons: string[];
}

export class RegisterCheckPage extends AppPage {
  readonly heading = 'Check whether the child is already recorded';

  rows(): Locator {
    return this.page.locator('[data-qa="matches"] [data-qa="match"]');
  }

  async records(): Promise<PossibleMatch[]> {
    const found: PossibleMatch[] = [];
    for (const row of await this.rows().all()) {
      const cells = row.locator('td');
      found.push({
        name: await firstLine(cells.nth(0)),
        dateOfBirth: await textOf(cells.nth(1)),
        postcode: await textOf(cells.nth(2)),
        score: Number(await textOf(cells.nth(3))),
        reasons: (await cells.nth(4).locator('.app-reasons li').allTextContents()).map((t) => t.trim()),
      });
    }
    return found;
  }

  /** "This is the child" on the row of the record with this name: leads to that child's card. */
  async thisIsTheChild(name: string): Promise<IndexCardPage> {
    await this.rows()
      .filter({ has: this.page.locator('td:first-child', { hasText: name }) })
      .getByRole('button', { name: /^This is the child/ })
      .click();
    return IndexCardPage.verifyFor(this.page, name);
  }

  /** Presses "Register a new child" without ticking the confirmation: the page comes back with an error. */
  async registerNewUnconfirmed(): Promise<RegisterCheckPage> {
    await this.page.locator('[data-qa="register-new"]').click();
    return RegisterCheckPage.verifyOnPage(this.page);
  }

  /** Confirms none of the records is the child and registers a new one: leads to the new child's card. */
  async registerNew(name: string): Promise<IndexCardPage> {
    await this.page.getByLabel('I have checked: none of these records is the child I am registering').check();
    await this.page.locator('[data-qa="register-new"]').click();
    return IndexCardPage.verifyFor(this.page, name);
  }
}

// ---- Possible duplicates and merges -----------------------------------------------------------------------

export interface DuplicatePair {
  record: string;
  duplicate: string;
  score: number;
  found: string;
}

export class PossibleDuplicatesPage extends AppPage {
  readonly heading = 'Possible duplicates';

  static async open(page: Page): Promise<PossibleDuplicatesPage> {
    await page.goto('/duplicates');
    return PossibleDuplicatesPage.verifyOnPage(page);
  }

  static async fromMenu(page: Page): Promise<PossibleDuplicatesPage> {
    await fromMenu(page, 'Possible duplicates');
    return PossibleDuplicatesPage.verifyOnPage(page);
  }

  rows(): Locator {
    return this.page.locator('[data-qa="duplicates"] [data-qa="duplicate"]');
  }

  async pairs(): Promise<DuplicatePair[]> {
    const pairs: DuplicatePair[] = [];
    for (const row of await this.rows().all()) {
      const cells = row.locator('td');
      pairs.push({
        record: await visibleText(cells.nth(0).getByRole('link')),
        duplicate: await firstLine(cells.nth(1)),
        score: Number(await textOf(cells.nth(2))),
        found: await textOf(cells.nth(3)),
      });
    }
    return pairs;
  }

  /** Opens the pair whose first record has this name, by its link ("<name> and <other>: compare"). */
  async compare(name: string, other: string): Promise<CompareRecordsPage> {
    await this.rows()
      .getByRole('link', { name: new RegExp(`^${literal(name)}\\s+and ${literal(other)}\\s*: compare$`) })
      .click();
    return CompareRecordsPage.verifyOnPage(this.page);
  }

  async seeMerges(): Promise<MergesPage> {
    await this.page.getByRole('link', { name: 'See merges and undo one' }).click();
    return MergesPage.verifyOnPage(this.page);
  }
}

export class CompareRecordsPage extends AppPage {
  readonly heading = 'Compare two records';

  score(): Locator {
    return this.page.locator('[data-qa="pair-score"]');
  }

  async evidence(): Promise<string[]> {
    return (await this.page.locator('.app-reasons li').allTextContents()).map((t) => t.trim());
  }

  /** One record's details ("a" or "b"), as a key → value map. */
  async side(label: 'a' | 'b'): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const row of await this.page.locator(`[data-qa="side-${label}"] .govuk-summary-list__row`).all()) {
      out[await textOf(row.locator('dt'))] = await textOf(row.locator('dd'));
    }
    return out;
  }

  /** Chooses the record to keep by its radio label ("Record A: <name>"), gives a reason and merges. */
  async merge(keep: string, reason: string): Promise<PossibleDuplicatesPage> {
    await this.page.getByRole('group', { name: 'Which record should be kept?' }).getByLabel(keep).check();
    await this.page.getByLabel('How do you know they are the same child?').fill(reason);
    await this.page.locator('[data-qa="merge"]').click();
    return PossibleDuplicatesPage.verifyOnPage(this.page);
  }
}

export interface MergeRow {
  kept: string;
  merged: string;
  when: string;
  status: string;
}

export class MergesPage extends AppPage {
  readonly heading = 'Merges';

  static async open(page: Page): Promise<MergesPage> {
    await page.goto('/merges');
    return MergesPage.verifyOnPage(page);
  }

  rows(): Locator {
    return this.page.locator('[data-qa="merges"] [data-qa="merge-row"]');
  }

  async merges(): Promise<MergeRow[]> {
    const rows: MergeRow[] = [];
    for (const row of await this.rows().all()) {
      const [, merged = '', when = '', status = ''] = await cellTexts(row);
      const kept = await visibleText(row.locator('td').first().getByRole('link'));
      rows.push({ kept, merged, when, status });
    }
    return rows;
  }

  /** Opens the merge of `merged` into `kept`, by its link ("<kept>: merge of <merged>"). */
  async open(kept: string, merged: string): Promise<MergePage> {
    // The hidden part of the link's name starts a new box, so Chromium may put a space before the colon.
    await this.rows()
      .getByRole('link', { name: new RegExp(`^${literal(kept)}\\s*: merge of ${literal(merged)}$`) })
      .first()
      .click();
    return MergePage.verifyOnPage(this.page);
  }
}

export class MergePage extends AppPage {
  readonly heading = 'Merge of two records';

  moved(): Locator {
    return this.page.locator('[data-qa="moved"]');
  }

  /** One side ("kept" or "merged") as a key → value map. */
  async side(label: 'kept' | 'merged'): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const row of await this.page.locator(`[data-qa="side-${label}"] .govuk-summary-list__row`).all()) {
      out[await textOf(row.locator('dt'))] = await textOf(row.locator('dd'));
    }
    return out;
  }

  async undo(reason: string): Promise<MergesPage> {
    await this.page.getByLabel('Why was the merge wrong?').fill(reason);
    await this.page.locator('[data-qa="unmerge"]').click();
    return MergesPage.verifyOnPage(this.page);
  }
}
