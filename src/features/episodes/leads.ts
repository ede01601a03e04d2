/**
 * The lead practitioner of many children at once, by the one rule in `leadRows` (src/platform/relationships.ts):
 * an open episode's current lead, otherwise a current involvement marked lead. The index card, the family page and
 * "who to talk to" read it here, so the lead shown is the lead who has the relationship.
 */
import { sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { Actor } from '../../platform/access.ts';
import { londonToday } from '../../platform/calendar.ts';
import { rolePowerOver } from '../../platform/partnership.ts';
import { can } from '../../platform/policy.ts';
import { leadRows, relationshipsWith } from '../../platform/relationships.ts';

export interface CurrentLead {
  personId: string;
  /** The open episode the lead leads, or null for a lead marked on an involvement. */
  episodeId: string | null;
  /** The involvement marked lead, or null for an episode's lead. */
  involvementId: string | null;
  userId: string | null;
  name: string | null;
  role: string | null;
  organisationName: string | null;
  phone: string | null;
  email: string | null;
}

export async function currentLeads(q: Q, personIds: string[], at: Date): Promise<Map<string, CurrentLead>> {
  const leads = new Map<string, CurrentLead>();
  if (personIds.length === 0) return leads;
  const rows = await q
    .selectFrom(leadRows(q, londonToday(at)).as('l'))
    .leftJoin('app_user as u', 'u.id', 'l.user_id')
    .leftJoin('involvement as i', 'i.id', 'l.involvement_id')
    .leftJoin('organisation as o', (j) => j.on(sql<boolean>`o.id = coalesce(i.organisation_id, u.organisation_id)`))
    .select([
      'l.person_id',
      'l.episode_id',
      'l.involvement_id',
      'l.user_id',
      'u.name',
      'u.job_title',
      'i.role',
      'o.name as organisation_name',
      sql<string | null>`coalesce(i.contact_phone, u.phone)`.as('phone'),
      sql<string | null>`coalesce(i.contact_email, u.email)`.as('email'),
    ])
    .where('l.person_id', 'in', personIds)
    .orderBy('l.person_id')
    .orderBy(sql`l.episode_id is null`)
    .orderBy('l.involvement_id')
    .execute();
  for (const r of rows) {
    if (leads.has(r.person_id)) continue;
    leads.set(r.person_id, {
      personId: r.person_id,
      episodeId: r.episode_id,
      involvementId: r.involvement_id,
      userId: r.user_id,
      name: r.name,
      role: r.role ?? r.job_title,
      organisationName: r.organisation_name,
      phone: r.phone,
      email: r.email,
    });
  }
  return leads;
}

/**
 * Whether the actor may open the child's episodes, as the episodes pages decide: the `episode.read` role, and a
 * relationship with the child or the targeted services leader's role within the child's partnership.
 */
export async function mayReadEpisodes(q: Q, actor: Actor, personId: string, at: Date): Promise<boolean> {
  if (!can(actor, 'episode.read')) return false;
  if ((await relationshipsWith(q, actor, personId, at)).length > 0) return true;
  return !!(await rolePowerOver(q, actor, ['integrated_processes'], personId, at));
}
