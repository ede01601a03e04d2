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

/** The narrowest screen WCAG 1.4.10 (reflow) asks a page to fit without scrolling sideways: 320 CSS pixels. */
export const REFLOW_WIDTH = 320;

/**
 * Fails, listing each problem, unless the current page passes axe at WCAG 2.2 AA, reflows into
 * 320 pixels without scrolling sideways (WCAG 1.4.10), and its visible text has no copy slips
 * (doubled spaces, sentences run together).
 */
export async function expectAccessible(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  const target = scriptless.has(page.context()) ? await copyOf(page) : page;
  const results = await analyse(target);
  const overflow = await reflowProblems(target);
  const slips = await copySlips(target);
  const list = visits.get(page);
  const last = list?.at(-1);
  if (last) last.checked = true;
  if (results.violations.length === 0 && overflow.length === 0 && slips.length === 0) return;
  const lines = results.violations.map((v) => {
    const targets = v.nodes.map((n) => n.target.join(' ')).join(' | ');
    return `- ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}\n    ${v.helpUrl}\n    on: ${targets}`;
  });
  if (overflow.length) {
    lines.push(
      `- reflow (WCAG 1.4.10): at ${REFLOW_WIDTH}px wide the page scrolls sideways\n    on: ${overflow.join(' | ')}`,
    );
  }
  for (const slip of slips) lines.push(`- copy: ${slip}`);
  throw new Error(
    `${lines.length} accessibility or copy problem(s) on ${page.url()} (${await page.title()}):\n${lines.join('\n')}`,
  );
}

/**
 * Narrows the viewport to 320 pixels, and names the outermost elements that stick out past it when
 * the document scrolls sideways; then puts the viewport back as it was.
 */
export async function reflowProblems(page: Page): Promise<string[]> {
  const size = page.viewportSize() ?? { width: 1280, height: 720 };
  await page.setViewportSize({ width: REFLOW_WIDTH, height: size.height });
  try {
    // No named functions inside: the test's TypeScript loader would wrap them in a helper the page lacks.
    return await page.evaluate((width) => {
      if (document.documentElement.scrollWidth <= width) return [];
      const wide = [...document.body.querySelectorAll('*')].filter((el) => {
        if (el.closest('.govuk-visually-hidden')) return false;
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.right > width + 1;
      });
      // The outermost culprits: an element wider than the screen whose parent still fits.
      const found = wide
        .filter((el) => !el.parentElement || !wide.includes(el.parentElement))
        .slice(0, 5)
        .map((el) => {
          const qa = el.getAttribute('data-qa');
          const name = el.id ? `#${el.id}` : qa ? `[data-qa="${qa}"]` : [...el.classList].map((c) => `.${c}`).join('');
          return `${el.tagName.toLowerCase()}${name} (to ${Math.round(el.getBoundingClientRect().right)}px)`;
        });
      return found.length ? found : [`document ${document.documentElement.scrollWidth}px wide`];
    }, REFLOW_WIDTH);
  } finally {
    await page.setViewportSize(size);
  }
}

/**
 * Copy slips in the text a person sees: two spaces in a row as rendered (a no-break space beside a space; spaces in the source collapse), and sentences run together ("found.The").
 * Preformatted text (code examples) is left alone, and so are addresses, e-mail addresses and
 * file names, where a full stop between letters is right.
 */
export async function copySlips(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => {
    // innerText, not textContent: the text as rendered, with white space collapsed as a reader sees it.
    const skip = [...document.querySelectorAll('pre, code, textarea')].map(
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked
      (el) => (el as HTMLElement).innerText,
    );
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is checked
    let visible = document.body.innerText;
    for (const s of skip) if (s) visible = visible.split(s).join('\n');
    return visible;
  });
  const slips: string[] = [];
  for (const line of text.split('\n')) {
    const doubled = /\S[ \u00a0]{2,}\S/.exec(line);
    if (doubled) slips.push(`doubled space in "${around(line, doubled.index)}"`);
    const words = line
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/\S+@\S+/g, ' ')
      .replace(/\b[\w-]+(?:\.[\w-]+)*\.(?:uk|com|org|net|gov|nhs|io|js|ts|csv|json|pdf|md|html|txt)\b/gi, ' ');
    for (const m of words.matchAll(/[a-z]\.[A-Z]/g))
      slips.push(`sentences run together in "${around(words, m.index)}"`);
  }
  return slips;
}

function around(line: string, at: number): string {
  return line.slice(Math.max(0, at - 30), at + 30).trim();
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
async function copyOf(page: Page): Promise<Page> {
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
  return copy;
}

async function openBlank(context: BrowserContext, origin: string): Promise<Page> {
  const blank = await context.newPage();
  const url = `${origin}/__accessibility-check`;
  await blank.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html>' }));
  await blank.goto(url);
  return blank;
}
