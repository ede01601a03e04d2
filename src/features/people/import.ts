/**
 * Importing an agency's extract of children into the child index (`early-help import people`). Every row is
 * checked first, by the rules of the identifying details form, and every bad row reported; nothing is written
 * unless every row is valid (or the caller asks for the valid rows only). Then, in one transaction, each row is
 * looked for in the index before anything is created: a child already recorded — by NHS number, by the agency's
 * own identifier, or by a score at or above the match threshold — is linked, never recorded twice; a possible
 * match is recorded and the pair queued for review. Rows are placed in file order within the transaction, so a
 * later row finds the record an earlier row of the same file created.
 */
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { DB, PersonTable } from '../../db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday } from '../../platform/calendar.ts';
import { recordDuplicates } from './duplicate-service.ts';
import { DEFAULT_MAX_ROWS, ImportFileError, readCsvRecords } from './import-file.ts';
import * as importRepo from './import-repository.ts';
import { type Header, type ImportRow, type RowProblem, RowValidator, readHeader } from './import-rows.ts';
import { type MatchSource, prepareVariants, variantOf } from './match-data.ts';
import { refreshMatchData } from './match-repository.ts';
import { bestComparison, type MatchModel } from './matching/model.ts';
import * as registry from './registry-repository.ts';
import { criteriaForPerson, type SearchHit, searchCoder, searchIndex } from './search.ts';

export { IMPORT_COLUMNS, type ImportColumn, type RowProblem } from './import-rows.ts';

export const DEFAULT_IMPORT_ROLE = 'Recorded by import';
/** How far the best match must lead the next for a row to be linked to it on its score alone. */
export const AMBIGUITY_BITS = 4;
export const MAX_ROLE_LENGTH = 100;

export interface PeopleImportOptions {
  /** The agency the extract comes from: every child imported gets an involvement for it. */
  organisationId: string;
  /** The involvement's role (default "Recorded by import"). */
  role?: string;
  /** Import the valid rows even when some are bad (the bad ones are still reported). */
  skipInvalid?: boolean;
  /** Check and match every row and report what would happen, but keep nothing. */
  dryRun?: boolean;
  model: MatchModel;
  now?: Date;
  maxRowSize?: number;
  maxRows?: number;
  /** Called every `progressEvery` rows (default 1,000) with a line saying how far the import has got. */
  onProgress?: (line: string) => void;
  progressEvery?: number;
}

export interface RowOutcome {
  line: number;
  sourceId: string | null;
  action: 'created' | 'linked';
  /** The record created or linked to (null for a record a dry run would create). */
  personId: string | null;
  /** Linked to a record an earlier row of the same file created. */
  earlierRow: boolean;
  /** Possible duplicates queued for review with the new record. */
  queued: number;
}

export interface PeopleImportReport {
  /** Rows of children read (the header and blank rows not counted). */
  rows: number;
  valid: number;
  /** Rows with at least one problem. */
  bad: number;
  created: number;
  /** Rows linked to a record already in the index (or created by an earlier row of the file). */
  linked: number;
  linkedToEarlierRows: number;
  /** New records queued for review as possible duplicates, and the pairs queued. */
  queued: number;
  pairsQueued: number;
  /** Identifiers (agency identifier, NHS number, UPN, local authority child id) added to existing records. */
  identifiersAdded: number;
  /** Every problem with every bad row, in file order. */
  problems: RowProblem[];
  warnings: string[];
  /** A problem with the file as a whole: nothing was imported. `unreadable` when it could not be opened. */
  fileProblem: { message: string; unreadable: boolean } | null;
  /** Whether anything was written. */
  imported: boolean;
  dryRun: boolean;
  outcomes: RowOutcome[];
}

export type OrganisationResult = { ok: true; id: string; name: string } | { ok: false; message: string };

/** The agency named on the command line, by id or by name. */
export async function resolveOrganisation(db: Kysely<DB>, nameOrId: string): Promise<OrganisationResult> {
  const found = await importRepo.organisationsNamed(db, nameOrId);
  if (found.length === 1) return { ok: true, id: found[0]!.id, name: found[0]!.name };
  if (found.length === 0) {
    return {
      ok: false,
      message: `There is no organisation called "${nameOrId}": give its name as Administration shows it, or its id`,
    };
  }
  return { ok: false, message: `More than one organisation is called "${nameOrId}": give its id instead` };
}

function emptyReport(dryRun: boolean): PeopleImportReport {
  return {
    rows: 0,
    valid: 0,
    bad: 0,
    created: 0,
    linked: 0,
    linkedToEarlierRows: 0,
    queued: 0,
    pairsQueued: 0,
    identifiersAdded: 0,
    problems: [],
    warnings: [],
    fileProblem: null,
    imported: false,
    dryRun,
    outcomes: [],
  };
}

const count = (n: number) => n.toLocaleString('en-GB');

class DryRunFinished extends Error {}

export async function importPeople(
  db: Kysely<DB>,
  path: string,
  options: PeopleImportOptions,
): Promise<PeopleImportReport> {
  const dryRun = options.dryRun ?? false;
  const now = options.now ?? new Date();
  const every = options.progressEvery ?? 1000;
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const report = emptyReport(dryRun);
  const fileProblem = (message: string, unreadable = false) => ({
    ...emptyReport(dryRun),
    warnings: report.warnings,
    fileProblem: { message, unreadable },
  });

  // 1. Read and check every row.
  const rows: ImportRow[] = [];
  const badLines = new Set<number>();
  let header: Header | undefined;
  let validator: RowValidator | undefined;
  try {
    for await (const record of readCsvRecords(path, options.maxRowSize ? { maxRowSize: options.maxRowSize } : {})) {
      if (!validator) {
        const h = readHeader(record.values);
        if (!h.ok) return fileProblem(h.message);
        header = h.header;
        report.warnings.push(...h.warnings);
        validator = new RowValidator(header, now);
        continue;
      }
      const result = validator.check(record.values, record.line);
      if (result.kind === 'blank') continue;
      report.rows++;
      if (report.rows > maxRows) {
        return fileProblem(`The file has more than ${count(maxRows)} rows: split it into smaller files`);
      }
      if (result.kind === 'valid') {
        rows.push(result.row);
        report.warnings.push(...result.warnings);
      } else {
        report.problems.push(...result.problems);
        badLines.add(record.line);
      }
      if (report.rows % every === 0) options.onProgress?.(`checked ${count(report.rows)} rows`);
    }
  } catch (err) {
    if (err instanceof ImportFileError) return fileProblem(err.message, err.unreadable);
    throw err;
  }
  if (!header)
    return fileProblem('The file is empty: it needs a header row naming the columns, then a row for each child');
  if (report.rows === 0) return fileProblem('The file has a header row but no rows of children');
  report.valid = rows.length;
  report.bad = badLines.size;
  if ((report.bad > 0 && !options.skipInvalid) || rows.length === 0) return report;

  // 2. Place every valid row, in one transaction.
  try {
    await db.transaction().execute(async (trx) => {
      const placer = new Placer(trx, options, now, report);
      for (let i = 0; i < rows.length; i++) {
        report.outcomes.push(await placer.place(rows[i]!));
        if ((i + 1) % every === 0) {
          options.onProgress?.(`${dryRun ? 'matched' : 'imported'} ${count(i + 1)} of ${count(rows.length)} rows`);
        }
      }
      await recordAudit(
        trx,
        { actor: null, at: now },
        {
          action: 'person.records.imported',
          recordType: 'organisation',
          recordId: options.organisationId,
          details: {
            rowsRead: report.rows,
            valid: report.valid,
            badRows: report.bad,
            created: report.created,
            linked: report.linked,
            linkedToEarlierRows: report.linkedToEarlierRows,
            queuedForReview: report.queued,
            pairsQueued: report.pairsQueued,
            identifiersAdded: report.identifiersAdded,
            skipInvalid: options.skipInvalid ?? false,
          },
        },
      );
      // A dry run does everything a real one does, so its report is exact, and then keeps none of it.
      if (dryRun) throw new DryRunFinished();
    });
    report.imported = true;
  } catch (err) {
    if (!(err instanceof DryRunFinished)) throw err;
    for (const o of report.outcomes) if (o.action === 'created' || o.earlierRow) o.personId = null;
  }
  return report;
}

interface ScoredHit extends SearchHit {
  nhsNumber: string | null;
}

/** Finds each row in the index and links it, or creates its record. */
class Placer {
  private readonly coder = searchCoder();
  private readonly created = new Set<string>();
  private readonly role: string;
  private readonly today: string;

  constructor(
    private readonly trx: Transaction<DB>,
    private readonly options: PeopleImportOptions,
    private readonly now: Date,
    private readonly report: PeopleImportReport,
  ) {
    this.role = options.role ?? DEFAULT_IMPORT_ROLE;
    this.today = londonToday(now);
  }

  async place(row: ImportRow): Promise<RowOutcome> {
    const p = row.person;
    if (p.nhsNumber) {
      const holder = await registry.personWithNhsNumber(this.trx, p.nhsNumber);
      if (holder) return this.link(row, holder.id);
    }
    if (row.otherId) {
      const holder = await importRepo.personWithIdentifier(this.trx, row.otherId.scheme, row.otherId.value);
      if (holder && !conflictingNhs(holder.nhs_number, p.nhsNumber)) return this.link(row, holder.id);
    }
    const { match, possible } = this.options.model.thresholds;
    const hits = await this.likelyMatches(row);
    // Records with a different NHS number are never one child (merging them is refused): review them at most.
    // A score alone links only when it is unambiguous: two records that both fit (two children of the same name
    // born on the same day) go to review instead of the row being attached to the wrong one.
    const fitting = hits.filter((h) => !conflictingNhs(h.nhsNumber, p.nhsNumber));
    const [best, next] = fitting;
    if (best && best.score >= match && (!next || best.score - next.score >= AMBIGUITY_BITS)) {
      return this.link(row, best.id);
    }
    return this.create(
      row,
      hits.filter((h) => h.score >= possible),
    );
  }

  /**
   * Candidates from the search index, each scored against everything the row says about the child (sex and
   * address too, which a search does not use), the way the review queue compares a pair of records.
   */
  private async likelyMatches(row: ImportRow): Promise<ScoredHit[]> {
    const { model } = this.options;
    const result = await searchIndex(
      this.trx,
      criteriaForPerson(row.person, row.address?.postcode ?? null),
      model,
      this.now,
      { limit: 10, minScore: model.thresholds.possible },
    );
    if (result.hits.length === 0) return [];
    const query = prepareVariants([variantOf(matchSource(row))], this.coder)[0]!;
    const records = new Map(
      (
        await importRepo.matchRecords(
          this.trx,
          result.hits.map((h) => h.id),
        )
      ).map((r) => [r.id, r]),
    );
    const scored: ScoredHit[] = [];
    for (const hit of result.hits) {
      const record = records.get(hit.id);
      const best = bestComparison([query], prepareVariants(record?.variants ?? [], this.coder, hit.id), model);
      if (!best) continue;
      scored.push({
        ...hit,
        score: Math.round(best.score * 10) / 10,
        outcome: best.outcome,
        reasons: best.reasons,
        nhsNumber: record?.nhsNumber ?? null,
      });
    }
    return scored.sort((a, b) => b.score - a.score);
  }

  private async link(row: ImportRow, personId: string): Promise<RowOutcome> {
    const { trx } = this;
    const p = row.person;
    let changed = false;
    if (!(await importRepo.organisationInvolved(trx, personId, this.options.organisationId))) {
      await this.addInvolvement(personId);
      changed = true;
    }
    if (row.otherId) {
      const added = await registry.addIdentifier(
        trx,
        personId,
        { ...row.otherId, organisationId: this.options.organisationId },
        null,
      );
      if (added) {
        this.report.identifiersAdded++;
        changed = true;
      }
    }
    // Numbers the record lacks; a number it already has is never replaced.
    const have = await importRepo.identifyingNumbers(trx, personId);
    const fill: Updateable<PersonTable> = {};
    if (!have.nhs_number && p.nhsNumber) fill.nhs_number = p.nhsNumber;
    if (!have.upn && p.upn) fill.upn = p.upn;
    if (!have.la_child_id && p.laChildId) fill.la_child_id = p.laChildId;
    const filled = Object.keys(fill).length;
    if (filled) {
      await registry.setPersonFields(trx, personId, { ...fill, updated_at: this.now });
      this.report.identifiersAdded += filled;
      changed = true;
    }
    if (changed) await refreshMatchData(trx, [personId], this.coder);
    const earlierRow = this.created.has(personId);
    this.report.linked++;
    if (earlierRow) this.report.linkedToEarlierRows++;
    return { line: row.line, sourceId: row.sourceId, action: 'linked', personId, earlierRow, queued: 0 };
  }

  private async create(row: ImportRow, possibles: ScoredHit[]): Promise<RowOutcome> {
    const { trx } = this;
    const id = await registry.insertPerson(trx, row.person, null, this.now);
    if (row.address) {
      await registry.moveTo(trx, id, await registry.findOrCreateHousehold(trx, row.address), this.today);
    }
    await this.addInvolvement(id);
    if (row.otherId) {
      await registry.addIdentifier(trx, id, { ...row.otherId, organisationId: this.options.organisationId }, null);
    }
    await refreshMatchData(trx, [id], this.coder);
    const queued = await recordDuplicates(trx, id, possibles, 'import', null);
    this.created.add(id);
    this.report.created++;
    if (queued > 0) this.report.queued++;
    this.report.pairsQueued += queued;
    return { line: row.line, sourceId: row.sourceId, action: 'created', personId: id, earlierRow: false, queued };
  }

  private async addInvolvement(personId: string) {
    await registry.addInvolvement(this.trx, personId, {
      organisationId: this.options.organisationId,
      teamId: null,
      userId: null,
      role: this.role,
      startedOn: this.today,
      contactPhone: null,
      contactEmail: null,
    });
  }
}

function conflictingNhs(a: string | null, b: string | null): boolean {
  return !!a && !!b && a !== b;
}

/** The row as the match data of its record would be built, had it been created. */
function matchSource(row: ImportRow): MatchSource {
  const p = row.person;
  const a = row.address;
  return {
    given_name: p.givenName,
    middle_names: p.middleNames,
    family_name: p.familyName,
    known_as: p.knownAs,
    date_of_birth: p.dateOfBirth,
    expected_date_of_birth: p.expectedDateOfBirth,
    sex: p.sex,
    nhs_number: p.nhsNumber,
    upn: p.upn,
    la_child_id: p.laChildId,
    email: p.email,
    telephone: p.telephone,
    names: [],
    // The agency identifier is left out: the scorer compares only one identifier, whatever its scheme.
    identifiers: [],
    addresses: a
      ? [{ address: [a.line1, a.line2, a.town].filter(Boolean).join(', '), postcode: a.postcode, current: true }]
      : [],
  };
}
