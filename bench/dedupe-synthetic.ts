/**
 * De-duplication on a synthetic UK-like population of children (bench/lib): quality (pairwise precision, recall,
 * F1) at a size where variants are cheap to compare, then time and peak memory of the `dedupe` command itself on
 * a large file, end to end (CSV in, CSV out), with F1 of what it wrote. Then quality by the number of errors on
 * each duplicate (one, two, three; a town instead of a postcode; no identifiers), the case of issue 12 (1,000
 * records of 250 children, two or three errors each, no postcodes or identifiers), and the pairs each blocking
 * rule produced. `--records 0` leaves out the run at scale.
 *   node --import tsx bench/dedupe-synthetic.ts [--records 1000000] [--quality-records 100000] [--errors-records N]
 *     [--runs 1] [--workers N]
 * `--workers` is passed to the command (default: its own, the cores available).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions } from '../src/cli/index.ts';
import { candidatePairs } from '../src/features/people/matching/blocking.ts';
import { type DedupeOptions, dedupe } from '../src/features/people/matching/dedupe.ts';
import { prepare } from '../src/features/people/matching/record.ts';
import { type SourceRecord, severalErrorRecords, syntheticRecords } from './lib/corrupt.ts';
import { median, pairwise } from './lib/metrics.ts';

const { strings } = parseOptions(process.argv.slice(2), {
  strings: ['records', 'quality-records', 'errors-records', 'runs', 'workers'],
});
const bigN = Number(strings.records ?? 1_000_000);
const qualityN = Number(strings['quality-records'] ?? 100_000);
const errorsN = Number(strings['errors-records'] ?? qualityN);
const runs = Number(strings.runs ?? 1);
const root = fileURLToPath(new URL('..', import.meta.url));
const pct = (x: number) => (x * 100).toFixed(2);

// ---- Quality ----------------------------------------------------------------------------------------------
const sample = syntheticRecords(qualityN, 1);
const truth = sample.map((r) => r.entity);
const prepared = sample.map((r) => prepare(r));
const { left, right } = candidatePairs(prepared);
let trueInCandidates = 0;
for (let k = 0; k < left.length; k++) if (truth[left[k]!] === truth[right[k]!]) trueInCandidates++;
const truePairs = pairwise(truth, truth).truePairs;

const variants: Array<[string, DedupeOptions]> = [
  ['default (auto training, term frequencies, average-linkage guard, threshold 16)', {}],
  ['plain union-find, threshold 16', { cluster: 'union-find' }],
  ['guard margin 0 (groups must average the full threshold)', { guardMargin: 0 }],
  ['threshold 12', { threshold: 12 }],
  ['threshold 20', { threshold: 20 }],
  ['classic EM of m, u and λ', { training: 'em' }],
  ['u from random pairs, m by EM', { training: 'em-fixed-u' }],
  ['prior weights only', { training: 'priors' }],
  ['without term frequencies', { termFrequency: false }],
];
const quality: Array<{ method: string; precision: number; recall: number; f1: number; ms: number }> = [];
for (const [method, options] of variants) {
  const t = performance.now();
  const result = await dedupe(prepared, options);
  const s = pairwise(result.clusterIds, truth);
  quality.push({ method, precision: s.precision, recall: s.recall, f1: s.f1, ms: performance.now() - t });
}
console.log(
  `Synthetic population: ${qualityN.toLocaleString('en-GB')} records of ${new Set(truth).size.toLocaleString('en-GB')} children, ` +
    `${truePairs.toLocaleString('en-GB')} true pairs; blocking proposes ${left.length.toLocaleString('en-GB')} pairs ` +
    `holding ${pct(trueInCandidates / truePairs)} % of the true pairs.`,
);
console.log('\n| method | precision % | recall % | F1 % | ms |\n|---|---|---|---|---|');
for (const q of quality) {
  console.log(`| ${q.method} | ${pct(q.precision)} | ${pct(q.recall)} | ${pct(q.f1)} | ${q.ms.toFixed(0)} |`);
}

// ---- By number of errors, and the case of issue 12 -------------------------------------------------------------
const files: Array<[string, SourceRecord[]]> = [
  ['one error on each duplicate', syntheticRecords(errorsN, 1, { errors: { min: 1, max: 1 } })],
  ['two errors on each duplicate', syntheticRecords(errorsN, 1, { errors: { min: 2, max: 2 } })],
  ['three errors on each duplicate', syntheticRecords(errorsN, 1, { errors: { min: 3, max: 3 } })],
  [
    'two errors, a town instead of postcode and address, no identifiers',
    syntheticRecords(errorsN, 1, { errors: { min: 2, max: 2 }, place: 'town', identifiers: false }),
  ],
  ['issue 12: 250 children × 4 records, 2–3 errors, no postcodes or identifiers', severalErrorRecords(250, 1)],
  ['issue 12, with a town', severalErrorRecords(250, 1, 'town')],
];
const byErrors: Array<Record<string, number | string>> = [];
let ruleTable = '';
for (const [name, file] of files) {
  const t = performance.now();
  const truthOf = file.map((r) => r.entity);
  const records = file.map((r) => prepare(r));
  const result = await dedupe(records);
  const ms = performance.now() - t;
  const blocked = candidatePairs(records);
  let reached = 0;
  for (let k = 0; k < blocked.left.length; k++) if (truthOf[blocked.left[k]!] === truthOf[blocked.right[k]!]) reached++;
  const s = pairwise(result.clusterIds, truthOf);
  const at12 = pairwise((await dedupe(records, { threshold: 12 })).clusterIds, truthOf);
  byErrors.push({
    file: name,
    records: records.length,
    truePairs: s.truePairs,
    compared: result.candidatePairs,
    comparedAll: result.comparedAll ? 'yes' : 'no',
    blockedPairs: result.blockedPairs,
    reach: +(reached / s.truePairs).toFixed(4),
    estimatedReach: +result.estimatedReach.toFixed(4),
    training: result.training,
    threshold: `${result.threshold}${result.thresholdFrom === 'share-of-matches' ? ' (share of matches)' : ''}`,
    precision: +s.precision.toFixed(4),
    recall: +s.recall.toFixed(4),
    f1: +s.f1.toFixed(4),
    f1At12: +at12.f1.toFixed(4),
    ms: Math.round(ms),
  });
  if (name.startsWith('two errors on')) {
    ruleTable = '\n| rule | pairs | new pairs | capped keys | records in them | largest |\n|---|---|---|---|---|---|\n';
    for (const r of result.blocking) {
      ruleTable += `| ${r.rule} | ${r.pairs} | ${r.newPairs} | ${r.cappedBlocks} | ${r.cappedRecords} | ${r.largestCappedBlock} |\n`;
    }
  }
}
console.log(
  "\n| file | records | true pairs | pairs compared | all compared | rules' pairs | rules reach % | estimated reach % | " +
    'training | threshold (bits) | precision % | recall % | F1 % | F1 % at 12 bits | ms |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
);
for (const b of byErrors) {
  console.log(
    `| ${b.file} | ${b.records} | ${b.truePairs} | ${b.compared} | ${b.comparedAll} | ${b.blockedPairs} | ` +
      `${pct(b.reach as number)} | ${pct(b.estimatedReach as number)} | ${b.training} | ${b.threshold} | ${pct(b.precision as number)} | ` +
      `${pct(b.recall as number)} | ${pct(b.f1 as number)} | ${pct(b.f1At12 as number)} | ${b.ms} |`,
  );
}
console.log(`\nPairs by blocking rule, two errors on each duplicate (${errorsN.toLocaleString('en-GB')} records):`);
console.log(ruleTable);
console.log(JSON.stringify({ bench: 'dedupe-synthetic-errors', files: byErrors }));

// ---- Scale: the command, end to end --------------------------------------------------------------------------
if (bigN === 0) process.exit(0);
const dir = mkdtempSync(join(tmpdir(), 'ehh-dedupe-bench-'));
const input = join(dir, 'people.csv');
const output = join(dir, 'clusters.csv');
const big: SourceRecord[] = syntheticRecords(bigN, 11);
const bigTruth = new Map<string, number>();
const q = (s: string | null | undefined) => (s ? (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s) : '');
const lines = ['id,forename,surname,dob,sex,postcode,address,nhs_no,upn,la_id'];
for (const r of big) {
  bigTruth.set(r.id, r.entity);
  lines.push(
    [r.id, r.givenName, r.familyName, r.dateOfBirth, r.sex, r.postcode, r.address, r.nhsNumber, r.upn, r.otherId]
      .map(q)
      .join(','),
  );
}
writeFileSync(input, `${lines.join('\n')}\n`);
lines.length = 0;
big.length = 0;

const args = [
  join(root, 'bin/early-help'),
  'dedupe',
  '--input',
  input,
  '--id-column',
  'id',
  '--map',
  'given_name=forename,family_name=surname,date_of_birth=dob,sex=sex,postcode=postcode,address=address,' +
    'nhs_number=nhs_no,upn=upn,other_id=la_id',
  '--output',
  output,
  '--quiet',
  ...(strings.workers ? ['--workers', strings.workers] : []),
];
const haveTime = existsSync('/usr/bin/time');

interface Run {
  seconds: number;
  cpuSeconds: number | null;
  peakRssMb: number;
  timeVPeakMb: number | null;
}

async function runOnce(): Promise<Run> {
  const started = performance.now();
  const child = haveTime
    ? spawn('/usr/bin/time', ['-v', process.execPath, ...args], { stdio: ['ignore', 'inherit', 'pipe'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  // Peak resident memory of the whole process tree, sampled from /proc (VmHWM is the kernel's own high-water mark).
  let peak = 0;
  const timer = setInterval(() => {
    for (const pid of [child.pid, ...childPids(child.pid!)]) {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        // The process ended between listing and reading.
      }
    }
  }, 100);
  const code: number = await new Promise((resolve) => child.on('close', resolve));
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`dedupe failed (${code}):\n${stderr}`);
  const maxRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  return {
    seconds,
    cpuSeconds: user && sys ? Number(user[1]) + Number(sys[1]) : null,
    peakRssMb: peak,
    timeVPeakMb: maxRss ? Number(maxRss[1]) / 1024 : null,
  };
}

function childPids(pid: number): number[] {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kids.map(Number).flatMap((k) => [k, ...childPids(k)]);
  } catch {
    return [];
  }
}

const results: Run[] = [];
for (let i = 0; i < runs; i++) results.push(await runOnce());
const written = readFileSync(output, 'utf8').trim().split('\n').slice(1);
const predicted: number[] = [];
const actual: number[] = [];
for (const line of written) {
  const [id, cluster] = line.split(',');
  predicted.push(Number(cluster));
  actual.push(bigTruth.get(id!)!);
}
const bigScores = pairwise(predicted, actual);
rmSync(dir, { recursive: true, force: true });

const seconds = median(results.map((r) => r.seconds));
const peakMb = Math.max(...results.map((r) => r.timeVPeakMb ?? r.peakRssMb));
const cpu = results.every((r) => r.cpuSeconds !== null) ? median(results.map((r) => r.cpuSeconds!)) : null;
console.log(
  `\n\`early-help dedupe\` on ${bigN.toLocaleString('en-GB')} records (${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GB, ` +
    `--workers ${strings.workers ?? 'default'}; load average ${loadavg()[0]!.toFixed(1)} at the end):`,
);
console.log('\n| measure | value |\n|---|---|');
console.log(`| wall time, median of ${runs} (s) | ${seconds.toFixed(1)} |`);
if (cpu !== null) console.log(`| CPU time, user + system (s) | ${cpu.toFixed(1)} |`);
console.log(`| peak resident memory (MB) | ${peakMb.toFixed(0)} |`);
console.log(`| records written | ${written.length.toLocaleString('en-GB')} |`);
console.log(
  `| precision / recall / F1 (%) | ${pct(bigScores.precision)} / ${pct(bigScores.recall)} / ${pct(bigScores.f1)} |`,
);
console.log(
  JSON.stringify({
    bench: 'dedupe-synthetic',
    qualityRecords: qualityN,
    candidatePairs: left.length,
    blockingPairCompleteness: +(trueInCandidates / truePairs).toFixed(4),
    quality: quality.map((x) => ({
      method: x.method,
      precision: +x.precision.toFixed(4),
      recall: +x.recall.toFixed(4),
      f1: +x.f1.toFixed(4),
      ms: Math.round(x.ms),
    })),
    scale: {
      records: bigN,
      workers: strings.workers ?? 'default',
      seconds: +seconds.toFixed(1),
      cpuSeconds: cpu === null ? null : +cpu.toFixed(1),
      peakRssMb: Math.round(peakMb),
      sampledPeakRssMb: Math.round(Math.max(...results.map((r) => r.peakRssMb))),
      precision: +bigScores.precision.toFixed(4),
      recall: +bigScores.recall.toFixed(4),
      f1: +bigScores.f1.toFixed(4),
    },
  }),
);
