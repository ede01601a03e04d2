/**
 * Team around the family meetings under an episode: the list, scheduling one, the meeting, and recording it
 * afterwards. Stepping up and down are in ./steps-routes.ts.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { TAF_ATTENDANCE, TAF_MEETING_FORMATS } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { asArray, dateFromParts, type FormProblem, submitForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { PanelRequestService } from '../panels/requests.ts';
import { registerTafApi } from './api.ts';
import { registerTafForumRoutes } from './forum-routes.ts';
import { ATTENDANCE_WORDS, FORMAT_WORDS, TafService } from './service.ts';
import { registerStepRoutes } from './step-routes.ts';

type One = { Params: { id: string; episodeId: string } };
type Meeting = { Params: { id: string; episodeId: string; meetingId: string } };

export const ScheduleForm = z
  .object({
    'meetsOn-day': z.string().optional(),
    'meetsOn-month': z.string().optional(),
    'meetsOn-year': z.string().optional(),
    time: z
      .string({ message: 'Enter the time of the meeting, for example 14:30' })
      .trim()
      .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'Enter the time of the meeting, for example 14:30'),
    format: z.enum(TAF_MEETING_FORMATS, { message: 'Select how the meeting will be held' }),
    place: z
      .string({ message: 'Enter where the meeting is, or how to join it' })
      .trim()
      .min(1, 'Enter where the meeting is, or how to join it')
      .max(500, 'Where or how must be 500 characters or fewer'),
    chairUserId: z
      .string({ message: 'Select who will chair the meeting' })
      .regex(/^[0-9a-f-]{36}$/i, 'Select who will chair the meeting'),
  })
  .transform((v, ctx) => {
    const r = dateFromParts(
      (v['meetsOn-day'] ?? '').trim(),
      (v['meetsOn-month'] ?? '').trim(),
      (v['meetsOn-year'] ?? '').trim(),
      'The date of the meeting',
    );
    if (r.error || !r.iso) {
      ctx.addIssue({ code: 'custom', path: ['meetsOn'], message: r.error ?? 'Enter the date of the meeting' });
      return z.NEVER;
    }
    return {
      meetsOn: r.iso,
      time: v.time.padStart(5, '0'),
      format: v.format,
      place: v.place,
      chairUserId: v.chairUserId,
    };
  });

/** One line per item, blank lines ignored. */
const lines = (v: string | undefined) =>
  (v ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

export const RecordForm = z
  .object({
    familyIds: z.preprocess(
      asArray,
      z.array(z.string().regex(/^[0-9a-f-]{36}$/i, 'Select family members from the list')),
    ),
    others: z.string().max(5000, 'Others present must be 5,000 characters or fewer').optional(),
    familyViews: z
      .string({ message: 'Enter the family’s views' })
      .trim()
      .min(1, 'Enter the family’s views, or that they did not give any')
      .max(5000, 'The family’s views must be 5,000 characters or fewer'),
    decisions: z
      .string({ message: 'Enter the decisions, one on each line' })
      .max(5000, 'The decisions must be 5,000 characters or fewer'),
    'nextMeetingOn-day': z.string().optional(),
    'nextMeetingOn-month': z.string().optional(),
    'nextMeetingOn-year': z.string().optional(),
  })
  .transform((v, ctx) => {
    const others: { name: string; organisation: string }[] = [];
    for (const line of lines(v.others)) {
      const at = line.lastIndexOf(',');
      const name = at > 0 ? line.slice(0, at).trim() : '';
      const organisation = at > 0 ? line.slice(at + 1).trim() : '';
      if (!name || !organisation || name.length > 200 || organisation.length > 200) {
        ctx.addIssue({
          code: 'custom',
          path: ['others'],
          message: 'Enter each other person on their own line as their name, a comma, then their organisation',
        });
        return z.NEVER;
      }
      others.push({ name, organisation });
    }
    const decisions = lines(v.decisions);
    if (!decisions.length) {
      ctx.addIssue({ code: 'custom', path: ['decisions'], message: 'Enter the decisions, one on each line' });
      return z.NEVER;
    }
    if (decisions.some((d) => d.length > 500)) {
      ctx.addIssue({ code: 'custom', path: ['decisions'], message: 'Each decision must be 500 characters or fewer' });
      return z.NEVER;
    }
    const next = dateFromParts(
      (v['nextMeetingOn-day'] ?? '').trim(),
      (v['nextMeetingOn-month'] ?? '').trim(),
      (v['nextMeetingOn-year'] ?? '').trim(),
      'The date of the next meeting',
    );
    if (next.error) {
      ctx.addIssue({ code: 'custom', path: ['nextMeetingOn'], message: next.error });
      return z.NEVER;
    }
    return {
      familyIds: v.familyIds,
      others,
      familyViews: v.familyViews,
      decisions,
      nextMeetingOn: next.iso ?? null,
    };
  });

/** Each team member's answer, as posted: `attendance-lead` and `attendance-<member id>`. */
function attendanceOf(body: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (k.startsWith('attendance-') && typeof v === 'string') out[k.slice('attendance-'.length)] = v;
  }
  return out;
}

const FLASH: Record<string, string> = {
  scheduled: 'Meeting arranged. The team has been told.',
  recorded: 'Meeting recorded.',
  acknowledged: 'Recorded that you know the child is also on a panel’s agenda',
};

export function registerTafRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new TafService(deps.database.db);
  registerTafApi(app, deps, service);
  registerStepRoutes(app, deps);
  registerTafForumRoutes(app, deps, service);
  const panelRequests = new PanelRequestService(deps.database.db, deps.config.baseUrl);
  const base = (id: string, episodeId: string) => `/people/${id}/episodes/${episodeId}/taf-meetings`;

  app.get<One>('/people/:id/episodes/:episodeId/taf-meetings', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    const list = await service.list(request.ctx(), id, episodeId);
    return reply.page('taf/views/list.njk', { ...list, formats: FORMAT_WORDS });
  });

  const schedulePage = async (reply: FastifyReply, id: string, episodeId: string, problem?: FormProblem) => {
    const form = await service.scheduleForm(reply.request.ctx(), id, episodeId);
    const values = problem?.values ?? {};
    return reply.page('taf/views/schedule.njk', {
      ...form,
      values,
      chairItems: [
        { value: '', text: 'Choose who will chair' },
        ...form.chairs.map((c) => ({ value: c.id, text: c.name, selected: values.chairUserId === c.id })),
      ],
      formatItems: TAF_MEETING_FORMATS.map((f) => ({ value: f, text: FORMAT_WORDS[f], checked: values.format === f })),
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<One>('/people/:id/episodes/:episodeId/taf-meetings/new', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return schedulePage(reply, id, episodeId);
  });

  app.post<One>('/people/:id/episodes/:episodeId/taf-meetings', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return submitForm(
      reply,
      ScheduleForm,
      async (data) => {
        const r = await service.schedule(request.ctx(), id, episodeId, data);
        return reply.redirect(`${base(id, episodeId)}/${r.id}?done=scheduled`, 303);
      },
      (problem) => schedulePage(reply, id, episodeId, problem),
    );
  });

  app.get<Meeting>('/people/:id/episodes/:episodeId/taf-meetings/:meetingId', async (request, reply) => {
    const { id, episodeId, meetingId } = request.params;
    checkId(id, episodeId, meetingId);
    const done = (request.query as Record<string, unknown> | undefined)?.done;
    const detail = await service.view(request.ctx(), id, episodeId, meetingId);
    // The same child on a panel's agenda in the same period: both forums are warned and each records that it knows.
    const forums = await panelRequests.panelsClashingWithTafMeeting(deps.database.db, meetingId);
    return reply.page('taf/views/meeting.njk', {
      ...detail,
      forums,
      formats: FORMAT_WORDS,
      attendanceWords: ATTENDANCE_WORDS,
      ...(typeof done === 'string' && FLASH[done] ? { flash: FLASH[done] } : {}),
    });
  });

  const recordPage = async (
    reply: FastifyReply,
    id: string,
    episodeId: string,
    meetingId: string,
    problem?: FormProblem,
  ) => {
    const form = await service.recordForm(reply.request.ctx(), id, episodeId, meetingId);
    const values = problem?.values ?? {};
    const picked = new Set(asArray(values.familyIds));
    const who = [
      ...(form.team.lead ? [{ key: 'lead', name: `${form.team.lead.name} (lead practitioner)` }] : []),
      ...form.team.members.map((m) => ({ key: m.id, name: `${m.name} (${m.role})` })),
    ];
    return reply.page('taf/views/record.njk', {
      ...form,
      values,
      formats: FORMAT_WORDS,
      attendance: who.map((w) => ({
        key: w.key,
        name: w.name,
        items: TAF_ATTENDANCE.map((a) => ({
          value: a,
          text: ATTENDANCE_WORDS[a],
          checked: values[`attendance-${w.key}`] === a,
        })),
      })),
      familyItems: form.household.map((p) => ({ value: p.id, text: p.name, checked: picked.has(p.id) })),
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<Meeting>('/people/:id/episodes/:episodeId/taf-meetings/:meetingId/record', async (request, reply) => {
    const { id, episodeId, meetingId } = request.params;
    checkId(id, episodeId, meetingId);
    return recordPage(reply, id, episodeId, meetingId);
  });

  app.post<Meeting>('/people/:id/episodes/:episodeId/taf-meetings/:meetingId/record', async (request, reply) => {
    const { id, episodeId, meetingId } = request.params;
    checkId(id, episodeId, meetingId);
    return submitForm(
      reply,
      RecordForm,
      async (data) => {
        await service.record(request.ctx(), id, episodeId, meetingId, {
          ...data,
          attendance: attendanceOf(request.body),
        });
        return reply.redirect(`${base(id, episodeId)}/${meetingId}?done=recorded`, 303);
      },
      (problem) => recordPage(reply, id, episodeId, meetingId, problem),
    );
  });
}
