/**
 * Requests to a panel (docs/decisions/0030): asking a panel from a child's record, the child's requests, and the
 * panel's administration of them — the requests waiting, accepting, declining, redirecting, allocating a slot,
 * papers and the chair's agreement to late papers, and a meeting's agenda (reorderable without JavaScript, with the
 * "same child at two forums" warnings and their acknowledgements).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { PANEL_REDIRECTS } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { type FormProblem, orderedForm, submitForm } from '../../platform/forms.ts';
import { checkId, isUuid } from '../../platform/ids.ts';
import { PanelRequestService, REDIRECT_WORDS, type RequestInput, STEP_CODES, STEPS } from './requests.ts';

type Child = { Params: { id: string } };
type ChildPanel = { Params: { id: string; panelId: string } };
type ChildRequest = { Params: { id: string; requestId: string } };
type PanelReq = { Params: { id: string; requestId: string } };
type Agenda = { Params: { id: string; meetingId: string } };
type AgendaItem = { Params: { id: string; meetingId: string; requestId: string } };

const yesNo = (message: string) => z.enum(['yes', 'no'], { message });
const text = (what: string, max = 5000) =>
  z
    .string({ message: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(
      max,
      `${what.charAt(0).toUpperCase()}${what.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    );

export const RequestForm = orderedForm<RequestInput>((body, field, problem) => {
  const harm = field('harm', yesNo('Select yes if you suspect a child is at risk of significant harm'));
  const breakdown = field(
    'breakdown',
    yesNo('Select yes if there is a significant or immediate risk of family breakdown'),
  );
  const statutory = field(
    'statutory',
    yesNo('Select yes if an assessment for a specific service the council provides is needed'),
  );
  const educationOnly = field(
    'educationOnly',
    yesNo('Select yes if this is a school’s concern that is mainly about school or education'),
  );
  const raw = body.steps;
  const steps = (Array.isArray(raw) ? raw : typeof raw === 'string' && raw ? [raw] : []).filter(
    (s): s is string => typeof s === 'string',
  );
  if (!steps.every((s) => STEP_CODES.includes(s))) problem('steps', 'Select the steps from the list');
  // A "yes" to a redirect question sends the request elsewhere: the rest need not be complete.
  const redirecting = [harm, breakdown, statutory, educationOnly].includes('yes');
  const optional = (name: string, what: string) =>
    redirecting
      ? (field(name, z.string().trim().max(5000, `${what} must be 5,000 characters or fewer`).optional()) ?? '')
      : field(name, text(what.charAt(0).toLowerCase() + what.slice(1)));
  const changesWanted = optional('changesWanted', 'The changes the family wants');
  const successCriteria = optional('successCriteria', 'How the family will know it has worked');
  const questions = optional('questions', 'The questions for the panel');
  const serviceId = field(
    'serviceId',
    z
      .string()
      .optional()
      .refine((v) => !v || isUuid(v), 'Select the service you are asking for')
      .transform((v) => v || null),
  );
  const previousRequestId = field(
    'previousRequestId',
    z
      .string()
      .optional()
      .refine((v) => !v || isUuid(v), 'The earlier request is not recognised')
      .transform((v) => v || null),
  );
  const answers: Record<string, 'yes' | 'no' | 'unknown'> = {};
  // Whether the child lives where a service works, when the record cannot say: asked for each service, as
  // services serve different areas (the API answers `_area` for the one service it asks for).
  const areaAnswers: Record<string, 'yes' | 'no' | 'unknown'> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!(v === 'yes' || v === 'no' || v === 'unknown')) continue;
    const m = /^answer-(_area|[a-z0-9-]{1,40})$/.exec(k);
    if (m) answers[m[1]!] = v;
    const a = /^area-([0-9a-f-]{36})$/.exec(k);
    if (a && isUuid(a[1])) areaAnswers[a[1]!] = v;
  }
  return {
    harm: harm!,
    breakdown: breakdown!,
    statutory: statutory!,
    educationOnly: educationOnly!,
    steps,
    changesWanted: changesWanted ?? '',
    successCriteria: successCriteria ?? '',
    questions: questions ?? '',
    serviceId: serviceId ?? null,
    answers,
    areaAnswers,
    previousRequestId: previousRequestId ?? null,
  };
});

export const DeclineForm = z.object({ reason: text('why the request is declined', 2000) });
export const RedirectForm = z.object({
  reason: text('why the request is redirected', 2000),
  to: z.enum(PANEL_REDIRECTS, { message: 'Select where the request should go instead' }),
});
export const AllocateForm = z.object({
  meetingId: z
    .string()
    .optional()
    .refine((v) => !v || isUuid(v), 'Select a meeting from the list')
    .transform((v) => v || null),
});
export const MoveForm = z.object({ direction: z.enum(['up', 'down'], { message: 'Select up or down' }) });
export const AcknowledgeForm = z.object({
  personId: z.string().refine(isUuid, 'Select the child'),
  kind: z.enum(['panel_request', 'taf_meeting'], { message: 'Select the other forum' }),
  otherId: z.string().refine(isUuid, 'Select the other forum'),
});

const FLASH: Record<string, string> = {
  made: 'Request sent to the panel: its administrator has been told',
  accepted: 'Request accepted: give it a slot on a meeting',
  declined: 'Request declined: the referrer has been told',
  redirected: 'Request redirected: the referrer has been told',
  allocated: 'Slot allocated: the referrer has been sent an invitation with the slot’s time',
  papers: 'Papers recorded',
  agreed: 'The chair’s agreement to late papers is recorded',
  moved: 'Agenda changed',
  acknowledged: 'Recorded that you know the child is on another forum’s agenda',
  withdrawn: 'Request withdrawn: it has left the agenda and the panel’s administrator has been told',
};

export function registerPanelRequestRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new PanelRequestService(deps.database.db, deps.config.baseUrl);

  // The child's side.

  app.get<Child & { Querystring: { done?: string } }>('/people/:id/panel-requests', async (request, reply) => {
    checkId(request.params.id);
    const view = await service.forChild(request.ctx(), request.params.id);
    return reply.page('panels/views/child-requests.njk', { ...view, flash: FLASH[request.query.done ?? ''] });
  });

  app.get<Child>('/people/:id/panel-requests/new', async (request, reply) => {
    checkId(request.params.id);
    const view = await service.choosePanel(request.ctx(), request.params.id);
    return reply.page('panels/views/request-choose.njk', view);
  });

  const formPage = async (
    reply: FastifyReply,
    id: string,
    panelId: string,
    problem?: FormProblem,
    previousRequestId: string | null = null,
  ) => {
    const previousId =
      previousRequestId ??
      (typeof problem?.values.previousRequestId === 'string' ? problem.values.previousRequestId : '');
    const form = await service.form(
      reply.request.ctx(),
      id,
      panelId,
      undefined,
      isUuid(previousId) ? previousId : null,
    );
    // A re-referral starts with what the earlier request asked (docs/decisions/0036).
    const values =
      problem?.values ??
      (form.previous
        ? {
            changesWanted: form.previous.changes_wanted ?? '',
            successCriteria: form.previous.success_criteria ?? '',
            questions: form.previous.questions ?? '',
            previousRequestId: form.previous.id,
          }
        : {
            changesWanted: form.assessment?.changesWanted ?? '',
            successCriteria: form.assessment?.successCriteria ?? '',
          });
    const picked = new Set(
      Array.isArray(values.steps) ? values.steps : typeof values.steps === 'string' ? [values.steps] : [],
    );
    return reply.page('panels/views/request-form.njk', {
      ...form,
      values,
      stepItems: STEPS.map((s) => ({ value: s.code, text: s.text, checked: picked.has(s.code) })),
      serviceItems: [
        { value: '', text: 'Choose a service' },
        ...form.services.map((s) => ({ value: s.id, text: s.name, selected: values.serviceId === s.id })),
      ],
      errors: problem?.errors ?? [],
    });
  };

  app.get<ChildPanel & { Querystring: { previous?: string } }>(
    '/people/:id/panel-requests/new/:panelId',
    async (request, reply) => {
      checkId(request.params.id, request.params.panelId);
      const previous = typeof request.query.previous === 'string' ? request.query.previous : '';
      if (previous) checkId(previous);
      return formPage(reply, request.params.id, request.params.panelId, undefined, previous || null);
    },
  );

  app.post<ChildPanel>('/people/:id/panel-requests/new/:panelId', async (request, reply) => {
    const { id, panelId } = request.params;
    checkId(id, panelId);
    return submitForm(
      reply,
      RequestForm,
      async (data) => {
        const made = await service.make(request.ctx(), id, panelId, data);
        if (made.kind === 'made') return reply.redirect(`/people/${id}/panel-requests/${made.id}?done=made`, 303);
        // Redirected: the reason, and the one step to the right route with what was typed carried over.
        return reply.page('panels/views/request-redirected.njk', {
          personId: id,
          to: made.to,
          toWords: REDIRECT_WORDS[made.to],
          reasons: made.reasons,
          harm: data.harm,
          carried: {
            circumstances: [data.changesWanted, data.questions].filter(Boolean).join('\n\n'),
            needsToHappen: data.successCriteria,
            tried: STEPS.filter((s) => data.steps.includes(s.code))
              .map((s) => s.text)
              .join('\n'),
          },
        });
      },
      (problem) => formPage(reply, id, panelId, problem),
    );
  });

  app.get<ChildRequest & { Querystring: { done?: string } }>(
    '/people/:id/panel-requests/:requestId',
    async (request, reply) => {
      const { id, requestId } = request.params;
      checkId(id, requestId);
      const view = await service.viewForChild(request.ctx(), id, requestId);
      return reply.page('panels/views/child-request.njk', { ...view, flash: FLASH[request.query.done ?? ''] });
    },
  );

  app.post<ChildRequest>('/people/:id/panel-requests/:requestId/acknowledge', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return submitForm(
      reply,
      AcknowledgeForm,
      async (data) => {
        await service.acknowledgeForTaf(request.ctx(), id, requestId, data);
        return reply.redirect(`/people/${id}/panel-requests/${requestId}?done=acknowledged`, 303);
      },
      async (problem) => {
        const view = await service.viewForChild(request.ctx(), id, requestId);
        return reply.page('panels/views/child-request.njk', { ...view, errors: problem.errors });
      },
    );
  });

  // The panel's side: its administrator or chair.

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    '/panels/:id/requests',
    async (request, reply) => {
      checkId(request.params.id);
      const view = await service.waiting(request.ctx(), request.params.id);
      return reply.page('panels/views/requests.njk', { ...view, flash: FLASH[request.query.done ?? ''] });
    },
  );

  const adminPage = async (reply: FastifyReply, id: string, requestId: string, extra: Record<string, unknown> = {}) => {
    const view = await service.adminView(reply.request.ctx(), id, requestId);
    return reply.page('panels/views/request-admin.njk', {
      ...view,
      redirectItems: PANEL_REDIRECTS.map((v) => ({
        value: v,
        text: REDIRECT_WORDS[v],
        checked: (extra.values as Record<string, unknown> | undefined)?.to === v,
      })),
      meetingItems: [
        { value: '', text: 'The next meeting with a free slot' },
        ...view.meetings.filter((m) => m.papersOpen && m.free > 0).map((m) => ({ value: m.id, text: m.label })),
      ],
      values: {},
      errors: [],
      ...extra,
    });
  };

  app.get<PanelReq & { Querystring: { done?: string } }>('/panels/:id/requests/:requestId', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return adminPage(reply, id, requestId, { flash: FLASH[request.query.done ?? ''] });
  });

  const back = (reply: FastifyReply, id: string, requestId: string, done: string) =>
    reply.redirect(`/panels/${id}/requests/${requestId}?done=${done}`, 303);

  app.post<PanelReq>('/panels/:id/requests/:requestId/accept', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return submitForm(
      reply,
      z.object({}),
      async () => {
        await service.accept(request.ctx(), id, requestId);
        return back(reply, id, requestId, 'accepted');
      },
      (problem) => adminPage(reply, id, requestId, { ...problem }),
    );
  });

  app.post<PanelReq>('/panels/:id/requests/:requestId/decline', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return submitForm(
      reply,
      DeclineForm,
      async (data) => {
        await service.close(request.ctx(), id, requestId, { decision: 'declined', reason: data.reason, to: null });
        return back(reply, id, requestId, 'declined');
      },
      (problem) => adminPage(reply, id, requestId, { ...problem }),
    );
  });

  app.post<PanelReq>('/panels/:id/requests/:requestId/redirect', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return submitForm(
      reply,
      RedirectForm,
      async (data) => {
        await service.close(request.ctx(), id, requestId, { decision: 'redirected', reason: data.reason, to: data.to });
        return back(reply, id, requestId, 'redirected');
      },
      (problem) => adminPage(reply, id, requestId, { ...problem }),
    );
  });

  app.post<PanelReq>('/panels/:id/requests/:requestId/allocate', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return submitForm(
      reply,
      AllocateForm,
      async (data) => {
        await service.allocate(request.ctx(), id, requestId, data.meetingId);
        return back(reply, id, requestId, 'allocated');
      },
      (problem) => adminPage(reply, id, requestId, { ...problem }),
    );
  });

  app.post<PanelReq>('/panels/:id/requests/:requestId/papers', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return submitForm(
      reply,
      z.object({}),
      async () => {
        const r = await service.papersReceived(request.ctx(), id, requestId);
        if (r.moved) {
          return adminPage(reply, id, requestId, {
            flash: `The papers arrived after the deadline: the case has moved to the meeting on ${r.moved}, and the referrer has been sent a new invitation`,
          });
        }
        return back(reply, id, requestId, 'papers');
      },
      (problem) => adminPage(reply, id, requestId, { ...problem }),
    );
  });

  app.post<PanelReq>('/panels/:id/requests/:requestId/late-papers', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return submitForm(
      reply,
      z.object({}),
      async () => {
        await service.agreeLatePapers(request.ctx(), id, requestId);
        return back(reply, id, requestId, 'agreed');
      },
      (problem) => adminPage(reply, id, requestId, { ...problem }),
    );
  });

  const agendaPage = async (
    reply: FastifyReply,
    id: string,
    meetingId: string,
    extra: Record<string, unknown> = {},
  ) => {
    const view = await service.agenda(reply.request.ctx(), id, meetingId);
    return reply.page('panels/views/agenda.njk', { ...view, errors: [], ...extra });
  };

  app.get<Agenda & { Querystring: { done?: string } }>(
    '/panels/:id/meetings/:meetingId/agenda',
    async (request, reply) => {
      const { id, meetingId } = request.params;
      checkId(id, meetingId);
      return agendaPage(reply, id, meetingId, { flash: FLASH[request.query.done ?? ''] });
    },
  );

  app.post<AgendaItem>('/panels/:id/meetings/:meetingId/agenda/:requestId/move', async (request, reply) => {
    const { id, meetingId, requestId } = request.params;
    checkId(id, meetingId, requestId);
    return submitForm(
      reply,
      MoveForm,
      async (data) => {
        await service.move(request.ctx(), id, meetingId, requestId, data.direction);
        return reply.redirect(`/panels/${id}/meetings/${meetingId}/agenda?done=moved`, 303);
      },
      (problem) => agendaPage(reply, id, meetingId, { ...problem }),
    );
  });

  app.post<AgendaItem>('/panels/:id/meetings/:meetingId/agenda/:requestId/acknowledge', async (request, reply) => {
    const { id, meetingId, requestId } = request.params;
    checkId(id, meetingId, requestId);
    return submitForm(
      reply,
      AcknowledgeForm,
      async (data) => {
        await service.acknowledgeForPanel(request.ctx(), id, requestId, data);
        return reply.redirect(`/panels/${id}/meetings/${meetingId}/agenda?done=acknowledged`, 303);
      },
      (problem) => agendaPage(reply, id, meetingId, { ...problem }),
    );
  });
}
