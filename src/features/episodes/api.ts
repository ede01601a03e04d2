/** The episodes API: list a child's episodes, see one, open, add and remove team members, hand over, close. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  EPISODE_CLOSE_REASONS,
  EPISODE_LETTER_METHODS,
  EPISODE_OPENED_FROM,
  SUPPORTING_FAMILIES_OUTCOMES,
} from '../../db/schema.ts';
import { defineApiRoute } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { UUID } from '../../platform/ids.ts';
import { DIRECT_CLOSE_REASONS, type EpisodeService } from './service.ts';

const id = (what: string) => z.string().regex(UUID, { error: `${what} must be an id` });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const Summary = z.object({
  id: z.guid(),
  status: z.enum(['open', 'closed']),
  openedAt: z.string(),
  openedFrom: z.enum(EPISODE_OPENED_FROM),
  closedAt: z.string().nullable(),
  closeReason: z.enum(EPISODE_CLOSE_REASONS).nullable(),
  lead: z.string().nullable().describe('The current lead practitioner (for a closed episode, the last).'),
});
const Detail = z.object({
  id: z.guid(),
  status: z.enum(['open', 'closed']),
  openedAt: z.string(),
  openedFrom: z.enum(EPISODE_OPENED_FROM),
  openedFromId: z.guid().nullable().describe('The front door contact it was opened from, when it was.'),
  closedAt: z.string().nullable(),
  closeReason: z.enum(EPISODE_CLOSE_REASONS).nullable(),
  closeNote: z.string().nullable(),
  monitoring: z
    .object({
      proposedAt: z.string(),
      weeks: z.number().int(),
      defaultWeeks: z.number().int().describe('The partnership’s usual period when closure was proposed.'),
      periodReason: z.string().nullable(),
      endsOn: z.string().describe('The day the lead is asked to confirm closure.'),
    })
    .nullable()
    .describe('Set while the episode is monitored after closure was proposed because needs are met.'),
  outcomes: z
    .array(
      z.object({
        outcome: z.enum(SUPPORTING_FAMILIES_OUTCOMES),
        achieved: z.boolean(),
        sustained: z.boolean().describe('Confirmed as lasting through the monitoring period.'),
        evidence: z.string(),
        recordedAt: z.string(),
      }),
    )
    .describe('The Supporting Families headline outcomes claimed, with the evidence.'),
  letter: z
    .object({ method: z.enum(EPISODE_LETTER_METHODS), recordedAt: z.string(), language: z.string().nullable() })
    .nullable()
    .describe('The family’s closure letter, once recorded as given or sent.'),
  people: z.array(z.object({ id: z.guid(), name: z.string() })),
  lead: z.object({ userId: z.guid(), name: z.string(), organisation: z.string(), since: z.string() }).nullable(),
  leads: z.array(
    z.object({
      userId: z.guid(),
      name: z.string(),
      startedAt: z.string(),
      endedAt: z.string().nullable(),
      handoverFrom: z.string().nullable(),
      handoverNote: z.string().nullable(),
      handoverAgreedOn: z.string().nullable(),
    }),
  ),
  team: z.array(
    z.object({
      id: z.guid(),
      kind: z.enum(['user', 'outside', 'service']),
      userId: z.guid().nullable(),
      directoryServiceId: z.guid().nullable(),
      name: z.string(),
      organisation: z.string().nullable(),
      role: z.string(),
      joinedOn: z.string(),
      leftOn: z.string().nullable(),
    }),
  ),
});
const Created = z.object({ id: z.guid() });

export function registerEpisodeApi(app: FastifyInstance, deps: AppDeps, service: EpisodeService) {
  const detail = async (ctx: Parameters<EpisodeService['view']>[0], episodeId: string) => {
    const personId = await service.personFor(ctx, episodeId);
    const d = await service.view(ctx, personId, episodeId);
    return {
      id: d.episode.id,
      status: d.episode.status,
      openedAt: d.episode.opened_at.toISOString(),
      openedFrom: d.episode.opened_from,
      openedFromId: d.episode.opened_from_id,
      closedAt: iso(d.episode.closed_at),
      closeReason: d.episode.close_reason,
      closeNote: d.episode.close_note,
      monitoring: d.monitoring
        ? {
            proposedAt: d.monitoring.proposed_at.toISOString(),
            weeks: d.monitoring.weeks,
            defaultWeeks: d.monitoring.default_weeks,
            periodReason: d.monitoring.period_reason,
            endsOn: d.monitoring.ends_on,
          }
        : null,
      outcomes: d.outcomes.map((o) => ({
        outcome: o.outcome,
        achieved: o.achieved,
        sustained: o.sustained,
        evidence: o.evidence,
        recordedAt: o.recorded_at.toISOString(),
      })),
      letter:
        d.episode.letter_recorded_at && d.episode.letter_method
          ? {
              method: d.episode.letter_method,
              recordedAt: d.episode.letter_recorded_at.toISOString(),
              language: d.episode.letter_language,
            }
          : null,
      people: d.people.map((p) => ({ id: p.id, name: `${p.given_name} ${p.family_name}` })),
      lead: d.lead
        ? {
            userId: d.lead.user_id,
            name: d.lead.name,
            organisation: d.lead.organisation_name,
            since: d.lead.started_at.toISOString(),
          }
        : null,
      leads: d.leads.map((l) => ({
        userId: l.user_id,
        name: l.name,
        startedAt: l.started_at.toISOString(),
        endedAt: iso(l.ended_at),
        handoverFrom: l.handover_from_name,
        handoverNote: l.handover_note,
        handoverAgreedOn: l.handover_agreed_on,
      })),
      team: d.members.map((m) => ({
        id: m.id,
        kind: m.user_id ? ('user' as const) : m.directory_service_id ? ('service' as const) : ('outside' as const),
        userId: m.user_id,
        directoryServiceId: m.directory_service_id,
        name: m.name,
        organisation: m.organisation,
        role: m.role,
        joinedOn: m.joined_on,
        leftOn: m.left_on,
      })),
    };
  };
  const EpisodeParams = z.object({ id: id('id') });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/episodes',
    summary: 'A child’s early help episodes, newest first',
    description:
      'For someone who works with the child, or the targeted services leader in the child’s partnership; 404 for ' +
      'anyone else (audited on the child).',
    tags: ['Early help episodes'],
    auth: true,
    query: z.object({ personId: id('personId').describe('The child.') }),
    response: z.object({ items: z.array(Summary) }),
    handler: async (ctx, { query }) => {
      const list = await service.list(ctx, query.personId);
      return {
        items: list.episodes.map((e) => ({
          id: e.id,
          status: e.status,
          openedAt: e.opened_at.toISOString(),
          openedFrom: e.opened_from,
          closedAt: iso(e.closed_at),
          closeReason: e.close_reason,
          lead: e.lead_name,
        })),
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes',
    summary: 'Open an early help episode for a child (and children living with them) with a lead practitioner',
    description:
      'The lead must be a practitioner serving the child’s partnership; they are told and asked to acknowledge. ' +
      'A child already in an open episode is refused (400). With contactId, the targeted services leader the ' +
      'front door asked opens it from that contact, and their work item is done.',
    tags: ['Early help episodes'],
    auth: true,
    body: z.object({
      personId: id('personId'),
      otherPersonIds: z.array(id('otherPersonIds')).max(20).optional().describe('Other children in the household.'),
      leadUserId: id('leadUserId'),
      contactId: id('contactId').optional(),
    }),
    response: Created,
    status: 201,
    handler: async (ctx, { body }) =>
      service.open(ctx, body.personId, {
        personIds: body.otherPersonIds ?? [],
        leadUserId: body.leadUserId,
        contactId: body.contactId ?? null,
      }),
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/episodes/:id',
    summary: 'One episode: its children, lead practitioner and the leads before, and the team around the family',
    description: 'For someone who works with one of its children, or the targeted services leader; 404 otherwise.',
    tags: ['Early help episodes'],
    auth: true,
    params: EpisodeParams,
    response: Detail,
    handler: async (ctx, { params }) => detail(ctx, params.id),
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/members',
    summary: 'Add someone to the team around the family: a user, a named outside practitioner, or a service',
    description:
      'Give exactly one of userId (a practitioner serving the child’s partnership), outsideName with ' +
      'outsideOrganisation, or directoryServiceId. For the lead or the targeted services leader; 403 otherwise.',
    tags: ['Early help episodes'],
    auth: true,
    params: EpisodeParams,
    body: z
      .object({
        userId: id('userId').optional(),
        outsideName: z.string().trim().min(1).max(200).optional(),
        outsideOrganisation: z.string().trim().min(1).max(200).optional(),
        directoryServiceId: id('directoryServiceId').optional(),
        role: z.string().trim().min(1).max(200),
      })
      .refine(
        (b) => [b.userId, b.outsideName, b.directoryServiceId].filter(Boolean).length === 1,
        'Give exactly one of userId, outsideName or directoryServiceId',
      )
      .refine((b) => !b.outsideName || !!b.outsideOrganisation, 'An outside practitioner needs outsideOrganisation'),
    response: Created,
    status: 201,
    handler: async (ctx, { params, body }) => {
      const personId = await service.personFor(ctx, params.id);
      return service.addMember(
        ctx,
        personId,
        params.id,
        body.userId
          ? { kind: 'user', userId: body.userId, role: body.role }
          : body.directoryServiceId
            ? { kind: 'service', directoryServiceId: body.directoryServiceId, role: body.role }
            : { kind: 'outside', name: body.outsideName!, organisation: body.outsideOrganisation!, role: body.role },
      );
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/members/:memberId/leave',
    summary: 'End someone’s membership of the team around the family (at once)',
    tags: ['Early help episodes'],
    auth: true,
    params: z.object({ id: id('id'), memberId: id('memberId') }),
    response: Created,
    handler: async (ctx, { params }) => {
      const personId = await service.personFor(ctx, params.id);
      return service.removeMember(ctx, personId, params.id, params.memberId);
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/handover',
    summary: 'Change the lead practitioner: the recorded handover from the outgoing lead to the incoming one',
    description: 'The only way to change the lead. A handover note and the date it was agreed are required.',
    tags: ['Early help episodes'],
    auth: true,
    params: EpisodeParams,
    body: z.object({
      incomingUserId: id('incomingUserId'),
      note: z.string().trim().min(1).max(5000),
      agreedOn: z.iso.date().describe('The date the handover was agreed (not in the future).'),
    }),
    response: Created,
    handler: async (ctx, { params, body }) => {
      const personId = await service.personFor(ctx, params.id);
      return service.handover(ctx, personId, params.id, body);
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/close',
    summary: 'Close an episode with a reason',
    description:
      'A reason is required (and a note with `other`). `needs_met` is refused (400): it closes only by confirming ' +
      'closure after a monitoring period. Refused while the episode has open actions. The lead’s appointment and ' +
      'the team end with it.',
    tags: ['Early help episodes'],
    auth: true,
    params: EpisodeParams,
    body: z
      .object({ reason: z.enum(DIRECT_CLOSE_REASONS), note: z.string().trim().max(5000).optional() })
      .refine((b) => b.reason !== 'other' || !!b.note, 'A note is required when the reason is other'),
    response: Created,
    handler: async (ctx, { params, body }) => {
      const personId = await service.personFor(ctx, params.id);
      const r = await service.close(ctx, personId, params.id, { reason: body.reason, note: body.note || null });
      return { id: r.id };
    },
  });
}
