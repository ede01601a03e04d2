/**
 * What the composition root (src/app.ts) hands every feature when it registers its routes. Defined here, in the
 * platform, so features depend on the platform and never import the root that registers them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/connection.ts';
import type { Clock } from './clock.ts';
import type { JobRunner } from './jobs.ts';
import type { Mailer } from './mailer.ts';
import type { SessionStore } from './sessions.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  clock: Clock;
  mailer?: Mailer;
  jobs: JobRunner;
  sessions: SessionStore;
  cookies: { sessionCookie: string; resumeCookie: string; returnCookie: string };
  version: string;
  /** Set by the auth feature; used by other sign-in methods (OpenID Connect) to complete a sign-in. */
  finishSignIn?: (request: FastifyRequest, reply: FastifyReply, userId: string) => Promise<FastifyReply>;
}
