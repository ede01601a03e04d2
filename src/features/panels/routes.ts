/**
 * Panels: the Panels page (the panels you sit on and their next meetings; every panel for administrators), a
 * panel's set-up, members and gateway services, generating its meetings from the cadence, and one meeting: its
 * deadlines, its calendar file, changing and cancelling it. docs/decisions/0029.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { PANEL_ADVISER_KINDS, PANEL_MEMBER_ROLES, PANEL_MODELS } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { asArray, dateFromParts, type FormProblem, orderedForm, submitForm } from '../../platform/forms.ts';
import { checkId, isUuid } from '../../platform/ids.ts';
import {
  ADVISER_WORDS,
  MEMBER_ROLE_WORDS,
  MODEL_WORDS,
  type PanelInput,
  PanelService,
  WEEKDAY_WORDS,
} from './service.ts';

type One = { Params: { id: string } };
type Meeting = { Params: { id: string; meetingId: string } };
type Member = { Params: { id: string; memberId: string } };

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const time = (label: string) =>
  z
    .string({ message: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .transform((v) => (/^\d:\d\d$/.test(v) ? `0${v}` : v))
    .refine((v) => TIME.test(v), `Enter the ${label} as a 24-hour time, for example 09:30`);
const whole = (label: string, min: number, max: number) =>
  z
    .string({ message: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .regex(/^\d{1,4}$/, `${label.charAt(0).toUpperCase()}${label.slice(1)} must be a whole number`)
    .transform(Number)
    .refine(
      (n) => n >= min && n <= max,
      `${label.charAt(0).toUpperCase()}${label.slice(1)} must be between ${min} and ${max}`,
    );
const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => v || null);

export const PanelForm = orderedForm<PanelInput>((body, field, problem) => {
  const name = field(
    'name',
    z
      .string({ message: 'Enter the name of the panel' })
      .trim()
      .min(1, 'Enter the name of the panel')
      .max(200, 'Name must be 200 characters or fewer'),
  );
  const model = field('model', z.enum(PANEL_MODELS, { message: 'Select the kind of panel' }));
  const modelDescription = field('modelDescription', optionalText('Kind of panel', 200));
  if (model === 'other' && !modelDescription) problem('modelDescription', 'Enter what kind of panel it is');
  const areaId = field(
    'areaId',
    z
      .string()
      .optional()
      .refine((v) => !v || isUuid(v), 'Select an area or cluster from the list')
      .transform((v) => v || null),
  );
  const remit = field('remit', optionalText('Remit', 2000));
  const cadenceWeeks = field('cadenceWeeks', whole('how often it meets, in weeks', 1, 12));
  const weekday = field('weekday', z.enum(['1', '2', '3', '4', '5'], { message: 'Select the day it meets' }));
  const startTime = field('startTime', time('start time'));
  const maxMinutes = field('maxMinutes', whole('the maximum length in minutes', 15, 480));
  const slotMinutes = field('slotMinutes', whole('the slot length in minutes', 5, 120));
  if (maxMinutes !== undefined && slotMinutes !== undefined && slotMinutes > maxMinutes) {
    problem('slotMinutes', 'A slot cannot be longer than the maximum length of a meeting');
  }
  const papersDueWorkingDays = field('papersDueWorkingDays', whole('the working days before for papers', 0, 30));
  const invitationDays = field('invitationDays', whole('the working days before for invitations', 0, 30));
  const circulationWorkingDays = field(
    'circulationWorkingDays',
    whole('the working days after for circulating decisions', 0, 30),
  );
  const decisionsHours = field('decisionsHours', whole('the hours for recording decisions', 1, 240));
  const serviceIds = asArray(body.serviceIds);
  if (!serviceIds.every(isUuid)) problem('serviceIds', 'Select services from the directory list');
  return {
    name: name!,
    model: model!,
    modelDescription: modelDescription ?? null,
    areaId: areaId ?? null,
    remit: remit ?? null,
    cadenceWeeks: cadenceWeeks!,
    weekday: Number(weekday),
    startTime: startTime!,
    maxMinutes: maxMinutes!,
    slotMinutes: slotMinutes!,
    papersDueWorkingDays: papersDueWorkingDays!,
    invitationDays: invitationDays!,
    circulationWorkingDays: circulationWorkingDays!,
    decisionsHours: decisionsHours!,
    serviceIds,
  };
});

export const MemberForm = z
  .object({
    userId: z.string({ message: 'Select the person' }).refine(isUuid, 'Select the person'),
    organisationId: z
      .string()
      .optional()
      .refine((v) => !v || isUuid(v), 'Select the agency from the list')
      .transform((v) => v || null),
    role: z.enum(PANEL_MEMBER_ROLES, { message: 'Select their role on the panel' }),
    deputyFor: z.string().optional(),
    adviserKind: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.role === 'deputy' && !isUuid(v.deputyFor)) {
      ctx.addIssue({ code: 'custom', path: ['deputyFor'], message: 'Select the member this person deputises for' });
    }
    if (v.role === 'adviser' && !(PANEL_ADVISER_KINDS as readonly string[]).includes(v.adviserKind ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['adviserKind'], message: 'Select the adviser’s expertise' });
    }
  })
  .transform((v) => ({
    userId: v.userId,
    organisationId: v.organisationId,
    role: v.role,
    deputyFor: v.role === 'deputy' ? v.deputyFor! : null,
    adviserKind: v.role === 'adviser' ? (v.adviserKind as (typeof PANEL_ADVISER_KINDS)[number]) : null,
  }));

export const GenerateForm = z.object({
  months: whole('the number of months', 1, 12),
  venue: optionalText('Venue', 200),
});

export const RetireForm = z.object({
  reason: z
    .string({ message: 'Enter why the panel is being retired' })
    .trim()
    .min(1, 'Enter why the panel is being retired')
    .max(2000, 'Why the panel is being retired must be 2,000 characters or fewer'),
});

export const MeetingForm = orderedForm((body, field, problem) => {
  const d = dateFromParts(
    String(body['date-day'] ?? '').trim(),
    String(body['date-month'] ?? '').trim(),
    String(body['date-year'] ?? '').trim(),
    'Date of the meeting',
  );
  if (d.error) problem('date', d.error);
  else if (!d.iso) problem('date', 'Enter the date of the meeting');
  const startTime = field('startTime', time('start time'));
  const endTime = field('endTime', time('end time'));
  const venue = field('venue', optionalText('Venue', 200));
  return { date: d.iso!, startTime: startTime!, endTime: endTime!, venue: venue ?? null };
});

const panelValues = (p: Record<string, unknown>, serviceIds: string[]) => ({
  name: String(p.name ?? ''),
  model: String(p.model ?? ''),
  modelDescription: String(p.model_description ?? ''),
  areaId: String(p.area_id ?? ''),
  remit: String(p.remit ?? ''),
  cadenceWeeks: String(p.cadence_weeks ?? 2),
  weekday: String(p.weekday ?? 3),
  startTime: String(p.start_time ?? '10:00'),
  maxMinutes: String(p.max_minutes ?? 120),
  slotMinutes: String(p.slot_minutes ?? 15),
  papersDueWorkingDays: String(p.papers_due_working_days ?? 5),
  invitationDays: String(p.invitation_days ?? 3),
  circulationWorkingDays: String(p.circulation_working_days ?? 4),
  decisionsHours: String(p.decisions_hours ?? 48),
  serviceIds,
});

const words = {
  models: Object.entries(MODEL_WORDS).map(([value, text]) => ({ value, text })),
  roles: Object.entries(MEMBER_ROLE_WORDS).map(([value, text]) => ({ value, text })),
  advisers: Object.entries(ADVISER_WORDS).map(([value, text]) => ({ value, text })),
  weekdays: WEEKDAY_WORDS.slice(1).map((text, i) => ({ value: String(i + 1), text })),
};

const FLASH: Record<string, string> = {
  created: 'Panel added',
  saved: 'Panel saved',
  member: 'Member added',
  ended: 'Membership ended',
  changed: 'Meeting changed: members have been sent the update',
  cancelled: 'Meeting cancelled: members have been sent the cancellation',
  retired: 'Panel retired: its meetings still to come are cancelled and members have been sent the cancellations',
};

export function registerPanelRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new PanelService(deps.database.db, deps.config.baseUrl);

  app.get('/panels', async (request, reply) => {
    const overview = await service.overview(request.ctx());
    return reply.page('panels/views/list.njk', { ...overview });
  });

  const formPage = async (reply: FastifyReply, id: string | null, problem: FormProblem) => {
    const options = await service.formOptions(reply.request.ctx());
    return reply.page('panels/views/form.njk', { id, ...options, words, ...problem });
  };

  app.get('/panels/new', async (_request, reply) => formPage(reply, null, { errors: [], values: panelValues({}, []) }));

  app.post('/panels', async (request, reply) =>
    submitForm(
      reply,
      PanelForm,
      async (data) => {
        const id = await service.create(request.ctx(), data);
        return reply.redirect(`/panels/${id}?done=created`, 303);
      },
      (problem) => formPage(reply, null, problem),
    ),
  );

  const panelPage = async (
    reply: FastifyReply,
    id: string,
    extra: {
      flash?: string;
      generated?: unknown;
      memberProblem?: FormProblem;
      generateProblem?: FormProblem;
      retireProblem?: FormProblem;
    } = {},
  ) => {
    const ctx = reply.request.ctx();
    const view = await service.view(ctx, id);
    const candidates = view.manage ? await service.candidates(ctx, id) : null;
    const problem = extra.memberProblem ?? extra.generateProblem ?? extra.retireProblem;
    return reply.page('panels/views/panel.njk', {
      ...view,
      candidates,
      words,
      flash: extra.flash,
      generated: extra.generated,
      memberValues: extra.memberProblem?.values ?? {},
      generateValues: extra.generateProblem?.values ?? { months: '6' },
      retireValues: extra.retireProblem?.values ?? {},
      errors: problem?.errors ?? [],
    });
  };

  app.get<One & { Querystring: { done?: string } }>('/panels/:id', async (request, reply) => {
    checkId(request.params.id);
    return panelPage(reply, request.params.id, { flash: FLASH[request.query.done ?? ''] });
  });

  app.get<One>('/panels/:id/edit', async (request, reply) => {
    checkId(request.params.id);
    const view = await service.view(request.ctx(), request.params.id);
    if (!view.manage) throw new NotFoundError();
    return formPage(reply, request.params.id, {
      errors: [],
      values: panelValues(
        view.panel,
        view.services.map((s) => s.id),
      ),
    });
  });

  app.post<One>('/panels/:id/edit', async (request, reply) => {
    checkId(request.params.id);
    return submitForm(
      reply,
      PanelForm,
      async (data) => {
        await service.update(request.ctx(), request.params.id, data);
        return reply.redirect(`/panels/${request.params.id}?done=saved`, 303);
      },
      (problem) => formPage(reply, request.params.id, problem),
    );
  });

  app.post<One>('/panels/:id/members', async (request, reply) => {
    checkId(request.params.id);
    return submitForm(
      reply,
      MemberForm,
      async (data) => {
        await service.addMember(request.ctx(), request.params.id, data);
        return reply.redirect(`/panels/${request.params.id}?done=member#members`, 303);
      },
      (problem) => panelPage(reply, request.params.id, { memberProblem: problem }),
    );
  });

  app.post<Member>('/panels/:id/members/:memberId/end', async (request, reply) => {
    checkId(request.params.id, request.params.memberId);
    await service.endMember(request.ctx(), request.params.id, request.params.memberId);
    return reply.redirect(`/panels/${request.params.id}?done=ended#members`, 303);
  });

  app.post<One>('/panels/:id/meetings/generate', async (request, reply) => {
    checkId(request.params.id);
    return submitForm(
      reply,
      GenerateForm,
      async (data) => {
        const generated = await service.generate(request.ctx(), request.params.id, data.months, data.venue);
        return panelPage(reply, request.params.id, { generated });
      },
      (problem) => panelPage(reply, request.params.id, { generateProblem: problem }),
    );
  });

  app.post<One>('/panels/:id/retire', async (request, reply) => {
    checkId(request.params.id);
    return submitForm(
      reply,
      RetireForm,
      async (data) => {
        await service.retire(request.ctx(), request.params.id, data.reason);
        return reply.redirect(`/panels/${request.params.id}?done=retired`, 303);
      },
      (problem) => panelPage(reply, request.params.id, { retireProblem: problem }),
    );
  });

  app.get<Meeting & { Querystring: { done?: string } }>('/panels/:id/meetings/:meetingId', async (request, reply) => {
    checkId(request.params.id, request.params.meetingId);
    const view = await service.meeting(request.ctx(), request.params.id, request.params.meetingId);
    return reply.page('panels/views/meeting.njk', { ...view, flash: FLASH[request.query.done ?? ''] });
  });

  app.get<Meeting>('/panels/:id/meetings/:meetingId/calendar.ics', async (request, reply) => {
    checkId(request.params.id, request.params.meetingId);
    const ics = await service.calendarFile(request.ctx(), request.params.id, request.params.meetingId);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="panel-meeting.ics"')
      .send(ics);
  });

  const meetingForm = async (reply: FastifyReply, id: string, meetingId: string, problem?: FormProblem) => {
    const view = await service.meeting(reply.request.ctx(), id, meetingId);
    if (!view.manage) throw new NotFoundError();
    const [y, m, d] = view.meeting.meeting_date.split('-');
    const values = problem?.values ?? {
      'date-day': String(Number(d)),
      'date-month': String(Number(m)),
      'date-year': y!,
      startTime: view.meeting.start_time,
      endTime: view.meeting.end_time,
      venue: view.meeting.venue ?? '',
    };
    return reply.page('panels/views/meeting-edit.njk', { ...view, values, errors: problem?.errors ?? [] });
  };

  app.get<Meeting>('/panels/:id/meetings/:meetingId/edit', async (request, reply) => {
    checkId(request.params.id, request.params.meetingId);
    return meetingForm(reply, request.params.id, request.params.meetingId);
  });

  app.post<Meeting>('/panels/:id/meetings/:meetingId/edit', async (request, reply) => {
    checkId(request.params.id, request.params.meetingId);
    const { id, meetingId } = request.params;
    return submitForm(
      reply,
      MeetingForm,
      async (data) => {
        await service.updateMeeting(request.ctx(), id, meetingId, data);
        return reply.redirect(`/panels/${id}/meetings/${meetingId}?done=changed`, 303);
      },
      (problem) => meetingForm(reply, id, meetingId, problem),
    );
  });

  app.post<Meeting>('/panels/:id/meetings/:meetingId/cancel', async (request, reply) => {
    checkId(request.params.id, request.params.meetingId);
    const { id, meetingId } = request.params;
    await service.cancelMeeting(request.ctx(), id, meetingId);
    return reply.redirect(`/panels/${id}/meetings/${meetingId}?done=cancelled`, 303);
  });
}
