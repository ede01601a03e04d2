/**
 * The family's decision letter (docs/decisions/0037): a printable page, a PDF, and recording the day it was sent and
 * how. Reached from the meeting's record and from the case's decisions on the child's record.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PANEL_LETTER_METHODS, type PanelLetterMethod } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { londonToday } from '../../platform/calendar.ts';
import { documentText, fontCovers, pdfFileName, pdfHeaders, renderPdf } from '../../platform/documents.ts';
import { dateFromParts, type FormProblem, orderedForm, submitForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { decisionLetterDocument } from './decision-letter.ts';
import { DecisionLetterService, LETTER_METHOD_WORDS } from './decision-letter-service.ts';

type ChildRequest = { Params: { id: string; requestId: string } };

/** The day the letter was sent (today or earlier) and how. */
export const letterSentForm = (at: Date) =>
  orderedForm<{ sentOn: string; method: PanelLetterMethod }>((body, _field, problem) => {
    const d = dateFromParts(
      String(body['sentOn-day'] ?? '').trim(),
      String(body['sentOn-month'] ?? '').trim(),
      String(body['sentOn-year'] ?? '').trim(),
      'The date the letter was sent',
    );
    let sentOn = '';
    if (d.error) problem('sentOn', d.error);
    else if (!d.iso) problem('sentOn', 'Enter the date the letter was sent');
    else if (d.iso > londonToday(at)) problem('sentOn', 'The date the letter was sent must be today or in the past');
    else sentOn = d.iso;
    const method = String(body.method ?? '');
    if (!(PANEL_LETTER_METHODS as readonly string[]).includes(method)) {
      problem('method', 'Select how the letter was sent to the family');
    }
    return { sentOn, method: method as PanelLetterMethod };
  });

export function registerDecisionLetterRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new DecisionLetterService(deps.database.db);

  const letterPage = async (reply: FastifyReply, id: string, requestId: string, problem?: FormProblem) => {
    const data = await service.letterView(reply.request.ctx(), id, requestId);
    const values: Record<string, unknown> = problem?.values ?? {};
    const done = (reply.request.query as Record<string, unknown> | undefined)?.done;
    return reply.page('panels/views/decision-letter.njk', {
      ...data,
      ...data.letter,
      pdfAvailable: data.letter.dir === 'ltr' && fontCovers(documentText(decisionLetterDocument(data.letter))),
      methodWords: LETTER_METHOD_WORDS,
      methodItems: PANEL_LETTER_METHODS.map((m) => ({
        value: m,
        text: LETTER_METHOD_WORDS[m],
        checked: values.method === m,
      })),
      values,
      ...(done === 'recorded' ? { flash: 'Recorded: the letter has been sent to the family.' } : {}),
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<ChildRequest>('/people/:id/panel-requests/:requestId/letter', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return letterPage(reply, id, requestId);
  });

  app.get<ChildRequest>('/people/:id/panel-requests/:requestId/letter/pdf', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    const ctx = request.ctx();
    const model = await service.letterDocument(ctx, id, requestId);
    const pdf = await renderPdf(model);
    return reply.headers(pdfHeaders(pdfFileName('panel-decision-letter', ctx.at))).send(pdf);
  });

  app.post<ChildRequest>('/people/:id/panel-requests/:requestId/letter', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return submitForm(
      reply,
      letterSentForm(request.ctx().at),
      async (data) => {
        await service.recordSent(request.ctx(), id, requestId, data);
        return reply.redirect(`/people/${id}/panel-requests/${requestId}/letter?done=recorded`, 303);
      },
      (problem) => letterPage(reply, id, requestId, problem),
    );
  });
}
