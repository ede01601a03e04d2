/**
 * The stages of concerns resolution, in order, each with who is asked to respond and the deadline rule that
 * gives them their working days (src/platform/deadlines.ts). The day counts live in the rules; pages and the user
 * guide read them from here, so what the partnership sees is what the service does.
 */
import type { ConcernOutcome, ConcernResolution, ConcernResponderWhy, ConcernStageName } from '../../db/schema.ts';
import { DEADLINE_RULES, type DeadlineRule } from '../../platform/deadlines.ts';

export interface StageDefinition {
  name: ConcernStageName;
  title: string;
  /** Who is asked to respond, in words. */
  who: string;
  /** The working-day deadline; none for the partnership's formal procedure, which keeps its own timetable. */
  rule: DeadlineRule | null;
}

export const STAGES: readonly StageDefinition[] = [
  {
    name: 'practitioners',
    title: 'Practitioner to practitioner',
    who: 'The practitioner who made the decision talks it through with the person who raised the concern',
    rule: DEADLINE_RULES.CONCERN_PRACTITIONERS,
  },
  {
    name: 'line_managers',
    title: 'Line managers',
    who: 'The line managers of both practitioners',
    rule: DEADLINE_RULES.CONCERN_LINE_MANAGERS,
  },
  {
    name: 'safeguarding_leads',
    title: 'Safeguarding leads',
    who: 'The safeguarding leads of both organisations',
    rule: DEADLINE_RULES.CONCERN_SAFEGUARDING_LEADS,
  },
  {
    name: 'formal',
    title: 'The partnership’s formal escalation procedure',
    who: 'The safeguarding leads take the concern to the partnership’s formal escalation procedure and record its outcome',
    rule: null,
  },
];

export function stageDefinition(name: ConcernStageName): StageDefinition {
  return STAGES.find((s) => s.name === name)!;
}

export function nextStage(name: ConcernStageName): StageDefinition | undefined {
  return STAGES[STAGES.findIndex((s) => s.name === name) + 1];
}

/** A stage's working days, for pages: "5 working days", or null for the formal procedure. */
export function stageDays(s: StageDefinition): number | null {
  return s.rule && s.rule.kind === 'working_days_after' ? s.rule.days : null;
}

export const RESOLUTION_WORDS: Record<ConcernResolution, string> = {
  agreed: 'Resolved: agreed between those involved',
  decision_changed: 'Resolved: the decision was changed',
  decision_stands: 'Resolved: the decision stands',
};

export const OUTCOME_WORDS: Record<ConcernOutcome, string> = {
  ...RESOLUTION_WORDS,
  escalated: 'Not resolved: taken to the next stage',
};

export const WHY_WORDS: Record<ConcernResponderWhy, string> = {
  decision_maker: 'Made the decision',
  raiser_manager: 'Line manager of the person who raised the concern',
  decision_maker_manager: 'Line manager of the person who made the decision',
  safeguarding_lead: 'Safeguarding lead',
};
