/**
 * The sections of an Early Help Assessment and their fields, built from the threshold guidance the assessment uses
 * (its domains, sub-areas and levels are versioned data: never a list written here). Each section is a page with
 * "Save and continue" and "Save and come back later"; the task list shows each one's state.
 */
import type { AssessmentContent } from '../../db/schema.ts';
import type { GuidanceContent } from '../threshold/guidance.ts';

export interface AssessmentField {
  name: string;
  label: string;
  hint?: string;
  /** Free text up to `max` characters, or one of the guidance's levels. */
  kind: 'text' | 'level';
  max: number;
  /** For a sub-area's fields: the sub-area's name, to group strengths and needs. */
  group?: string;
}

export interface AssessmentSection {
  key: string;
  title: string;
  /** The stage of the early help assessment it belongs to (seed 001: identify, assess, deliver, review). */
  stage: 'Identify' | 'Assess' | 'Deliver';
  fields: AssessmentField[];
  /** The unmet needs section: structured items added and removed on its page, not fields. */
  needs?: boolean;
}

const TEXT = 10_000;

export function assessmentSections(g: GuidanceContent): AssessmentSection[] {
  return [
    {
      key: 'identify',
      title: 'Why now and who asked',
      stage: 'Identify',
      fields: [
        {
          name: 'whyNow',
          label: 'Why is an assessment needed now?',
          hint: 'What has happened, and what the family and the practitioners involved are worried about.',
          kind: 'text',
          max: TEXT,
        },
        {
          name: 'whoAsked',
          label: 'Who asked for the assessment?',
          hint: 'The family themselves, a practitioner, or the front door.',
          kind: 'text',
          max: 2000,
        },
      ],
    },
    ...g.domains.map(
      (d): AssessmentSection => ({
        key: `domain-${d.id}`,
        title: d.name,
        stage: 'Assess',
        fields: d.subAreas.flatMap((s): AssessmentField[] => [
          { name: `strengths-${s.id}`, label: 'Strengths', kind: 'text', max: TEXT, group: s.name },
          { name: `needs-${s.id}`, label: 'Needs', kind: 'text', max: TEXT, group: s.name },
        ]),
      }),
    ),
    {
      key: 'views',
      title: 'The child’s views and the parents’ or carers’ views',
      stage: 'Assess',
      fields: [
        {
          name: 'childViews',
          label: 'The child’s views, in their own words',
          hint: 'What the child said, as they said it. Say how you found out their views if they could not tell you.',
          kind: 'text',
          max: TEXT,
        },
        {
          name: 'parentViews',
          label: 'The parents’ or carers’ views, in their own words',
          kind: 'text',
          max: TEXT,
        },
      ],
    },
    { key: 'needs', title: 'Unmet needs', stage: 'Assess', fields: [], needs: true },
    {
      key: 'changes',
      title: 'Changes the family wants and how they will know it worked',
      stage: 'Deliver',
      fields: [
        { name: 'changesWanted', label: 'What changes does the family want?', kind: 'text', max: TEXT },
        {
          name: 'successCriteria',
          label: 'How will the family know it has worked?',
          hint: 'The success criteria: what will be different, and how it will be seen.',
          kind: 'text',
          max: TEXT,
        },
      ],
    },
    {
      key: 'level',
      title: 'Level of need',
      stage: 'Assess',
      fields: [
        { name: 'level', label: 'Your judgement of the level of need', kind: 'level', max: 40 },
        {
          name: 'levelRationale',
          label: 'Why you judge it at this level',
          hint: 'Especially where it differs from the threshold helper’s suggestion.',
          kind: 'text',
          max: TEXT,
        },
      ],
    },
  ];
}

export function sectionOf(g: GuidanceContent, key: string): AssessmentSection | undefined {
  return assessmentSections(g).find((s) => s.key === key);
}

/** Every field name of every section, with the section it is in and its label, for "who changed what". */
export function fieldLabels(g: GuidanceContent): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of assessmentSections(g)) {
    for (const f of s.fields) out.set(f.name, f.group ? `${s.title}: ${f.group} (${f.label.toLowerCase()})` : f.label);
  }
  out.set('unmetNeeds', 'Unmet needs');
  return out;
}

export type SectionState = 'done' | 'started' | 'not-started';

/** A section is done when each of its fields (for a domain: each sub-area) has something in it. */
export function sectionState(section: AssessmentSection, content: AssessmentContent, needCount: number): SectionState {
  if (section.needs) return needCount > 0 ? 'done' : 'not-started';
  const filled = (name: string) => typeof content[name] === 'string' && (content[name] as string).trim() !== '';
  const groups = new Map<string, boolean>();
  for (const f of section.fields) {
    const key = f.group ?? f.name;
    groups.set(key, (groups.get(key) ?? false) || filled(f.name));
  }
  const values = [...groups.values()];
  if (values.every(Boolean)) return 'done';
  return values.some(Boolean) ? 'started' : 'not-started';
}
