import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { CSV_FIELDS, CsvInputError, parseFieldMap, readPeopleCsv } from '../../features/people/matching/csv.ts';
import { type DedupeOptions, dedupe, type Training } from '../../features/people/matching/dedupe.ts';
import { PhoneticCoder, prepare } from '../../features/people/matching/record.ts';
import { type Command, parseOptions, UsageError } from '../index.ts';

const TRAINING: readonly Training[] = ['auto', 'em', 'em-fixed-u', 'identifiers', 'priors'];

/** Values in the output are ids from the input: quote them when CSV needs it. */
function csvValue(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function elapsed(started: number) {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

export const command: Command = {
  summary: 'Find records of the same person in a CSV file and write id,cluster_id',
  usage:
    'dedupe --input FILE.csv --id-column COL --map FIELD=COLUMN,... --output OUT.csv [--threshold BITS] ' +
    `[--cluster average|union-find] [--training ${TRAINING.join('|')}] [--quiet]\n\n` +
    `  FIELD is one of ${CSV_FIELDS.join(', ')}.\n` +
    '  Join several columns into one field with +, e.g. address=line1+line2+town.\n' +
    '  Dates of birth may be YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY. The file must be UTF-8.\n' +
    '  Emails and UK telephone numbers are compared normalised; one that does not parse is not used.\n' +
    '  --threshold is the match score in bits (default 16): higher merges less.',
  async run(args) {
    const { strings, flags, positional } = parseOptions(args, {
      strings: ['input', 'id-column', 'map', 'output', 'threshold', 'cluster', 'training', 'max-block-size'],
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
    const quiet = flags.has('quiet');
    const say = (line: string) => {
      if (!quiet) process.stderr.write(`${line}\n`);
    };
    const started = performance.now();

    try {
      const map = parseFieldMap(strings.map!);
      const input = await readPeopleCsv(strings.input!, {
        idColumn: strings['id-column']!,
        map,
        onProgress: (rows) => say(`read ${rows.toLocaleString('en-GB')} records (${elapsed(started)})`),
      });
      say(`read ${input.records.length.toLocaleString('en-GB')} records in ${elapsed(started)}`);
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
      const result = dedupe(prepared, {
        ...options,
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
      const merged = prepared.length - result.clusters;
      say(
        `${prepared.length.toLocaleString('en-GB')} records → ${result.clusters.toLocaleString('en-GB')} people ` +
          `(${merged.toLocaleString('en-GB')} records joined to another); ${result.candidatePairs.toLocaleString('en-GB')} ` +
          `pairs compared, ${result.possiblePairs.toLocaleString('en-GB')} possible matches below the threshold; ` +
          `training ${result.training}; ${elapsed(started)}. Wrote ${strings.output}`,
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
    }
  },
};
