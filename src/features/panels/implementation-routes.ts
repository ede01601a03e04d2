/**
 * Reports on implementing a panel's recommendations, and the chair considering a report of non-implementation
 * (docs/decisions/0036).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../platform/app-deps.ts';
import { dateFromParts, type FormProblem, orderedForm, submitForm } from '../../platform/forms.ts';
import { checkId, isUuid } from '../../platform/ids.ts';
import { PanelImplementationService, type ReportInput } from './implementation.ts';

type ReportParams = { Params: { id: string; requestId: string; recommendationId: string } };

export const MAX = 2000;
export const tooLong = (label: string) => `${label} must be ${MAX.toLocaleString('en-GB')} characters or fewer`;

/** The report's rules, for the page and the API: implemented with its date, or not implemented with why. */
export const reportForm = () =>
  orderedForm<ReportInput>((body, field, problem) => {
    const outcome = field(
      'implemented',
      z.enum(['yes', 'no'], { message: 'Select whether the recommendation was implemented' }),
    );
    const corrects = field(
      'corrects',
      z
        .string()
        .optional()
        .refine((v) => !v || isUuid(v), 'The report being corrected is not recognised')
        .transform((v) => v || null),
    );
    let implementedOn: string | null = null;
    let note: string | null = null;
    if (outcome === 'yes') {
      const d = dateFromParts(
        String(body['implementedOn-day'] ?? '').trim(),
        String(body['implementedOn-month'] ?? '').trim(),
        String(body['implementedOn-year'] ?? '').trim(),
        'Date implemented',
      );
      if (d.error) problem('implementedOn', d.error);
      else if (!d.iso) problem('implementedOn', 'Enter the date it was implemented');
      else implementedOn = d.iso;
      note =
        field(
          'note',
          z
            .string()
            .trim()
            .max(MAX, tooLong('The note'))
            .optional()
            .transform((v) => v || null),
        ) ?? null;
    } else if (outcome === 'no') {
      note =
        field(
          'reason',
          z
            .string({ message: 'Enter why it was not implemented' })
            .trim()
            .min(1, 'Enter why it was not implemented')
            .max(MAX, tooLong('Why it was not implemented')),
        ) ?? null;
    }
    return { implemented: outcome === 'yes', implementedOn, note, corrects: corrects ?? null };
  });

export function registerPanelImplementationRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new PanelImplementationService(deps.database.db);

  const reportPage = async (
    reply: FastifyReply,
    personId: string,
    requestId: string,
    recId: string,
    problem?: FormProblem,
  ) => {
    const view = await service.reportPage(reply.request.ctx(), personId, requestId, recId);
    return reply.page('panels/views/implementation-report.njk', {
      ...view,
      values: problem?.values ?? { corrects: view.implementation.current?.id ?? '' },
      errors: problem?.errors ?? [],
    });
  };

  app.get<ReportParams>(
    '/people/:id/panel-requests/:requestId/recommendations/:recommendationId/implementation',
    async (request, reply) => {
      const { id, requestId, recommendationId } = request.params;
      checkId(id, requestId, recommendationId);
      return reportPage(reply, id, requestId, recommendationId);
    },
  );

  app.post<ReportParams>(
    '/people/:id/panel-requests/:requestId/recommendations/:recommendationId/implementation',
    async (request, reply) => {
      const { id, requestId, recommendationId } = request.params;
      checkId(id, requestId, recommendationId);
      return submitForm(
        reply,
        reportForm(),
        async (data) => {
          const done = await service.report(request.ctx(), id, requestId, recommendationId, data);
          return reply.redirect(
            `/people/${id}/panel-requests/${requestId}/decisions?done=${done.corrected ? 'corrected' : 'reported'}#recommendations`,
            303,
          );
        },
        (problem) => reportPage(reply, id, requestId, recommendationId, problem),
      );
    },
  );
}
