/**
 * The partnership boundary. Powers that come from a role (front door, manager, integrated processes, panel roles)
 * reach only the children of the partnerships the user's organisation serves; outside them, only a relationship
 * to the child counts. A partnership is a top-level area (an area with no parent): the local authority area or
 * group of areas that runs one early help offer.
 *
 * - The user's partnerships: those of the areas their organisation's teams work in, and of the areas they are
 *   given themselves (administration: teams and users).
 * - The child's partnerships: those of the area of their current address (its recorded area, or else the area
 *   whose postcode districts include the address), and of the areas served by any organisation working with them now.
 *
 * A child placed in no partnership at all (no address in a known area, and no organisation working with them that
 * serves one) is within every partnership's reach, so that the front door can always pick up a child nobody has
 * placed yet. Everything about a placed child outside the user's partnerships needs a relationship.
 */
import { sql } from 'kysely';
import type { Q } from '../db/connection.ts';
import type { Role } from '../db/schema.ts';
import { type Actor, hasRole } from './access.ts';
import { districtOf } from './areas.ts';
import { londonToday } from './calendar.ts';

/** Each area with the partnership (top-level area) it belongs to, as a SQL fragment for a `with recursive`. */
const PARTNERSHIP_OF_AREA = sql`
  chain(start_id, id, parent_id) as (
    select id, id, parent_id from area
    union all
    select c.start_id, a.id, a.parent_id from chain c join area a on a.id = c.parent_id
  ),
  partnership_of(area_id, partnership_id) as (select start_id, id from chain where parent_id is null)`;

/** The partnerships (top-level area ids) the actor's role powers reach. */
export async function actorPartnerships(db: Q, actor: Pick<Actor, 'userId' | 'organisationId'>): Promise<string[]> {
  const result = await sql<{ partnership_id: string }>`
    with recursive ${PARTNERSHIP_OF_AREA}
    select distinct p.partnership_id from partnership_of p
     where p.area_id in (select area_id from team where organisation_id = ${actor.organisationId} and area_id is not null
                         union select area_id from user_area where user_id = ${actor.userId})`.execute(db);
  return result.rows.map((r) => r.partnership_id);
}

/** The partnerships a person belongs to now: by their current address, and by who works with them. */
export async function personPartnerships(db: Q, personId: string, today: string): Promise<string[]> {
  const result = await sql<{ partnership_id: string }>`
    with recursive ${PARTNERSHIP_OF_AREA},
    person_areas(area_id) as (
      select h.area_id from household_member hm join household h on h.id = hm.household_id
       where hm.person_id = ${personId} and hm.moved_out is null and h.area_id is not null
      union
      select d.area_id from household_member hm join household h on h.id = hm.household_id
        join area_postcode_district d
          on d.district = ${districtOf(sql.ref('h.postcode'))}
       where hm.person_id = ${personId} and hm.moved_out is null and h.area_id is null
      union
      select t.area_id from involvement i join team t on t.organisation_id = i.organisation_id
       where i.person_id = ${personId} and t.area_id is not null
         and i.started_on <= ${today}::date and (i.ended_on is null or i.ended_on >= ${today}::date)
    )
    select distinct p.partnership_id from partnership_of p where p.area_id in (select area_id from person_areas)`.execute(
    db,
  );
  return result.rows.map((r) => r.partnership_id);
}

/**
 * Whether the actor's role powers reach this person: the person is in one of the actor's partnerships, or in
 * none at all. Callers combine it with the role check; a relationship to the child is an alternative to it.
 */
export async function withinPartnership(
  db: Q,
  actor: Pick<Actor, 'userId' | 'organisationId'>,
  personId: string,
  at: Date,
): Promise<boolean> {
  const [mine, theirs] = await Promise.all([
    actorPartnerships(db, actor),
    personPartnerships(db, personId, londonToday(at)),
  ]);
  if (theirs.length === 0) return true;
  return theirs.some((p) => mine.includes(p));
}

/**
 * Whether one of the actor's roles gives them this power over the person: they hold one of the roles, and the
 * person is within the actor's partnership. Outside it, only a relationship to the child counts.
 */
export async function rolePowerOver(db: Q, actor: Actor, roles: Role[], personId: string, at: Date): Promise<boolean> {
  return !!hasRole(actor, ...roles) && (await withinPartnership(db, actor, personId, at));
}
