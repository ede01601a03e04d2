import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { type Actor, hasRole, INDEX_ROLES } from '../../platform/access.ts';

/** The forms a kept request can come from, by the address it was sent to, named as their pages are. */
const FORMS: [RegExp, string][] = [
  [/^\/people\/search$/, 'Find a child'],
  [/^\/people\/new(\/from-search)?$/, 'Register a child'],
  [/^\/people\/[^/]+\/consent\/decisions$/, 'Record a sharing decision'],
  [/^\/people\/[^/]+\/consent\/wishes$/, 'Record a confidentiality wish'],
  [/^\/people\/[^/]+\/consent\/markers$/, 'Record a withholding marker'],
  [/^\/people\/[^/]+\/consent\/[^/]+\/withdraw$/, 'Withdraw consent'],
  [/^\/people\/[^/]+\/consent$/, 'Record consent'],
  [/^\/people\/[^/]+\/notes$/, 'Write a case note'],
  [/^\/people\/[^/]+\/conversations$/, 'Record a conversation'],
  [/^\/people\/[^/]+\/edit$/, 'Change identifying details'],
  [/^\/people\/[^/]+\/address$/, 'Record a change of address'],
  [/^\/people\/[^/]+\/names\/new$/, 'Add a previous name or alias'],
  [/^\/people\/[^/]+\/names\/[^/]+\/remove$/, 'Remove a name'],
  [/^\/people\/[^/]+\/identifiers\/new$/, 'Add an agency identifier'],
  [/^\/people\/[^/]+\/family\/new$/, 'Add a family member'],
  [/^\/people\/[^/]+\/involvements\/new$/, 'Record that you work with this child'],
  [/^\/people\/[^/]+\/involvements\/[^/]+\/end$/, 'End an involvement'],
  [/^\/people\/[^/]+\/shielding$/, 'Shielding'],
  [/^\/people\/[^/]+\/assessments\/[^/]+\/sections\/[^/]+$/, 'Early help assessment'],
  [/^\/people\/[^/]+\/assessments\/[^/]+\/needs$/, 'Add an unmet need to an early help assessment'],
  [/^\/account\/password$/, 'Change your password'],
];

const PERSON_PATH = /^\/people\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//i;

/**
 * What a form kept across a timeout was for: the form's name and, when it was about a child the user may still see
 * on the index (not shielded, not merged away), the child's name. Shown on the page only; never put in a URL.
 */
export async function describeKeptForm(db: Kysely<DB>, actor: Actor, path: string) {
  const form = FORMS.find(([pattern]) => pattern.test(path))?.[1] ?? null;
  const personId = PERSON_PATH.exec(path)?.[1];
  let child: string | null = null;
  if (personId && hasRole(actor, ...INDEX_ROLES)) {
    const person = await db
      .selectFrom('person')
      .select(['given_name', 'family_name', 'shielded', 'merged_into'])
      .where('id', '=', personId)
      .executeTakeFirst();
    if (person && !person.shielded && !person.merged_into) child = `${person.given_name} ${person.family_name}`;
  }
  return { form, child, aboutChild: !!personId };
}
