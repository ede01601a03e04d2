import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { parseForm } from '../../platform/forms.ts';
import { RecordLookup, UserLookup } from './schemas.ts';
import { AuditService } from './service.ts';

const COMMON_TYPES = ['person', 'user', 'organisation', 'area', 'team', 'case_note', 'consent', 'directory_service'];

export function registerAuditRoutes(app: FastifyInstance, deps: AppDeps) {
  const audit = new AuditService(deps.database.db);

  app.get('/audit', async (request, reply) => {
    const types = [...new Set([...COMMON_TYPES, ...(await audit.recordTypes(request.ctx()))])];
    return reply.page('audit/views/index.njk', { types, values: {} });
  });

  // Record references are ids, never names, so the query string holds no personal data.
  app.get('/audit/record', async (request, reply) => {
    const types = [...new Set([...COMMON_TYPES, ...(await audit.recordTypes(request.ctx()))])];
    const form = parseForm(RecordLookup, request.query);
    if (!form.ok) {
      return reply.code(400).page('audit/views/index.njk', { types, errors: form.errors, values: request.query });
    }
    const { type, id, page } = form.data;
    const result = await audit.recordHistory(request.ctx(), type, id, page);
    return reply.page('audit/views/record.njk', { type, id, page, ...result });
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
    const types = [...new Set([...COMMON_TYPES, ...(await audit.recordTypes(request.ctx()))])];
    return reply.page('audit/views/index.njk', { types, values: {}, verification: result });
  });
}
