/**
 * Where the demo has a family support or early help worker with a child, that worker is the child's lead
 * practitioner and an early help assessment is recorded: most in progress, some completed. These are summaries as
 * recorded before assessments were kept in the service: a child with no assessment keeps them, and once an
 * assessment is started they follow it (src/features/assessments/summary.ts).
 */
import type { FamilyRows } from './people.ts';

const LEAD_ROLES = ['Early help practitioner', 'Family support worker', 'Intensive family support key worker'];

export function addEarlyHelpSummaries(rows: FamilyRows): number {
  const leads = new Set<string>();
  let n = 0;
  for (const inv of rows.involvements) {
    if (inv.ended_on !== null || !LEAD_ROLES.includes(inv.role) || leads.has(inv.person_id)) continue;
    const person = rows.persons.find((p) => p.id === inv.person_id);
    if (person?.kind !== 'child') continue;
    leads.add(inv.person_id);
    inv.is_lead = true;
    person.early_help_assessment = n % 4 === 3 ? 'completed' : 'in_progress';
    person.early_help_assessment_on = inv.started_on;
    n++;
  }
  return n;
}
