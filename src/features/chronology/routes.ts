import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { defineApiRoute } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import type { ChronologyFilters } from '../../platform/chronology.ts';
import { pdfFileName, pdfHeaders, renderPdf } from '../../platform/documents.ts';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { asArray, formValues, readDate } from '../../platform/forms.ts';
import { checkId, UUID } from '../../platform/ids.ts';
import { MergedRecordError } from '../people/service.ts';
import { chronologyDocument, filtersInWords, when } from './document.ts';
import { CHRONOLOGY_SOURCES, ChronologyService, type ChronologyUse } from './service.ts';

const KINDS = CHRONOLOGY_SOURCES.map((s) => s.kind);

type Query = Record<string, unknown>;
type P = { Params: { id: string }; Querystring: Query };

/** The filter form (a GET form: kinds, an agency id and dates; nothing personal). */
export function parseFilters(query: Query): { filters: ChronologyFilters; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const kinds = asArray(query.kind).filter((k) => KINDS.includes(k));
  const organisation = typeof query.organisation === 'string' ? query.organisation.trim() : '';
  const from = readDate(query, 'from', 'The start date', errors);
  const to = readDate(query, 'to', 'The end date', errors);
  if (from && to && from > to)
    errors.push({ field: 'to', message: 'The end date must be the same as or after the start date' });
  return {
    filters: {
      ...(kinds.length ? { kinds } : {}),
      ...(UUID.test(organisation) ? { organisationId: organisation } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    },
    errors,
  };
}

/** The query string of the filters, carried to the print view and the PDF so they show what the page shows. */
function filterQuery(query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(formValues(query))) {
    if (!/^(kind|organisation|(from|to)-(day|month|year))$/.test(k)) continue;
    for (const x of Array.isArray(v) ? v : [v]) if (x) params.append(k, x);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function registerChronologyRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new ChronologyService(deps.database.db);

  async function run(
    reply: FastifyReply,
    id: string,
    family: boolean,
    query: Query,
    use: ChronologyUse,
    base: string,
  ): Promise<FastifyReply> {
    checkId(id);
    const ctx = reply.request.ctx();
    const { filters, errors } = parseFilters(query);
    try {
      // A form with mistakes shows them, with what was typed, and the chronology unfiltered by the wrong dates.
      const data = family
        ? await service.forFamily(ctx, id, errors.length ? {} : filters, use)
        : await service.forChild(ctx, id, errors.length ? {} : filters, use);
      const effective = errors.length ? {} : filters;
      const doc = chronologyDocument({ ...data, family, filters: effective, at: ctx.at });
      if (use === 'download') {
        const pdf = await renderPdf(doc);
        return reply.headers(pdfHeaders(pdfFileName(family ? 'family-chronology' : 'chronology', ctx.at))).send(pdf);
      }
      if (use === 'print')
        return reply.page('chronology/views/print.njk', { document: doc, backHref: base + filterQuery(query) });
      return reply.code(errors.length ? 400 : 200).page('chronology/views/chronology.njk', {
        ...data,
        family,
        entries: data.entries.map((e) => ({ ...e, when: when(e) })),
        values: { ...formValues(query), kind: asArray(query.kind) },
        errors: errors.length ? errors : undefined,
        filtersInWords: filtersInWords({ ...data, filters: effective }),
        filtered: Object.keys(effective).length > 0,
        base,
        printHref: `${base}/print${filterQuery(query)}`,
        pdfHref: `${base}/pdf${filterQuery(query)}`,
      });
    } catch (err) {
      if (err instanceof MergedRecordError) return reply.redirect(`/people/${err.keptId}/chronology`, 303);
      throw err;
    }
  }

  for (const [suffix, use] of [
    ['', 'view'],
    ['/print', 'print'],
    ['/pdf', 'download'],
  ] as const) {
    app.get<P>(`/people/:id/chronology${suffix}`, async (request, reply) =>
      run(reply, request.params.id, false, request.query ?? {}, use, `/people/${request.params.id}/chronology`),
    );
    app.get<P>(`/people/:id/family/chronology${suffix}`, async (request, reply) =>
      run(reply, request.params.id, true, request.query ?? {}, use, `/people/${request.params.id}/family/chronology`),
    );
  }

  // ---- API ------------------------------------------------------------------------------------------------

  const isoDate = (name: string) =>
    z
      .string({ error: `${name} must be a date, YYYY-MM-DD` })
      .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${name} must be a date, YYYY-MM-DD` })
      .optional();
  const Entry = z.object({
    id: z.string(),
    at: z.string().describe('When it happened (an instant, ISO 8601); for a day-only fact, noon UTC on that day.'),
    date: z.string().describe('The day in England, YYYY-MM-DD.'),
    allDay: z.boolean().describe('The fact is a day, not an instant (an involvement that started on a date).'),
    kind: z.string(),
    kindLabel: z.string(),
    title: z.string(),
    summary: z.string().nullable(),
    summaryWithheld: z.boolean().describe('The entry shows, but its details are case detail you may not see.'),
    organisationId: z.string().nullable(),
    organisationName: z.string().nullable(),
    actorName: z.string().nullable(),
    href: z.string().nullable().describe('The page of the record the entry came from, when you may open it.'),
  });
  const Response = z.object({
    personId: z.string(),
    entries: z.array(Entry),
    withheld: z
      .number()
      .int()
      .describe('Entries you may not see, counted over the whole chronology whatever the filters; never shown.'),
    kinds: z.array(z.object({ kind: z.string(), label: z.string() })),
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/people/:id/chronology',
    summary: 'A child’s chronology: what happened, newest first, as far as the token’s user may see it',
    description:
      'Entries from every feature (record created, involvements, consent, sharing decisions, shielding, merges, case ' +
      'notes). Needs a relationship with the child (or a partnership role for a child in the partnership); otherwise ' +
      '404. Entries the user may not see are counted in `withheld`, never shown. Each call is audited on the child.',
    tags: ['Chronology'],
    auth: true,
    params: z.object({ id: z.string().regex(UUID, { error: 'id must be a record id' }) }),
    query: z.object({
      kind: z
        .union([z.enum(KINDS as [string, ...string[]]), z.array(z.enum(KINDS as [string, ...string[]]))], {
          error: `kind must be one of ${KINDS.join(', ')}`,
        })
        .optional()
        .describe('Only entries of these kinds (repeat for several).'),
      organisationId: z.string().regex(UUID, { error: 'organisationId must be an organisation id' }).optional(),
      from: isoDate('from'),
      to: isoDate('to'),
    }),
    response: Response,
    handler: async (ctx, { params, query }) => {
      if (query.from && query.to && query.from > query.to) {
        throw new ValidationError([{ field: 'to', message: 'to must be the same as or after from' }]);
      }
      try {
        const kinds = query.kind === undefined ? [] : Array.isArray(query.kind) ? query.kind : [query.kind];
        const r = await service.forChild(ctx, params.id, {
          ...(kinds.length ? { kinds } : {}),
          ...(query.organisationId ? { organisationId: query.organisationId } : {}),
          ...(query.from ? { from: query.from } : {}),
          ...(query.to ? { to: query.to } : {}),
        });
        return {
          personId: r.person.id,
          entries: r.entries.map((e) => ({ ...e, at: e.at.toISOString() })),
          withheld: r.withheld,
          kinds: r.kinds,
        };
      } catch (err) {
        // The API names no other record: a merged record's chronology is asked for by the record kept.
        if (err instanceof MergedRecordError) throw new NotFoundError();
        throw err;
      }
    },
  });
}
