import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** WCAG 2.2 AA: every success criterion axe can check automatically, at levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;

interface Visit {
  url: string;
  checked: boolean;
}

const visits = new WeakMap<Page, Visit[]>();
const scriptless = new WeakSet<BrowserContext>();
const analysers = new WeakMap<Browser, Promise<BrowserContext>>();

/**
 * Remembers every document the page loads, so a test that reaches a page without checking it
 * fails (see uncheckedVisits). Same-document navigation (a skip link) is not a new page.
 */
export function trackVisits(page: Page): void {
  if (visits.has(page)) return;
  const list: Visit[] = [];
  visits.set(page, list);
  page.on('load', () => {
    const url = page.url();
    if (url !== 'about:blank') list.push({ url, checked: false });
  });
}

export function uncheckedVisits(page: Page): string[] {
  return (visits.get(page) ?? []).filter((v) => !v.checked).map((v) => v.url);
}

/** Marks a context whose pages run no script; axe then checks a copy of each page instead. */
export function markScriptless(context: BrowserContext): void {
  scriptless.add(context);
}

/** Fails, listing each violation (rule, help, elements), unless the current page passes axe at WCAG 2.2 AA. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  const results = scriptless.has(page.context()) ? await analyseCopy(page) : await analyse(page);
  const list = visits.get(page);
  const last = list?.at(-1);
  if (last) last.checked = true;
  if (results.violations.length === 0) return;
  const lines = results.violations.map((v) => {
    const targets = v.nodes.map((n) => n.target.join(' ')).join(' | ');
    return `- ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}\n    ${v.helpUrl}\n    on: ${targets}`;
  });
  throw new Error(
    `${results.violations.length} accessibility violation(s) on ${page.url()} (${await page.title()}):\n${lines.join('\n')}`,
  );
}

function analyse(page: Page): Promise<AxeResults> {
  // Only violations are reported, so axe need not gather every passing element (much faster).
  // options() replaces what withTags() set, so it must come first.
  return new AxeBuilder({ page })
    .options({ resultTypes: ['violations'] })
    .withTags(WCAG_TAGS)
    .analyze();
}

/**
 * axe is itself a script, so it cannot run in a page with JavaScript switched off. It checks a copy
 * of the same HTML on the same origin, with the real styles, in a page where only the service's own
 * script is blocked: the document it sees is the one a person without JavaScript gets.
 */
async function analyseCopy(page: Page): Promise<AxeResults> {
  const browser = page.context().browser();
  if (!browser) throw new Error('expectAccessible needs a page from a launched browser');
  const origin = new URL(page.url()).origin;
  let pending = analysers.get(browser);
  if (!pending) {
    pending = browser.newContext().then(async (ctx) => {
      await ctx.route('**/assets/app/*.js', (route) => route.abort());
      return ctx;
    });
    analysers.set(browser, pending);
  }
  const context = await pending;
  const copy = context.pages().find((p) => p.url().startsWith(origin)) ?? (await openBlank(context, origin));
  await copy.setContent(await page.content(), { waitUntil: 'load' });
  return analyse(copy);
}

async function openBlank(context: BrowserContext, origin: string): Promise<Page> {
  const blank = await context.newPage();
  const url = `${origin}/__accessibility-check`;
  await blank.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html>' }));
  await blank.goto(url);
  return blank;
}
