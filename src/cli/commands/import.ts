import { loadConfig } from '../../config.ts';
import { FeedError, type ImportReport, importOpenReferral } from '../../features/directory/import.ts';
import {
  DEFAULT_IMPORT_ROLE,
  IMPORT_COLUMNS,
  importPeople,
  MAX_ROLE_LENGTH,
  type PeopleImportReport,
  resolveOrganisation,
} from '../../features/people/import.ts';
import { modelWith } from '../../features/people/search.ts';
import { withDatabase } from '../database.ts';
import { type Command, parseOptions, UsageError } from '../index.ts';

/** Each kind of import is a subcommand: `import <type> …`. Add new types to IMPORTERS. */
type Importer = { usage: string; run(args: string[]): Promise<number> };

const IMPORTERS: Record<string, Importer> = {
  openreferral: {
    usage: 'import openreferral URL|FILE [--apply-valid]',
    async run(args) {
      const { positional, flags } = parseOptions(args, { flags: ['apply-valid'] });
      const source = positional[0];
      if (!source || positional.length > 1) throw new UsageError('Give one feed: a URL or a JSON file');
      return withDatabase(async ({ db }) => {
        let report: ImportReport;
        try {
          report = await importOpenReferral(db, source, { applyValid: flags.has('apply-valid') });
        } catch (err) {
          if (err instanceof FeedError) {
            console.error(`Could not read the feed: ${err.message}`);
            return 1;
          }
          throw err;
        }
        printReport(report, flags.has('apply-valid'));
        const errors = report.problems.some((p) => p.severity === 'error');
        return errors && report.applied === 0 ? 3 : 0;
      });
    },
  },
  people: {
    usage:
      'import people FILE.csv --organisation NAME_OR_ID [--role ROLE] [--skip-invalid] [--dry-run]\n\n' +
      `  Columns (a header row names them): ${IMPORT_COLUMNS.join(', ')}.\n` +
      '  given_name, family_name and date_of_birth (or expected_date_of_birth) are required. The file must be UTF-8.\n' +
      '  Dates may be YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY. Every child gets an involvement for the organisation,\n' +
      `  with --role (default "${DEFAULT_IMPORT_ROLE}"). A child already recorded is linked, not recorded again.\n` +
      '  Nothing is imported if any row is bad, unless --skip-invalid; --dry-run checks and reports only.\n' +
      '  Exit codes: 0 imported (or checked), 1 usage or unreadable file, 3 bad rows or file: nothing imported.',
    async run(args) {
      const { positional, flags, strings } = parseOptions(args, {
        strings: ['organisation', 'role'],
        flags: ['skip-invalid', 'dry-run'],
      });
      const file = positional[0];
      if (!file || positional.length > 1) throw new UsageError('Give one CSV file to import');
      const organisation = strings.organisation?.trim();
      if (!organisation) throw new UsageError('--organisation is required: the agency the extract comes from');
      const role = (strings.role ?? DEFAULT_IMPORT_ROLE).trim();
      if (!role || role.length > MAX_ROLE_LENGTH) {
        throw new UsageError(`--role must be 1 to ${MAX_ROLE_LENGTH} characters`);
      }
      const skipInvalid = flags.has('skip-invalid');
      const dryRun = flags.has('dry-run');
      const model = modelWith(loadConfig().matching);
      return withDatabase(async ({ db }) => {
        const org = await resolveOrganisation(db, organisation);
        if (!org.ok) {
          console.error(org.message);
          return 1;
        }
        const report = await importPeople(db, file, {
          organisationId: org.id,
          role,
          skipInvalid,
          dryRun,
          model,
          onProgress: (line) => process.stderr.write(`${line}\n`),
        });
        printPeopleReport(report, org.name, skipInvalid);
        if (report.fileProblem) return report.fileProblem.unreadable ? 1 : 3;
        if (report.bad > 0 && (!skipInvalid || report.valid === 0)) return 3;
        return 0;
      });
    },
  },
};

function printReport(report: ImportReport, applyValid: boolean) {
  for (const p of report.problems) {
    const who = [p.id ? `id ${p.id}` : '', p.name ? `“${p.name}”` : ''].filter(Boolean).join(', ');
    const label = p.severity === 'error' ? 'cannot map' : 'warning';
    console.log(`Item ${p.item}${who ? ` (${who})` : ''}: ${label}: ${p.field} ${p.message}`);
  }
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  console.log(
    `${report.items} items read, ${report.valid} valid, ${errors} problems that stop an item loading, ${report.applied} applied.`,
  );
  if (errors && report.applied === 0 && !applyValid && report.valid > 0) {
    console.log('Nothing was applied. Fix the feed, or run again with --apply-valid to load only the valid items.');
  }
}

function printPeopleReport(report: PeopleImportReport, organisation: string, skipInvalid: boolean) {
  for (const w of report.warnings) console.log(`Warning: ${w}`);
  if (report.fileProblem) {
    const m = report.fileProblem.message;
    (report.fileProblem.unreadable ? console.error : console.log)(
      `${m}${m.endsWith('.') ? '' : '.'} Nothing was imported.`,
    );
    return;
  }
  for (const p of report.problems) {
    const where = `Line ${p.line}${p.sourceId ? ` (source_id ${p.sourceId})` : ''}`;
    console.log(`${where}${p.column ? `, ${p.column}` : ''}: ${p.message}`);
  }
  const n = (x: number) => x.toLocaleString('en-GB');
  const earlier = report.linkedToEarlierRows ? ` (${n(report.linkedToEarlierRows)} to rows earlier in the file)` : '';
  const would = report.dryRun ? 'would be ' : '';
  console.log(
    `${report.dryRun ? 'Dry run: ' : ''}${n(report.rows)} rows read, ${n(report.valid)} valid, ` +
      `${n(report.created)} ${would}created, ${n(report.linked)} ${would}linked to existing records${earlier}, ` +
      `${n(report.queued)} ${would}queued for review, ${n(report.bad)} bad ${report.bad === 1 ? 'row' : 'rows'}.`,
  );
  if (report.valid === 0) {
    console.log('Nothing was imported: no row is valid.');
  } else if (report.bad > 0 && !skipInvalid) {
    console.log(
      'Nothing was imported. Fix the rows above, or run again with --skip-invalid to import only the valid rows.',
    );
  } else if (report.dryRun) {
    console.log('This was a dry run: nothing was written. Run again without --dry-run to import.');
  } else {
    const extra = report.identifiersAdded
      ? ` ${n(report.identifiersAdded)} identifiers were added to records already in the index.`
      : '';
    console.log(`Every child imported is recorded as known to ${organisation}.${extra}`);
    if (report.queued) console.log('Possible duplicates are waiting for review under Possible duplicates.');
  }
}

export const command: Command = {
  summary: 'Load data from another system (import openreferral URL|FILE, import people FILE.csv)',
  usage: Object.values(IMPORTERS)
    .map((i) => i.usage)
    .join('\n       early-help '),
  async run(args) {
    const [type, ...rest] = args;
    if (!type) throw new UsageError(`Say what to import: ${Object.keys(IMPORTERS).join(', ')}`);
    const importer = IMPORTERS[type];
    if (!importer)
      throw new UsageError(`Unknown import type "${type}". Known types: ${Object.keys(IMPORTERS).join(', ')}`);
    return importer.run(rest);
  },
};
