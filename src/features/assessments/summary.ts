/**
 * The early help assessment summary on the child's record (`person.early_help_assessment` and
 * `early_help_assessment_on`, shown on the index card and in the people API) is derived from the assessments, never
 * typed: the child's latest assessment decides. Signed off (a version signed off, even with a later draft) is
 * "completed" on the day it was last signed off, and an agency's own assessment attached in its place "completed" on
 * the day the agency completed it (assessmentOnRecord); otherwise "in progress" from the day it started. Set in the same
 * transaction as the assessment's change. A child with no assessment here keeps the summary recorded before
 * assessments were kept in the service (imported or demo data).
 */
import type { Q } from '../../db/connection.ts';
import { londonToday } from '../../platform/calendar.ts';
import { assessmentOnRecord } from './on-record.ts';

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
    // The latest assessment counts (signed off, or an agency's own attached): completed on the day the assessment on
    // record counts from. Otherwise it is a draft: in progress from the day it started.
    const onRecord = latest.signed_off_version ? await assessmentOnRecord(q, personId) : null;
    const summary: { early_help_assessment: 'in_progress' | 'completed'; early_help_assessment_on: string } = onRecord
      ? { early_help_assessment: 'completed', early_help_assessment_on: onRecord.on }
      : { early_help_assessment: 'in_progress', early_help_assessment_on: londonToday(latest.started_at) };
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
