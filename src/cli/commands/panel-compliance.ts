import { defaultPeriod, partnershipCompliance } from '../../features/panels/dashboard.ts';
import { londonToday } from '../../platform/calendar.ts';
import { dateFromParts } from '../../platform/forms.ts';
import { withDatabase } from '../database.ts';
import { type Command, parseOptions, UsageError } from '../index.ts';

function isoOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const r = m ? dateFromParts(m[3]!, m[2]!, m[1]!, name) : { error: 'x' };
  if (r.error || !r.iso) throw new UsageError(`--${name} must be a real date as YYYY-MM-DD`);
  return r.iso;
}

const pct = (n: number | null) => (n === null ? '-' : `${n}%`);

export const command: Command = {
  summary: 'Print how panels kept their four deadlines (papers, invitation, decisions recorded, circulated)',
  usage:
    'panel-compliance [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n\n  Deadlines due in the period (by default the last 6 months), every panel together and then each panel:\n  due, met on time, met late, missed (still not met after the deadline) and not yet due. The figures are the\n  panel dashboard’s, from the same function.',
  async run(args) {
    const { strings, positional } = parseOptions(args, { strings: ['from', 'to'] });
    if (positional.length) throw new UsageError(`Unexpected argument "${positional[0]}"`);
    const at = new Date();
    const fallback = defaultPeriod(londonToday(at));
    const period = {
      from: isoOption(strings.from, 'from') ?? fallback.from,
      to: isoOption(strings.to, 'to') ?? fallback.to,
    };
    if (period.from > period.to) throw new UsageError('--from must be the same as or before --to');
    return withDatabase(async ({ db }) => {
      const result = await partnershipCompliance(db, period, at);
      const header = ['Deadline', 'Due', 'On time', 'Late', 'Missed', 'Not yet due', 'On time %'];
      const print = (title: string, rows: typeof result.all) => {
        console.log(`\n${title}`);
        const lines = [
          header,
          ...rows.map((r) => [
            r.words,
            String(r.due),
            String(r.onTime),
            String(r.late),
            String(r.missed),
            String(r.notYetDue),
            pct(r.onTimePercent),
          ]),
        ];
        const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
        for (const l of lines) {
          console.log(l.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
        }
      };
      console.log(`Panel deadlines due from ${period.from} to ${period.to} (${result.panels.length} panels)`);
      print('All panels', result.all);
      for (const p of result.perPanel) print(p.name, p.rows);
      return 0;
    });
  },
};
