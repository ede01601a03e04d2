/**
 * De-duplication quality on FEBRL dataset 3 (5,000 records, 2,000 people): pairwise precision, recall and F1,
 * against simple baselines, and for each switch of the engine (EM, term frequencies, clustering guard).
 *   node --import tsx bench/dedupe-febrl.ts [path/to/dataset3.csv]
 */
import { fileURLToPath } from 'node:url';
import { candidatePairs } from '../src/features/people/matching/blocking.ts';
import { parseFieldMap, readPeopleCsv } from '../src/features/people/matching/csv.ts';
import { type DedupeOptions, dedupe } from '../src/features/people/matching/dedupe.ts';
import { prepare } from '../src/features/people/matching/record.ts';
import { clusterByKey, median, type PairwiseScores, pairwise } from './lib/metrics.ts';

const file = process.argv[2] ?? fileURLToPath(new URL('../../shared/data/febrl/dataset3.csv', import.meta.url));
const map = parseFieldMap(
  'given_name=given_name,family_name=surname,date_of_birth=date_of_birth,postcode=postcode,' +
    'address=street_number+address_1+address_2+suburb,other_id=soc_sec_id',
);
const { ids, records } = await readPeopleCsv(file, { idColumn: 'rec_id', map });
const truth = ids.map((id) => id.split('-')[1]!);
const prepared = records.map((r) => prepare(r));
const blocked = candidatePairs(prepared);
let trueInCandidates = 0;
for (let k = 0; k < blocked.left.length; k++) {
  if (truth[blocked.left[k]!] === truth[blocked.right[k]!]) trueInCandidates++;
}

type Row = { method: string; ms: number } & PairwiseScores;
const rows: Row[] = [];
const baseline = (method: string, keys: string[]) => {
  const t = performance.now();
  const s = pairwise(clusterByKey(keys), truth);
  rows.push({ method, ms: performance.now() - t, ...s });
};
baseline(
  'baseline: same soc_sec_id',
  records.map((r) => r.otherId ?? ''),
);
baseline(
  'baseline: same surname + date of birth',
  records.map((r) => (r.familyName && r.dateOfBirth ? `${r.familyName}|${r.dateOfBirth}` : '')),
);

const variants: Array<[string, DedupeOptions]> = [
  ['engine default (auto training, term frequencies, average-linkage guard, threshold 16)', {}],
  ['engine, plain union-find', { cluster: 'union-find' }],
  ['engine, threshold 12', { threshold: 12 }],
  ['engine without term frequencies', { termFrequency: false }],
  ['engine, classic EM of m, u and λ', { training: 'em' }],
  ['engine, u from random pairs, m by EM', { training: 'em-fixed-u' }],
  ['engine without training (prior weights only)', { training: 'priors' }],
];
let engine: Awaited<ReturnType<typeof dedupe>> | undefined;
for (const [method, options] of variants) {
  const times: number[] = [];
  let result: Awaited<ReturnType<typeof dedupe>> | undefined;
  for (let run = 0; run < 5; run++) {
    const t = performance.now();
    result = await dedupe(prepared, options);
    times.push(performance.now() - t);
  }
  engine ??= result;
  rows.push({ method, ms: median(times), ...pairwise(result!.clusterIds, truth) });
}

const pct = (x: number) => (x * 100).toFixed(2);
console.log(
  `FEBRL dataset 3: ${records.length} records, ${new Set(truth).size} people, ${rows[0]!.truePairs} true pairs`,
);
console.log(
  `candidate pairs after blocking: ${engine!.candidatePairs}; training: ${engine!.training} ` +
    `(${engine!.labelledPairs} pairs share an identifier); the candidates hold ` +
    `${((trueInCandidates / rows[0]!.truePairs) * 100).toFixed(2)} % of the true pairs`,
);
console.log('\n| method | precision % | recall % | F1 % | predicted pairs | correct | ms (median of 5) |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.method} | ${pct(r.precision)} | ${pct(r.recall)} | ${pct(r.f1)} | ${r.predictedPairs} | ${r.correctPairs} | ${r.ms.toFixed(0)} |`,
  );
}
console.log(
  JSON.stringify({
    bench: 'dedupe-febrl',
    records: records.length,
    truePairs: rows[0]!.truePairs,
    candidatePairs: engine!.candidatePairs,
    blockingPairCompleteness: +(trueInCandidates / rows[0]!.truePairs).toFixed(4),
    results: rows.map((r) => ({
      method: r.method,
      precision: +r.precision.toFixed(4),
      recall: +r.recall.toFixed(4),
      f1: +r.f1.toFixed(4),
      ms: Math.round(r.ms),
    })),
  }),
);
