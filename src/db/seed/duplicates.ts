/**
 * A few children in the demo are recorded twice, as happens when two agencies each register a child the way
 * they know them: a nickname, a misspelt family name, the day and month of birth swapped, no NHS number. The
 * pairs start in the duplicate review queue, so reviewers can try comparing and merging.
 */
import type { Insertable } from 'kysely';
import { variantsOf } from '../../features/people/matching/nicknames.ts';
import type { PersonTable } from '../schema.ts';
import type { FamilyRows } from './people.ts';
import { demoId } from './random.ts';

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One agency's version of a name or date, different in one realistic way. */
const VARIATIONS: ((p: Insertable<PersonTable>) => Partial<Insertable<PersonTable>> | null)[] = [
  (p) => {
    const nick = variantsOf(p.given_name.toLowerCase()).find((v) => v !== p.given_name.toLowerCase() && v.length > 2);
    return nick ? { given_name: cap(nick) } : null;
  },
  (p) => {
    const f = p.family_name;
    if (f.length < 5 || f.includes(' ') || f.includes('-')) return null;
    return { family_name: f.slice(0, 2) + f[3] + f[2] + f.slice(4) };
  },
  (p) => {
    const dob = p.date_of_birth;
    if (!dob) return null;
    const [y, m, d] = dob.split('-');
    if (Number(d) > 12 || d === m) return null;
    return { date_of_birth: `${y}-${d}-${m}` };
  },
  (p) => (p.middle_names ? { given_name: p.middle_names.split(' ')[0]!, middle_names: p.given_name } : null),
  (p) => (p.given_name.length > 3 ? { given_name: p.given_name.slice(0, 2) + p.given_name.slice(1) } : null),
];

/** Adds the second records to the rows; returns the [original, duplicate] id pairs. */
export function addDemoDuplicates(rows: FamilyRows, wanted = 8): [string, string][] {
  const pairs: [string, string][] = [];
  const children = rows.persons.filter((p) => p.kind === 'child' && p.date_of_birth && !p.shielded);
  for (let i = 0; pairs.length < wanted && i < children.length; i += 7) {
    const original = children[i]!;
    const variation = VARIATIONS[pairs.length % VARIATIONS.length]!(original);
    if (!variation) continue;
    const id = demoId(`duplicate:${original.id}`);
    rows.persons.push({
      ...original,
      ...variation,
      id,
      // The second agency did not have the NHS number, and knew the child only by their first name.
      nhs_number: null,
      middle_names: variation.middle_names ?? null,
      known_as: variation.known_as === undefined ? null : variation.known_as,
      upn: pairs.length % 2 === 0 ? null : original.upn,
    });
    const home = rows.members.find((m) => m.person_id === original.id && m.moved_out === null);
    if (home)
      rows.members.push({ household_id: home.household_id, person_id: id, moved_in: home.moved_in, moved_out: null });
    // The second agency's involvement was recorded on its own record.
    const involvement = rows.involvements.find((v) => v.person_id === original.id && v.ended_on === null);
    const others = rows.involvements.filter((v) => v.person_id === original.id);
    if (involvement && others.length > 1) involvement.person_id = id;
    pairs.push([original.id!, id]);
  }
  return pairs;
}
