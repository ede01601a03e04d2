/** The JSON API for recorded conversations: list a child's, record one, read one (with its actions). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CONVERSATION_KINDS } from '../../db/schema.ts';
import { defineApiRoute } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { londonToday } from '../../platform/calendar.ts';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import { dateFromParts } from '../../platform/forms.ts';
import { UUID } from '../../platform/ids.ts';
import type { ConversationInput } from './schemas.ts';
import type { ConversationService } from './service.ts';

const id = (what: string) =>
  z.string({ error: `${what} must be a record id` }).regex(UUID, `${what} must be a record id`);
const isoDate = (name: string) =>
  z
    .string({ error: `${name} must be a date, YYYY-MM-DD` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${name} must be a date, YYYY-MM-DD` })
    .refine((v) => !dateFromParts(v.slice(8, 10), v.slice(5, 7), v.slice(0, 4), name).error, {
      error: `${name} must be a real date`,
    });
const text = (name: string, max: number) =>
  z
    .string({ error: `${name} must be text` })
    .trim()
    .max(max, `${name} must be ${max} characters or fewer`);

const Action = z.object({
  id: z.string(),
  description: z.string(),
  ownerUserId: z.string(),
  ownerName: z.string(),
  ownerOrganisation: z.string(),
  dueOn: z.string().describe('YYYY-MM-DD'),
  doneAt: z.string().nullable().describe('When it was marked done (ISO 8601), or null while open.'),
});

const Conversation = z.object({
  id: z.string(),
  personId: z.string().describe('The child whose record it was recorded from.'),
  childIds: z.array(z.string()).describe('The children it is about that you may see it for.'),
  otherChildren: z.number().int().describe('Children it is also about whom you may not see it for: counted only.'),
  kind: z.enum(CONVERSATION_KINDS),
  heldOn: z.string().describe('YYYY-MM-DD'),
  recordedAt: z.string(),
  recordedBy: z.string(),
  organisation: z.string().describe('The organisation that recorded it (and owns the record).'),
  participants: z.array(
    z.object({
      userId: z.string().nullable().describe('Null for someone who does not use the service.'),
      name: z.string(),
      organisation: z.string().nullable(),
      role: z.string().nullable(),
    }),
  ),
  concerns: z.string().nullable(),
  strengths: z.string().nullable(),
  agreed: z.string(),
  actions: z.array(Action),
  recipients: z.array(z.object({ userId: z.string(), name: z.string(), organisation: z.string() })),
  followUpOn: z.string().describe('The day the participants are asked whether it helped (YYYY-MM-DD).'),
  href: z.string().describe('The conversation’s page in the service.'),
});

type Full = Awaited<ReturnType<ConversationService['conversation']>>;

function toApi(r: Full): z.input<typeof Conversation> {
  const c = r.conversation;
  return {
    id: c.id,
    personId: c.person_id,
    childIds: r.children.filter((x) => x.shown).map((x) => x.id),
    otherChildren: r.children.filter((x) => !x.shown).length,
    kind: c.kind,
    heldOn: String(c.held_on).slice(0, 10),
    recordedAt: c.recorded_at.toISOString(),
    recordedBy: c.recorded_by_name,
    organisation: c.organisation_name,
    participants: r.participants.map((p) =>
      p.user_id
        ? { userId: p.user_id, name: p.user_name ?? '', organisation: p.user_organisation_name, role: p.user_job_title }
        : { userId: null, name: p.name ?? '', organisation: p.organisation_name, role: p.role },
    ),
    concerns: c.concerns,
    strengths: c.strengths,
    agreed: c.agreed,
    actions: r.actions.map((a) => ({
      id: a.id,
      description: a.description,
      ownerUserId: a.owner_user_id,
      ownerName: a.owner_name,
      ownerOrganisation: a.owner_organisation_name,
      dueOn: String(a.due_on).slice(0, 10),
      doneAt: a.done_at ? a.done_at.toISOString() : null,
    })),
    recipients: r.recipients.map((x) => ({ userId: x.id, name: x.name, organisation: x.organisation_name })),
    followUpOn: String(c.follow_up_on).slice(0, 10),
    href: `/people/${r.person.id}/conversations/${c.id}`,
  };
}

const NewConversation = z.object({
  personId: id('personId').describe('The child it is recorded from: someone you work with.'),
  heldOn: isoDate('heldOn'),
  kind: z.enum(CONVERSATION_KINDS, { error: `kind must be one of ${CONVERSATION_KINDS.join(', ')}` }),
  participantUserIds: z
    .array(id('participantUserIds'))
    .max(20)
    .default([])
    .describe('Users who took part (you are added).'),
  outsideParticipants: z
    .array(
      z.object({
        name: text('name', 200).min(1, 'name is required'),
        organisation: text('organisation', 200).nullish(),
        role: text('role', 200).nullish(),
      }),
    )
    .max(20)
    .default([])
    .describe('People who took part and do not use the service.'),
  childIds: z.array(id('childIds')).max(20).default([]).describe('Other children of the family it was also about.'),
  concerns: text('concerns', 10000).nullish(),
  strengths: text('strengths', 10000).nullish(),
  agreed: text('agreed', 10000).min(1, 'agreed is required'),
  actions: z
    .array(
      z.object({
        description: text('description', 2000).min(1, 'description is required'),
        ownerUserId: id('ownerUserId'),
        dueOn: isoDate('dueOn'),
      }),
    )
    .max(20)
    .default([])
    .describe('Each goes on its owner’s work list.'),
  recipientUserIds: z
    .array(id('recipientUserIds'))
    .max(20)
    .default([])
    .describe('Practitioners the outcome is sent to: each is notified.'),
});

export function registerConversationApi(app: FastifyInstance, deps: AppDeps, service: ConversationService) {
  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/conversations',
    summary: 'The recorded conversations about a child, newest first, as far as the token’s user may see them',
    description:
      'Needs a relationship with the child; otherwise 404. Another organisation’s conversations show only with consent ' +
      'or a recorded lawful basis covering the user’s organisation; those not shown are counted in `hidden`. Audited.',
    tags: ['Conversations'],
    auth: true,
    query: z.object({ personId: id('personId') }),
    response: z.object({
      personId: z.string(),
      conversations: z.array(
        Conversation.omit({ participants: true, recipients: true, childIds: true, otherChildren: true }),
      ),
      hidden: z.number().int(),
    }),
    handler: async (ctx, { query }) => {
      const found = await service.listForChild(ctx, query.personId);
      return {
        personId: query.personId,
        hidden: found.hidden,
        conversations: found.conversations.map((c) => ({
          id: c.id,
          personId: c.person_id,
          kind: c.kind,
          heldOn: String(c.held_on).slice(0, 10),
          recordedAt: c.recorded_at.toISOString(),
          recordedBy: c.recorded_by_name,
          organisation: c.organisation_name,
          concerns: c.concerns,
          strengths: c.strengths,
          agreed: c.agreed,
          actions: c.actions.map((a) => ({
            id: a.id,
            description: a.description,
            ownerUserId: a.owner_user_id,
            ownerName: a.owner_name,
            ownerOrganisation: a.owner_organisation_name,
            dueOn: String(a.due_on).slice(0, 10),
            doneAt: a.done_at ? a.done_at.toISOString() : null,
          })),
          followUpOn: String(c.follow_up_on).slice(0, 10),
          href: `/people/${query.personId}/conversations/${c.id}`,
        })),
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/conversations',
    summary: 'Record a conversation about a child you work with, with its actions and who the outcome goes to',
    description:
      'As the page does: the token’s user is recorded as taking part; each action goes on its owner’s work list; each ' +
      'recipient is notified; the participants who use the service are asked some working days later whether it ' +
      'helped. Naming a user of another organisation needs consent or a recorded lawful basis covering that ' +
      'organisation for every child it is about (400 on that field otherwise). No relationship with the child: 404.',
    tags: ['Conversations'],
    auth: true,
    status: 201,
    body: NewConversation,
    response: Conversation,
    handler: async (ctx, { body }) => {
      const errors: FieldError[] = [];
      if (body.heldOn > londonToday(ctx.at))
        errors.push({ field: 'heldOn', message: 'heldOn must be today or earlier' });
      body.actions.forEach((a, i) => {
        if (a.dueOn < body.heldOn) {
          errors.push({ field: `actions.${i}.dueOn`, message: 'dueOn must be on or after heldOn' });
        }
      });
      if (!body.participantUserIds.length && !body.outsideParticipants.length) {
        errors.push({ field: 'participantUserIds', message: 'name at least one other person who took part' });
      }
      if (errors.length) throw new ValidationError(errors, 'The request has problems: see errors');
      const input: ConversationInput = {
        heldOn: body.heldOn,
        kind: body.kind,
        participants: body.participantUserIds.map((userId, i) => ({ userId, field: `participantUserIds.${i}` })),
        outside: body.outsideParticipants.map((o) => ({
          name: o.name,
          organisation: o.organisation || null,
          role: o.role || null,
        })),
        childIds: body.childIds,
        concerns: body.concerns || null,
        strengths: body.strengths || null,
        agreed: body.agreed,
        actions: body.actions.map((a, i) => ({ ...a, field: `actions.${i}.ownerUserId` })),
        recipients: body.recipientUserIds.map((userId, i) => ({ userId, field: `recipientUserIds.${i}` })),
      };
      try {
        const conversationId = await service.record(ctx, body.personId, input);
        return toApi(await service.conversation(ctx, body.personId, conversationId));
      } catch (err) {
        if (err instanceof ValidationError) {
          throw new ValidationError(
            err.errors.map((e) => ({ ...e, field: e.field === 'children' ? 'childIds' : e.field })),
            'The request has problems: see errors',
          );
        }
        throw err;
      }
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/conversations/:id',
    summary: 'One recorded conversation, with its participants, actions and who the outcome went to',
    description:
      'For someone who works with a child it is about (under the sharing rules) or whom it names (a participant, an ' +
      'action owner or a recipient of the outcome); otherwise 404. Audited.',
    tags: ['Conversations'],
    auth: true,
    params: z.object({ id: id('id') }),
    response: Conversation,
    handler: async (ctx, { params }) => toApi(await service.conversationById(ctx, params.id)),
  });
}
