import { FeedError, type ImportReport, importOpenReferral } from '../../features/directory/import.ts';
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

export const command: Command = {
  summary: 'Load data from another system (import openreferral URL|FILE [--apply-valid])',
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
