/**
 * A panel meeting's papers (docs/decisions/0035): the papers pack and the agenda to circulate, each as a page to
 * print and as a PDF made by the platform's documents code. PanelPapersService decides who may read them and audits
 * every reading.
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../platform/app-deps.ts';
import { pdfFileName, pdfHeaders, renderPdf } from '../../platform/documents.ts';
import { checkId } from '../../platform/ids.ts';
import { PanelPapersService } from './papers.ts';

type Meeting = { Params: { id: string; meetingId: string } };

export function registerPanelPapersRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new PanelPapersService(deps.database.db);

  app.get<Meeting>('/panels/:id/meetings/:meetingId/papers', async (request, reply) => {
    const { id, meetingId } = request.params;
    checkId(id, meetingId);
    const view = await service.pack(request.ctx(), id, meetingId, 'view');
    return reply.page('panels/views/papers-print.njk', { ...view, kind: 'pack' });
  });

  app.get<Meeting>('/panels/:id/meetings/:meetingId/papers/pdf', async (request, reply) => {
    const { id, meetingId } = request.params;
    checkId(id, meetingId);
    const ctx = request.ctx();
    const view = await service.pack(ctx, id, meetingId, 'download');
    const pdf = await renderPdf(view.document);
    return reply.headers(pdfHeaders(pdfFileName('panel-papers', ctx.at))).send(pdf);
  });

  app.get<Meeting>('/panels/:id/meetings/:meetingId/papers/agenda', async (request, reply) => {
    const { id, meetingId } = request.params;
    checkId(id, meetingId);
    const view = await service.agenda(request.ctx(), id, meetingId, 'view');
    return reply.page('panels/views/papers-print.njk', { ...view, kind: 'agenda' });
  });

  app.get<Meeting>('/panels/:id/meetings/:meetingId/papers/agenda/pdf', async (request, reply) => {
    const { id, meetingId } = request.params;
    checkId(id, meetingId);
    const ctx = request.ctx();
    const view = await service.agenda(ctx, id, meetingId, 'download');
    const pdf = await renderPdf(view.document);
    return reply.headers(pdfHeaders(pdfFileName('panel-agenda', ctx.at))).send(pdf);
  });
}
