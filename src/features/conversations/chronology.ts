/**
 * Recorded conversations on a child's chronology. That a conversation took part, and who recorded it, is who is
 * working with the child; what was agreed is case detail of the recorder's organisation and shows only under the
 * sharing rules, as a case note's text does.
 */
import { type ChronologySource, dayInstant, type SourceEntry } from '../../platform/chronology.ts';
import { KIND_LABELS } from './schemas.ts';

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

export const CONVERSATION_CHRONOLOGY_SOURCES: ChronologySource[] = [conversationSource];
