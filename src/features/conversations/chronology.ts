/**
 * Case notes and recorded conversations on a child's chronology. A note from another agency shows as "note recorded
 * by …" without its text, and a sensitive or own-organisation-only note not at all. That a conversation took place,
 * and who recorded it, is who is working with the child; what was agreed is case detail of the recorder's
 * organisation and shows only under the sharing rules, as a note's text does.
 */
import { type ChronologySource, dayInstant, recordedEntry, type SourceEntry } from '../../platform/chronology.ts';
import { KIND_LABELS } from './schemas.ts';

export const caseNoteSource: ChronologySource = {
  kind: 'note',
  label: 'Case note',
  async entries(q, personIds) {
    const rows = await q
      .selectFrom('case_note as n')
      .innerJoin('app_user as u', 'u.id', 'n.recorded_by')
      .innerJoin('organisation as o', 'o.id', 'n.organisation_id')
      .select([
        'n.id',
        'n.person_id',
        'n.organisation_id',
        'n.category',
        'n.body',
        'n.recorded_by',
        'n.recorded_at',
        'n.own_organisation_only',
        'u.name as recorded_by_name',
        'o.name as organisation_name',
      ])
      .where('n.person_id', 'in', personIds)
      .execute();
    return rows.map(
      (n): SourceEntry => ({
        key: n.id,
        personId: n.person_id,
        at: n.recorded_at,
        title: `Note recorded by ${n.recorded_by_name}`,
        summary: n.body,
        path: `notes/${n.id}`,
        // That a note exists is who-is-working-with-the-child information; its text is case detail. A sensitive or
        // own-organisation-only note says something about the child by existing, so it shows only to those who may read it.
        ...recordedEntry(n.category || n.own_organisation_only ? 'case_detail' : 'detail_only', {
          organisationId: n.organisation_id,
          organisationName: n.organisation_name,
          userId: n.recorded_by,
          userName: n.recorded_by_name,
          category: n.category,
          ownOrganisationOnly: n.own_organisation_only,
        }),
      }),
    );
  },
};

export const conversationSource: ChronologySource = {
  kind: 'conversation',
  label: 'Conversation',
  async entries(q, personIds) {
    if (!personIds.length) return [];
    const rows = await q
      .selectFrom('conversation_child as cc')
      .innerJoin('conversation as c', 'c.id', 'cc.conversation_id')
      .innerJoin('app_user as u', 'u.id', 'c.recorded_by')
      .innerJoin('organisation as o', 'o.id', 'c.organisation_id')
      .select([
        'cc.id as key',
        'cc.person_id',
        'c.id',
        'c.kind',
        'c.held_on',
        'c.agreed',
        'c.organisation_id',
        'c.recorded_by',
        'u.name as recorded_by_name',
        'o.name as organisation_name',
      ])
      .where('cc.person_id', 'in', personIds)
      .execute();
    return rows.map(
      (c): SourceEntry => ({
        key: c.key,
        personId: c.person_id,
        at: dayInstant(String(c.held_on)),
        allDay: true,
        title: `${KIND_LABELS[c.kind]} recorded by ${c.recorded_by_name}`,
        summary: `Agreed: ${c.agreed}`,
        path: `conversations/${c.id}`,
        ...recordedEntry('detail_only', {
          organisationId: c.organisation_id,
          organisationName: c.organisation_name,
          userId: c.recorded_by,
          userName: c.recorded_by_name,
        }),
      }),
    );
  },
};

export const CONVERSATION_CHRONOLOGY_SOURCES: ChronologySource[] = [caseNoteSource, conversationSource];
