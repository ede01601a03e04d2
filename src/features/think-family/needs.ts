/**
 * Think Family: the needs of the adults in a family that affect their parenting, from the threshold-of-need
 * indicators (parental substance misuse, mental health or learning disability impacting on the parent's ability to
 * meet the child's needs; domestic abuse; homelessness, poverty, social exclusion; children of prisoners). A need
 * in a sensitive category is seen only under that category's consent rules, as a sensitive case note is.
 */
export interface ThinkFamilyNeedDef {
  code: string;
  label: string;
  /** The sensitive category (consent) that limits who sees it, or null. */
  category: string | null;
}

export const THINK_FAMILY_NEEDS: readonly ThinkFamilyNeedDef[] = [
  { code: 'substance_misuse', label: 'Drug or alcohol use', category: 'substance_misuse' },
  { code: 'mental_health', label: 'Mental health', category: 'mental_health' },
  { code: 'domestic_abuse', label: 'Domestic abuse', category: 'domestic_abuse' },
  { code: 'learning_disability', label: 'Learning disability', category: null },
  { code: 'physical_health', label: 'Physical ill health or disability', category: null },
  { code: 'offending', label: 'Offending or in prison', category: null },
  { code: 'housing', label: 'Homelessness, temporary accommodation or severe overcrowding', category: null },
  { code: 'finance', label: 'Debt, low income or unemployment', category: null },
  { code: 'isolation', label: 'Socially isolated, no support from family or friends', category: null },
  { code: 'young_parent', label: 'Young or inexperienced parent', category: null },
];

export function needDef(code: string): ThinkFamilyNeedDef | undefined {
  return THINK_FAMILY_NEEDS.find((n) => n.code === code);
}
