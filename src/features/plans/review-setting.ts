/**
 * The plan review interval, a partnership's setting: how many weeks apart an early help plan's reviews are unless
 * the plan chooses another (6, 7 or 8 weeks). Administrators set it for each partnership (a top-level area), from 4
 * to 12 weeks; the default is 6.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { requireRole } from '../../platform/access.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { recordAudit } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { type FormProblem, submitForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';

const WEEKS_MESSAGE = 'Enter a whole number of weeks from 4 to 12';

export const PlanReviewSettingForm = z.object({
  weeks: z
    .string({ error: WEEKS_MESSAGE })
    .trim()
    .regex(/^\d{1,2}$/, WEEKS_MESSAGE)
    .transform(Number)
    .refine((n) => n >= 4 && n <= 12, WEEKS_MESSAGE),
});

async function partnerships(db: Kysely<DB>) {
  return db
    .selectFrom('area')
    .select(['id', 'name', 'plan_review_weeks as weeks'])
    .where('parent_id', 'is', null)
    .orderBy('name')
    .execute();
}

async function setWeeks(db: Kysely<DB>, ctx: RequestContext, id: string, weeks: number) {
  const role = requireRole(ctx.actor, 'system_admin');
  await db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('area')
      .select(['name', 'plan_review_weeks as weeks'])
      .where('id', '=', id)
      .where('parent_id', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new NotFoundError();
    await trx.updateTable('area').set({ plan_review_weeks: weeks }).where('id', '=', id).execute();
    await recordAudit(trx, auditContext(ctx, role), {
      action: 'admin.plan-reviews.changed',
      recordType: 'area',
      recordId: id,
      details: { name: before.name, from: before.weeks, to: weeks },
    });
  });
}

export function registerPlanReviewSettingRoutes(app: FastifyInstance, deps: AppDeps) {
  const db = deps.database.db;

  app.get('/admin/plan-reviews', async (request, reply) => {
    requireRole(request.ctx().actor, 'system_admin');
    const q = request.query as Record<string, unknown>;
    return reply.page('plans/views/review-settings.njk', {
      partnerships: await partnerships(db),
      flash: q.done === 'saved' ? 'Plan review interval saved' : undefined,
    });
  });

  const formPage = async (reply: FastifyReply, id: string, problem?: FormProblem) => {
    requireRole(reply.request.ctx().actor, 'system_admin');
    const p = (await partnerships(db)).find((x) => x.id === id);
    if (!p) throw new NotFoundError();
    return reply.page('plans/views/review-setting.njk', {
      partnership: p,
      values: { weeks: String(p.weeks) },
      ...problem,
    });
  };

  app.get<{ Params: { id: string } }>('/admin/plan-reviews/:id', async (request, reply) => {
    checkId(request.params.id);
    return formPage(reply, request.params.id);
  });

  app.post<{ Params: { id: string } }>('/admin/plan-reviews/:id', async (request, reply) => {
    const id = request.params.id;
    checkId(id);
    return submitForm(
      reply,
      PlanReviewSettingForm,
      async (data) => {
        await setWeeks(db, request.ctx(), id, data.weeks);
        return reply.redirect('/admin/plan-reviews?done=saved', 303);
      },
      (problem) => formPage(reply, id, problem),
    );
  });
}
