import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { requireRole } from '../../platform/access.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addDays, londonToday, longDate } from '../../platform/calendar.ts';
import * as closures from '../../platform/closures.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { dateParts, formValues, parseForm } from '../../platform/forms.ts';
import * as repo from './repository.ts';
import { UUID } from './schemas.ts';

/**
 * Closure days: the days a partnership does not count as working days on top of bank holidays (between Christmas
 * and New Year, a local holiday), for everyone or one area. Deadlines set after a change count it.
 */
const ClosureForm = z.object({
  name: z
    .string({ message: 'Enter a name for the closure day' })
    .trim()
    .min(1, 'Enter a name for the closure day')
    .max(100, 'Name must be 100 characters or fewer'),
  areaId: z
    .string()
    .optional()
    .refine((v) => !v || UUID.test(v), 'Select an area'),
});
const ClosureDate = dateParts('closedOn', 'Date');

export class ClosureService {
  constructor(private readonly db: Kysely<DB>) {}

  async upcoming(ctx: RequestContext) {
    requireRole(ctx.actor, 'system_admin');
    const days = await closures.listClosures(this.db, londonToday(ctx.at));
    return days.map((d) => ({ ...d, label: longDate(d.closed_on) }));
  }

  async areas(ctx: RequestContext) {
    requireRole(ctx.actor, 'system_admin');
    return repo.listAreas(this.db);
  }

  async add(ctx: RequestContext, body: unknown): Promise<void> {
    requireRole(ctx.actor, 'system_admin');
    const today = londonToday(ctx.at);
    const date = parseForm(ClosureDate, body);
    const form = parseForm(ClosureForm, body);
    const errors: FieldError[] = [];
    if (!date.ok) errors.push(...date.errors);
    else if (!date.data) errors.push({ field: 'closedOn', message: 'Enter the date of the closure day' });
    else if (date.data < today) errors.push({ field: 'closedOn', message: 'Date must be today or in the future' });
    else if (date.data > addDays(today, 3 * 366)) {
      errors.push({ field: 'closedOn', message: 'Date must be within the next 3 years' });
    }
    if (!form.ok) errors.push(...form.errors);
    if (errors.length || !form.ok || !date.ok || !date.data) throw new ValidationError(errors);
    const closedOn = date.data;
    const input = form.data;
    const areaId = input.areaId || null;
    await this.db.transaction().execute(async (trx) => {
      if (areaId && !(await repo.findArea(trx, areaId))) {
        throw new ValidationError([{ field: 'areaId', message: 'Select an area' }]);
      }
      if (await closures.closureExists(trx, closedOn, areaId)) {
        throw new ValidationError([{ field: 'closedOn', message: 'That day is already a closure day' }]);
      }
      const id = await closures.insertClosure(trx, {
        closedOn,
        name: input.name,
        areaId,
        addedBy: ctx.actor!.userId,
      });
      await recordAudit(trx, auditContext(ctx, 'system_admin'), {
        action: 'admin.closure-day.added',
        recordType: 'calendar_closure',
        recordId: id,
        details: { closedOn, name: input.name, areaId },
      });
    });
  }

  async find(ctx: RequestContext, id: string) {
    requireRole(ctx.actor, 'system_admin');
    const closure = await closures.findClosure(this.db, id);
    if (!closure) throw new NotFoundError();
    return { ...closure, label: longDate(closure.closed_on) };
  }

  /** Removing a day already removed is a no-op. */
  async remove(ctx: RequestContext, id: string): Promise<void> {
    requireRole(ctx.actor, 'system_admin');
    await this.db.transaction().execute(async (trx) => {
      const closure = await closures.findClosure(trx, id);
      if (!closure) return;
      await closures.deleteClosure(trx, id);
      await recordAudit(trx, auditContext(ctx, 'system_admin'), {
        action: 'admin.closure-day.removed',
        recordType: 'calendar_closure',
        recordId: id,
        details: { closedOn: closure.closed_on, name: closure.name, areaId: closure.area_id },
      });
    });
  }
}

const FLASH: Record<string, string> = { added: 'Closure day added', removed: 'Closure day removed' };

export function registerClosureRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new ClosureService(deps.database.db);

  const listPage = async (
    reply: FastifyReply,
    data: { values?: Record<string, string | string[]>; errors?: FieldError[]; flash?: string },
  ) => {
    const ctx = reply.request.ctx();
    const [days, areas] = [await service.upcoming(ctx), await service.areas(ctx)];
    return reply.page('admin/views/closures.njk', { days, areas, values: {}, ...data });
  };

  app.get<{ Querystring: { done?: string } }>('/admin/closure-days', async (request, reply) =>
    listPage(reply, { flash: FLASH[request.query.done ?? ''] }),
  );

  app.post('/admin/closure-days', async (request, reply) => {
    try {
      await service.add(request.ctx(), request.body);
      return reply.redirect('/admin/closure-days?done=added', 303);
    } catch (err) {
      if (err instanceof ValidationError) {
        reply.code(400);
        return listPage(reply, { errors: err.errors, values: formValues(request.body) });
      }
      throw err;
    }
  });

  app.get<{ Params: { id: string } }>('/admin/closure-days/:id/remove', async (request, reply) => {
    if (!UUID.test(request.params.id)) throw new NotFoundError();
    const closure = await service.find(request.ctx(), request.params.id);
    return reply.page('admin/views/closure-remove.njk', { closure });
  });

  app.post<{ Params: { id: string } }>('/admin/closure-days/:id/remove', async (request, reply) => {
    if (!UUID.test(request.params.id)) throw new NotFoundError();
    await service.remove(request.ctx(), request.params.id);
    return reply.redirect('/admin/closure-days?done=removed', 303);
  });
}
