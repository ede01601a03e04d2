/**
 * A partnership's setting: one whole number kept on each partnership (an area with no parent), such as how many
 * weeks apart plans are reviewed. Administrators see every partnership's value on one page and change one at a time;
 * each change is audited with the old and the new value. Each setting names its column, its bounds, its page and its
 * words; the pages, the form and the audit are the same for all of them.
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

/** The columns of `area` that hold a partnership's setting. */
export type AreaSettingColumn =
  | 'plan_review_weeks'
  | 'closure_monitoring_weeks'
  | 'conversation_follow_up_working_days';

export interface AreaSetting {
  /** The column of `area` that holds the value. */
  column: AreaSettingColumn;
  /** The form field's name and id. */
  field: string;
  /** The lowest and highest values allowed (whole numbers, at most two digits). */
  min: number;
  max: number;
  /** The list page; each partnership's form is under it, at `${path}/:id`. */
  path: string;
  /** The audit action of a change. */
  action: string;
  words: {
    /** The pages' heading and title. */
    title: string;
    /** The paragraph on the list page saying what the setting does. */
    intro: string;
    /** The `data-qa` of the list page's table. */
    table: string;
    /** The heading of the table's value column. */
    column: string;
    /** A value as the table shows it. */
    value: (n: number) => string;
    /** The hidden end of each "Change" link, before the partnership's name. */
    change: string;
    /** The form's question, hint and the unit after the box. */
    question: string;
    hint: string;
    suffix: string;
    /** The error message for a value that is not a whole number within the bounds. */
    invalid: string;
    /** The banner after a change is saved. */
    saved: string;
  };
}

/** Registers a setting's list page and its form for each partnership. System administrators only. */
export function registerAreaSetting(app: FastifyInstance, deps: AppDeps, setting: AreaSetting) {
  const db = deps.database.db;
  const { column, field, min, max, path, words } = setting;
  const message = words.invalid;
  const Form = z.object({
    [field]: z
      .string({ error: message })
      .trim()
      .regex(/^\d{1,2}$/, message)
      .transform(Number)
      .refine((n) => n >= min && n <= max, message),
  });

  app.get(path, async (request, reply) => {
    requireRole(request.ctx().actor, 'system_admin');
    const q = request.query as Record<string, unknown>;
    const rows = await partnerships(db, column);
    return reply.page('admin/views/area-settings.njk', {
      setting: { path, words },
      partnerships: rows.map((p) => ({ ...p, shown: words.value(p.value) })),
      flash: q.done === 'saved' ? words.saved : undefined,
    });
  });

  const formPage = async (reply: FastifyReply, id: string, problem?: FormProblem) => {
    requireRole(reply.request.ctx().actor, 'system_admin');
    const p = (await partnerships(db, column)).find((x) => x.id === id);
    if (!p) throw new NotFoundError();
    return reply.page('admin/views/area-setting.njk', {
      setting: { path, field, words },
      partnership: p,
      values: { [field]: String(p.value) },
      ...problem,
    });
  };

  app.get<{ Params: { id: string } }>(`${path}/:id`, async (request, reply) => {
    checkId(request.params.id);
    return formPage(reply, request.params.id);
  });

  app.post<{ Params: { id: string } }>(`${path}/:id`, async (request, reply) => {
    const id = request.params.id;
    checkId(id);
    return submitForm(
      reply,
      Form,
      async (data) => {
        await change(db, request.ctx(), setting, id, data[field] as number);
        return reply.redirect(`${path}?done=saved`, 303);
      },
      (problem) => formPage(reply, id, problem),
    );
  });
}

/** The partnerships (areas with no parent) and their value, by name. */
async function partnerships(db: Kysely<DB>, column: AreaSettingColumn) {
  return db
    .selectFrom('area')
    .select((eb) => ['id', 'name', eb.ref(column).as('value')])
    .where('parent_id', 'is', null)
    .orderBy('name')
    .execute();
}

/** Sets a partnership's value, audited with the old and the new value in the same transaction. */
async function change(db: Kysely<DB>, ctx: RequestContext, setting: AreaSetting, id: string, value: number) {
  const role = requireRole(ctx.actor, 'system_admin');
  await db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('area')
      .select((eb) => ['name', eb.ref(setting.column).as('value')])
      .where('id', '=', id)
      .where('parent_id', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new NotFoundError();
    await trx.updateTable('area').set(setting.column, value).where('id', '=', id).execute();
    await recordAudit(trx, auditContext(ctx, role), {
      action: setting.action,
      recordType: 'area',
      recordId: id,
      details: { name: before.name, from: before.value, to: value },
    });
  });
}
