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

type Who = Pick<Actor, 'userId' | 'organisationId'>;
const whoKey = (who: Who) => `${who.userId}:${who.organisationId}`;

/** The partnerships (top-level area ids) each user's role powers reach, in one statement, keyed by user. */
async function usersPartnerships(db: Q, users: Who[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(users.map((u) => [whoKey(u), []]));
  if (!users.length) return out;
  const result = await sql<{ user_id: string; organisation_id: string; partnership_id: string }>`
    with recursive ${PARTNERSHIP_OF_AREA},
    who(user_id, organisation_id) as (values ${sql.join(users.map((u) => sql`(${u.userId}::uuid, ${u.organisationId}::uuid)`))}),
    user_areas(user_id, organisation_id, area_id) as (
      select w.user_id, w.organisation_id, t.area_id from who w join team t on t.organisation_id = w.organisation_id
       where t.area_id is not null
      union
      select w.user_id, w.organisation_id, ua.area_id from who w join user_area ua on ua.user_id = w.user_id
    )
    select distinct u.user_id, u.organisation_id, p.partnership_id
      from user_areas u join partnership_of p on p.area_id = u.area_id`.execute(db);
  for (const r of result.rows) {
    out.get(whoKey({ userId: r.user_id, organisationId: r.organisation_id }))?.push(r.partnership_id);
  }
  return out;
}

/** The partnerships each person belongs to now (by their current address, and by who works with them), keyed by person. */
async function peoplePartnerships(db: Q, personIds: string[], today: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(personIds.map((id) => [id, []]));
  if (!personIds.length) return out;
  const ids = sql.join(personIds.map((id) => sql`${id}::uuid`));
  const result = await sql<{ person_id: string; partnership_id: string }>`
    with recursive ${PARTNERSHIP_OF_AREA},
    person_areas(person_id, area_id) as (
      select hm.person_id, h.area_id from household_member hm join household h on h.id = hm.household_id
       where hm.person_id in (${ids}) and hm.moved_out is null and h.area_id is not null
      union
      select hm.person_id, d.area_id from household_member hm join household h on h.id = hm.household_id
        join area_postcode_district d
          on d.district = ${districtOf(sql.ref('h.postcode'))}
       where hm.person_id in (${ids}) and hm.moved_out is null and h.area_id is null
      union
      select i.person_id, t.area_id from involvement i join team t on t.organisation_id = i.organisation_id
       where i.person_id in (${ids}) and t.area_id is not null
         and i.started_on <= ${today}::date and (i.ended_on is null or i.ended_on >= ${today}::date)
    )
    select distinct a.person_id, p.partnership_id from person_areas a join partnership_of p on p.area_id = a.area_id`.execute(
    db,
  );
  for (const r of result.rows) out.get(r.person_id)?.push(r.partnership_id);
  return out;
}

/** The partnerships (top-level area ids) the actor's role powers reach. */
export async function actorPartnerships(db: Q, actor: Who): Promise<string[]> {
  return (await usersPartnerships(db, [actor])).get(whoKey(actor)) ?? [];
}

/** The partnerships a person belongs to now: by their current address, and by who works with them. */
export async function personPartnerships(db: Q, personId: string, today: string): Promise<string[]> {
  return (await peoplePartnerships(db, [personId], today)).get(personId) ?? [];
}

/** The rule: a person in no partnership is within every one's reach; otherwise they must share one. */
const reaches = (mine: string[], theirs: string[]) => theirs.length === 0 || theirs.some((p) => mine.includes(p));

/**
 * Whether the actor's role powers reach this person: the person is in one of the actor's partnerships, or in
 * none at all. Callers combine it with the role check; a relationship to the child is an alternative to it.
 */
export async function withinPartnership(db: Q, actor: Who, personId: string, at: Date): Promise<boolean> {
  const [mine, theirs] = await Promise.all([
    actorPartnerships(db, actor),
    personPartnerships(db, personId, londonToday(at)),
  ]);
  return reaches(mine, theirs);
}

/**
 * The same rule as `withinPartnership` for many users and many people at once, in two statements: for lists
 * (a queue, the workers a contact can go to). The answer for one user and one person is `withinPartnership`'s.
 */
export async function partnershipReach(
  db: Q,
  users: Who[],
  personIds: string[],
  at: Date,
): Promise<(user: Who, personId: string) => boolean> {
  const people = [...new Set(personIds)];
  const mine = await usersPartnerships(db, users);
  const theirs = await peoplePartnerships(db, people, londonToday(at));
  return (user, personId) => {
    const m = mine.get(whoKey(user));
    const t = theirs.get(personId);
    if (!m || !t) throw new Error('partnershipReach was asked about a user or person it was not given');
    return reaches(m, t);
  };
}

/**
 * Whether one of the actor's roles gives them this power over the person: they hold one of the roles, and the
 * person is within the actor's partnership. Outside it, only a relationship to the child counts.
 */
export async function rolePowerOver(db: Q, actor: Actor, roles: Role[], personId: string, at: Date): Promise<boolean> {
  return !!hasRole(actor, ...roles) && (await withinPartnership(db, actor, personId, at));
}
