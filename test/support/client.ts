import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { TestClock } from '../../src/platform/clock.ts';
import { totpCode } from '../../src/platform/totp.ts';
import type { TestUser } from './factories.ts';

/**
 * A browser-like client over app.inject: keeps cookies, reads the CSRF token from the last form it
 * saw, and signs in the way a person does (password, then the authenticator code).
 */
export class TestClient {
  cookies = new Map<string, string>();
  csrf: string | undefined;
  /** The address the app sees the requests come from (request.ip), to act as different clients. */
  remoteAddress: string | undefined;

  private readonly now: () => Date;

  /**
   * With the app's TestClock, each sign-in moves it on one authenticator time step (30 s), because
   * the service refuses a code from a step that was already used, as a person's next sign-in would.
   */
  constructor(
    private readonly app: FastifyInstance,
    private readonly clock: TestClock | (() => Date) = () => new Date(),
  ) {
    this.now = typeof clock === 'function' ? clock : () => clock.now();
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1];
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader(), ...headers },
      ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}),
    });
    this.remember(res);
    return res;
  }

  /** Posts a form as a browser would, with the CSRF token from the last page unless one is given. */
  async post(
    url: string,
    form: Record<string, string | string[]>,
    options: { csrf?: string | null; headers?: Record<string, string> } = {},
  ) {
    const params = new URLSearchParams();
    const token = options.csrf === undefined ? this.csrf : options.csrf;
    if (token) params.append('_csrf', token);
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: params.toString(),
      headers: {
        cookie: this.cookieHeader(),
        'content-type': 'application/x-www-form-urlencoded',
        ...options.headers,
      },
      ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}),
    });
    this.remember(res);
    return res;
  }

  async signIn(user: TestUser): Promise<LightMyRequestResponse> {
    await this.get('/sign-in');
    let res = await this.post('/sign-in', { email: user.email, password: user.password });
    if (res.headers.location === '/sign-in/two-factor') {
      await this.get('/sign-in/two-factor');
      if (typeof this.clock !== 'function') this.clock.advance(30_000);
      res = await this.post('/sign-in/two-factor', { code: await totpCode(user.totpSecret!, this.now()) });
    }
    return res;
  }
}

/** A signed-in client for each user, made on first use: `const as = signedInClients(() => t)`, then `await as(user)`. */
export interface SignedInClients {
  (user: TestUser): Promise<TestClient>;
  /** Everyone signs in again when next needed (after moving the clock past the session timeout). */
  clear(): void;
}

/** One client per user, kept for the test file; `app` is read when a client is first made (after `before`). */
export function signedInClients(app: () => { app: FastifyInstance; clock: TestClock }): SignedInClients {
  const clients = new Map<string, TestClient>();
  const as = async (user: TestUser) => {
    let c = clients.get(user.id);
    if (!c) {
      const { app: fastify, clock } = app();
      c = new TestClient(fastify, clock);
      await c.signIn(user);
      clients.set(user.id, c);
    }
    return c;
  };
  return Object.assign(as, { clear: () => clients.clear() });
}

/** The id after `/<what>/` in an address, such as the episode a redirect goes to: `idFrom('episodes', location)`. */
export const idFrom = (what: string, location: unknown) =>
  new RegExp(`/${what}/([0-9a-f-]{36})`).exec(String(location))![1]!;

/** The version a page's form was read at (its hidden `version` field). */
export const versionOn = (body: string) => Number(/name="version" value="(\d+)"/.exec(body)![1]);

/** A GOV.UK date input's three fields for an ISO date: `name-day`, `name-month`, `name-year`. */
export const dateFields = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! };
};

/** Opens an early help episode for the child from its page, as `client`, with the given lead; returns its id. */
export async function openEpisode(client: TestClient, childId: string, leadUserId: string, personIds = [childId]) {
  await client.get(`/people/${childId}/episodes/new`);
  const opened = await client.post(`/people/${childId}/episodes`, { personIds, leadUserId });
  if (opened.statusCode !== 303)
    throw new Error(`opening an episode: ${opened.statusCode} ${opened.body.slice(0, 2000)}`);
  return idFrom('episodes', opened.headers.location);
}
