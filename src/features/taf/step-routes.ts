/**
 * Stepping up from an early help episode to children's social care: the front door's first question (risk of
 * significant harm: "yes" shows the front door's numbers and makes the request urgent), then why now and what has
 * changed. The request is made by the front door's own service (src/features/episodes/steps.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { LAWFUL_BASES } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { dateFromParts, type FormProblem, submitForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { LAWFUL_BASIS_LABELS } from '../../platform/sharing.ts';
import { StepService } from '../episodes/steps.ts';

type One = { Params: { id: string; episodeId: string } };
type Child = { Params: { id: string } };

const text = (what: string, max = 5000) =>
  z
    .string({ message: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(
      max,
      `${what.charAt(0).toUpperCase()}${what.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    );

export const StepUpForm = z.object({
  harm: z.enum(['yes', 'no'], { message: 'Select yes if you believe a child is at risk of significant harm' }),
  whyNow: text('why you are asking for a step up now'),
  whatChanged: text('what has changed'),
  urgency: z.string().optional(),
  permission: z.string().optional(),
  lawfulReason: z.string().max(2000, 'The reason must be 2,000 characters or fewer').optional(),
});

export const StepDownForm = z
  .object({
    leadUserId: z
      .string({ message: 'Select the new lead practitioner' })
      .regex(/^[0-9a-f-]{36}$/i, 'Select the new lead practitioner'),
    'heldOn-day': z.string().optional(),
    'heldOn-month': z.string().optional(),
    'heldOn-year': z.string().optional(),
    present: text('who took part in the handover conversation', 1000),
    summary: text('a summary of the handover conversation'),
    familyTold: text('what the family was told'),
  })
  .transform((v, ctx) => {
    const r = dateFromParts(
      (v['heldOn-day'] ?? '').trim(),
      (v['heldOn-month'] ?? '').trim(),
      (v['heldOn-year'] ?? '').trim(),
      'The date of the handover conversation',
    );
    if (r.error || !r.iso) {
      ctx.addIssue({
        code: 'custom',
        path: ['heldOn'],
        message: r.error ?? 'Enter the date of the handover conversation',
      });
      return z.NEVER;
    }
    return {
      leadUserId: v.leadUserId,
      heldOn: r.iso,
      present: v.present,
      summary: v.summary,
      familyTold: v.familyTold,
    };
  });

export function registerStepRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new StepService(deps.database.db);

  const stepUpPage = async (
    reply: FastifyReply,
    id: string,
    episodeId: string,
    harm: string | null,
    problem?: FormProblem,
  ) => {
    const form = await service.stepUpForm(reply.request.ctx(), id, episodeId);
    const values = problem?.values ?? {};
    return reply.page('taf/views/step-up.njk', {
      ...form,
      harm,
      values,
      urgencyItems: [
        {
          value: 'urgent',
          text: 'Urgent: the front door should look at it today',
          checked: values.urgency === 'urgent',
        },
        { value: 'normal', text: 'Not urgent', checked: values.urgency === 'normal' },
      ],
      permissionItems: [
        {
          value: 'consent',
          text: 'The family agreed: a consent recorded on the child’s record covers sharing with the front door',
          checked: values.permission === 'consent',
        },
        { divider: 'or, without the family’s agreement' },
        ...LAWFUL_BASES.map((b) => ({ value: b, text: LAWFUL_BASIS_LABELS[b], checked: values.permission === b })),
      ],
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<One>('/people/:id/episodes/:episodeId/step-up', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    const harm = (request.query as Record<string, unknown> | undefined)?.harm;
    return stepUpPage(reply, id, episodeId, harm === 'yes' || harm === 'no' ? harm : null);
  });

  app.post<One>('/people/:id/episodes/:episodeId/step-up', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    const harm = (request.body as Record<string, unknown> | undefined)?.harm;
    return submitForm(
      reply,
      StepUpForm,
      async (data) => {
        await service.stepUp(request.ctx(), id, episodeId, data);
        return reply.redirect(`/people/${id}/episodes/${episodeId}?done=stepped-up`, 303);
      },
      (problem) => stepUpPage(reply, id, episodeId, harm === 'yes' || harm === 'no' ? harm : null, problem),
    );
  });

  const stepDownPage = async (reply: FastifyReply, id: string, problem?: FormProblem) => {
    const form = await service.stepDownForm(reply.request.ctx(), id);
    const values = problem?.values ?? {};
    return reply.page('taf/views/step-down.njk', {
      ...form,
      values,
      leadItems: [
        { value: '', text: 'Choose a practitioner' },
        ...form.candidates.map((u) => ({
          value: u.id,
          text: `${u.name} (${u.organisation_name})`,
          selected: values.leadUserId === u.id,
        })),
      ],
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<Child>('/people/:id/step-down', async (request, reply) => {
    checkId(request.params.id);
    return stepDownPage(reply, request.params.id);
  });

  app.post<Child>('/people/:id/step-down', async (request, reply) => {
    const { id } = request.params;
    checkId(id);
    return submitForm(
      reply,
      StepDownForm,
      async (data) => {
        const r = await service.stepDown(request.ctx(), id, data);
        return reply.redirect(`/people/${id}/episodes/${r.id}?done=stepped-down`, 303);
      },
      (problem) => stepDownPage(reply, id, problem),
    );
  });
}
