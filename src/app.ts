import { readFileSync } from 'node:fs';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { Config } from './config.ts';
import type { Database } from './db/connection.ts';
import { registerAdminRoutes } from './features/admin/routes.ts';
import { registerApiRoutes } from './features/api/routes.ts';
import { registerAssessmentRoutes } from './features/assessments/routes.ts';
import { registerAttachmentRoutes } from './features/attachments/routes.ts';
import { registerAuditRoutes } from './features/audit/routes.ts';
import { registerOidcRoutes } from './features/auth/oidc.ts';
import { registerAuthRoutes } from './features/auth/routes.ts';
import { registerChronologyRoutes } from './features/chronology/routes.ts';
import { registerConcernRoutes } from './features/concerns/routes.ts';
import { registerConsentRoutes } from './features/consent/routes.ts';
import { registerConversationRoutes } from './features/conversations/routes.ts';
import { registerDirectoryRoutes } from './features/directory/routes.ts';
import { registerEpisodeRoutes } from './features/episodes/routes.ts';
import { registerPublicRequestRoutes } from './features/front-door/public-routes.ts';
import { registerFrontDoorRoutes } from './features/front-door/routes.ts';
import { registerHomeRoutes } from './features/home/routes.ts';
import { registerNotificationRoutes } from './features/notifications/routes.ts';
import { registerPanelsApi } from './features/panels/api.ts';
import { registerPanelDashboardRoutes } from './features/panels/dashboard-routes.ts';
import { registerDecisionLetterRoutes } from './features/panels/decision-letter-routes.ts';
import { registerPanelImplementationApi } from './features/panels/implementation-api.ts';
import { registerPanelImplementationRoutes } from './features/panels/implementation-routes.ts';
import { registerPanelPapersRoutes } from './features/panels/papers-routes.ts';
import { registerPanelRecordRoutes } from './features/panels/record-routes.ts';
import { registerPanelRedirectInRoutes } from './features/panels/redirect-in-routes.ts';
import { registerPanelRequestRoutes } from './features/panels/request-routes.ts';
import { registerPanelRoutes } from './features/panels/routes.ts';
import { registerWithdrawRoutes } from './features/panels/withdraw-routes.ts';
import { registerPeopleRoutes } from './features/people/routes.ts';
import { registerPlanRoutes } from './features/plans/routes.ts';
import { registerTafRoutes } from './features/taf/routes.ts';
import { registerTargetedServicesRoutes } from './features/targeted-services/routes.ts';
import { registerThinkFamilyRoutes } from './features/think-family/routes.ts';
import { registerThresholdRoutes } from './features/threshold/routes.ts';
import type { AppDeps } from './platform/app-deps.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import { JobRunner, purgeFinishedJobs } from './platform/jobs.ts';
import type { Mailer } from './platform/mailer.ts';
import { sendDailyDigestsIn, setNotificationBaseUrl } from './platform/notifications.ts';
import { registerEmailJob } from './platform/outbox.ts';
import { declareRouteAction, registerPolicyChecks } from './platform/policy.ts';
import { SessionStore } from './platform/sessions.ts';
import { newRequestId, registerWebPlatform } from './platform/web.ts';

export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

export interface BuildOptions {
  config: Config;
  database: Database;
  clock?: Clock;
  mailer?: Mailer;
  logger?: boolean;
  /** Told of every route as it is added (tests use it to enumerate the route table). */
  onRoute?: (route: RouteOptions) => void;
}

/** The composition root: every dependency is passed in, so tests build the same app with a test clock or mailer. */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger:
      options.logger === false || config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            // URLs may carry record ids but never personal data; bodies and headers are never logged.
            serializers: {
              req: (req) => ({ method: req.method, url: req.url.split('?')[0], id: req.id }),
              res: (res) => ({ statusCode: res.statusCode }),
            },
          },
    genReqId: () => newRequestId(),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  // Deny by default: a route with no action in the access policy stops the app being built.
  app.addHook('onRoute', declareRouteAction);
  const sessions = new SessionStore(database.db, config.session);
  setNotificationBaseUrl(config.baseUrl);
  await app.register(fastifyRateLimit, { global: false });
  const cookies = await registerWebPlatform(app, { config, database, clock, sessions, version: VERSION });
  registerPolicyChecks(app, { database });
  const jobs = createJobRunner(app, options, clock);
  const deps: AppDeps = {
    config,
    database,
    clock,
    jobs,
    sessions,
    cookies,
    version: VERSION,
    ...(options.mailer ? { mailer: options.mailer } : {}),
  };
  registerHomeRoutes(app, deps);
  registerAuthRoutes(app, deps);
  await registerOidcRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerPeopleRoutes(app, deps);
  registerConsentRoutes(app, deps);
  registerThresholdRoutes(app, deps);
  registerConcernRoutes(app, deps);
  registerFrontDoorRoutes(app, deps);
  await registerPublicRequestRoutes(app, deps);
  registerTargetedServicesRoutes(app, deps);
  registerThinkFamilyRoutes(app, deps);
  registerConversationRoutes(app, deps);
  registerEpisodeRoutes(app, deps);
  await registerAssessmentRoutes(app, deps);
  registerPlanRoutes(app, deps);
  registerPanelRoutes(app, deps);
  registerPanelRequestRoutes(app, deps);
  registerPanelRedirectInRoutes(app, deps);
  registerPanelRecordRoutes(app, deps);
  registerPanelPapersRoutes(app, deps);
  registerPanelImplementationRoutes(app, deps);
  registerPanelImplementationApi(app, deps);
  registerPanelsApi(app, deps);
  registerPanelDashboardRoutes(app, deps);
  registerDecisionLetterRoutes(app, deps);
  registerWithdrawRoutes(app, deps);
  registerTafRoutes(app, deps);
  registerChronologyRoutes(app, deps);
  await registerAttachmentRoutes(app, deps);
  await registerDirectoryRoutes(app, deps);
  registerNotificationRoutes(app, deps);
  await registerApiRoutes(app, deps);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The durable job runner: polls when config.jobs.poll is set; tests call `app.jobs.runDue(now)`. */
    jobs: JobRunner;
  }
}

/**
 * The app's job runner, with the platform's jobs registered: email delivery when a mailer is configured (without
 * one, mail waits in the outbox) and the daily removal of old finished jobs. It polls from `onReady` to `onClose`.
 */
function createJobRunner(app: FastifyInstance, options: BuildOptions, clock: Clock): JobRunner {
  const { config, database } = options;
  const jobs = new JobRunner(database.db, clock, {
    leaseSeconds: config.jobs.leaseSeconds,
    pollIntervalMs: config.jobs.pollIntervalMs,
    log: app.log,
  });
  if (options.mailer?.enabled) registerEmailJob(jobs, options.mailer, new URL(config.baseUrl).hostname);
  jobs.register(PURGE_JOBS, async ({ trx, now }) => {
    await purgeFinishedJobs(trx, now);
  });
  jobs.daily(PURGE_JOBS, '02:30');
  // Users who chose one email a day get it after 07:00 London time (at most one per day, whoever runs the job).
  jobs.register(NOTIFICATION_DIGEST, async ({ trx, now }) => {
    await sendDailyDigestsIn(trx, now);
  });
  jobs.daily(NOTIFICATION_DIGEST, '07:00');
  app.decorate('jobs', jobs);
  app.addHook('onReady', async () => {
    if (config.jobs.poll) jobs.start();
  });
  app.addHook('onClose', async () => {
    await jobs.stop();
  });
  return jobs;
}

const PURGE_JOBS = 'jobs.purge';
const NOTIFICATION_DIGEST = 'notifications.digest';

export type { AppDeps };
