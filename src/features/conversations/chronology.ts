/**
 * Case notes and recorded conversations on a child's chronology. A note from another agency shows as "note recorded
 * by …" without its text, and a sensitive or own-organisation-only note not at all. That a conversation took place,
 * and who recorded it, is who is working with the child; what was agreed is case detail of the recorder's
 * organisation and shows only under the sharing rules, as a note's text does.
 */
import { type ChronologySource, dayInstant, type SourceEntry } from '../../platform/chronology.ts';
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
    return rows.map((n): SourceEntry => {
      const record = {
        organisation_id: n.organisation_id,
        recorded_by: n.recorded_by,
        category: n.category,
        own_organisation_only: n.own_organisation_only,
      };
      return {
        key: n.id,
        personId: n.person_id,
        at: n.recorded_at,
        title: `Note recorded by ${n.recorded_by_name}`,
        summary: n.body,
        organisationId: n.organisation_id,
        organisationName: n.organisation_name,
        actorName: n.recorded_by_name,
        path: `notes/${n.id}`,
        // That a note exists is who-is-working-with-the-child information; its text is case detail. A sensitive or
        // own-organisation-only note says something about the child by existing, so it shows only to those who may read it.
        visibility:
          n.category || n.own_organisation_only ? { kind: 'case_detail', record } : { kind: 'detail_only', record },
      };
    });
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
        organisationId: c.organisation_id,
        organisationName: c.organisation_name,
        actorName: c.recorded_by_name,
        path: `conversations/${c.id}`,
        visibility: {
          kind: 'detail_only',
          record: { organisation_id: c.organisation_id, recorded_by: c.recorded_by, category: null },
        },
      }),
    );
  },
};

export const CONVERSATION_CHRONOLOGY_SOURCES: ChronologySource[] = [caseNoteSource, conversationSource];
