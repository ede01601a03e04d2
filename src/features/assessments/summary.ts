/**
 * The early help assessment summary on the child's record (`person.early_help_assessment` and
 * `early_help_assessment_on`, shown on the index card and in the people API) is derived from the assessments, never
 * typed: the child's latest assessment decides. Signed off (a version signed off, even with a later draft) is
 * "completed" on the day it was last signed off; otherwise "in progress" from the day it started. Set in the same
 * transaction as the assessment's change. A child with no assessment here keeps the summary recorded before
 * assessments were kept in the service (imported or demo data).
 */
import type { Q } from '../../db/connection.ts';
import { londonToday } from '../../platform/calendar.ts';

export async function refreshAssessmentSummary(q: Q, personIds: string[], at: Date): Promise<void> {
  for (const personId of new Set(personIds)) {
    const latest = await q
      .selectFrom('assessment as a')
      .innerJoin('assessment_person as ap', 'ap.assessment_id', 'a.id')
      .select(['a.id', 'a.signed_off_version', 'a.started_at'])
      .where('ap.person_id', '=', personId)
      .orderBy('a.started_at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!latest) continue;
    let summary: { early_help_assessment: 'in_progress' | 'completed'; early_help_assessment_on: string };
    const signedOff = latest.signed_off_version
      ? await q
          .selectFrom('assessment_signoff')
          .select('decided_at')
          .where('assessment_id', '=', latest.id)
          .where('outcome', '=', 'signed_off')
          .orderBy('decided_at', 'desc')
          .limit(1)
          .executeTakeFirst()
      : undefined;
    if (signedOff?.decided_at) {
      summary = { early_help_assessment: 'completed', early_help_assessment_on: londonToday(signedOff.decided_at) };
    } else {
      summary = { early_help_assessment: 'in_progress', early_help_assessment_on: londonToday(latest.started_at) };
    }
    await q
      .updateTable('person')
      .set({ ...summary, updated_at: at })
      .where('id', '=', personId)
      .where((eb) =>
        eb.or([
          eb('early_help_assessment', 'is distinct from', summary.early_help_assessment),
          eb('early_help_assessment_on', 'is distinct from', summary.early_help_assessment_on),
        ]),
      )
      .execute();
  }
}
