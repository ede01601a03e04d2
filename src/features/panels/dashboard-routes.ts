/**
 * The panel dashboard pages (docs/decisions/0038): one panel's figures, the chairs' view across panels, and each
 * table as a CSV. The period is chosen with two GOV.UK date inputs in the query string (dates only, never a name).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../platform/app-deps.ts';
import { londonToday, longDate } from '../../platform/calendar.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { dateFromParts, type FormProblem, formValues, orderedForm, parseForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { toCsv } from '../audit/csv.ts';
import { defaultPeriod, OUTCOME_ORDER, PanelDashboardService, type Period } from './dashboard.ts';

type One = { Params: { id: string } };

const part = z.string().trim().max(4).optional().default('');

/** The period: both dates optional (the last 6 months by default), each a real date, the start not after the end. */
export const PeriodForm = (today: string) =>
  orderedForm<Period>((_body, field, problem) => {
    const fallback = defaultPeriod(today);
    const read = (prefix: string, label: string) => {
      const d = field(`${prefix}-day`, part) ?? '';
      const m = field(`${prefix}-month`, part) ?? '';
      const y = field(`${prefix}-year`, part) ?? '';
      const r = dateFromParts(d, m, y, label);
      if (r.error) problem(prefix, r.error);
      return r.iso;
    };
    const from = read('from', 'Start date');
    const to = read('to', 'End date');
    const period = { from: from ?? fallback.from, to: to ?? fallback.to };
    if (period.from > period.to) problem('from', 'Start date must be the same as or before the end date');
    else if (period.from < '2000-01-01') problem('from', 'Start date must be in the year 2000 or later');
    return period;
  });

const TABLES = ['meetings', 'waiting', 'compliance', 'outcomes', 'recommendations', 'needs'] as const;
const CsvQuery = z.object({ table: z.enum(TABLES) });

const pct = (n: number | null) => (n === null ? '' : String(n));

export function registerPanelDashboardRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new PanelDashboardService(deps.database.db);

  /** The period asked for, or the page again with the problems and what was typed. */
  const periodOf = (query: unknown, at: Date): { period: Period } | { problem: FormProblem } => {
    const form = parseForm(PeriodForm(londonToday(at)), query);
    if (!form.ok) return { problem: { errors: form.errors, values: formValues(query) } };
    return { period: form.data };
  };
  const periodValues = (p: Period) => {
    const [fy, fm, fd] = p.from.split('-');
    const [ty, tm, td] = p.to.split('-');
    return {
      'from-day': String(Number(fd)),
      'from-month': String(Number(fm)),
      'from-year': fy!,
      'to-day': String(Number(td)),
      'to-month': String(Number(tm)),
      'to-year': ty!,
    };
  };
  const query = (p: Period) => new URLSearchParams(periodValues(p)).toString();

  const csv = (reply: FastifyReply, name: string, at: Date, header: string[], rows: (string | number)[][]) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${name}-${londonToday(at)}.csv"`)
      .send(
        toCsv(
          header,
          rows.map((r) => r.map(String)),
        ),
      );

  app.get('/panels/dashboard', async (request, reply) => {
    const ctx = request.ctx();
    const asked = periodOf(request.query, ctx.at);
    if ('problem' in asked) {
      return reply.code(400).page('panels/views/dashboard-across.njk', {
        errors: asked.problem.errors,
        values: asked.problem.values,
      });
    }
    const view = await service.acrossPanels(ctx, asked.period);
    return reply.page('panels/views/dashboard-across.njk', {
      ...view,
      period: asked.period,
      periodWords: { from: longDate(asked.period.from), to: longDate(asked.period.to) },
      values: periodValues(asked.period),
      query: query(asked.period),
      outcomeOrder: OUTCOME_ORDER,
    });
  });

  app.get('/panels/dashboard.csv', async (request, reply) => {
    const ctx = request.ctx();
    const asked = periodOf(request.query, ctx.at);
    const table = CsvQuery.safeParse(request.query);
    if ('problem' in asked || !table.success || !['compliance', 'outcomes'].includes(table.data.table)) {
      throw new NotFoundError();
    }
    const { figures } = await service.acrossPanels(ctx, asked.period);
    const perPanel = figures?.perPanel ?? [];
    if (table.data.table === 'compliance') {
      return csv(
        reply,
        'panel-compliance',
        ctx.at,
        ['Panel', 'Deadline', 'Due', 'Met on time', 'Met late', 'Missed', 'Not yet due', 'On time %'],
        perPanel.flatMap((p) =>
          p.compliance.map((r) => [
            p.name,
            r.words,
            r.due,
            r.onTime,
            r.late,
            r.missed,
            r.notYetDue,
            pct(r.onTimePercent),
          ]),
        ),
      );
    }
    return csv(
      reply,
      'panel-outcomes',
      ctx.at,
      ['Panel', 'Cases discussed', ...OUTCOME_ORDER.map((o) => o.words)],
      perPanel.map((p) => [p.name, p.cases, ...p.outcomes.map((o) => o.count)]),
    );
  });

  app.get<One>('/panels/:id/dashboard', async (request, reply) => {
    const { id } = request.params;
    checkId(id);
    const ctx = request.ctx();
    const asked = periodOf(request.query, ctx.at);
    if ('problem' in asked) {
      // The panel is checked (and a refusal audited) before the page says what was wrong with the dates.
      const view = await service.panel(ctx, id, defaultPeriod(londonToday(ctx.at)));
      return reply.code(400).page('panels/views/dashboard.njk', {
        panel: view.panel,
        errors: asked.problem.errors,
        values: asked.problem.values,
      });
    }
    const view = await service.panel(ctx, id, asked.period);
    return reply.page('panels/views/dashboard.njk', {
      ...view,
      figures: view.perPanel[0],
      period: asked.period,
      periodWords: { from: longDate(asked.period.from), to: longDate(asked.period.to) },
      values: periodValues(asked.period),
      query: query(asked.period),
    });
  });

  app.get<One>('/panels/:id/dashboard.csv', async (request, reply) => {
    const { id } = request.params;
    checkId(id);
    const ctx = request.ctx();
    const asked = periodOf(request.query, ctx.at);
    const table = CsvQuery.safeParse(request.query);
    if ('problem' in asked || !table.success) throw new NotFoundError();
    const view = await service.panel(ctx, id, asked.period);
    const name = `panel-${table.data.table}`;
    switch (table.data.table) {
      case 'meetings':
        return csv(
          reply,
          name,
          ctx.at,
          ['Meeting', 'Slots used', 'Capacity', 'Free'],
          view.meetings.map((m) => [m.date, m.used, m.capacity, m.free]),
        );
      case 'waiting':
        return csv(
          reply,
          name,
          ctx.at,
          ['Case reference', 'Waiting for', 'Since', 'Days waited'],
          view.waiting.map((w) => [w.reference, w.waitingFor, w.since, w.days]),
        );
      case 'compliance':
        return csv(
          reply,
          name,
          ctx.at,
          ['Deadline', 'Due', 'Met on time', 'Met late', 'Missed', 'Not yet due', 'On time %', 'Late %', 'Missed %'],
          view.compliance.map((r) => [
            r.words,
            r.due,
            r.onTime,
            r.late,
            r.missed,
            r.notYetDue,
            pct(r.onTimePercent),
            pct(r.latePercent),
            pct(r.missedPercent),
          ]),
        );
      case 'outcomes':
        return csv(
          reply,
          name,
          ctx.at,
          ['Outcome', 'Cases', '% of cases discussed'],
          view.perPanel[0]!.outcomes.map((o) => [o.words, o.count, pct(o.percent)]),
        );
      case 'recommendations':
        return csv(
          reply,
          name,
          ctx.at,
          ['Agency', 'Recommendations made', 'Not implemented', 'Overdue, not reported'],
          view.recommendations.map((r) => [r.organisation, r.made, r.notImplemented, r.overdueUnreported]),
        );
      case 'needs':
        return csv(
          reply,
          name,
          ctx.at,
          ['Area of need', ...view.needs.months.map((m) => m.label), 'Total'],
          view.needs.rows.map((r) => [r.name, ...r.counts, r.total]),
        );
    }
  });
}
