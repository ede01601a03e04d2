/**
 * "Who can I talk to about this child, now?" — from the partnership's own data, by tier as the continuum lays it
 * out: your line manager and safeguarding lead, the practitioners already working with the child, the family
 * information service (universal); the cluster's targeted services leaders and integrated processes team
 * (targeted); the front door in and out of hours and the professional advice line (specialist).
 */
import { type Kysely, sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { DB, TeamContactRole, Tier } from '../../db/schema.ts';
import type { Actor } from '../../platform/access.ts';
import { districtOf } from '../../platform/areas.ts';
import { londonToday } from '../../platform/calendar.ts';
import { type CurrentLead, currentLeads, mayReadEpisodes } from '../episodes/leads.ts';
import { involvements } from '../people/repository.ts';
import { visibleInvolvements } from '../people/service.ts';

export interface Contact {
  kind: 'lead' | 'line_manager' | 'safeguarding_lead' | 'involved' | 'leader' | TeamContactRole;
  /** What they are to you or the child, in words. */
  label: string;
  name: string;
  organisation: string | null;
  phone: string | null;
  email: string | null;
  hours: string | null;
  /** A link to more about them (the lead's early help episode), for those who may follow it. */
  href?: string | null;
}

export interface TierContacts {
  tier: Tier;
  heading: string;
  contacts: Contact[];
}

const CONTACT_TIER: Record<TeamContactRole, Tier> = {
  family_information: 'universal',
  integrated_processes: 'targeted',
  targeted_services: 'targeted',
  front_door: 'specialist',
  out_of_hours: 'specialist',
  advice_line: 'specialist',
};

const CONTACT_LABEL: Record<TeamContactRole, string> = {
  family_information: 'Family information service: how to reach universal services',
  integrated_processes: 'Integrated processes team: who to contact in clusters and targeted services',
  targeted_services: 'Targeted services for the area',
  front_door: 'Front door: to discuss a concern or make a request for support',
  out_of_hours: 'Front door out of hours',
  advice_line: 'Professional advice line',
};

const ORDER: TeamContactRole[] = [
  'front_door',
  'out_of_hours',
  'advice_line',
  'integrated_processes',
  'targeted_services',
  'family_information',
];

/**
 * The areas to look in, each with its parents: the child's (their current address's area, or the area whose
 * postcode districts include it); without a child, or for a child placed nowhere, the user's own areas.
 */
async function areaChain(db: Q, actor: Actor, personId: string | null): Promise<string[]> {
  const start = personId
    ? sql`select h.area_id from household_member hm join household h on h.id = hm.household_id
           where hm.person_id = ${personId} and hm.moved_out is null and h.area_id is not null
          union
          select d.area_id from household_member hm join household h on h.id = hm.household_id
            join area_postcode_district d
              on d.district = ${districtOf(sql.ref('h.postcode'))}
           where hm.person_id = ${personId} and hm.moved_out is null and h.area_id is null`
    : null;
  const mine = sql`select area_id from team where organisation_id = ${actor.organisationId} and area_id is not null
                   union select area_id from user_area where user_id = ${actor.userId}`;
  const chain = async (seed: ReturnType<typeof sql>) => {
    const r = await sql<{ id: string }>`
      with recursive up(id, parent_id) as (
        select a.id, a.parent_id from area a where a.id in (${seed})
        union
        select a.id, a.parent_id from up join area a on a.id = up.parent_id
      ) select distinct id from up`.execute(db);
    return r.rows.map((x) => x.id);
  };
  const found = start ? await chain(start) : [];
  return found.length ? found : chain(mine);
}

export async function whoToTalkTo(db: Kysely<DB>, actor: Actor, personId: string | null, at: Date) {
  const today = londonToday(at);
  const areas = await areaChain(db, actor, personId);

  const managers = actor.teamIds.length
    ? await db
        .selectFrom('user_team as ut')
        .innerJoin('app_user as u', 'u.id', 'ut.user_id')
        .innerJoin('team as t', 't.id', 'ut.team_id')
        .select(['u.id', 'u.name', 'u.job_title', 'u.phone', 'u.email', 't.name as team_name'])
        .where('ut.team_id', 'in', actor.teamIds)
        .where('ut.is_manager', '=', true)
        .where('u.id', '<>', actor.userId)
        .where('u.disabled_at', 'is', null)
        .orderBy('u.name')
        .execute()
    : [];
  const lead = await db
    .selectFrom('organisation as o')
    .innerJoin('app_user as u', 'u.id', 'o.safeguarding_lead_user_id')
    .select(['u.id', 'u.name', 'u.job_title', 'u.phone', 'u.email', 'o.name as organisation_name'])
    .where('o.id', '=', actor.organisationId)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();

  const teams = areas.length
    ? await db
        .selectFrom('team as t')
        .innerJoin('organisation as o', 'o.id', 't.organisation_id')
        .select(['t.name', 't.phone', 't.email', 't.hours', 't.contact_role', 'o.name as organisation_name'])
        .where('t.contact_role', 'is not', null)
        .where('t.area_id', 'in', areas)
        .orderBy('t.name')
        .execute()
    : [];
  const leaders = areas.length
    ? await db
        .selectFrom('app_user as u')
        .innerJoin('user_role as r', (j) => j.onRef('r.user_id', '=', 'u.id').on('r.role', '=', 'integrated_processes'))
        .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
        .select(['u.id', 'u.name', 'u.job_title', 'u.phone', 'u.email', 'o.name as organisation_name'])
        .where('u.disabled_at', 'is', null)
        .where('u.kind', '=', 'person')
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('user_area as ua')
              .select('ua.user_id')
              .whereRef('ua.user_id', '=', 'u.id')
              .where('ua.area_id', 'in', areas),
          ),
        )
        .orderBy('u.name')
        .limit(10)
        .execute()
    : [];

  let involved: Awaited<ReturnType<typeof involvements>> = [];
  let hiddenServices = 0;
  let childLead: CurrentLead | undefined;
  let episodeHref: string | null = null;
  if (personId) {
    const current = (await involvements(db, personId)).filter(
      (i) => i.started_on <= today && (i.ended_on === null || i.ended_on >= today),
    );
    const visible = await visibleInvolvements(
      db,
      actor,
      current.map((i) => ({ ...i, person_id: personId })),
      at,
    );
    involved = visible.filter((i) => !i.hidden);
    hiddenServices = visible.length - involved.length;
    // The lead practitioner by the one rule (an open episode's lead first), unless it comes through a hidden service.
    childLead = (await currentLeads(db, [personId], at)).get(personId);
    if (childLead?.involvementId && !involved.some((i) => i.id === childLead!.involvementId)) childLead = undefined;
    if (childLead?.episodeId && (await mayReadEpisodes(db, actor, personId, at))) {
      episodeHref = `/people/${personId}/episodes/${childLead.episodeId}`;
    }
  }

  const tiers: TierContacts[] = [
    { tier: 'universal', heading: 'Start here', contacts: [] },
    { tier: 'targeted', heading: 'Targeted services', contacts: [] },
    { tier: 'specialist', heading: 'Specialist services and the front door', contacts: [] },
  ];
  const add = (tier: Tier, c: Contact) => tiers.find((t) => t.tier === tier)!.contacts.push(c);
  if (childLead && childLead.userId !== actor.userId) {
    add('universal', {
      kind: 'lead',
      label: `The child’s lead practitioner${childLead.role ? `: ${childLead.role}` : ''}`,
      name: childLead.name ?? childLead.organisationName ?? 'Lead practitioner',
      organisation: childLead.organisationName,
      phone: childLead.phone,
      email: childLead.email,
      hours: null,
      href: episodeHref,
    });
  }
  for (const m of managers) {
    add('universal', {
      kind: 'line_manager',
      label: `Your line manager (${m.team_name})`,
      name: m.name,
      organisation: null,
      phone: m.phone,
      email: m.email,
      hours: null,
    });
  }
  if (lead && lead.id !== actor.userId) {
    add('universal', {
      kind: 'safeguarding_lead',
      label: 'Your safeguarding lead',
      name: lead.name,
      organisation: lead.organisation_name,
      phone: lead.phone,
      email: lead.email,
      hours: null,
    });
  }
  for (const i of involved) {
    if (i.user_id === actor.userId || i.id === childLead?.involvementId) continue;
    add(i.tier, {
      kind: 'involved',
      label: `Already working with the child: ${i.role}`,
      name: i.practitioner_name ?? i.team_name ?? i.organisation_name,
      organisation: i.organisation_name,
      phone: i.contact_phone,
      email: i.contact_email,
      hours: null,
    });
  }
  for (const l of leaders) {
    add('targeted', {
      kind: 'leader',
      label: `Targeted services leader or integrated processes officer${l.job_title ? ` (${l.job_title})` : ''}`,
      name: l.name,
      organisation: l.organisation_name,
      phone: l.phone,
      email: l.email,
      hours: null,
    });
  }
  for (const role of ORDER) {
    for (const t of teams.filter((x) => x.contact_role === role)) {
      add(CONTACT_TIER[role], {
        kind: role,
        label: CONTACT_LABEL[role],
        name: t.name,
        organisation: t.organisation_name,
        phone: t.phone,
        email: t.email,
        hours: t.hours,
      });
    }
  }
  const frontDoor = teams.filter((t) => t.contact_role === 'front_door' || t.contact_role === 'out_of_hours');
  return { tiers, hiddenServices, frontDoor };
}
