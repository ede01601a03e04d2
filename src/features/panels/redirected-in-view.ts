/**
 * Where a request to a panel came from when an agency redirected a request it received (docs/decisions/0039): the
 * words the panel's administrator and the child's record show ("Redirected by <agency> from <request>").
 */
import type { Q } from '../../db/connection.ts';
import type { FamilyAgreedHow, RedirectedFromKind } from '../../db/schema.ts';
import { longDate } from '../../platform/calendar.ts';

export const AGREED_HOW_WORDS: Record<FamilyAgreedHow, string> = {
  in_person: 'In person',
  phone: 'By phone',
  letter: 'By letter',
};

export interface RedirectedInView {
  organisation: string;
  from: string;
  reason: string;
  agreement: string;
}

/** The received request's words, by kind: the front door's request for support, named by its reference. */
export function receivedWords(kind: RedirectedFromKind, reference: string | null) {
  if (kind === 'contact')
    return reference ? `the front door’s request for support ${reference}` : 'a request for support';
  return 'a request it received';
}

export async function receivedRequestWords(q: Q, kind: RedirectedFromKind, id: string) {
  const c = await q.selectFrom('contact').select('reference').where('id', '=', id).executeTakeFirst();
  return receivedWords(kind, c?.reference ?? null);
}

export async function redirectedInView(
  q: Q,
  r: {
    redirected_from_kind: RedirectedFromKind | null;
    redirected_from_id: string | null;
    redirected_in_reason: string | null;
    family_agreed_by: string | null;
    family_agreed_on: string | null;
    family_agreed_how: FamilyAgreedHow | null;
    referrer_organisation: string;
  },
): Promise<RedirectedInView | null> {
  if (!r.redirected_from_kind || !r.redirected_from_id) return null;
  return {
    organisation: r.referrer_organisation,
    from: await receivedRequestWords(q, r.redirected_from_kind, r.redirected_from_id),
    reason: r.redirected_in_reason ?? '',
    agreement: `${r.family_agreed_by ?? ''}, ${longDate(r.family_agreed_on ?? '')}, ${(
      AGREED_HOW_WORDS[r.family_agreed_how ?? 'in_person'] ?? ''
    ).toLowerCase()}`,
  };
}
