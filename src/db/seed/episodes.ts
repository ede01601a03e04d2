/**
 * One demo family in early help: the child the demo practitioner works with (and the children living with them) in
 * an open episode, the demo practitioner as lead practitioner, and a team around the family of three — the demo
 * team leader, the class teacher and a housing officer (both outside Early Help Hub). Everyone named is fictional.
 */
import type { Transaction } from 'kysely';
import { addDays, londonMidnight, londonToday } from '../../platform/calendar.ts';
import type { DB } from '../schema.ts';
import type { FamilyRows } from './families.ts';
import { demoId } from './random.ts';

const PRACTITIONER = demoId('user:practitioner@demo.early-help.invalid');
const TEAM_LEADER = demoId('user:manager@demo.early-help.invalid');

export async function seedDemoEpisode(trx: Transaction<DB>, families: FamilyRows, today: Date): Promise<number> {
  const childIds = new Set(families.persons.filter((p) => p.kind === 'child').map((p) => p.id));
  const involvement = families.involvements.find(
    (i) => i.user_id === PRACTITIONER && !i.ended_on && childIds.has(i.person_id),
  );
  if (!involvement) return 0;
  const childId = involvement.person_id;
  const households = new Set(
    families.members.filter((m) => m.person_id === childId && !m.moved_out).map((m) => m.household_id),
  );
  const personIds = [
    childId,
    ...new Set(
      families.members
        .filter((m) => households.has(m.household_id) && !m.moved_out && m.person_id !== childId)
        .map((m) => m.person_id)
        .filter((id) => childIds.has(id)),
    ),
  ];
  const day = londonToday(today);
  const openedOn = addDays(day, -20);
  const at = (d: string, hour: number) => new Date(londonMidnight(d).getTime() + hour * 3600_000);
  const id = demoId('episode:demo');
  await trx
    .insertInto('episode')
    .values({ id, opened_at: at(openedOn, 11), opened_by: PRACTITIONER, opened_from: 'manual', opened_from_id: null })
    .execute();
  await trx
    .insertInto('episode_person')
    .values(personIds.map((person_id) => ({ episode_id: id, person_id })))
    .execute();
  await trx
    .insertInto('episode_lead')
    .values({
      id: demoId('episode-lead:demo'),
      episode_id: id,
      user_id: PRACTITIONER,
      started_at: at(openedOn, 11),
      appointed_by: PRACTITIONER,
      acknowledged_at: at(openedOn, 11),
    })
    .execute();
  const members = [
    { key: 'team-leader', user_id: TEAM_LEADER, role: 'Team leader', joined: openedOn },
    {
      key: 'teacher',
      outside_name: 'Jo Marsh',
      outside_organisation: 'Lea North Primary School (demo)',
      role: 'Class teacher',
      joined: addDays(openedOn, 2),
    },
    {
      key: 'housing',
      outside_name: 'Ravi Okafor',
      outside_organisation: 'Lea Housing Options (demo)',
      role: 'Housing officer',
      joined: addDays(openedOn, 6),
    },
  ];
  for (const m of members) {
    await trx
      .insertInto('episode_member')
      .values({
        id: demoId(`episode-member:${m.key}`),
        episode_id: id,
        user_id: m.user_id ?? null,
        outside_name: m.outside_name ?? null,
        outside_organisation: m.outside_organisation ?? null,
        role: m.role,
        joined_on: m.joined,
        added_by: PRACTITIONER,
        added_at: at(m.joined, 14),
      })
      .execute();
  }
  return 1;
}
