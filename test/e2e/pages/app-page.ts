import type { Locator, Page } from 'playwright-core';
import { expectAccessible } from '../support/axe.ts';

/**
 * A page of the service as a test sees it. `SomePage.verifyOnPage(page)` waits for the page's h1,
 * then runs axe: every page object checks accessibility on arrival, so a journey built from page
 * objects checks every page it visits. Subclasses name their h1 and add what a person does there.
 */
export abstract class AppPage {
  /** The page's one h1: a string matches exactly (whitespace collapsed), a RegExp matches anywhere. */
  abstract readonly heading: string | RegExp;

  constructor(readonly page: Page) {}

  static async verifyOnPage<T extends AppPage>(this: new (page: Page) => T, page: Page): Promise<T> {
    const onPage = new this(page);
    await onPage.verifyOnPage();
    return onPage;
  }

  /** Waits (up to 15 seconds) for this page's h1, then fails on any accessibility violation. */
  async verifyOnPage(): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      await this.waitForHeading(deadline);
      try {
        await expectAccessible(this.page);
        return;
      } catch (error) {
        // A page with the same h1 (a form that posts back to itself) was still being replaced when
        // axe ran: look again at the page that arrived, rather than fail on the one that left.
        if (!navigatedAway(error) || Date.now() > deadline) throw error;
      }
    }
  }

  private async waitForHeading(deadline: number): Promise<void> {
    let seen: string[] = [];
    for (;;) {
      try {
        await this.page.waitForLoadState('load');
        seen = (await this.page.locator('h1').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
        if (seen.length === 1 && this.matches(seen[0]!)) break;
      } catch {
        // The document changed under us (a navigation still finishing): look again.
      }
      if (Date.now() > deadline) {
        const found = seen.length ? seen.map((h) => `"${h}"`).join(', ') : 'no h1';
        throw new Error(`Expected to be on "${String(this.heading)}" but found ${found} at ${this.page.url()}`);
      }
      await this.page.waitForTimeout(100);
    }
  }

  private matches(text: string): boolean {
    return typeof this.heading === 'string' ? text === this.heading : this.heading.test(text);
  }

  /** Follows a link or presses a button by its accessible name. */
  async click(name: string | RegExp): Promise<void> {
    await this.page.getByRole('link', { name }).or(this.page.getByRole('button', { name })).first().click();
  }

  /** The signed-in person's name in the header. */
  headerName(): Locator {
    return this.page.locator('[data-qa="account"] .app-masthead__user');
  }

  /** The signed-in person's organisation in the header. */
  headerOrganisation(): Locator {
    return this.page.locator('[data-qa="account"] .app-masthead__org');
  }

  async signOut(): Promise<void> {
    await this.page.locator('[data-qa="account"]').getByRole('button', { name: 'Sign out' }).click();
  }

  errorSummary(): Locator {
    return this.page.locator('.govuk-error-summary');
  }

  /** The links in the GOV.UK error summary, each naming a field's problem. */
  errorLink(message: string | RegExp): Locator {
    return this.errorSummary().getByRole('link', { name: message });
  }

  /** The message shown above one field, without its visually hidden "Error:" prefix. */
  async fieldError(id: string): Promise<string> {
    const text = await this.page.locator(`#${id}-error`).textContent();
    return (text ?? '').replace(/^\s*Error:\s*/, '').trim();
  }

  successBanner(): Locator {
    return this.page.locator('.govuk-notification-banner--success');
  }

  /** Presses Tab until the element matching the selector has focus, or fails naming where focus went. */
  async tabTo(selector: string, maxPresses = 40): Promise<void> {
    const path: string[] = [];
    for (let i = 0; i < maxPresses; i++) {
      await this.page.keyboard.press('Tab');
      if (await this.page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
      path.push(await this.focused());
    }
    throw new Error(`Tab did not reach ${selector} in ${maxPresses} presses. Focus went: ${path.join(' → ')}`);
  }

  /** A short description of the focused element, for keyboard tests and their failure messages. */
  focused(): Promise<string> {
    return this.page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return 'body';
      const id = el.id ? `#${el.id}` : '';
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
      return `${el.tagName.toLowerCase()}${id}${text ? ` "${text}"` : ''}`;
    });
  }
}

function navigatedAway(error: unknown): boolean {
  return error instanceof Error && /Execution context was destroyed|navigat/i.test(error.message);
}
