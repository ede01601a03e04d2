import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/app-deps.ts';
import { londonToday } from '../../platform/calendar.ts';
import { parseForm } from '../../platform/forms.ts';
import { modelWith } from '../people/search.ts';
import { PeopleService } from '../people/service.ts';
import { toCsv } from './csv.ts';
import { FindChild, type HistoryFilters, RecordLookup, UserLookup } from './schemas.ts';
import { AuditService } from './service.ts';

const COMMON_TYPES = ['person', 'user', 'organisation', 'area', 'team', 'case_note', 'consent', 'directory_service'];

/** The query string of a history with its filters: ids, action codes and dates, never a name. */
function historyQuery(type: string, id: string, filters: HistoryFilters) {
  const q = new URLSearchParams({ type, id });
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  return q.toString();
}

export function registerAuditRoutes(app: FastifyInstance, deps: AppDeps) {
  const audit = new AuditService(deps.database.db);
  const people = new PeopleService(deps.database.db, modelWith(deps.config.matching), deps.database.reader);
  const typesFor = async (request: { ctx: () => Parameters<AuditService['recordTypes']>[0] }) => [
    ...new Set([...COMMON_TYPES, ...(await audit.recordTypes(request.ctx()))]),
  ];

  app.get('/audit', async (request, reply) => {
    return reply.page('audit/views/index.njk', { types: await typesFor(request), values: {} });
  });

  // A name is personal data, so finding a child by name is a form post: the name never goes into a URL.
  app.post('/audit/find', async (request, reply) => {
    const types = await typesFor(request);
    const form = parseForm(FindChild, request.body);
    const values = request.body ?? {};
    if (!form.ok)
      return reply.code(400).page('audit/views/index.njk', { types, errors: form.errors, values, found: null });
    const result = await people.search(
      request.ctx(),
      { givenName: form.data.givenName || undefined, familyName: form.data.familyName },
      { forAudit: true },
    );
    return reply.page('audit/views/index.njk', { types, values: {}, find: values, found: result });
  });

  // Record references are ids, never names, so the query string holds no personal data.
  app.get('/audit/record', async (request, reply) => {
    const form = parseForm(RecordLookup, request.query);
    if (!form.ok) {
      const onlyFilters = form.errors.every((e) => ['user', 'action', 'from', 'to'].includes(e.field));
      const q = request.query as Record<string, string>;
      if (onlyFilters && q.type && q.id) {
        const plain = parseForm(RecordLookup, { type: q.type, id: q.id });
        if (plain.ok) {
          const result = await audit.recordHistory(request.ctx(), plain.data.type, plain.data.id, 1);
          if (result.found) {
            return reply
              .code(400)
              .page('audit/views/record.njk', { ...plain.data, ...result, filters: q, errors: form.errors });
          }
        }
      }
      return reply
        .code(400)
        .page('audit/views/index.njk', { types: await typesFor(request), errors: form.errors, values: request.query });
    }
    const { type, id, page, ...filters } = form.data;
    const result = await audit.recordHistory(request.ctx(), type, id, page, filters);
    if (!result.found) {
      return reply.code(404).page('audit/views/index.njk', {
        types: await typesFor(request),
        errors: [{ field: 'id', message: 'No record with that reference' }],
        values: { type, id },
      });
    }
    return reply.page('audit/views/record.njk', {
      type,
      id,
      page,
      filters,
      query: historyQuery(type, id, filters),
      ...result,
    });
  });

  // The whole filtered history as a spreadsheet. The file name holds the record type and date, not a name.
  // The whole filtered history, for the CSV and the printout: the lookup checked, the export audited.
  const exportFor = async (request: FastifyRequest, reply: FastifyReply) => {
    const form = parseForm(RecordLookup, request.query);
    if (!form.ok)
      return reply
        .code(400)
        .page('audit/views/index.njk', { types: await typesFor(request), errors: form.errors, values: request.query });
    const { type, id, page: _page, ...filters } = form.data;
    const result = await audit.exportHistory(request.ctx(), type, id, filters);
    if (!result.found) return reply.code(404).page('pages/not-found.njk');
    return { type, id, filters, result };
  };

  app.get('/audit/record.csv', async (request, reply) => {
    const exported = await exportFor(request, reply);
    if (!('result' in exported)) return exported;
    const { type, result } = exported;
    const rows = result.rows.map((e) => [
      e.occurred_at.toISOString(),
      e.actor_name ?? 'Not signed in',
      e.organisation_name ?? '',
      e.role ?? '',
      e.action_words,
      e.record_type ? `${e.record_type} ${e.record_id ?? ''}`.trim() : '',
      e.reason ?? '',
      e.client_ip ?? '',
    ]);
    const csv = toCsv(['When', 'Who', 'Organisation', 'Role', 'Action', 'Record', 'Reason', 'From'], rows);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        `attachment; filename="access-history-${type}-${londonToday(request.ctx().at)}.csv"`,
      )
      .send(csv);
  });

  // The same history on paper: every event that matches, without the service's navigation.
  app.get('/audit/record/print', async (request, reply) => {
    const exported = await exportFor(request, reply);
    if (!('result' in exported)) return exported;
    const { type, id, filters, result } = exported;
    return reply.page('audit/views/print.njk', {
      type,
      id,
      filters,
      query: historyQuery(type, id, filters),
      ...result,
    });
  });

  app.get('/audit/user', async (request, reply) => {
    const form = parseForm(UserLookup, request.query);
    if (!form.ok) return reply.code(404).page('pages/not-found.njk');
    const result = await audit.userActivity(request.ctx(), form.data.id, form.data.page);
    if (!result.user) return reply.code(404).page('pages/not-found.njk');
    return reply.page('audit/views/user.njk', { page: form.data.page, ...result });
  });

  app.post('/audit/verify', async (request, reply) => {
    const result = await audit.verify(request.ctx());
    return reply.page('audit/views/index.njk', { types: await typesFor(request), values: {}, verification: result });
  });
}
