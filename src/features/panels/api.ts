/**
 * The panels API (docs/decisions/0035): the panels one sits on (configuration, members, gateway services), their
 * meetings with capacity and, for the administrator and chairs, the agenda's slots; the requests waiting for the
 * administrator; making a request for a child; and the administrator's accept, decline and allocate. Everything goes
 * through PanelService and PanelRequestService, and requests through the page's own form rules, so the API refuses
 * what the pages refuse: a rule of the record answers 422 (see `recordRules`), a malformed request 400.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  PANEL_MEMBER_ROLES,
  PANEL_MODELS,
  PANEL_REDIRECTS,
  PANEL_REQUEST_STATUSES,
  type PanelMeetingStatus,
} from '../../db/schema.ts';
import { defineApiRoute, recordRules } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import type { RequestContext } from '../../platform/context.ts';
import { NotFoundError, UnprocessableError } from '../../platform/errors.ts';
import { parseForm } from '../../platform/forms.ts';
import { UUID } from '../../platform/ids.ts';
import { AllocateForm, DeclineForm, RequestForm } from './request-routes.ts';
import { PanelRequestService, REDIRECT_WORDS, STEP_CODES } from './requests.ts';
import { PanelService } from './service.ts';
import { WithdrawForm, WithdrawService } from './withdraw.ts';

const id = (what: string) => z.string().regex(UUID, { error: `${what} must be an id` });
const TAGS = ['Panels'];
const Params = z.object({ id: id('id') });

const PanelSummary = z.object({
  id: z.guid(),
  name: z.string(),
  roles: z.array(z.string()).describe('Your current seats on it; empty for a panel you manage without a seat.'),
});

const Meeting = z.object({
  id: z.guid(),
  panelId: z.guid(),
  date: z.string().describe('YYYY-MM-DD, London.'),
  startTime: z.string(),
  endTime: z.string(),
  venue: z.string().nullable(),
  status: z.enum(['scheduled', 'cancelled', 'held'] satisfies PanelMeetingStatus[]),
  capacity: z.number().int().describe('How many cases it can hear: its length ÷ the panel’s slot length.'),
});

const PanelDetail = z.object({
  id: z.guid(),
  name: z.string(),
  model: z.enum(PANEL_MODELS),
  modelWords: z.string().nullable(),
  area: z.string().nullable(),
  remit: z.string().nullable(),
  status: z.string(),
  cadenceWeeks: z.number().int(),
  maxMinutes: z.number().int(),
  slotMinutes: z.number().int(),
  members: z.array(
    z.object({
      id: z.guid(),
      userId: z.guid(),
      name: z.string(),
      organisation: z.string(),
      role: z.enum(PANEL_MEMBER_ROLES),
      deputyFor: z.string().nullable().describe('The member a deputy stands in for.'),
      adviserKind: z.string().nullable(),
      from: z.string(),
      to: z.string().nullable(),
      current: z.boolean(),
    }),
  ),
  gatewayServices: z.array(z.object({ id: z.guid(), name: z.string() })),
});

const RequestSummary = z.object({
  id: z.guid(),
  personId: z.guid().describe('The child it was made from.'),
  name: z.string(),
  status: z.enum(PANEL_REQUEST_STATUSES),
  createdAt: z.string(),
  referrer: z.string(),
  organisation: z.string(),
  meetingDate: z.string().nullable(),
  slot: z.number().int().nullable(),
});

const RequestDetail = z.object({
  id: z.guid(),
  panelId: z.guid(),
  personId: z.guid(),
  status: z.enum(PANEL_REQUEST_STATUSES),
  statusReason: z.string().nullable(),
  redirectedTo: z.enum(PANEL_REDIRECTS).nullable(),
  referrer: z.string(),
  organisation: z.string(),
  children: z.array(z.object({ id: z.guid(), name: z.string(), dateOfBirth: z.string().nullable() })),
  steps: z.array(z.object({ code: z.string(), text: z.string(), done: z.boolean() })),
  changesWanted: z.string().nullable(),
  successCriteria: z.string().nullable(),
  questions: z.string().nullable(),
  service: z.string().nullable(),
  meetingId: z.guid().nullable(),
  meetingDate: z.string().nullable(),
  slotTime: z.string().nullable(),
  papersReceivedAt: z.string().nullable(),
  otherForums: z
    .array(z.object({ personId: z.guid(), what: z.string(), panelKnows: z.boolean(), otherKnows: z.boolean() }))
    .describe('Other forums’ agendas the children are on in the same period.'),
});

const yesNo = z.enum(['yes', 'no']);

export function registerPanelsApi(app: FastifyInstance, deps: AppDeps) {
  const db = deps.database.db;
  const panels = new PanelService(db, deps.config.baseUrl);
  const requests = new PanelRequestService(db, deps.config.baseUrl);

  const panelOfRequest = async (requestId: string) => {
    const r = await db.selectFrom('panel_request').select('panel_id').where('id', '=', requestId).executeTakeFirst();
    if (!r) throw new NotFoundError();
    return r.panel_id;
  };
  const panelOfMeeting = async (meetingId: string) => {
    const m = await db.selectFrom('panel_meeting').select('panel_id').where('id', '=', meetingId).executeTakeFirst();
    if (!m) throw new NotFoundError();
    return m.panel_id;
  };
  const meetingOut = (m: {
    id: string;
    panel_id: string;
    meeting_date: string;
    start_time: string;
    end_time: string;
    venue: string | null;
    status: PanelMeetingStatus;
    capacity: number;
  }) => ({
    id: m.id,
    panelId: m.panel_id,
    date: m.meeting_date,
    startTime: m.start_time,
    endTime: m.end_time,
    venue: m.venue,
    status: m.status,
    capacity: m.capacity,
  });
  const requestDetail = async (ctx: RequestContext, requestId: string): Promise<z.input<typeof RequestDetail>> => {
    const panelId = await panelOfRequest(requestId);
    const v = await requests.adminView(ctx, panelId, requestId);
    const r = v.request;
    return {
      id: r.id,
      panelId,
      personId: r.person_id,
      status: r.status,
      statusReason: r.status_reason,
      redirectedTo: r.redirected_to,
      referrer: r.referrer_name,
      organisation: r.referrer_organisation,
      children: v.children,
      steps: v.checklist.map((s) => ({ code: s.code, text: s.text, done: s.done })),
      changesWanted: r.changes_wanted,
      successCriteria: r.success_criteria,
      questions: r.questions,
      service: r.service_name,
      meetingId: r.meeting_id,
      meetingDate: r.meeting_date,
      slotTime: r.slotTime,
      papersReceivedAt: r.papers_submitted_at ? r.papers_submitted_at.toISOString() : null,
      otherForums: v.forums.map((f) => ({
        personId: f.personId,
        what: f.words,
        panelKnows: f.here,
        otherKnows: f.there,
      })),
    };
  };

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/panels',
    summary: 'The panels you sit on (every panel for a panel administrator or system administrator)',
    tags: TAGS,
    auth: true,
    response: z.object({ items: z.array(PanelSummary) }),
    handler: async (ctx) => {
      const o = await panels.overview(ctx);
      const seen = new Set(o.mine.map((p) => p.id));
      return {
        items: [
          ...o.mine.map((p) => ({ id: p.id, name: p.name, roles: p.roles })),
          ...o.all.filter((p) => !seen.has(p.id)).map((p) => ({ id: p.id, name: p.name, roles: [] })),
        ],
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/panels/:id',
    summary: 'One panel: its configuration, members by agency with deputies and advisers, and gateway services',
    description: 'For its current members and those who manage it; 404 for anyone else.',
    tags: TAGS,
    auth: true,
    params: Params,
    response: PanelDetail,
    handler: async (ctx, { params }) => {
      const v = await panels.view(ctx, params.id);
      const p = v.panel;
      return {
        id: p.id,
        name: p.name,
        model: p.model,
        modelWords: p.modelWords,
        area: p.areaName,
        remit: p.remit,
        status: p.status,
        cadenceWeeks: p.cadence_weeks,
        maxMinutes: p.max_minutes,
        slotMinutes: p.slot_minutes,
        members: v.members.map((m) => ({
          id: m.id,
          userId: m.user_id,
          name: m.user_name,
          organisation: m.organisation_name,
          role: m.role,
          deputyFor: m.deputyForName,
          adviserKind: m.adviser_kind,
          from: m.from_date,
          to: m.to_date,
          current: m.current,
        })),
        gatewayServices: v.services.map((s) => ({ id: s.id, name: s.name })),
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/panel-meetings',
    summary: 'A panel’s meetings from today (from three months ago for those who manage it), with their capacity',
    tags: TAGS,
    auth: true,
    query: z.object({ panel: id('panel').describe('The panel.') }),
    response: z.object({ items: z.array(Meeting) }),
    handler: async (ctx, { query }) => {
      const v = await panels.view(ctx, query.panel);
      return { items: v.meetings.map(meetingOut) };
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/panel-meetings/:id',
    summary: 'One meeting: its times, capacity, deadlines and, for the administrator and chairs, the agenda’s slots',
    description:
      'For the panel’s current members and those who manage it. `slots` lists the cases in agenda order with their ' +
      'times and the children’s ids for the panel’s administrator, chair and deputy chairs (audited on the ' +
      'children); it is null for other members, who read the papers instead.',
    tags: TAGS,
    auth: true,
    params: Params,
    response: Meeting.extend({
      deadlines: z.object({ papersDue: z.string(), invitationBy: z.string(), circulatedBy: z.string() }),
      slots: z
        .array(
          z.object({
            requestId: z.guid(),
            slot: z.number().int(),
            start: z.string(),
            end: z.string(),
            personId: z.guid(),
            papersReceived: z.boolean(),
          }),
        )
        .nullable(),
    }),
    handler: async (ctx, { params }) => {
      const panelId = await panelOfMeeting(params.id);
      const m = await panels.meeting(ctx, panelId, params.id);
      let slots = null;
      const seat = await db
        .selectFrom('panel_member')
        .select(['role', 'from_date', 'to_date'])
        .where('panel_id', '=', panelId)
        .where('user_id', '=', ctx.actor.userId)
        .where('role', 'in', ['administrator', 'chair', 'deputy_chair'])
        .execute();
      if (seat.length && ctx.actor.roles.some((r) => r === 'panel_admin' || r === 'panel_chair')) {
        try {
          const agenda = await requests.agenda(ctx, panelId, params.id);
          slots = agenda.items.map((i, n) => ({
            requestId: i.id,
            slot: n + 1,
            start: i.start,
            end: i.end,
            personId: i.person_id,
            papersReceived: !!i.papers_submitted_at,
          }));
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
      return {
        ...meetingOut({ ...m.meeting, capacity: m.meeting.capacity }),
        deadlines: {
          papersDue: m.deadlines.papersDue,
          invitationBy: m.deadlines.invitationBy,
          circulatedBy: m.deadlines.circulatedBy,
        },
        slots,
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/panel-requests',
    summary:
      'For a panel’s administrator or chair: the requests waiting for a decision and those accepted without a slot',
    description: 'Audited on the children listed. 404 for a panel you do not administer or chair.',
    tags: TAGS,
    auth: true,
    query: z.object({ panel: id('panel').describe('The panel.') }),
    response: z.object({ items: z.array(RequestSummary) }),
    handler: async (ctx, { query }) => {
      const v = await requests.waiting(ctx, query.panel);
      return {
        items: v.requests.map((r) => ({
          id: r.id,
          personId: r.person_id,
          name: r.name,
          status: r.status,
          createdAt: r.created_at.toISOString(),
          referrer: r.referrer,
          organisation: r.organisation,
          meetingDate: r.meeting_date,
          slot: r.slot_order,
        })),
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/panel-requests/:id',
    summary: 'One request, as its panel’s administrator or chair sees it',
    description: 'Audited on the child. 404 for anyone who does not administer or chair its panel.',
    tags: TAGS,
    auth: true,
    params: Params,
    response: RequestDetail,
    handler: async (ctx, { params }) => requestDetail(ctx, params.id),
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/panel-requests',
    summary: 'Ask a panel to discuss a child or family you work with',
    description:
      'The redirect questions come first: a `yes` to `harm`, `breakdown` or `statutory` means the front door, a `yes` ' +
      'to `educationOnly` the school’s School Liaison Meeting — the request is recorded as redirected (as on the ' +
      'page) and the answer is 422 naming the reason and where to go. Without a consent naming the panel (or a ' +
      'lawful basis), without a signed-off Early Help Assessment, or when the child is not eligible for the gateway ' +
      'service asked for: 422 with the reason. 404 for a child you do not work with.',
    tags: TAGS,
    auth: true,
    body: z.object({
      personId: id('personId').describe('The child.'),
      panelId: id('panelId'),
      harm: yesNo.describe('Do you suspect a child is at risk of significant harm?'),
      breakdown: yesNo.describe('Is there a significant or immediate risk of family breakdown?'),
      statutory: yesNo.describe('Is an assessment for a specific service the council provides needed?'),
      educationOnly: yesNo.describe('Is this a school’s concern mainly about school or education?'),
      steps: z
        .array(z.string().max(60))
        .max(STEP_CODES.length)
        .optional()
        .describe(`The steps taken before asking, from: ${STEP_CODES.join(', ')}.`),
      changesWanted: z.string().max(5000).optional(),
      successCriteria: z.string().max(5000).optional(),
      questions: z.string().max(5000).optional(),
      serviceId: id('serviceId').optional().describe('For a gateway panel: the service asked for.'),
      answers: z
        .record(z.string().regex(/^(_area|[a-z0-9-]{1,40})$/), z.enum(['yes', 'no', 'unknown']))
        .optional()
        .describe(
          'Answers to the gateway service’s eligibility questions, by question id; `_area` answers whether the child lives in the areas the service serves, when their record cannot say.',
        ),
    }),
    response: z.object({ id: z.guid(), status: z.enum(PANEL_REQUEST_STATUSES) }),
    status: 201,
    unprocessable:
      'A redirect rule applies, there is no consent naming the panel, no signed-off Early Help Assessment, or the ' +
      'child is not eligible for the service asked for.',
    handler: async (ctx, { body }) => {
      const { personId, panelId, answers, ...rest } = body;
      const form = parseForm(RequestForm, {
        ...rest,
        ...Object.fromEntries(Object.entries(answers ?? {}).map(([k, v]) => [`answer-${k}`, v])),
      });
      if (!form.ok) throw new UnprocessableError(form.errors, form.errors.map((e) => e.message).join('. '));
      const made = await recordRules(() => requests.make(ctx, personId, panelId, form.data));
      if (made.kind === 'redirected') {
        throw new UnprocessableError(
          [{ field: 'redirect', message: `${made.reasons.join(' ')} Where to go instead: ${REDIRECT_WORDS[made.to]}` }],
          `${made.reasons.join(' ')} The request is recorded as redirected to ${REDIRECT_WORDS[made.to].toLowerCase()}.`,
        );
      }
      return { id: made.id, status: 'submitted' as const };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/panel-requests/:id/accept',
    summary: 'Accept a request waiting for a decision (its panel’s administrator or chair)',
    tags: TAGS,
    auth: true,
    params: Params,
    response: z.object({ id: z.guid() }),
    unprocessable: 'The request is not waiting for a decision.',
    handler: async (ctx, { params }) => {
      const panelId = await panelOfRequest(params.id);
      await recordRules(() => requests.accept(ctx, panelId, params.id));
      return { id: params.id };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/panel-requests/:id/decline',
    summary: 'Decline a request, with the reason (its panel’s administrator or chair); the referrer is told',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({ reason: z.string().max(2000) }),
    response: z.object({ id: z.guid() }),
    unprocessable: 'No reason, or the request is no longer waiting (or already on an agenda).',
    handler: async (ctx, { params, body }) => {
      const form = parseForm(DeclineForm, body);
      if (!form.ok) throw new UnprocessableError(form.errors, form.errors.map((e) => e.message).join('. '));
      const panelId = await panelOfRequest(params.id);
      await recordRules(() =>
        requests.close(ctx, panelId, params.id, { decision: 'declined', reason: form.data.reason, to: null }),
      );
      return { id: params.id };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/panel-requests/:id/allocate',
    summary: 'Give an accepted request a slot: on the meeting named, or the next with room before its papers deadline',
    description:
      'The referrer is emailed an invitation with the slot’s time. A full meeting, or one past its papers deadline, is a 422.',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({ meetingId: id('meetingId').optional() }),
    response: z.object({ id: z.guid(), meetingId: z.guid() }),
    unprocessable: 'The request is not accepted, or the meeting is full, past its papers deadline or not the panel’s.',
    handler: async (ctx, { params, body }) => {
      const form = parseForm(AllocateForm, body);
      if (!form.ok) throw new UnprocessableError(form.errors, form.errors.map((e) => e.message).join('. '));
      const panelId = await panelOfRequest(params.id);
      const r = await recordRules(() => requests.allocate(ctx, panelId, params.id, form.data.meetingId));
      return { id: params.id, meetingId: r.meetingId };
    },
  });

  const withdrawals = new WithdrawService(db);
  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/panel-requests/:id/withdraw',
    summary:
      'Withdraw a request before it is discussed, with the reason (its referrer, or its panel’s administrator or chair)',
    description:
      'The request leaves its meeting’s agenda (later slots move up), its open deadlines close and the panel’s administrators are told.',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({ reason: z.string().max(2000) }),
    response: z.object({ id: z.guid(), status: z.enum(PANEL_REQUEST_STATUSES) }),
    unprocessable: 'No reason, or the request is declined, redirected, withdrawn already or discussed.',
    handler: async (ctx, { params, body }) => {
      const form = parseForm(WithdrawForm, body);
      if (!form.ok) throw new UnprocessableError(form.errors, form.errors.map((e) => e.message).join('. '));
      const r = await db.selectFrom('panel_request').select('person_id').where('id', '=', params.id).executeTakeFirst();
      if (!r) throw new NotFoundError();
      await recordRules(() => withdrawals.withdraw(ctx, r.person_id, params.id, form.data.reason));
      return { id: params.id, status: 'withdrawn' as const };
    },
  });
}
