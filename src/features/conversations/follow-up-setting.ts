/**
 * The follow-up interval, a partnership's setting: how many working days after a conversation its participants are
 * asked whether it helped. Administrators set it for each partnership (a top-level area); the default is 10.
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

const DAYS_MESSAGE = 'Enter a whole number of working days from 1 to 60';

export const FollowUpSettingForm = z.object({
  workingDays: z
    .string({ error: DAYS_MESSAGE })
    .trim()
    .regex(/^\d{1,2}$/, DAYS_MESSAGE)
    .transform(Number)
    .refine((n) => n >= 1 && n <= 60, DAYS_MESSAGE),
});

/** The partnerships (areas with no parent) and their setting, by name. */
async function partnerships(db: Kysely<DB>) {
  return db
    .selectFrom('area')
    .select(['id', 'name', 'conversation_follow_up_working_days as workingDays'])
    .where('parent_id', 'is', null)
    .orderBy('name')
    .execute();
}

async function partnership(db: Kysely<DB>, id: string) {
  const row = (await partnerships(db)).find((p) => p.id === id);
  if (!row) throw new NotFoundError();
  return row;
}

/** Sets a partnership's follow-up interval, audited with the old and the new value. */
async function setWorkingDays(db: Kysely<DB>, ctx: RequestContext, id: string, workingDays: number) {
  const role = requireRole(ctx.actor, 'system_admin');
  await db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('area')
      .select(['name', 'conversation_follow_up_working_days as days'])
      .where('id', '=', id)
      .where('parent_id', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new NotFoundError();
    await trx
      .updateTable('area')
      .set({ conversation_follow_up_working_days: workingDays })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, auditContext(ctx, role), {
      action: 'admin.conversation-follow-up.changed',
      recordType: 'area',
      recordId: id,
      details: { name: before.name, from: before.days, to: workingDays },
    });
  });
}

export function registerFollowUpSettingRoutes(app: FastifyInstance, deps: AppDeps) {
  const db = deps.database.db;

  app.get('/admin/conversation-follow-up', async (request, reply) => {
    requireRole(request.ctx().actor, 'system_admin');
    const q = request.query as Record<string, unknown>;
    return reply.page('conversations/views/follow-up-settings.njk', {
      partnerships: await partnerships(db),
      flash: q.done === 'saved' ? 'Follow-up setting saved' : undefined,
    });
  });

  const formPage = async (reply: FastifyReply, id: string, problem?: FormProblem) => {
    requireRole(reply.request.ctx().actor, 'system_admin');
    const p = await partnership(db, id);
    return reply.page('conversations/views/follow-up-setting.njk', {
      partnership: p,
      values: { workingDays: String(p.workingDays) },
      ...problem,
    });
  };

  app.get<{ Params: { id: string } }>('/admin/conversation-follow-up/:id', async (request, reply) => {
    checkId(request.params.id);
    return formPage(reply, request.params.id);
  });

  app.post<{ Params: { id: string } }>('/admin/conversation-follow-up/:id', async (request, reply) => {
    const id = request.params.id;
    checkId(id);
    return submitForm(
      reply,
      FollowUpSettingForm,
      async (data) => {
        await setWorkingDays(db, request.ctx(), id, data.workingDays);
        return reply.redirect('/admin/conversation-follow-up?done=saved', 303);
      },
      (problem) => formPage(reply, id, problem),
    );
  });
}
