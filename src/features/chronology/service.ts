/**
 * The child's and the family's chronology: who may open it, which records it reads (following merges), and the
 * audit of every view, print and download. What each entry shows is decided by src/platform/chronology.ts.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { type Actor, INDEX_ROLES, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import {
  buildChronology,
  type ChildAccess,
  type ChronologyFilters,
  type ChronologySource,
  type ChronologyViewer,
} from '../../platform/chronology.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { rolePowerOver } from '../../platform/partnership.ts';
import { accessContext, findRelationship, WITHHELD_NAME, withheldPeople } from '../../platform/sharing.ts';
import { ASSESSMENT_CHRONOLOGY_SOURCES } from '../assessments/chronology.ts';
import { CONCERN_CHRONOLOGY_SOURCES } from '../concerns/chronology.ts';
import { CONSENT_CHRONOLOGY_SOURCES } from '../consent/chronology.ts';
import { CONVERSATION_CHRONOLOGY_SOURCES } from '../conversations/chronology.ts';
import { EPISODE_CHRONOLOGY_SOURCES } from '../episodes/chronology.ts';
import { FRONT_DOOR_CHRONOLOGY_SOURCES } from '../front-door/chronology.ts';
import { PANEL_CHRONOLOGY_SOURCES } from '../panels/chronology.ts';
import { PEOPLE_CHRONOLOGY_SOURCES } from '../people/chronology.ts';
import * as people from '../people/repository.ts';
import { MergedRecordError, PARTNERSHIP_ROLES } from '../people/service.ts';
import { PLAN_CHRONOLOGY_SOURCES } from '../plans/chronology.ts';
import { TAF_CHRONOLOGY_SOURCES } from '../taf/chronology.ts';
import { THINK_FAMILY_CHRONOLOGY_SOURCES } from '../think-family/chronology.ts';

/** Every feature's contribution. A new feature adds its sources here. */
export const CHRONOLOGY_SOURCES: readonly ChronologySource[] = [
  ...PEOPLE_CHRONOLOGY_SOURCES,
  ...CONSENT_CHRONOLOGY_SOURCES,
  ...CONCERN_CHRONOLOGY_SOURCES,
  ...FRONT_DOOR_CHRONOLOGY_SOURCES,
  ...THINK_FAMILY_CHRONOLOGY_SOURCES,
  ...CONVERSATION_CHRONOLOGY_SOURCES,
  ...EPISODE_CHRONOLOGY_SOURCES,
  ...ASSESSMENT_CHRONOLOGY_SOURCES,
  ...PLAN_CHRONOLOGY_SOURCES,
  ...TAF_CHRONOLOGY_SOURCES,
  ...PANEL_CHRONOLOGY_SOURCES,
];

type Trx = Transaction<DB>;

/** What the chronology was asked for: to look at, to print, or to download as a PDF. */
export type ChronologyUse = 'view' | 'print' | 'download';

/**
 * Whether the actor may open a child's chronology: a relationship with the child (they, their team, a team they
 * manage or their organisation work with the child), or a partnership role (front door, integrated processes) for
 * a child in their partnership. A child whose whereabouts are protected opens only through a relationship.
 */
async function mayOpen(trx: Trx, actor: Actor, person: { id: string; whereabouts_protected: boolean }, at: Date) {
  if (await findRelationship(trx, actor, person.id, at)) return true;
  if (person.whereabouts_protected) return false;
  return rolePowerOver(trx, actor, PARTNERSHIP_ROLES, person.id, at);
}

/** A record and every record merged into it (and into those), each mapped to the record kept. */
async function recordsOf(trx: Trx, personIds: string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const id of personIds) {
    const r = await sql<{ id: string }>`
      with recursive m(id) as (
        select ${id}::uuid
        union
        select p.id from person p join m on p.merged_into = m.id
      )
      select id from m`.execute(trx);
    for (const row of r.rows) map.set(row.id, id);
  }
  return map;
}

export interface ChronologyPerson {
  id: string;
  given_name: string;
  family_name: string;
  known_as: string | null;
}

export class ChronologyService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly sources: readonly ChronologySource[] = CHRONOLOGY_SOURCES,
  ) {}

  private async viewer(trx: Trx, ctx: RequestContext, childIds: string[]): Promise<ChronologyViewer> {
    const withheld = await withheldPeople(trx, childIds);
    return {
      actor: ctx.actor!,
      at: ctx.at,
      nameOf: (id, name) => (withheld.has(id) ? WITHHELD_NAME : name),
    };
  }

  private async audit(
    trx: Trx,
    ctx: RequestContext,
    role: string,
    use: ChronologyUse,
    document: 'chronology' | 'family-chronology',
    personId: string,
    details: Record<string, unknown>,
  ) {
    const action =
      use === 'print'
        ? 'document.printed'
        : use === 'download'
          ? 'document.downloaded'
          : document === 'chronology'
            ? 'chronology.viewed'
            : 'chronology.family.viewed';
    await recordAudit(trx, auditContext(ctx, role), {
      action,
      recordType: 'person',
      recordId: personId,
      details: { ...(use === 'view' ? {} : { document }), ...details },
    });
  }

  /** One child's chronology. A record merged into another sends the caller to the record kept. */
  async forChild(ctx: RequestContext, personId: string, filters: ChronologyFilters = {}, use: ChronologyUse = 'view') {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    const actor = ctx.actor!;
    return this.db.transaction().execute(async (trx) => {
      const person = await people.findPerson(trx, personId);
      if (!person) throw new NotFoundError();
      if (person.kept_id) {
        const kept = person.kept_id;
        if (!(await mayOpen(trx, actor, { id: kept, whereabouts_protected: false }, ctx.at))) throw new NotFoundError();
        throw new MergedRecordError(kept);
      }
      if (!(await mayOpen(trx, actor, person, ctx.at))) throw new NotFoundError();
      const records = await recordsOf(trx, [personId]);
      const access = new Map<string, ChildAccess>([
        [personId, { allowed: true, context: await accessContext(trx, actor, personId, ctx.at) }],
      ]);
      const viewer = await this.viewer(trx, ctx, [personId]);
      const result = await buildChronology(trx, this.sources, viewer, records, access, filters);
      await this.audit(trx, ctx, role, use, 'chronology', personId, {
        shown: result.entries.length,
        withheld: result.withheld,
        ...(records.size > 1 ? { mergedRecords: [...records.keys()].filter((id) => id !== personId) } : {}),
      });
      const p: ChronologyPerson = {
        id: person.id,
        given_name: person.given_name,
        family_name: person.family_name,
        known_as: person.known_as,
      };
      return { person: p, ...result };
    });
  }

  /**
   * The family's chronology: every child on the family page (brothers and sisters, children of the same parents
   * and carers, children at the same address; never a shielded child). Entries of a child the viewer may not open
   * are withheld and counted, as entries they may not see are.
   */
  async forFamily(ctx: RequestContext, personId: string, filters: ChronologyFilters = {}, use: ChronologyUse = 'view') {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    const actor = ctx.actor!;
    return this.db.transaction().execute(async (trx) => {
      const person = await people.findPerson(trx, personId);
      if (!person || person.merged_into || person.whereabouts_protected) throw new NotFoundError();
      if (!(await mayOpen(trx, actor, person, ctx.at))) throw new NotFoundError();
      const children = await people.familyChildren(trx, personId);
      const access = new Map<string, ChildAccess>();
      for (const c of children) {
        const record = await people.findPerson(trx, c.id);
        const allowed =
          !!record &&
          (await mayOpen(trx, actor, { id: c.id, whereabouts_protected: record.whereabouts_protected }, ctx.at));
        access.set(c.id, { allowed, context: await accessContext(trx, actor, c.id, ctx.at) });
      }
      const ids = children.map((c) => c.id);
      const records = await recordsOf(trx, ids);
      const viewer = await this.viewer(trx, ctx, ids);
      const result = await buildChronology(trx, this.sources, viewer, records, access, filters);
      await this.audit(trx, ctx, role, use, 'family-chronology', personId, {
        personIds: ids,
        shown: result.entries.length,
        withheld: result.withheld,
      });
      const names = new Map(children.map((c) => [c.id, `${c.known_as ?? c.given_name} ${c.family_name}`]));
      return {
        person: {
          id: person.id,
          given_name: person.given_name,
          family_name: person.family_name,
          known_as: person.known_as,
        } as ChronologyPerson,
        children: children.map((c) => ({ id: c.id, name: names.get(c.id)!, mayOpen: access.get(c.id)!.allowed })),
        ...result,
        entries: result.entries.map((e) => ({ ...e, childName: names.get(e.personId) ?? '' })),
      };
    });
  }
}
