import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../../platform/app-deps.ts';

export function registerHomeRoutes(app: FastifyInstance, deps: AppDeps) {
  app.get('/', async (request, reply) => {
    return reply.page('home/views/home.njk', { pageTitle: 'Home', roles: request.actor!.roles });
  });

  for (const [path, template] of [
    ['/cookies', 'home/views/cookies.njk'],
    ['/privacy', 'home/views/privacy.njk'],
    ['/accessibility', 'home/views/accessibility.njk'],
  ] as const) {
    app.get(path, { config: { public: true } }, async (_request, reply) => reply.page(template));
  }

  app.get('/health', { config: { public: true } }, async (_request, reply) => {
    const started = performance.now();
    try {
      await sql`select 1`.execute(deps.database.db);
      const latencyMs = Math.round(performance.now() - started);
      const failed = await sql<{ n: number }>`select count(*)::int as n from job where state = 'failed'`.execute(
        deps.database.db,
      );
      return reply.send({
        status: 'ok',
        database: { status: 'ok', engine: deps.database.engine, latencyMs },
        jobs: { failed: failed.rows[0]!.n },
      });
    } catch {
      return reply.code(503).send({ status: 'down', database: { status: 'down', engine: deps.database.engine } });
    }
  });

  app.get('/info', { config: { public: true } }, async (_request, reply) =>
    reply.send({ name: 'early-help-hub', version: deps.version }),
  );
}
