/**
 * Possible duplicates: the review queue, merging two records of one person, and undoing a merge. A merge moves
 * every row about the merged-away record to the record kept and fills the kept record's empty details from it,
 * listing each so that unmerge can put everything back; the merged-away record itself is never deleted.
 */
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { DB, DuplicateSource, PersonTable } from '../../db/schema.ts';
import { DUPLICATE_ROLES, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ConflictError, NotFoundError } from '../../platform/errors.ts';
import { notify, usersWorkingWith } from '../../platform/notifications.ts';
import { type MatchVariant, prepareVariants } from './match-data.ts';
import { refreshMatchData } from './match-repository.ts';
import { COMBINED_RULES, candidatePairs } from './matching/blocking.ts';
import { bestComparison, compare, type MatchModel, type Reason, scorePair } from './matching/model.ts';
import type { PreparedRecord } from './matching/record.ts';
import * as merges from './merge-repository.ts';
import * as registry from './registry-repository.ts';
import * as repo from './repository.ts';
import { type SearchHit, searchCoder } from './search.ts';
import { ShieldedRecordError, tellInvolvedOfBreakGlass } from './service.ts';

export { DUPLICATE_ROLES };

/** Details copied to the kept record when it has none: identifiers first, then descriptive details. */
const FILLABLE = [
  'nhs_number',
  'upn',
  'la_child_id',
  'email',
  'telephone',
  'middle_names',
  'known_as',
  'date_of_birth',
  'expected_date_of_birth',
  'gender',
  'ethnicity',
  'first_language',
  'early_help_assessment',
  'early_help_assessment_on',
  'date_of_death',
] as const;

type Trx = Transaction<DB>;

/** A score and its reasons as the review queue keeps them: to a tenth of a bit, the wording and the weight. */
function forQueue(c: { score: number; reasons: readonly Reason[] }) {
  return {
    score: Math.round(c.score * 10) / 10,
    reasons: c.reasons.map((r) => ({ text: r.text, weight: Math.round(r.weight * 10) / 10 })),
  };
}

/** The ways a stored person is recorded, ready to compare. */
function variantsOf(p: { id: string; match_record: unknown }) {
  return prepareVariants((p.match_record as MatchVariant[] | null) ?? [], searchCoder(), p.id);
}

/** Adds likely matches to the review queue; returns how many pairs are newly open (or refreshed). */
export async function recordDuplicates(
  trx: Trx,
  personId: string,
  matches: readonly SearchHit[],
  source: DuplicateSource,
  by: string | null,
): Promise<number> {
  let n = 0;
  for (const m of matches) {
    if (m.id === personId) continue;
    const reasons = m.reasons.map((r) => ({ text: r.text, weight: Math.round(r.weight * 10) / 10 }));
    if (await merges.upsertPossibleDuplicate(trx, { personId, otherId: m.id, score: m.score, reasons, source, by }))
      n++;
  }
  return n;
}

/** Scores known pairs of records (from an import, or the demo) and queues those that may be one person. */
export async function queuePairs(
  trx: Trx,
  pairs: readonly [string, string][],
  source: DuplicateSource,
  model: MatchModel,
  by: string | null = null,
): Promise<number> {
  if (pairs.length === 0) return 0;
  const ids = [...new Set(pairs.flat())];
  const rows = await trx.selectFrom('person').select(['id', 'match_record']).where('id', 'in', ids).execute();
  const prepared = new Map(rows.map((r) => [r.id, variantsOf(r)]));
  let n = 0;
  for (const [a, b] of pairs) {
    const best = bestComparison(prepared.get(a) ?? [], prepared.get(b) ?? [], model);
    if (!best || best.score < model.thresholds.possible) continue;
    const { score, reasons } = forQueue(best);
    if (await merges.upsertPossibleDuplicate(trx, { personId: a, otherId: b, score, reasons, source, by })) n++;
  }
  return n;
}

export class DuplicateService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly model: MatchModel,
  ) {}

  async queue(ctx: RequestContext, page: number) {
    const role = requireRole(ctx.actor, ...DUPLICATE_ROLES);
    const size = 50;
    return this.db.transaction().execute(async (trx) => {
      const [rows, total] = await Promise.all([
        merges.openDuplicates(trx, size, (page - 1) * size),
        merges.countOpenDuplicates(trx),
      ]);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.duplicates.viewed',
        details: { personIds: rows.flatMap((r) => [r.a_id, r.b_id]) },
      });
      return { rows, total, page, pages: Math.max(1, Math.ceil(total / size)) };
    });
  }

  private async side(trx: Trx, id: string) {
    const person = await repo.findPerson(trx, id);
    if (!person) throw new NotFoundError();
    const [names, identifiers, addresses, involvements, family] = await Promise.all([
      registry.names(trx, id),
      registry.identifiers(trx, id),
      person.whereabouts_protected ? Promise.resolve([]) : registry.addressHistory(trx, id),
      repo.involvements(trx, id),
      repo.relatives(trx, id),
    ]);
    return { person, names, identifiers, addresses, involvements, family: family.filter((f) => !f.shielded) };
  }

  /**
   * Comparing records is a read of both, under the card's rules: a record whose whereabouts are protected (a
   * shielded child, or anyone living with one) opens only with a reason (break-glass), which is audited on that
   * record and told to everyone working with the person and with the shielded child.
   */
  private async openShielded(
    trx: Trx,
    ctx: RequestContext,
    role: string,
    people: { id: string; shielded: boolean; whereabouts_protected: boolean }[],
    reason: string | undefined,
  ) {
    const shielded = people.filter((p) => p.whereabouts_protected);
    if (shielded.length === 0) return;
    if (!reason) throw new ShieldedRecordError(shielded[0]!.id, shielded[0]!.shielded);
    for (const p of shielded) {
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.break-glass',
        recordType: 'person',
        recordId: p.id,
        reason,
        details: { via: 'duplicate-review' },
      });
      await tellInvolvedOfBreakGlass(trx, ctx, p.id);
    }
  }

  /** Both records side by side, with the evidence for and against their being one person. */
  async pair(ctx: RequestContext, duplicateId: string, breakGlassReason?: string) {
    const role = requireRole(ctx.actor, ...DUPLICATE_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const d = await merges.findDuplicate(trx, duplicateId);
      if (!d) throw new NotFoundError();
      const [a, b] = [await this.side(trx, d.person_id), await this.side(trx, d.other_person_id)];
      await this.openShielded(trx, ctx, role, [a.person, b.person], breakGlassReason);
      const comparison = this.compareRecords(a.person, b.person);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.duplicate.viewed',
        recordType: 'possible_duplicate',
        recordId: duplicateId,
        details: { personIds: [d.person_id, d.other_person_id] },
      });
      return { duplicate: d, a, b, comparison };
    });
  }

  private compareRecords(a: { id: string; match_record: unknown }, b: { id: string; match_record: unknown }) {
    return bestComparison(variantsOf(a), variantsOf(b), this.model);
  }

  /** A reviewer has found two records that may be one child (from search, or told by a practitioner): compare them. */
  async pairByReference(
    ctx: RequestContext,
    firstId: string,
    secondId: string,
    breakGlassReason?: string,
  ): Promise<string> {
    const role = requireRole(ctx.actor, ...DUPLICATE_ROLES);
    return this.db.transaction().execute(async (trx) => {
      if (firstId === secondId) throw new ConflictError('Enter two different record references');
      const [a, b] = [await repo.findPerson(trx, firstId), await repo.findPerson(trx, secondId)];
      if (!a || !b) throw new ConflictError('There is no record with that reference: check it on the index card');
      // Before anything is said about the records: whether they match is itself something about a shielded child.
      await this.openShielded(trx, ctx, role, [a, b], breakGlassReason);
      if (a.merged_into || b.merged_into)
        throw new ConflictError('One of these records has already been merged into another');
      if (a.kind !== b.kind) throw new ConflictError('A child’s record cannot be compared with an adult’s');
      const c = this.compareRecords(a, b);
      const id = await merges.openPairForReview(trx, {
        personId: firstId,
        otherId: secondId,
        ...(c ? forQueue(c) : { score: 0, reasons: [] }),
        by: ctx.actor!.userId,
      });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.duplicate.opened',
        recordType: 'possible_duplicate',
        recordId: id,
        details: { personIds: [firstId, secondId] },
      });
      return id;
    });
  }

  async notDuplicate(ctx: RequestContext, duplicateId: string, reason: string) {
    const role = requireRole(ctx.actor, ...DUPLICATE_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const d = await merges.findDuplicate(trx, duplicateId);
      if (d?.status !== 'open') throw new NotFoundError();
      await merges.decideDuplicate(trx, duplicateId, 'not_duplicate', ctx.actor!.userId, ctx.at, reason);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.duplicate.rejected',
        recordType: 'possible_duplicate',
        recordId: duplicateId,
        reason,
        details: { personIds: [d.person_id, d.other_person_id] },
      });
    });
  }

  /** Merge `mergedId` into `keptId`. Returns the merge's id, which unmerge takes. */
  async merge(ctx: RequestContext, duplicateId: string, keptId: string, reason: string): Promise<string> {
    const role = requireRole(ctx.actor, ...DUPLICATE_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const d = await merges.findDuplicate(trx, duplicateId);
      if (d?.status !== 'open') throw new NotFoundError();
      if (keptId !== d.person_id && keptId !== d.other_person_id) throw new NotFoundError();
      const mergedId = keptId === d.person_id ? d.other_person_id : d.person_id;
      const [kept, merged] = [await repo.findPerson(trx, keptId), await repo.findPerson(trx, mergedId)];
      if (!kept || !merged || kept.merged_into || merged.merged_into) {
        throw new ConflictError('One of these records has already been merged into another');
      }
      if (kept.nhs_number && merged.nhs_number && kept.nhs_number !== merged.nhs_number) {
        throw new ConflictError(
          'These records have different NHS numbers, so they are not one person. If one number is wrong, correct it first.',
        );
      }
      if (kept.kind !== merged.kind) throw new ConflictError('A child’s record cannot be merged with an adult’s');
      // The merged-away record stops being live first, so its NHS number can pass to the kept record.
      await merges.markMerged(trx, mergedId, keptId, ctx.at);
      const filled: Record<string, unknown> = {};
      const fields: Updateable<PersonTable> = {};
      for (const f of FILLABLE) {
        if ((kept[f] === null || kept[f] === undefined) && merged[f] !== null && merged[f] !== undefined) {
          filled[f] = null;
          (fields as Record<string, unknown>)[f] = merged[f];
        }
      }
      if (merged.shielded && !kept.shielded) {
        // Shielding protects a child: the merged record's protection carries over.
        filled.shielded = false;
        fields.shielded = true;
      }
      if (kept.disabilities.length === 0 && merged.disabilities.length > 0) {
        filled.disabilities = [];
        fields.disabilities = merged.disabilities;
      }
      if (Object.keys(fields).length) await registry.setPersonFields(trx, keptId, { ...fields, updated_at: ctx.at });
      // One lead practitioner: if both records have one, the kept record's stays lead.
      const demoted: string[] = [];
      const keptLead = await repo.leadPractitioner(trx, keptId);
      const mergedLead = await repo.leadPractitioner(trx, mergedId);
      if (keptLead && mergedLead) {
        await trx.updateTable('involvement').set({ is_lead: false }).where('id', '=', mergedLead.id).execute();
        demoted.push(mergedLead.id);
      }
      const moved: merges.MovedRow[] = [];
      for (const ref of merges.PERSON_REFERENCES) moved.push(...(await merges.repoint(trx, ref, mergedId, keptId)));
      const mergeId = await merges.insertMerge(trx, {
        keptId,
        mergedId,
        duplicateId,
        reason,
        moved,
        filled: { fields: filled, demotedLeads: demoted },
        by: ctx.actor!.userId,
        at: ctx.at,
      });
      await merges.decideDuplicate(trx, duplicateId, 'merged', ctx.actor!.userId, ctx.at, reason);
      await refreshMatchData(trx, [keptId], searchCoder());
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.merged',
        recordType: 'person',
        recordId: keptId,
        reason,
        details: { mergeId, mergedId, rowsMoved: moved.length, detailsFilled: Object.keys(filled) },
      });
      // The merged-away record's own access history shows where it went.
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.merged-away',
        recordType: 'person',
        recordId: mergedId,
        reason,
        details: { mergeId, keptId },
      });
      // Everyone working with either record now works with the kept one, where every involvement has moved.
      await notify(trx, {
        userIds: await usersWorkingWith(trx, [keptId, mergedId], ctx.at),
        kind: 'person.merged',
        title: 'Two records of someone you work with were merged into one',
        href: `/people/${keptId}`,
        recordType: 'person',
        recordId: keptId,
        at: ctx.at,
        except: ctx.actor!.userId,
      });
      return mergeId;
    });
  }

  async mergeRecord(ctx: RequestContext, mergeId: string) {
    const role = requireRole(ctx.actor, ...DUPLICATE_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const m = await merges.findMerge(trx, mergeId);
      if (!m) throw new NotFoundError();
      const [kept, merged] = [await this.side(trx, m.kept_id), await this.side(trx, m.merged_id)];
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.merge.viewed',
        recordType: 'person_merge',
        recordId: mergeId,
        details: { personIds: [m.kept_id, m.merged_id] },
      });
      return { merge: m, kept, merged, moved: (m.moved as merges.MovedRow[]).length };
    });
  }

  /**
   * Undo a merge: every row it moved goes back to the merged-away record and every detail it filled in is
   * cleared again (unless someone has since changed it). Rows added to the kept record after the merge stay.
   */
  async unmerge(ctx: RequestContext, mergeId: string, reason: string) {
    const role = requireRole(ctx.actor, ...DUPLICATE_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const m = await merges.findMerge(trx, mergeId);
      if (!m) throw new NotFoundError();
      if (m.unmerged_at) throw new ConflictError('This merge has already been undone');
      const [kept, merged] = [await repo.findPerson(trx, m.kept_id), await repo.findPerson(trx, m.merged_id)];
      if (!kept || !merged || merged.merged_into !== m.kept_id || kept.merged_into) {
        throw new ConflictError('The kept record has itself been merged since: undo that merge first');
      }
      const filled = m.filled as { fields: Record<string, unknown>; demotedLeads: string[] };
      const restoreFields: Updateable<PersonTable> = {};
      for (const [field, before] of Object.entries(filled.fields)) {
        const f = field as keyof PersonTable;
        // Only what still holds the value the merge gave it: a later correction is kept.
        if (JSON.stringify(kept[f]) === JSON.stringify(merged[f]))
          (restoreFields as Record<string, unknown>)[f] = before;
      }
      if (Object.keys(restoreFields).length) {
        await registry.setPersonFields(trx, m.kept_id, { ...restoreFields, updated_at: ctx.at });
      }
      const restored = await merges.restore(trx, m.moved as merges.MovedRow[], m.kept_id, m.merged_id);
      await merges.markMerged(trx, m.merged_id, null, null);
      for (const id of filled.demotedLeads ?? []) {
        await trx
          .updateTable('involvement')
          .set({ is_lead: true })
          .where('id', '=', id)
          .where('ended_on', 'is', null)
          .execute();
      }
      await merges.markUnmerged(trx, mergeId, ctx.actor!.userId, ctx.at, reason);
      if (m.possible_duplicate_id) {
        await merges.decideDuplicate(trx, m.possible_duplicate_id, 'not_duplicate', ctx.actor!.userId, ctx.at, reason);
      }
      await refreshMatchData(trx, [m.kept_id, m.merged_id], searchCoder());
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.unmerged',
        recordType: 'person',
        recordId: m.kept_id,
        reason,
        details: { mergeId, mergedId: m.merged_id, rowsRestored: restored },
      });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.unmerged-back',
        recordType: 'person',
        recordId: m.merged_id,
        reason,
        details: { mergeId, keptId: m.kept_id },
      });
      return { keptId: m.kept_id, mergedId: m.merged_id, restored };
    });
  }

  async history(ctx: RequestContext) {
    const role = requireRole(ctx.actor, ...DUPLICATE_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const rows = await merges.merges(trx, { limit: 200 });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.merges.viewed',
        details: { personIds: rows.flatMap((r) => [r.kept_id, r.merged_id]) },
      });
      return rows;
    });
  }
}

/**
 * Scan the whole index for possible duplicates (the `find-duplicates` command): block every live record, score
 * the candidate pairs with the same model search uses, and queue each pair at or above the possible-match
 * threshold. Runs in memory: a million records take well under a minute.
 */
export async function scanForDuplicates(
  db: Kysely<DB>,
  model: MatchModel,
  onProgress?: (line: string) => void,
): Promise<{ records: number; pairs: number; queued: number }> {
  const coder = searchCoder();
  const records: PreparedRecord[] = [];
  const ids: string[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db
      .selectFrom('person')
      .select(['id', 'match_record'])
      .where('merged_into', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(10_000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) {
      const variants = (r.match_record as MatchVariant[] | null) ?? [];
      if (variants.length === 0) continue;
      const prepared = prepareVariants(variants, coder, r.id);
      const first = prepared[0]!;
      // Every name the person is known by takes part in blocking and comparison.
      records.push({ ...first, names: prepared.flatMap((p) => p.names) });
      ids.push(r.id);
    }
    after = rows[rows.length - 1]!.id;
    onProgress?.(`read ${records.length.toLocaleString('en-GB')} records`);
  }
  const { left, right } = candidatePairs(records, { rules: COMBINED_RULES });
  onProgress?.(`${left.length.toLocaleString('en-GB')} candidate pairs`);
  const found: { i: number; j: number; score: number }[] = [];
  for (let k = 0; k < left.length; k++) {
    const i = left[k]!;
    const j = right[k]!;
    const { score } = scorePair(model, records[i]!, records[j]!);
    if (score >= model.thresholds.possible) found.push({ i, j, score });
  }
  let queued = 0;
  for (let k = 0; k < found.length; k += 500) {
    await db.transaction().execute(async (trx) => {
      let inBatch = 0;
      for (const f of found.slice(k, k + 500)) {
        const added = await merges.upsertPossibleDuplicate(trx, {
          personId: ids[f.i]!,
          otherId: ids[f.j]!,
          ...forQueue(compare(records[f.i]!, records[f.j]!, model)),
          source: 'scan',
          by: null,
        });
        if (added) {
          queued++;
          inBatch++;
        }
      }
      await recordAudit(
        trx,
        { actor: null, at: new Date() },
        { action: 'person.duplicates.scanned', details: { pairsQueued: inBatch } },
      );
    });
  }
  return { records: records.length, pairs: found.length, queued };
}
