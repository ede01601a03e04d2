/**
 * The API for after the panel (docs/decisions/0036): a meeting's approved record, with each recommendation's
 * implementation, and an agency's report on implementing a recommendation. Through PanelRecordService and
 * PanelImplementationService, and the page's own report form, so the API refuses what the page refuses: a rule of the
 * record is 422 naming the fields, a second report that does not correct the one standing 409, another team 403.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PANEL_OUTCOMES } from '../../db/schema.ts';
import { defineApiRoute, recordRules } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { UnprocessableError } from '../../platform/errors.ts';
import { parseForm } from '../../platform/forms.ts';
import { UUID } from '../../platform/ids.ts';
import { type Implementation, implementationOf, PanelImplementationService } from './implementation.ts';
import { reportForm } from './implementation-routes.ts';
import { PanelRecordService } from './record.ts';

const id = (what: string) => z.string().regex(UUID, { error: `${what} must be an id` });
const TAGS = ['Panels'];
const Params = z.object({ id: id('id') });

const ImplementationOut = z.object({
  status: z
    .enum(['not_reported', 'implemented', 'not_implemented'])
    .describe('What the report that stands says; `not_reported` before any report.'),
  reports: z
    .array(
      z.object({
        id: z.guid(),
        implemented: z.boolean(),
        implementedOn: z.string().nullable().describe('YYYY-MM-DD, when implemented.'),
        note: z.string().nullable().describe('What was done, or why it was not implemented.'),
        reportedBy: z.string(),
        organisation: z.string(),
        corrects: z.guid().nullable().describe('The earlier report this one corrects.'),
        corrected: z.boolean().describe('A later report corrects this one.'),
        considered: z.boolean().describe('The panel’s chair considered this report of non-implementation.'),
        consideredNote: z.string().nullable(),
      }),
    )
    .describe('Every report, oldest first: a correction never overwrites.'),
});

const implementationOut = (i: Implementation | undefined): z.infer<typeof ImplementationOut> => ({
  status: !i?.current ? 'not_reported' : i.current.implemented ? 'implemented' : 'not_implemented',
  reports: (i?.history ?? []).map((r) => ({
    id: r.id,
    implemented: r.implemented,
    implementedOn: r.implementedOn,
    note: r.note,
    reportedBy: r.reporter,
    organisation: r.organisation,
    corrects: r.correctsId,
    corrected: r.corrected,
    considered: r.considered,
    consideredNote: r.consideredNote,
  })),
});

const RecordOut = z.object({
  meetingId: z.guid(),
  panelId: z.guid(),
  panel: z.string(),
  date: z.string().describe('YYYY-MM-DD, London.'),
  approvedAt: z.string(),
  approvedBy: z.guid(),
  attendance: z.array(
    z.object({
      userId: z.guid(),
      name: z.string(),
      organisation: z.string(),
      seat: z.string(),
      status: z.enum(['present', 'apologies', 'deputy_sent', 'absent']).nullable(),
      deputy: z.string().nullable().describe('The deputy who came in their place.'),
    }),
  ),
  cases: z.array(
    z.object({
      requestId: z.guid(),
      personIds: z.array(z.guid()).describe('Every child the case is about.'),
      referrerPresent: z.boolean().nullable(),
      discussion: z.string(),
      outcomes: z.array(z.enum(PANEL_OUTCOMES)),
      lead: z
        .object({
          kind: z.enum(['person', 'agency']),
          userId: z.guid().nullable(),
          name: z.string().nullable(),
          organisation: z.string().nullable(),
          objectives: z.string().nullable(),
          reviewOn: z.string().nullable(),
        })
        .nullable()
        .describe('The lead professional, or the lead agency asked to allocate one.'),
      dissent: z.string().nullable(),
      recommendations: z.array(
        z.object({
          id: z.guid(),
          what: z.string(),
          organisation: z.string(),
          team: z.string(),
          dueOn: z.string(),
          implementation: ImplementationOut,
        }),
      ),
    }),
  ),
});

export function registerPanelImplementationApi(app: FastifyInstance, deps: AppDeps) {
  const db = deps.database.db;
  const records = new PanelRecordService(db, deps.config.baseUrl);
  const reports = new PanelImplementationService(db);

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/panel-meetings/:id/record',
    summary: 'A meeting’s approved record: attendance, each case’s outcomes, lead professional and recommendations',
    description:
      'Each recommendation carries its implementation: the report that stands and every earlier one. For the ' +
      'panel’s current members only, as the page; 404 for anyone else and for a record not yet approved. Audited on ' +
      'the meeting with the children on its agenda.',
    tags: TAGS,
    auth: true,
    params: Params,
    response: RecordOut,
    handler: async (ctx, { params }) => {
      const v = await records.approvedRecord(ctx, params.id);
      return {
        meetingId: v.meeting.id,
        panelId: v.panel.id,
        panel: v.panel.name,
        date: v.meeting.meeting_date,
        approvedAt: v.record.approved_at!.toISOString(),
        approvedBy: v.record.approved_by!,
        attendance: v.members,
        cases: v.cases.map((c) => ({
          requestId: c.item.id,
          personIds: c.item.personIds,
          referrerPresent: c.referrerStatus === null ? null : c.referrerStatus === 'present',
          discussion: c.record.discussion,
          outcomes: c.record.outcomes as (typeof PANEL_OUTCOMES)[number][],
          lead: c.record.lead_kind
            ? {
                kind: c.record.lead_kind,
                userId: c.record.lead_user_id,
                name: c.record.lead_name,
                organisation: c.record.lead_organisation,
                objectives: c.record.lead_objectives,
                reviewOn: c.record.lead_review_on,
              }
            : null,
          dissent: c.record.dissent_reason,
          recommendations: c.recommendations.map((r) => ({
            id: r.id,
            what: r.what,
            organisation: r.organisation,
            team: r.team,
            dueOn: r.due_on,
            implementation: implementationOut(r.implementation),
          })),
        })),
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/panel-recommendations/:id/implementation',
    summary: 'Report whether your team implemented a panel’s recommendation',
    description:
      'For a member (or manager) of the team the panel asked, who works with the child; another team is 403 (audited), ' +
      'a child you do not work with 404. `implemented: "yes"` needs `implementedOn` (on or after the meeting, not in ' +
      'the future); `"no"` needs `reason`, and the panel’s chair and deputy chairs are notified and given it to ' +
      'consider. A recommendation already reported on is 409 unless `corrects` names the report that stands: the ' +
      'correction is kept beside it, never over it.',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({
      implemented: z.enum(['yes', 'no']),
      implementedOn: z.string().max(10).optional().describe('YYYY-MM-DD: when it was implemented.'),
      note: z.string().max(2000).optional().describe('What was done (when implemented).'),
      reason: z.string().max(2000).optional().describe('Why it was not implemented.'),
      corrects: id('corrects').nullable().optional().describe('The id of the report that stands, to correct it.'),
    }),
    response: z.object({ id: z.guid(), recommendationId: z.guid(), implementation: ImplementationOut }),
    status: 201,
    unprocessable:
      'No reason for a recommendation not implemented, or no date, a date in the future or before the meeting for one implemented.',
    handler: async (ctx, { params, body }) => {
      const [year = '', month = '', day = ''] = (body.implementedOn ?? '').split('-');
      const form = parseForm(reportForm(), {
        implemented: body.implemented,
        'implementedOn-day': day,
        'implementedOn-month': month,
        'implementedOn-year': year,
        note: body.note,
        reason: body.reason,
        corrects: body.corrects ?? '',
      });
      if (!form.ok) throw new UnprocessableError(form.errors, form.errors.map((e) => e.message).join('. '));
      const made = await recordRules(() => reports.reportById(ctx, params.id, form.data));
      const implementation = (await implementationOf(db, [params.id])).get(params.id);
      return { id: made.id, recommendationId: params.id, implementation: implementationOut(implementation) };
    },
  });
}
