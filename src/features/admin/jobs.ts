import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { requireRole } from '../../platform/access.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { recordAudit } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { countJobs, listFailedJobs, retryFailedJob } from '../../platform/jobs.ts';
import { UUID } from './schemas.ts';

/** What each kind of job does, in words; a kind not listed shows its code. */
export const JOB_KIND_WORDS: Record<string, string> = {
  'email.send': 'Send an email',
  'jobs.purge': 'Remove finished jobs older than 30 days',
};

/**
 * Background jobs for system administrators: how many are in each state, and the failed ones (what kind, how many
 * tries, the last error with personal data hidden) with a way to try one again. Job payloads are never shown.
 */
export class JobAdminService {
  constructor(private readonly db: Kysely<DB>) {}

  async overview(ctx: RequestContext) {
    requireRole(ctx.actor, 'system_admin');
    const [counts, failed] = [await countJobs(this.db), await listFailedJobs(this.db)];
    return { counts, failed: failed.map((j) => ({ ...j, words: JOB_KIND_WORDS[j.kind] ?? j.kind })) };
  }

  /** Trying again a job already queued again (or gone) is a no-op. */
  async retry(ctx: RequestContext, id: string): Promise<void> {
    requireRole(ctx.actor, 'system_admin');
    await this.db.transaction().execute(async (trx) => {
      const job = await retryFailedJob(trx, id, ctx.at);
      if (!job) return;
      await recordAudit(trx, auditContext(ctx, 'system_admin'), {
        action: 'job.retried',
        recordType: 'job',
        recordId: job.id,
        details: { kind: job.kind },
      });
    });
  }
}

export function registerJobAdminRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new JobAdminService(deps.database.db);

  app.get<{ Querystring: { done?: string } }>('/admin/jobs', async (request, reply) => {
    const overview = await service.overview(request.ctx());
    return reply.page('admin/views/jobs.njk', {
      ...overview,
      flash: request.query.done === 'retried' ? 'The job will be tried again shortly' : undefined,
    });
  });

  app.post<{ Params: { id: string } }>('/admin/jobs/:id/retry', async (request, reply) => {
    if (!UUID.test(request.params.id)) throw new NotFoundError();
    await service.retry(request.ctx(), request.params.id);
    return reply.redirect('/admin/jobs?done=retried', 303);
  });
}
