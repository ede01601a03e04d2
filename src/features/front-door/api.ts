/**
 * The front door's JSON API: a school's or a health trust's system sends a request for support with an API token,
 * and reads back what was decided; the front door lists its queue and records decisions.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CONTACT_OUTCOMES, LAWFUL_BASES, NEED_LEVELS } from '../../db/schema.ts';
import { defineApiRoute } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import { REFERRAL_SOURCE_CODES } from './codes.ts';
import { FrontDoorService, parseContact, parseDecision } from './service.ts';

const IdParams = z.object({
  id: z.guid({ error: 'id must be a UUID, like 0b6c8f6e-3c1a-4d8e-9f5b-2a7d4e1c9b30' }),
});

const text = (name: string, max: number) =>
  z.string({ error: `${name} must be text` }).max(max, { error: `${name} must be ${max} characters or fewer` });

const ContactBody = z.object({
  significantHarm: z
    .boolean({ error: 'significantHarm must be true or false' })
    .describe(
      'Asked first: does the sender believe a child is at risk of significant harm? true makes the contact urgent.',
    ),
  urgency: z.enum(['urgent', 'normal'], { error: 'urgency must be urgent or normal' }).optional(),
  childIds: z
    .array(z.guid({ error: 'childIds must be UUIDs of children on the index' }))
    .min(1, { error: 'childIds must name at least one child' })
    .max(10, { error: 'childIds must name at most 10 children' }),
  referralSource: z
    .enum(REFERRAL_SOURCE_CODES, { error: 'referralSource must be a Children in Need census referral source code' })
    .describe('Children in Need census referral source: 2A schools, 3A GP, 6 police …'),
  circumstances: text('circumstances', 10000),
  indicatorIds: z
    .array(text('indicatorIds', 80))
    .max(400)
    .optional()
    .describe('Indicator ids from the threshold guidance in force.'),
  needsToHappen: text('needsToHappen', 10000),
  tried: text('tried', 10000).optional(),
  permission: z
    .enum(['consent', ...LAWFUL_BASES], { error: `permission must be consent or one of ${LAWFUL_BASES.join(', ')}` })
    .describe('consent: a current consent on each child covers the front door; otherwise the lawful basis to share.'),
  lawfulReason: text('lawfulReason', 2000).optional(),
});

const Deadline = z.object({ status: z.string(), due: z.string(), rule: z.string() }).nullable();

const ContactCreated = z.object({
  id: z.string(),
  reference: z.string(),
  urgency: z.enum(['urgent', 'normal']),
  frontDoor: z
    .array(z.object({ name: z.string(), phone: z.string().nullable(), hours: z.string().nullable() }))
    .describe('For an urgent contact: telephone now.'),
});

const ContactSummary = z.object({
  id: z.string(),
  reference: z.string(),
  urgency: z.enum(['urgent', 'normal']),
  status: z.enum(['open', 'decided']),
  receivedAt: z.string(),
});

const ContactList = z.object({
  made: z.array(ContactSummary).describe('Contacts the token’s user made, newest first.'),
  queue: z
    .array(
      ContactSummary.extend({
        childIds: z.array(z.string()),
        deadline: Deadline,
        assignedTo: z.string().nullable(),
      }),
    )
    .describe('For the front door: open contacts in the partnership, urgent first then oldest.'),
});

const Decision = z.object({
  outcome: z.enum(CONTACT_OUTCOMES),
  level: z.enum(NEED_LEVELS).nullable(),
  rationale: z.string(),
  advice: z.string().nullable(),
  service: z.string().nullable(),
  leader: z.string().nullable(),
  decidedAt: z.string(),
  guidanceVersion: z.number(),
});

const ContactDetail = ContactSummary.extend({
  significantHarm: z.boolean(),
  children: z.array(z.object({ id: z.string(), givenName: z.string(), familyName: z.string() })),
  referrer: z.object({ name: z.string(), organisation: z.string() }),
  referralSource: z.string(),
  circumstances: z.string(),
  indicators: z.array(z.object({ id: z.string(), text: z.string(), level: z.string() })),
  needsToHappen: z.string(),
  tried: z.string().nullable(),
  deadline: Deadline,
  decision: Decision.nullable(),
});

const DecisionBody = z.object({
  outcome: z.enum(CONTACT_OUTCOMES, { error: `outcome must be one of ${CONTACT_OUTCOMES.join(', ')}` }),
  level: z.enum(NEED_LEVELS, { error: `level must be one of ${NEED_LEVELS.join(', ')}` }).optional(),
  indicatorIds: z.array(text('indicatorIds', 80)).max(400).optional(),
  rationale: text('rationale', 10000).optional().describe('Required: a decision without a rationale is refused.'),
  advice: text('advice', 5000).optional(),
  directoryServiceId: z.guid({ error: 'directoryServiceId must be a UUID' }).optional(),
  managerId: z
    .guid({ error: 'managerId must be a UUID' })
    .optional()
    .describe('For advice only or no further action on an urgent contact: the manager who agreed.'),
});

const DecisionCreated = z.object({ id: z.string(), outcome: z.enum(CONTACT_OUTCOMES), leader: z.string().nullable() });

const CONTACT_FIELDS: Record<string, string> = {
  harm: 'significantHarm',
  child: 'childIds',
  needsToHappen: 'needsToHappen',
  lawfulReason: 'lawfulReason',
};
const DECISION_FIELDS: Record<string, string> = {};

function refuse(errors: FieldError[], fields: Record<string, string>): never {
  throw new ValidationError(
    errors.map((e) => ({ field: fields[e.field] ?? e.field, message: e.message, in: 'body' })),
    'The request has problems: see errors',
  );
}

export function registerFrontDoorApi(app: FastifyInstance, deps: AppDeps) {
  const service = new FrontDoorService(deps.database.db);

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/contacts',
    summary: 'Send a request for support (a contact) to the front door',
    description:
      'Asks first whether the sender believes a child is at risk of significant harm: if so the contact is urgent ' +
      'and the front door’s numbers come back — telephone them now. Each child must be on the index; the family’s ' +
      'agreement (a consent covering the front door) or the lawful reason to share without it is recorded for each.',
    tags: ['Front door'],
    auth: true,
    body: ContactBody,
    response: ContactCreated,
    status: 201,
    handler: async (ctx, { body }) => {
      const form = parseContact({
        harm: body.significantHarm ? 'yes' : 'no',
        child: body.childIds,
        referralSource: body.referralSource,
        circumstances: body.circumstances,
        indicator: body.indicatorIds ?? [],
        needsToHappen: body.needsToHappen,
        tried: body.tried ?? '',
        urgency: body.significantHarm ? 'urgent' : (body.urgency ?? 'normal'),
        permission: body.permission,
        lawfulReason: body.lawfulReason ?? '',
      });
      if (!form.ok) refuse(form.errors, CONTACT_FIELDS);
      try {
        const made = await service.create(ctx, form.data, 'api');
        const numbers = made.urgent ? await service.frontDoorNumbers(ctx, body.childIds[0] ?? null) : [];
        return {
          id: made.id,
          reference: made.reference,
          urgency: made.urgent ? ('urgent' as const) : ('normal' as const),
          frontDoor: numbers.map((n) => ({ name: n.name, phone: n.phone, hours: n.hours })),
        };
      } catch (err) {
        if (err instanceof ValidationError) refuse(err.errors, CONTACT_FIELDS);
        throw err;
      }
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/contacts',
    summary: 'Contacts you made, and (front door) the open contacts in your partnership',
    tags: ['Front door'],
    auth: true,
    response: ContactList,
    handler: async (ctx) => {
      const { made, queue } = await service.list(ctx);
      return {
        made: made.map((c) => ({
          id: c.id,
          reference: c.reference,
          urgency: c.urgency,
          status: c.status,
          receivedAt: new Date(c.received_at).toISOString(),
        })),
        queue: queue.map((c) => ({
          id: c.contact_id,
          reference: c.reference,
          urgency: c.urgency,
          status: 'open' as const,
          receivedAt: new Date(c.received_at).toISOString(),
          childIds: c.children.map((x) => x.id),
          deadline: c.deadline ? { status: c.deadline.status, due: c.deadline.sentence, rule: c.deadline.rule } : null,
          assignedTo: c.assigned_to,
        })),
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/contacts/:id',
    summary: 'One contact and, once made, its decision',
    description:
      'For the practitioner who made it, the front door worker holding it, the leader asked to act on it, and the front door in the partnership; anyone else gets 404.',
    tags: ['Front door'],
    auth: true,
    params: IdParams,
    response: ContactDetail,
    handler: async (ctx, { params }) => {
      const v = await service.view(ctx, params.id);
      const d = v.decision;
      return {
        id: v.contact.id,
        reference: v.contact.reference,
        urgency: v.contact.urgency,
        status: v.contact.status,
        receivedAt: new Date(v.contact.received_at).toISOString(),
        significantHarm: v.contact.significant_harm,
        children: v.children.map((c) => ({ id: c.person_id, givenName: c.given_name, familyName: c.family_name })),
        referrer: {
          name: v.contact.referrer_name ?? v.contact.sender_name ?? '',
          organisation: v.contact.referrer_organisation_name ?? v.contact.sender_organisation ?? '',
        },
        referralSource: v.contact.referral_source,
        circumstances: v.contact.circumstances,
        indicators: v.contact.indicators.map((i) => ({ id: i.id, text: i.text, level: i.level })),
        needsToHappen: v.contact.needs_to_happen,
        tried: v.contact.tried,
        deadline: v.deadline ? { status: v.deadline.status, due: v.deadline.sentence, rule: v.deadline.rule } : null,
        decision: d
          ? {
              outcome: d.outcome,
              level: d.level,
              rationale: d.rationale,
              advice: d.advice,
              service: d.service_name,
              leader: d.leader_name,
              decidedAt: new Date(d.decided_at).toISOString(),
              guidanceVersion: d.guidance_version,
            }
          : null,
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/contacts/:id/decision',
    summary: 'Record the front door’s decision on a contact (once; the referrer is told)',
    description:
      'A rationale is required. Advice only or no further action on an urgent contact needs managerId. A contact ' +
      'already decided answers 409 and nothing is changed.',
    tags: ['Front door'],
    auth: true,
    params: IdParams,
    body: DecisionBody,
    response: DecisionCreated,
    status: 201,
    roles: ['front_door'],
    handler: async (ctx, { params, body }) => {
      const form = parseDecision({
        outcome: body.outcome,
        level: body.level ?? '',
        indicator: body.indicatorIds ?? [],
        rationale: body.rationale ?? '',
        advice: body.advice ?? '',
        directoryServiceId: body.directoryServiceId ?? '',
        managerId: body.managerId ?? '',
      });
      if (!form.ok) refuse(form.errors, DECISION_FIELDS);
      try {
        const r = await service.decide(ctx, params.id, form.data);
        return { id: r.decisionId, outcome: r.outcome, leader: r.leader?.name ?? null };
      } catch (err) {
        if (err instanceof ValidationError) refuse(err.errors, DECISION_FIELDS);
        throw err;
      }
    },
  });
}
