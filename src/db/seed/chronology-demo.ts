/**
 * The demo child whose chronology shows the most: the child the demo practitioner has recorded conversations about
 * (src/db/seed/conversations.ts). Adds a case note of her own and a sensitive note another agency working with the
 * child keeps to its own organisation, so that her view of the chronology has entries from several features and
 * says that one entry is not shown to her. Everything written is fictional.
 */
import type { Transaction } from 'kysely';
import { addDays, londonMidnight, londonToday } from '../../platform/calendar.ts';
import type { DB } from '../schema.ts';
import type { FamilyRows } from './people.ts';
import { demoId } from './random.ts';
import { DEMO_USERS } from './users.ts';

const PRACTITIONER = demoId('user:practitioner@demo.early-help.invalid');
const HEALTH = demoId('org:lea-health');

/** The child the demo practitioner works with first: the one the demo conversations are about. */
export function chronologyDemoChild(families: FamilyRows): string | null {
  const childIds = new Set(families.persons.filter((p) => p.kind === 'child').map((p) => p.id));
  return (
    families.involvements.find((i) => i.user_id === PRACTITIONER && !i.ended_on && childIds.has(i.person_id))
      ?.person_id ?? null
  );
}

export async function seedDemoChronology(trx: Transaction<DB>, families: FamilyRows, today: Date): Promise<number> {
  const childId = chronologyDemoChild(families);
  if (!childId) return 0;
  const day = londonToday(today);
  const at = (daysAgo: number, hour: number) =>
    new Date(londonMidnight(addDays(day, -daysAgo)).getTime() + hour * 3600_000);
  const notes: {
    organisation_id: string;
    recorded_by: string;
    category: string | null;
    body: string;
    recorded_at: Date;
    own_organisation_only: boolean;
  }[] = [
    {
      organisation_id: HEALTH,
      recorded_by: PRACTITIONER,
      category: null,
      body: 'Home visit offered after the call with school; mum would like to try a parenting group.',
      recorded_at: at(10, 11),
      own_organisation_only: false,
    },
  ];
  // Another agency working with the child keeps a sensitive note to itself: the practitioner is told one entry is
  // not shown, and nothing about it.
  const recorder = otherAgencyRecorder(families, childId);
  if (recorder) {
    notes.push({
      organisation_id: recorder.organisationId,
      recorded_by: recorder.userId,
      category: 'mental_health',
      body: 'Talked with mum about how she has been feeling; agreed to see her GP this week.',
      recorded_at: at(6, 14),
      own_organisation_only: true,
    });
  }
  await trx
    .insertInto('case_note')
    .values(notes.map((n) => ({ ...n, person_id: childId, consent_id: null })))
    .execute();
  return notes.length;
}

/**
 * Someone of another organisation working with the child: the practitioner named on its involvement, or else a
 * demo user of that organisation.
 */
function otherAgencyRecorder(families: FamilyRows, childId: string) {
  for (const i of families.involvements) {
    if (i.person_id !== childId || i.organisation_id === HEALTH || i.ended_on) continue;
    if (i.user_id) return { userId: i.user_id, organisationId: i.organisation_id };
    const user = DEMO_USERS.find(
      (u) =>
        demoId(`org:${u.org}`) === i.organisation_id && u.roles.some((r) => r === 'practitioner' || r === 'manager'),
    );
    if (user) return { userId: demoId(`user:${user.email}`), organisationId: i.organisation_id };
  }
  return null;
}
