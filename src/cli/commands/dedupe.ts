import { once } from 'node:events';
import { createWriteStream, statSync, writeFileSync } from 'node:fs';
import { DEFAULT_CAP_BLOCK_SIZE, DEFAULT_MAX_BLOCK_SIZE } from '../../features/people/matching/blocking.ts';
import { CSV_FIELDS, CsvInputError, parseFieldMap, readPeopleCsv } from '../../features/people/matching/csv.ts';
import {
  COMPARE_ALL_UP_TO,
  type DedupeOptions,
  type DedupeResult,
  dedupe,
  type Training,
} from '../../features/people/matching/dedupe.ts';
import { defaultThreads, MatchingPool, threadsPay } from '../../features/people/matching/parallel.ts';
import { PhoneticCoder, prepare } from '../../features/people/matching/record.ts';
import { type Command, parseOptions, UsageError } from '../index.ts';

const TRAINING: readonly Training[] = ['auto', 'em', 'em-fixed-u', 'em-sessions', 'identifiers', 'priors'];

/** Values in the output are ids from the input: quote them when CSV needs it. */
function csvValue(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const fmt = (n: number) => n.toLocaleString('en-GB');

/** What the run did, for a person: pairs by blocking rule, capped blocks and how many true pairs the rules reach. */
export function reportLines(result: DedupeResult): string[] {
  const lines = ['blocking rule: pairs (new pairs; capped keys, records in them, largest)'];
  for (const s of result.blocking) {
    if (s.keys === 0) continue;
    const capped =
      s.cappedBlocks > 0
        ? `; capped ${fmt(s.cappedBlocks)} keys holding ${fmt(s.cappedRecords)} records, largest ${fmt(s.largestCappedBlock)}`
        : '';
    lines.push(`  ${s.rule}: ${fmt(s.pairs)} (${fmt(s.newPairs)} new${capped})`);
  }
  const reach = `${(result.estimatedReach * 100).toFixed(1)} %`;
  lines.push(
    result.comparedAll
      ? `the rules proposed ${fmt(result.blockedPairs)} pairs; the file is small, so all ${fmt(result.candidatePairs)} pairs were compared (the rules alone would reach an estimated ${reach} of true pairs)`
      : `the rules proposed ${fmt(result.blockedPairs)} pairs, estimated to reach ${reach} of true pairs`,
  );
  if (result.thresholdFrom === 'share-of-matches') {
    lines.push(
      `threshold ${result.threshold} bits: with no identifiers to learn from and every pair compared, a pair scoring ` +
        `this much is more likely the same person than not (an estimated ${fmt(Math.round(result.model.lambda * result.candidatePairs))} ` +
        'of the pairs are); give --threshold to choose another',
    );
  }
  if (result.wideBudgetReached) {
    lines.push(
      `the rules that need one field to agree paired keys of up to ${fmt(result.wideBlockCap)} records, ` +
        'to keep their pairs within the budget for a file of this size',
    );
  }
  const capped = result.blocking.filter((s) => s.cappedBlocks > 0);
  if (capped.length > 0) {
    lines.push(
      `${capped.length} rules had keys shared by too many records to pair (${capped.map((s) => s.rule).join(', ')}): ` +
        'those records were paired by the other rules only',
    );
  }
  return lines;
}

/** The same, as JSON for a program: counts only, no one's details. */
export function reportJson(result: DedupeResult, records: number) {
  return {
    records,
    people: result.clusters,
    threshold: result.threshold,
    thresholdFrom: result.thresholdFrom,
    training: result.training,
    comparedAll: result.comparedAll,
    candidatePairs: result.candidatePairs,
    blockedPairs: result.blockedPairs,
    wideBlockCap: result.wideBlockCap,
    wideBudgetReached: result.wideBudgetReached,
    estimatedReach: +result.estimatedReach.toFixed(4),
    matchedPairs: result.matchedPairs,
    possiblePairs: result.possiblePairs,
    blocking: result.blocking.map((s) => ({
      rule: s.rule,
      pairs: s.pairs,
      newPairs: s.newPairs,
      blocks: s.blocks,
      cappedBlocks: s.cappedBlocks,
      cappedRecords: s.cappedRecords,
      largestCappedBlock: s.largestCappedBlock,
    })),
    timings: result.timings,
  };
}

function elapsed(started: number) {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

export const command: Command = {
  summary: 'Find records of the same person in a CSV file and write id,cluster_id',
  usage:
    'dedupe --input FILE.csv --id-column COL --map FIELD=COLUMN,... --output OUT.csv [--threshold BITS] ' +
    `[--cluster average|union-find] [--training ${TRAINING.join('|')}] [--max-block-size N] [--cap-block-size N] ` +
    '[--compare-all-up-to N] [--wide-pair-budget N] [--workers N] [--report REPORT.json] [--quiet]\n\n' +
    `  FIELD is one of ${CSV_FIELDS.join(', ')}.\n` +
    '  Join several columns into one field with +, e.g. address=line1+line2+town.\n' +
    '  Dates of birth may be YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY. The file must be UTF-8.\n' +
    '  Emails and UK telephone numbers are compared normalised; one that does not parse is not used.\n' +
    '  --threshold is the match score in bits (default 16): higher merges less. A file small enough to compare every\n' +
    '  pair and without identifiers gets a lower default: the score at which a pair is more likely a match than not.\n' +
    `  Files of up to ${COMPARE_ALL_UP_TO} records (--compare-all-up-to) have every pair compared; larger ones the\n` +
    '  pairs the blocking rules propose. A rule that needs one field to agree pairs no key shared by more than\n' +
    `  --max-block-size records (default ${DEFAULT_MAX_BLOCK_SIZE}), and no rule a key shared by more than\n` +
    `  --cap-block-size (default ${DEFAULT_CAP_BLOCK_SIZE}); the report lists what was capped. Together those rules\n` +
    '  pair at most --wide-pair-budget pairs (default 2,500,000, or 2 a record in a larger file), smallest keys first.\n' +
    '  --workers is how many threads share the blocking and the comparisons (default: the cores available; 1 does\n' +
    '  all in one thread). The result is the same whatever the number; small files use one thread.\n' +
    '  --report writes the counts (pairs per rule, capped keys, estimated share of true pairs reached) as JSON.',
  async run(args) {
    const { strings, flags, positional } = parseOptions(args, {
      strings: [
        'input',
        'id-column',
        'map',
        'output',
        'threshold',
        'cluster',
        'training',
        'max-block-size',
        'cap-block-size',
        'compare-all-up-to',
        'wide-pair-budget',
        'workers',
        'report',
      ],
      flags: ['quiet'],
    });
    if (positional.length > 0) throw new UsageError(`Unexpected argument "${positional[0]}"`);
    for (const required of ['input', 'id-column', 'map', 'output']) {
      if (!strings[required]) throw new UsageError(`--${required} is required`);
    }
    const options: DedupeOptions = {};
    if (strings.threshold !== undefined) {
      const t = Number(strings.threshold);
      if (!Number.isFinite(t)) throw new UsageError('--threshold must be a number (bits), for example 14');
      options.threshold = t;
    }
    if (strings.cluster !== undefined) {
      if (strings.cluster !== 'average' && strings.cluster !== 'union-find') {
        throw new UsageError('--cluster must be average or union-find');
      }
      options.cluster = strings.cluster;
    }
    if (strings.training !== undefined) {
      if (!TRAINING.includes(strings.training as Training)) {
        throw new UsageError(`--training must be one of ${TRAINING.join(', ')}`);
      }
      options.training = strings.training as Training;
    }
    if (strings['max-block-size'] !== undefined) {
      const m = Number(strings['max-block-size']);
      if (!Number.isInteger(m) || m < 2) throw new UsageError('--max-block-size must be a whole number of 2 or more');
      options.maxBlockSize = m;
    }
    if (strings['cap-block-size'] !== undefined) {
      const m = Number(strings['cap-block-size']);
      if (!Number.isInteger(m) || m < 2) throw new UsageError('--cap-block-size must be a whole number of 2 or more');
      options.capBlockSize = m;
    }
    if (strings['compare-all-up-to'] !== undefined) {
      const m = Number(strings['compare-all-up-to']);
      if (!Number.isInteger(m) || m < 0 || m > 20_000) {
        throw new UsageError('--compare-all-up-to must be a whole number from 0 to 20000');
      }
      options.compareAllUpTo = m;
    }
    if (strings['wide-pair-budget'] !== undefined) {
      const m = Number(strings['wide-pair-budget']);
      if (!Number.isInteger(m) || m < 0) throw new UsageError('--wide-pair-budget must be a whole number of 0 or more');
      options.widePairBudget = m;
    }
    let threads = defaultThreads();
    if (strings.workers !== undefined) {
      const m = Number(strings.workers);
      if (!Number.isInteger(m) || m < 1 || m > 64)
        throw new UsageError('--workers must be a whole number from 1 to 64');
      threads = m;
    }
    const quiet = flags.has('quiet');
    const say = (line: string) => {
      if (!quiet) process.stderr.write(`${line}\n`);
    };
    const started = performance.now();
    let pool: MatchingPool | undefined;

    try {
      const map = parseFieldMap(strings.map!);
      // Worker threads start now, each reading and preparing its own copy of the file while this thread reads and
      // prepares its own; they are let go again if the file turns out too small to repay them.
      if (threads > 1 && statSync(strings.input!, { throwIfNoEntry: false })?.isFile()) {
        pool = MatchingPool.open(threads, { csv: { path: strings.input!, idColumn: strings['id-column']!, map } });
      }
      const input = await readPeopleCsv(strings.input!, {
        idColumn: strings['id-column']!,
        map,
        onProgress: (rows) => say(`read ${rows.toLocaleString('en-GB')} records (${elapsed(started)})`),
      });
      say(`read ${input.records.length.toLocaleString('en-GB')} records in ${elapsed(started)}`);
      if (pool && !threadsPay(input.records.length, options.compareAllUpTo ?? COMPARE_ALL_UP_TO)) {
        await pool.close();
        pool = undefined;
      }
      if (pool) say(`${pool.threads} threads`);
      const coder = new PhoneticCoder();
      let unreadable = 0;
      const prepared = input.records.map((r) => {
        const p = prepare(r, coder);
        if (p.dob === null && r.dateOfBirth) unreadable++;
        return p;
      });
      input.records.length = 0;
      if (unreadable > 0) say(`${unreadable} dates of birth could not be read and were treated as blank`);
      say(`prepared in ${elapsed(started)}`);
      let lastPhase = '';
      const result = await dedupe(prepared, {
        ...options,
        pool,
        onProgress: (phase, done, total) => {
          const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
          if (phase !== lastPhase || pct % 10 === 0) say(`${phase}: ${pct}% (${elapsed(started)})`);
          lastPhase = phase;
        },
      });

      const out = createWriteStream(strings.output!);
      const number = new Map<number, number>();
      let chunk = 'id,cluster_id\n';
      for (let i = 0; i < prepared.length; i++) {
        const root = result.clusterIds[i]!;
        let n = number.get(root);
        if (n === undefined) {
          n = number.size + 1;
          number.set(root, n);
        }
        chunk += `${csvValue(input.ids[i]!)},${n}\n`;
        if (chunk.length > 65_536) {
          if (!out.write(chunk)) await once(out, 'drain');
          chunk = '';
        }
      }
      out.end(chunk);
      await once(out, 'finish');
      for (const line of reportLines(result)) say(line);
      if (strings.report) {
        writeFileSync(strings.report, `${JSON.stringify(reportJson(result, prepared.length), null, 2)}\n`);
      }
      const merged = prepared.length - result.clusters;
      say(
        `${prepared.length.toLocaleString('en-GB')} records → ${result.clusters.toLocaleString('en-GB')} people ` +
          `(${merged.toLocaleString('en-GB')} records joined to another); ${result.candidatePairs.toLocaleString('en-GB')} ` +
          `pairs compared, ${result.possiblePairs.toLocaleString('en-GB')} possible matches below the threshold; ` +
          `training ${result.training}; ${elapsed(started)}. Wrote ${strings.output}` +
          (strings.report ? ` and ${strings.report}` : ''),
      );
      return 0;
    } catch (err) {
      if (err instanceof CsvInputError) {
        console.error(err.message);
        return 1;
      }
      const sys = err as NodeJS.ErrnoException;
      if (sys?.code && sys.syscall) {
        console.error(`Cannot write ${strings.output}: ${sys.code === 'ENOENT' ? 'no such folder' : sys.code}`);
        return 1;
      }
      throw err;
    } finally {
      await pool?.close();
    }
  },
};
