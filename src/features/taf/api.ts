/**
 * The team around the family meetings API: an episode's meetings, one meeting (who came, the family's views and the
 * decisions), arranging one and recording it afterwards. Requests are read with the meeting pages' own form rules
 * and go through the TafService: what the pages refuse is a 422 here (see `recordRules`), nothing saved.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TAF_ATTENDANCE, TAF_MEETING_FORMATS } from '../../db/schema.ts';
import { defineApiRoute, recordRules } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { UnprocessableError } from '../../platform/errors.ts';
import { parseForm } from '../../platform/forms.ts';
import { UUID } from '../../platform/ids.ts';
import { EpisodeService } from '../episodes/service.ts';
import { RecordForm, ScheduleForm } from './routes.ts';
import type { TafService } from './service.ts';

const id = (what: string) => z.string().regex(UUID, { error: `${what} must be an id` });
const TAGS = ['Team around the family meetings'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** An ISO date as the page's day, month and year boxes. */
function dateParts(name: string, value: string | null | undefined): Record<string, string> {
  if (!value) return {};
  const [y, m, d] = value.split('-');
  return { [`${name}-day`]: d!, [`${name}-month`]: m!, [`${name}-year`]: y! };
}

function formRules<S extends z.ZodType>(schema: S, body: Record<string, unknown>): z.output<S> {
  const form = parseForm(schema, body);
  if (form.ok) return form.data;
  throw new UnprocessableError(form.errors, form.errors.map((e) => e.message).join('. '));
}

const Summary = z.object({
  id: z.guid(),
  meetsAt: z.string(),
  format: z.enum(TAF_MEETING_FORMATS),
  place: z.string(),
  status: z.enum(['scheduled', 'held']),
  chair: z.string(),
});

const Detail = z.object({
  id: z.guid(),
  episodeId: z.guid(),
  meetsAt: z.string(),
  format: z.enum(TAF_MEETING_FORMATS),
  place: z.string(),
  status: z.enum(['scheduled', 'held']),
  chair: z.object({ userId: z.guid(), name: z.string() }),
  recordedAt: z.string().nullable(),
  recordedBy: z.string().nullable(),
  team: z
    .array(
      z.object({
        key: z.string().describe('`lead`, or the team member’s id: the key of `attendance` when recording.'),
        name: z.string(),
        role: z.string(),
        organisation: z.string().nullable(),
      }),
    )
    .describe('Who is in the team around the family now: each is marked when the meeting is recorded.'),
  attendance: z.array(
    z.object({
      userId: z.guid().nullable(),
      name: z.string(),
      organisation: z.string().nullable(),
      attendance: z.enum(TAF_ATTENDANCE),
    }),
  ),
  family: z.array(z.object({ id: z.guid(), name: z.string() })).describe('Family members present.'),
  others: z.array(z.object({ name: z.string(), organisation: z.string() })).describe('Others present.'),
  familyViews: z.string().nullable(),
  decisions: z.array(z.string()),
  nextMeetingOn: z.string().nullable(),
});
const Created = z.object({ id: z.guid() });

export function registerTafApi(app: FastifyInstance, deps: AppDeps, service: TafService) {
  const episodes = new EpisodeService(deps.database.db);
  const Params = z.object({ id: id('id').describe('The episode.') });
  const MeetingParams = z.object({ id: id('id').describe('The episode.'), meetingId: id('meetingId') });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/episodes/:id/taf-meetings',
    summary: 'An episode’s team around the family meetings, the latest first',
    description:
      'For someone who works with one of its children, or the targeted services leader within the partnership; ' +
      '404 for anyone else (audited on the child).',
    tags: TAGS,
    auth: true,
    params: Params,
    response: z.object({ items: z.array(Summary) }),
    handler: async (ctx, { params }) => {
      const personId = await episodes.personFor(ctx, params.id);
      const list = await service.list(ctx, personId, params.id);
      return {
        items: list.meetings.map((m) => ({
          id: m.id,
          meetsAt: m.meets_at.toISOString(),
          format: m.format,
          place: m.place,
          status: m.status,
          chair: m.chair_name,
        })),
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/taf-meetings',
    summary: 'Arrange a team around the family meeting: the lead and the team are told',
    description:
      'For the lead practitioner or a member of the team, while the episode is open (403 otherwise). The chair is ' +
      'the lead or a user in the team.',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({
      meetsOn: z.iso.date().describe('The day (YYYY-MM-DD), within the last year or later.'),
      time: z.string().max(20).describe('The time in London, such as 14:30.'),
      format: z.enum(TAF_MEETING_FORMATS),
      place: z.string().max(500).describe('Where it is, or how to join it.'),
      chairUserId: id('chairUserId'),
    }),
    response: Created,
    status: 201,
    unprocessable: 'The time or place is missing or malformed, or the chair is not the lead or in the team.',
    handler: async (ctx, { params, body }) => {
      const data = formRules(ScheduleForm, {
        ...dateParts('meetsOn', body.meetsOn),
        time: body.time,
        format: body.format,
        place: body.place,
        chairUserId: body.chairUserId,
      });
      const personId = await episodes.personFor(ctx, params.id);
      return recordRules(() => service.schedule(ctx, personId, params.id, data));
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/episodes/:id/taf-meetings/:meetingId',
    summary: 'One meeting: when and how, and once held, who came, the family’s views and the decisions',
    tags: TAGS,
    auth: true,
    params: MeetingParams,
    response: Detail,
    handler: async (ctx, { params }) => {
      const personId = await episodes.personFor(ctx, params.id);
      const v = await service.view(ctx, personId, params.id, params.meetingId);
      const m = v.meeting;
      return {
        id: m.id,
        episodeId: params.id,
        meetsAt: m.meets_at.toISOString(),
        format: m.format,
        place: m.place,
        status: m.status,
        chair: { userId: m.chair_user_id, name: m.chair_name },
        recordedAt: iso(m.recorded_at),
        recordedBy: m.recorded_by_name,
        team: [
          ...(v.team.lead
            ? [
                {
                  key: 'lead',
                  name: v.team.lead.name,
                  role: 'Lead practitioner',
                  organisation: v.team.lead.organisation,
                },
              ]
            : []),
          ...v.team.members.map((t) => ({ key: t.id, name: t.name, role: t.role, organisation: t.organisation })),
        ],
        attendance: v.attendance.map((a) => ({
          userId: a.user_id,
          name: a.name,
          organisation: a.organisation,
          attendance: a.attendance,
        })),
        family: v.family,
        others: v.others,
        familyViews: m.family_views,
        decisions: v.decisions,
        nextMeetingOn: m.next_meeting_on,
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/taf-meetings/:meetingId/record',
    summary: 'Record an arranged meeting after it was held: who came, the family’s views, the decisions',
    description:
      'Mark everyone in the team (`attendance`, keyed as the meeting’s `team` lists them). For the lead ' +
      'practitioner or a member of the team (403 otherwise); a meeting already recorded is not found.',
    tags: TAGS,
    auth: true,
    params: MeetingParams,
    body: z.object({
      attendance: z
        .record(z.string().max(40), z.enum(TAF_ATTENDANCE))
        .describe('`lead` and each team member’s id: present, apologies or absent.'),
      familyIds: z.array(id('familyIds')).max(50).optional().describe('Family members present, from the household.'),
      others: z
        .array(z.object({ name: z.string().max(200), organisation: z.string().max(200) }))
        .max(50)
        .optional()
        .describe('Others present.'),
      familyViews: z.string().max(20_000).optional().describe('Required: the family’s views, or that they gave none.'),
      decisions: z.array(z.string().max(2000)).max(100).optional().describe('Required: at least one decision.'),
      nextMeetingOn: z.iso.date().nullable().optional().describe('The date of the next meeting, if set.'),
    }),
    response: Created,
    unprocessable:
      'Someone in the team is not marked, the meeting has not happened yet, a field is missing, or a family ' +
      'member is not from the household.',
    handler: async (ctx, { params, body }) => {
      const data = formRules(RecordForm, {
        familyIds: body.familyIds ?? [],
        others: (body.others ?? []).map((o) => `${o.name.replaceAll(',', ' ')}, ${o.organisation}`).join('\n'),
        familyViews: body.familyViews,
        decisions: (body.decisions ?? []).map((d) => d.replace(/\s*\r?\n\s*/g, ' ')).join('\n'),
        ...dateParts('nextMeetingOn', body.nextMeetingOn),
      });
      const personId = await episodes.personFor(ctx, params.id);
      return recordRules(() =>
        service.record(ctx, personId, params.id, params.meetingId, { ...data, attendance: body.attendance }),
      );
    },
  });
}
