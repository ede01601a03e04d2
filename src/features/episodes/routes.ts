/**
 * Early help episodes under the child's record: the list, opening one (also from a front door contact), the
 * episode with its lead, team and history, changing the team, the handover that changes the lead, and closing.
 */

import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { EPISODE_CLOSE_REASONS } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { asArray, dateFromParts, type FormProblem, submitForm } from '../../platform/forms.ts';
import { checkId, isUuid } from '../../platform/ids.ts';
import { registerAreaSetting } from '../admin/area-setting.ts';
import { assessmentOnRecordFor } from '../assessments/on-record.ts';
import { registerEpisodeApi } from './api.ts';
import { OUTCOME_WORDS } from './closure-letter.ts';
import { registerClosureRoutes } from './closure-routes.ts';
import { CLOSE_REASON_WORDS, DIRECT_CLOSE_REASONS, EpisodeService, OPENED_FROM_WORDS } from './service.ts';
import { stepsOf } from './steps.ts';

type Child = { Params: { id: string } };
type One = { Params: { id: string; episodeId: string } };
type Member = { Params: { id: string; episodeId: string; memberId: string } };

const text = (what: string, max = 5000) =>
  z
    .string({ message: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(
      max,
      `${what.charAt(0).toUpperCase()}${what.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    );
const userId = (message: string) => z.string({ message }).regex(/^[0-9a-f-]{36}$/i, message);

export const OpenForm = z.object({
  personIds: z.preprocess(asArray, z.array(z.string())),
  leadUserId: userId('Select the lead practitioner'),
  contactId: z.string().optional(),
});

export const MemberForm = z
  .object({
    kind: z.enum(['user', 'outside', 'service'], { message: 'Select who is joining the team' }),
    userId: z.string().optional(),
    name: z.string().trim().max(200, 'Name must be 200 characters or fewer').optional(),
    organisation: z.string().trim().max(200, 'Organisation must be 200 characters or fewer').optional(),
    directoryServiceId: z.string().optional(),
    role: text('their role in the team', 200),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'user' && !isUuid(v.userId))
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'Select the practitioner' });
    if (v.kind === 'outside' && !v.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'Enter their name' });
    if (v.kind === 'outside' && !v.organisation)
      ctx.addIssue({ code: 'custom', path: ['organisation'], message: 'Enter their organisation' });
    if (v.kind === 'service' && !isUuid(v.directoryServiceId))
      ctx.addIssue({ code: 'custom', path: ['directoryServiceId'], message: 'Select the service' });
  })
  .transform((v) =>
    v.kind === 'user'
      ? { kind: 'user' as const, userId: v.userId!, role: v.role }
      : v.kind === 'outside'
        ? { kind: 'outside' as const, name: v.name!, organisation: v.organisation!, role: v.role }
        : { kind: 'service' as const, directoryServiceId: v.directoryServiceId!, role: v.role },
  );

export const HandoverForm = z
  .object({
    incomingUserId: userId('Select the new lead practitioner'),
    note: text('the handover note: what the new lead needs to know'),
    'agreedOn-day': z.string().trim().optional(),
    'agreedOn-month': z.string().trim().optional(),
    'agreedOn-year': z.string().trim().optional(),
  })
  .transform((v, ctx) => {
    const r = dateFromParts(
      v['agreedOn-day'] ?? '',
      v['agreedOn-month'] ?? '',
      v['agreedOn-year'] ?? '',
      'The date the handover was agreed',
    );
    if (r.error || !r.iso) {
      ctx.addIssue({
        code: 'custom',
        path: ['agreedOn'],
        message: r.error ?? 'Enter the date the handover was agreed',
      });
      return z.NEVER;
    }
    return { incomingUserId: v.incomingUserId, note: v.note, agreedOn: r.iso };
  });

export const CloseForm = z
  .object({
    reason: z.enum(EPISODE_CLOSE_REASONS, { message: 'Select why the episode is closing' }),
    note: z.string().trim().max(5000, 'The note must be 5,000 characters or fewer').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.reason === 'other' && !v.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'Enter the reason the episode is closing' });
  })
  .transform((v) => ({ reason: v.reason, note: v.note || null }));

const FLASH: Record<string, string> = {
  opened: 'Episode opened. The lead practitioner has been told.',
  member: 'Added to the team around the family.',
  removed: 'Removed from the team around the family.',
  handover: 'Handover recorded. The new lead practitioner has been told.',
  acknowledged: 'You have acknowledged that you are the lead practitioner.',
  closed: 'Episode closed.',
  proposed:
    'Closure proposed. The family will be monitored until the period ends; you will then be asked to confirm closure.',
  relapse: 'Relapse recorded. Monitoring has ended and the episode carries on.',
  'stepped-down': 'Stepped down into early help. The new lead practitioner has been told.',
  'stepped-up': 'Step up asked for. The front door has the request, with the episode’s summary.',
};

export function registerEpisodeRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new EpisodeService(deps.database.db);
  registerEpisodeApi(app, deps, service);
  registerClosureRoutes(app, deps, service);
  // The closure monitoring period: how many weeks an episode is monitored after its lead proposes closure because
  // the family's needs are met. Set for each partnership; the default is 12. A lead may choose another period for
  // one family, with a reason.
  registerAreaSetting(app, deps, {
    column: 'closure_monitoring_weeks',
    field: 'weeks',
    min: 1,
    max: 52,
    path: '/admin/closure-monitoring',
    action: 'admin.closure-monitoring.changed',
    words: {
      title: 'Closure monitoring period',
      intro:
        'When a lead practitioner proposes closing an early help episode because the family’s needs are met, the family is monitored for a period before the episode closes, so the improvement is known to last. Each partnership sets its usual period (12 weeks unless changed); a lead may choose another period for a family, with a reason. The child’s partnership’s setting is used.',
      table: 'monitoring-settings',
      column: 'Monitoring period',
      value: (n) => `${n} ${n === 1 ? 'week' : 'weeks'}`,
      change: 'the monitoring period for',
      question: 'For how many weeks should a family be monitored before an episode closes because their needs are met?',
      hint: 'From 1 to 52.',
      suffix: 'weeks',
      invalid: 'Enter a whole number of weeks from 1 to 52',
      saved: 'Monitoring period saved',
    },
  });
  const base = (id: string, episodeId: string) => `/people/${id}/episodes/${episodeId}`;

  app.get<Child>('/people/:id/episodes', async (request, reply) => {
    checkId(request.params.id);
    const list = await service.list(request.ctx(), request.params.id);
    return reply.page('episodes/views/list.njk', { ...list, reasons: CLOSE_REASON_WORDS, from: OPENED_FROM_WORDS });
  });

  const openPage = async (reply: FastifyReply, id: string, contactId: string | null, problem?: FormProblem) => {
    const form = await service.openForm(reply.request.ctx(), id, contactId);
    const values = problem?.values ?? { personIds: [id] };
    const picked = new Set(asArray(values.personIds));
    return reply.page('episodes/views/open.njk', {
      ...form,
      contactId,
      childItems: form.children.map((c) => ({
        value: c.id,
        text: c.name,
        checked: picked.has(c.id),
        ...(c.inEpisode ? { hint: { text: 'Already in an open episode' } } : {}),
      })),
      leadItems: [
        { value: '', text: 'Choose a practitioner' },
        ...form.candidates.map((u) => ({
          value: u.id,
          text: `${u.name} (${u.organisation_name})`,
          selected: values.leadUserId === u.id,
        })),
      ],
      values,
      ...(problem ? { errors: problem.errors } : {}),
    });
  };
  const contactOf = (q: unknown) => {
    const c = (q as Record<string, unknown> | undefined)?.contact;
    return typeof c === 'string' && isUuid(c) ? c : null;
  };

  app.get<Child>('/people/:id/episodes/new', async (request, reply) => {
    checkId(request.params.id);
    return openPage(reply, request.params.id, contactOf(request.query));
  });

  app.post<Child>('/people/:id/episodes', async (request, reply) => {
    const { id } = request.params;
    checkId(id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const contactId = typeof body.contactId === 'string' && isUuid(body.contactId) ? body.contactId : null;
    return submitForm(
      reply,
      OpenForm,
      async (data) => {
        const r = await service.open(request.ctx(), id, { ...data, contactId });
        return reply.redirect(`${base(id, r.id)}?done=opened`, 303);
      },
      (problem) => openPage(reply, id, contactId, problem),
    );
  });

  app.get<One>('/people/:id/episodes/:episodeId', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    const done = (request.query as Record<string, unknown> | undefined)?.done;
    const detail = await service.view(request.ctx(), id, episodeId);
    return reply.page('episodes/views/episode.njk', {
      ...detail,
      steps: await stepsOf(deps.database.db, episodeId),
      onRecord: await assessmentOnRecordFor(deps.database.db, request.ctx().actor!, id, request.ctx().at),
      reasons: CLOSE_REASON_WORDS,
      from: OPENED_FROM_WORDS,
      outcomeWords: OUTCOME_WORDS,
      ...(typeof done === 'string' && FLASH[done] ? { flash: FLASH[done] } : {}),
    });
  });

  app.post<One>('/people/:id/episodes/:episodeId/acknowledge', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    await service.acknowledge(request.ctx(), id, episodeId);
    return reply.redirect(`${base(id, episodeId)}?done=acknowledged`, 303);
  });

  const changePage = async (
    reply: FastifyReply,
    template: string,
    id: string,
    episodeId: string,
    problem?: FormProblem,
    extra: Record<string, unknown> = {},
  ) => {
    const form = await service.changeForm(reply.request.ctx(), id, episodeId);
    const values = problem?.values ?? {};
    const users = (selected: unknown) => [
      { value: '', text: 'Choose a practitioner' },
      ...form.candidates
        .filter((u) => u.id !== form.lead?.user_id)
        .map((u) => ({ value: u.id, text: `${u.name} (${u.organisation_name})`, selected: selected === u.id })),
    ];
    return reply.page(template, {
      ...form,
      ...extra,
      values,
      userItems: users(values.userId),
      incomingItems: users(values.incomingUserId),
      serviceItems: [
        { value: '', text: 'Choose a service' },
        ...form.services.map((s) => ({ value: s.id, text: s.name, selected: values.directoryServiceId === s.id })),
      ],
      reasonItems: DIRECT_CLOSE_REASONS.map((r) => ({
        value: r,
        text: CLOSE_REASON_WORDS[r],
        checked: values.reason === r,
      })),
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<One>('/people/:id/episodes/:episodeId/members/new', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return changePage(reply, 'episodes/views/member.njk', id, episodeId);
  });

  app.post<One>('/people/:id/episodes/:episodeId/members', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return submitForm(
      reply,
      MemberForm,
      async (data) => {
        await service.addMember(request.ctx(), id, episodeId, data);
        return reply.redirect(`${base(id, episodeId)}?done=member`, 303);
      },
      (problem) => changePage(reply, 'episodes/views/member.njk', id, episodeId, problem),
    );
  });

  app.get<Member>('/people/:id/episodes/:episodeId/members/:memberId/remove', async (request, reply) => {
    const { id, episodeId, memberId } = request.params;
    checkId(id, episodeId, memberId);
    const form = await service.changeForm(request.ctx(), id, episodeId);
    const member = form.members.find((m) => m.id === memberId);
    if (!member) return reply.callNotFound();
    return reply.page('episodes/views/remove.njk', { ...form, member });
  });

  app.post<Member>('/people/:id/episodes/:episodeId/members/:memberId/remove', async (request, reply) => {
    const { id, episodeId, memberId } = request.params;
    checkId(id, episodeId, memberId);
    await service.removeMember(request.ctx(), id, episodeId, memberId);
    return reply.redirect(`${base(id, episodeId)}?done=removed`, 303);
  });

  app.get<One>('/people/:id/episodes/:episodeId/handover', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return changePage(reply, 'episodes/views/handover.njk', id, episodeId);
  });

  app.post<One>('/people/:id/episodes/:episodeId/handover', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return submitForm(
      reply,
      HandoverForm,
      async (data) => {
        await service.handover(request.ctx(), id, episodeId, data);
        return reply.redirect(`${base(id, episodeId)}?done=handover`, 303);
      },
      (problem) => changePage(reply, 'episodes/views/handover.njk', id, episodeId, problem),
    );
  });

  app.get<One>('/people/:id/episodes/:episodeId/close', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return changePage(reply, 'episodes/views/close.njk', id, episodeId);
  });

  app.post<One>('/people/:id/episodes/:episodeId/close', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return submitForm(
      reply,
      CloseForm,
      async (data) => {
        const r = await service.close(request.ctx(), id, episodeId, data);
        if (r.stillSees) return reply.redirect(`${base(id, episodeId)}?done=closed`, 303);
        // The lead who closed it no longer works with the child: say it is done, without the child's record.
        return reply.page('episodes/views/closed.njk', {});
      },
      (problem) => changePage(reply, 'episodes/views/close.njk', id, episodeId, problem),
    );
  });
}
