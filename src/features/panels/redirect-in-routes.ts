/**
 * Redirecting a received request to a panel (docs/decisions/0039): from the front door's request for targeted
 * support on the targeted services leader's work list, choose the panel and the child, record the family's agreement
 * and why the agency cannot meet it, and make the request to the panel through its own checks.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { FAMILY_AGREED_HOW } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { dateParts, type FormProblem, orderedForm, submitForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { type FamilyAgreement, PanelRedirectInService } from './redirect-in.ts';
import { AGREED_HOW_WORDS } from './redirected-in-view.ts';
import { RequestForm } from './request-routes.ts';
import { REDIRECT_WORDS, type RequestInput, STEPS } from './requests.ts';

type Received = { Params: { id: string } };
type ReceivedFor = { Params: { id: string; panelId: string; personId: string } };

/** The family's agreement and the agency's reason, then the panel request's own questions. */
export const RedirectInForm = orderedForm<RequestInput & FamilyAgreement>((body, field, problem) => {
  const familyAgreed = field(
    'familyAgreed',
    z.enum(['yes', 'no'], { message: 'Select yes if the family has been told and agrees to the panel' }),
  );
  let agreedBy = '';
  let agreedOn: string | null = null;
  let agreedHow: (typeof FAMILY_AGREED_HOW)[number] | null = null;
  if (familyAgreed === 'yes') {
    agreedBy =
      field(
        'agreedBy',
        z
          .string({ message: 'Enter who in the family agreed' })
          .trim()
          .min(1, 'Enter who in the family agreed')
          .max(200, 'Who in the family agreed must be 200 characters or fewer'),
      ) ?? '';
    const on = field('agreedOn', dateParts('agreedOn', 'The date the family agreed'), body);
    if (on === undefined && !body['agreedOn-day'] && !body['agreedOn-month'] && !body['agreedOn-year']) {
      problem('agreedOn', 'Enter the date the family agreed');
    }
    agreedOn = on ?? null;
    agreedHow = field('agreedHow', z.enum(FAMILY_AGREED_HOW, { message: 'Select how the family agreed' })) ?? null;
  }
  const reason =
    field(
      'reason',
      z
        .string({ message: 'Enter why your agency cannot meet the request' })
        .trim()
        .min(1, 'Enter why your agency cannot meet the request')
        .max(2000, 'Why your agency cannot meet the request must be 2,000 characters or fewer'),
    ) ?? '';
  const request = RequestForm.safeParse(body);
  if (!request.success) {
    for (const issue of request.error.issues) problem(issue.path.map(String).join('-'), issue.message);
  }
  return {
    ...(request.success ? request.data : ({} as RequestInput)),
    familyAgreed: familyAgreed!,
    agreedBy,
    agreedOn,
    agreedHow,
    reason,
  };
});

export function registerPanelRedirectInRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new PanelRedirectInService(deps.database.db, deps.config.baseUrl);

  app.get<Received>('/front-door/contacts/:id/redirect-to-panel', async (request, reply) => {
    checkId(request.params.id);
    const view = await service.choose(request.ctx(), 'contact', request.params.id);
    return reply.page('panels/views/redirect-in-choose.njk', view);
  });

  const formPage = async (reply: FastifyReply, p: ReceivedFor['Params'], problem?: FormProblem) => {
    const form = await service.form(reply.request.ctx(), 'contact', p.id, p.personId, p.panelId);
    const values = problem?.values ?? {
      changesWanted: form.assessment?.changesWanted ?? '',
      successCriteria: form.assessment?.successCriteria ?? '',
    };
    const picked = new Set(
      Array.isArray(values.steps) ? values.steps : typeof values.steps === 'string' ? [values.steps] : [],
    );
    return reply.page('panels/views/redirect-in-form.njk', {
      ...form,
      values,
      howItems: FAMILY_AGREED_HOW.map((h) => ({
        value: h,
        text: AGREED_HOW_WORDS[h],
        checked: values.agreedHow === h,
      })),
      stepItems: STEPS.map((s) => ({ value: s.code, text: s.text, checked: picked.has(s.code) })),
      serviceItems: [
        { value: '', text: 'Choose a service' },
        ...form.services.map((s) => ({ value: s.id, text: s.name, selected: values.serviceId === s.id })),
      ],
      errors: problem?.errors ?? [],
    });
  };

  app.get<ReceivedFor>('/front-door/contacts/:id/redirect-to-panel/:panelId/:personId', async (request, reply) => {
    const p = request.params;
    checkId(p.id, p.panelId, p.personId);
    return formPage(reply, p);
  });

  app.post<ReceivedFor>('/front-door/contacts/:id/redirect-to-panel/:panelId/:personId', async (request, reply) => {
    const p = request.params;
    checkId(p.id, p.panelId, p.personId);
    return submitForm(
      reply,
      RedirectInForm,
      async (data) => {
        const made = await service.redirect(request.ctx(), 'contact', p.id, p.personId, p.panelId, data);
        if (made.kind === 'made') return reply.redirect(`/front-door/contacts/${p.id}?done=redirected-to-panel`, 303);
        return reply.page('panels/views/request-redirected.njk', {
          personId: p.personId,
          backHref: `/front-door/contacts/${p.id}`,
          backText: 'Back to the request',
          to: made.to,
          toWords: REDIRECT_WORDS[made.to],
          reasons: made.reasons,
          harm: data.harm,
          carried: {
            circumstances: [data.reason, data.changesWanted, data.questions].filter(Boolean).join('\n\n'),
            needsToHappen: data.successCriteria,
            tried: STEPS.filter((s) => data.steps.includes(s.code))
              .map((s) => s.text)
              .join('\n'),
          },
        });
      },
      (problem) => formPage(reply, p, problem),
    );
  });
}
