import { after, afterEach, before, describe } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Role } from '../../../src/db/schema.ts';
import type { TestClock } from '../../../src/platform/clock.ts';
import { totpCode } from '../../../src/platform/totp.ts';
import { createOrganisation, createUser, type TestUser } from '../../support/factories.ts';
import { startTestApp, type TestApp } from '../../support/harness.ts';
import { markScriptless, trackVisits, uncheckedVisits } from './axe.ts';
import { browserAvailability, launchBrowser } from './browser.ts';

export interface BrowserUser extends TestUser {
  name: string;
  organisationName: string;
}

export interface UserOptions {
  roles?: Role[];
  mfa?: boolean;
  name?: string;
  organisationName?: string;
}

/** What a browser test gets: the real app on a real port, and fresh browser contexts for each test. */
export interface BrowserTestEnv {
  readonly app: TestApp;
  readonly baseUrl: string;
  readonly clock: TestClock;
  /** A fresh context (cookies, storage) for this test, closed after it. Pages open relative to the app. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a new context of its own. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** A person in an organisation of their own; enrolled in TOTP unless mfa is false. */
  createUser(options?: UserOptions): Promise<BrowserUser>;
  /** The user's current authenticator code, by the app's clock. */
  totp(secret: string): Promise<string>;
}

let people = 0;
const NAMES = ['Amara Okafor', 'Tomasz Nowak', 'Priya Raman', 'Callum Reid', 'Siân Morgan', 'Yusuf Demir'];

/**
 * A describe() block of browser journeys: one Chromium and one app (PGlite) for the file, a fresh
 * context per test. After each test, any page the test reached but did not check with axe fails it.
 * Without Chromium the block is skipped, or fails when CI=true.
 */
export function browserSuite(name: string, body: (env: BrowserTestEnv) => void): void {
  const availability = browserAvailability();
  if (!availability.ok && !availability.required) {
    describe(name, { skip: availability.message }, () => body(unavailableEnv(availability.message)));
    return;
  }

  describe(name, () => {
    let browser: Browser | undefined;
    let app: TestApp & { baseUrl?: string };
    let contexts: BrowserContext[] = [];

    before(async () => {
      if (!availability.ok) throw new Error(availability.message);
      [browser, app] = await Promise.all([launchBrowser(), startTestApp('pglite', { listen: true })]);
      if (!app.baseUrl) throw new Error('The app did not report the address it listens on');
    });

    after(async () => {
      await browser?.close();
      await app?.close();
    });

    afterEach(async () => {
      const unchecked = contexts.flatMap((c) => c.pages().flatMap((p) => uncheckedVisits(p)));
      await Promise.all(contexts.map((c) => c.close()));
      contexts = [];
      if (unchecked.length) {
        throw new Error(
          `Pages reached without an accessibility check (use a page object or expectAccessible):\n- ${unchecked.join('\n- ')}`,
        );
      }
    });

    const env: BrowserTestEnv = {
      get app() {
        return app;
      },
      get baseUrl() {
        return app.baseUrl!;
      },
      get clock() {
        return app.clock;
      },
      async newContext(options = {}) {
        if (!browser) throw new Error('The browser is not running');
        const context = await browser.newContext({ baseURL: app.baseUrl, ...options });
        // Long enough for a busy two-core machine, short enough to fail well before a CI job would.
        context.setDefaultTimeout(15_000);
        context.setDefaultNavigationTimeout(30_000);
        if (options.javaScriptEnabled === false) markScriptless(context);
        context.on('page', trackVisits);
        contexts.push(context);
        return context;
      },
      async newPage(options = {}) {
        const context = await env.newContext(options);
        const page = await context.newPage();
        trackVisits(page);
        return page;
      },
      async createUser(options = {}) {
        const db = app.database.db;
        const n = people++;
        const name = options.name ?? NAMES[n % NAMES.length]!;
        const organisationName = options.organisationName ?? `Riverside Family Hub ${n + 1}`;
        const organisation = await createOrganisation(db, { name: organisationName });
        const user = await createUser(db, {
          name,
          organisationId: organisation.id,
          ...(options.roles ? { roles: options.roles } : {}),
          ...(options.mfa === false ? { mfa: false } : {}),
        });
        return { ...user, name, organisationName };
      },
      totp(secret) {
        // A code from an already-used time step is refused, as it would be for a person: move on one step.
        app.clock.advance(30_000);
        return totpCode(secret, app.clock.now());
      },
    };
    body(env);
  });
}

function unavailableEnv(message: string): BrowserTestEnv {
  const fail = (): never => {
    throw new Error(message);
  };
  return {
    get app() {
      return fail();
    },
    get baseUrl() {
      return fail();
    },
    get clock() {
      return fail();
    },
    newContext: fail,
    newPage: fail,
    createUser: fail,
    totp: fail,
  };
}
