/**
 * What consent and information sharing contribute to the chronology: consent given, refused and withdrawn, and
 * decisions to share or not. Each is case detail of the organisation that recorded it, so it shows only under the
 * sharing rules. (Case notes are in src/features/conversations/chronology.ts.)
 */
import { sql } from 'kysely';
import { type ChronologySource, recordedEntry, type SourceEntry } from '../../platform/chronology.ts';
import { LABELS } from './routes.ts';

const GIVEN_BY: Record<string, string> = {
  young_person: 'the young person',
  parent_carer: 'a parent or carer',
  self: 'the person themself',
};

export const consentSource: ChronologySource = {
  kind: 'consent',
  label: 'Consent',
  async entries(q, personIds, viewer) {
    const rows = await q
      .selectFrom('consent as c')
      .innerJoin('person as g', 'g.id', 'c.given_by_person_id')
      .innerJoin('app_user as u', 'u.id', 'c.recorded_by')
      .innerJoin('organisation as o', 'o.id', 'c.recorded_by_organisation_id')
      .leftJoin('app_user as w', 'w.id', 'c.withdrawn_by')
      .select([
        'c.id',
        'c.person_id',
        'c.decision',
        'c.purposes',
        'c.obtained_on',
        'c.recorded_at',
        'c.recorded_by',
        'c.recorded_by_organisation_id',
        'c.withdrawn_on',
        'c.withdrawn_at',
        'c.given_by_person_id',
        'c.given_by_kind',
        sql<string>`g.given_name || ' ' || g.family_name`.as('given_by_name'),
        'u.name as recorded_by_name',
        'o.name as organisation_name',
        'w.name as withdrawn_by_name',
      ])
      .where('c.person_id', 'in', personIds)
      .execute();
    const out: SourceEntry[] = [];
    for (const c of rows) {
      const recorded = recordedEntry('case_detail', {
        organisationId: c.recorded_by_organisation_id,
        organisationName: c.organisation_name,
        userId: c.recorded_by,
        userName: c.recorded_by_name,
      });
      const who = `${viewer.nameOf(c.given_by_person_id, c.given_by_name)} (${GIVEN_BY[c.given_by_kind] ?? c.given_by_kind})`;
      const purposes = c.purposes.map((p) => LABELS.purposes[p] ?? p).join('; ');
      out.push({
        key: `${c.id}:${c.decision}`,
        personId: c.person_id,
        at: c.recorded_at,
        title: c.decision === 'given' ? 'Consent given' : 'Consent refused',
        summary: `${c.decision === 'given' ? 'Given' : 'Refused'} by ${who} on ${c.obtained_on}, for: ${purposes}.`,
        ...recorded,
        path: 'consent',
      });
      if (c.withdrawn_at) {
        out.push({
          key: `${c.id}:withdrawn`,
          personId: c.person_id,
          at: c.withdrawn_at,
          title: 'Consent withdrawn',
          summary: `Consent given by ${who} on ${c.obtained_on} was withdrawn on ${c.withdrawn_on}. Sharing on its basis stopped.`,
          ...recorded,
          actorName: c.withdrawn_by_name,
          path: 'consent',
        });
      }
    }
    return out;
  },
};

export const sharingDecisionSource: ChronologySource = {
  kind: 'sharing',
  label: 'Sharing decision',
  async entries(q, personIds) {
    const rows = await q
      .selectFrom('sharing_decision as d')
      .innerJoin('app_user as u', 'u.id', 'd.decided_by')
      .innerJoin('organisation as uo', 'uo.id', 'd.decided_by_organisation_id')
      .leftJoin('organisation as o', 'o.id', 'd.recipient_organisation_id')
      .select([
        'd.id',
        'd.person_id',
        'd.decision',
        'd.what',
        'd.recipient_kind',
        'd.recipient_agency_type',
        'd.recipient_description',
        'd.basis',
        'd.reason',
        'd.decided_by',
        'd.decided_by_organisation_id',
        'd.decided_at',
        'u.name as decided_by_name',
        'uo.name as organisation_name',
        'o.name as recipient_organisation_name',
      ])
      .where('d.person_id', 'in', personIds)
      .execute();
    return rows.map((d): SourceEntry => {
      const recipient =
        d.recipient_kind === 'organisation'
          ? d.recipient_organisation_name
          : d.recipient_kind === 'agency_type'
            ? (LABELS.agencyTypes[d.recipient_agency_type ?? ''] ?? d.recipient_agency_type)
            : d.recipient_kind === 'front_door'
              ? 'The front door'
              : d.recipient_description;
      const withoutConsent = d.decision === 'share' && d.basis && d.basis !== 'consent';
      const parts = [
        `What: ${d.what}.`,
        `With: ${recipient ?? 'not recorded'}.`,
        d.basis ? `Basis: ${LABELS.bases[d.basis] ?? d.basis}.` : null,
        d.reason ? `Reason: ${d.reason}` : null,
      ];
      return {
        key: d.id,
        personId: d.person_id,
        at: d.decided_at,
        title:
          d.decision === 'not_share'
            ? 'Decided not to share information'
            : withoutConsent
              ? 'Decided to share information without consent'
              : 'Decided to share information',
        summary: parts.filter(Boolean).join(' '),
        ...recordedEntry('case_detail', {
          organisationId: d.decided_by_organisation_id,
          organisationName: d.organisation_name,
          userId: d.decided_by,
          userName: d.decided_by_name,
        }),
        path: 'consent',
      };
    });
  },
};

export const CONSENT_CHRONOLOGY_SOURCES: ChronologySource[] = [consentSource, sharingDecisionSource];
