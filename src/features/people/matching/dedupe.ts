/**
 * Bulk de-duplication: block → compare → estimate (EM) → score → cluster. No database: a council's extract of a
 * million records fits in memory, and this is the same scoring the child index uses for one query at a time.
 */
import { allPairs, BLOCKING_RULES, type BlockingOptions, type BlockingStats, candidatePairs } from './blocking.ts';
import { type ClusterMethod, cluster } from './cluster.ts';
import { comparePattern } from './compare.ts';
import { countPatterns, estimate, estimateMFromIdentifiers, estimateMWithoutIdentifiers, estimateU } from './em.ts';
import {
  defaultModel,
  frequencies,
  type MatchModel,
  type NameFrequencies,
  patternScorer,
  scorePair,
  tfAdjustment,
} from './model.ts';
import { MatchingPool, threadsPay } from './parallel.ts';
import { estimateReach } from './reach.ts';
import type { PreparedRecord } from './record.ts';

export interface DedupeOptions extends BlockingOptions {
  model?: MatchModel;
  /**
   * Score at or above which a pair is the same person. Default: the model's match threshold (16 bits), or lower for
   * a small file without identifiers to learn from (see `matchThreshold`).
   */
  threshold?: number;
  /**
   * How m and u are learnt from the data: 'auto' (default) takes u from random pairs and m from pairs that share
   * an identifier when there are enough of them, otherwise as 'em-sessions' (m by EM on the pairs that agree on the
   * date of birth, that field left out); 'em' is classic EM of m, u and λ on the candidate pairs; 'em-fixed-u'
   * takes u from random pairs and m by EM; 'priors' uses the model as given.
   */
  training?: Training;
  /** Adjust name agreement by how common the name is in this data (default true). */
  termFrequency?: boolean;
  cluster?: ClusterMethod;
  /**
   * For the 'average' guard: how far below the match threshold the average score across two groups may fall and
   * still merge them (default 2 bits). One weak link inside a group is normal; a group held together by one is not.
   */
  guardMargin?: number;
  /**
   * Files of at most this many records have every pair compared, whatever the blocking rules find (default
   * COMPARE_ALL_UP_TO; 0 never compares all).
   */
  compareAllUpTo?: number;
  /**
   * Threads for the blocking keys and the comparisons, this one included (default 1: all in this thread). More
   * than one starts worker threads when the file is large enough to repay them (`threadsPay` in parallel.ts); the
   * result is the same whatever the number.
   */
  threads?: number;
  /** Worker threads already started with these records (see `MatchingPool`), used instead of `threads`. */
  pool?: MatchingPool;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** Below this many records, u, m and name frequencies are not learnt from the data. */
export const MIN_RECORDS_TO_LEARN = 1000;

/**
 * Up to this many records every pair is compared, so nothing the blocking rules would miss is missed: 2,000
 * records are 2 million pairs, 6 s to compare and 8.5 s for the whole run on the busy 2-core machine, where 3,000
 * took 20 s and 5,000 a minute (docs/performance.md).
 */
export const COMPARE_ALL_UP_TO = 2000;

export type ThresholdFrom = 'given' | 'model' | 'share-of-matches';

/**
 * The match threshold when the caller gives none. A file with identifiers, or too large to compare every pair, keeps
 * the model's 16 bits. A small file with nothing to learn from but names, a date of birth, sex and perhaps a place
 * (training 'em-sessions': no identifiers) rarely gives a pair with two errors 16 bits, though every pair was
 * compared; there the threshold is the score at which a pair becomes more likely the same person than not, given
 * the share of all pairs EM found to be matches (λ): log2((1 − λ) / λ), never above the model's. On the issue 12
 * files this share is within 15 % of the true one (docs/performance.md).
 */
export function matchThreshold(
  model: MatchModel,
  run: { training: Training; comparedAll: boolean },
): { threshold: number; from: ThresholdFrom } {
  const fixed = model.thresholds.match;
  if (!run.comparedAll || run.training !== 'em-sessions' || !(model.lambda > 0 && model.lambda < 1)) {
    return { threshold: fixed, from: 'model' };
  }
  const even = Math.log2((1 - model.lambda) / model.lambda);
  return even < fixed
    ? { threshold: Math.round(even * 10) / 10, from: 'share-of-matches' }
    : { threshold: fixed, from: 'model' };
}

export type Training = 'auto' | 'em' | 'em-fixed-u' | 'em-sessions' | 'identifiers' | 'priors';

export interface DedupeResult {
  training: Training;
  /** The threshold used, in bits, and why: given by the caller, the model's, or from the file's share of matches. */
  threshold: number;
  thresholdFrom: ThresholdFrom;
  labelledPairs: number;
  clusterIds: Int32Array;
  candidatePairs: number;
  matchedPairs: number;
  possiblePairs: number;
  clusters: number;
  model: MatchModel;
  emIterations: number;
  /** Pairs produced by each blocking rule, with the blocks it capped. */
  blocking: BlockingStats[];
  /** Distinct pairs the blocking rules produced. */
  blockedPairs: number;
  /**
   * Largest key the wide rules paired: `maxBlockSize`, or less when the wide rules' pairs budget (see
   * `widePairBudget` in blocking.ts) ran out first.
   */
  wideBlockCap: number;
  /** The wide rules' budget capped keys smaller than `maxBlockSize` (they count among each rule's capped keys). */
  wideBudgetReached: boolean;
  /** Every pair was compared (a small file), not only those the rules produced. */
  comparedAll: boolean;
  /**
   * Estimated share (0–1) of true pairs that the blocking rules reach, from the trained model (see reach.ts). When
   * every pair was compared, every true pair was reached whatever this says.
   */
  estimatedReach: number;
  timings: Record<string, number>;
}

export async function dedupe(records: readonly PreparedRecord[], options: DedupeOptions = {}): Promise<DedupeResult> {
  const compareAllUpTo = options.compareAllUpTo ?? COMPARE_ALL_UP_TO;
  let pool = options.pool;
  const ownPool =
    !pool && (options.threads ?? 1) > 1 && threadsPay(records.length, compareAllUpTo)
      ? MatchingPool.open(options.threads!, { prepared: records })
      : undefined;
  pool ??= ownPool;
  try {
    return await run(records, options, pool);
  } finally {
    await ownPool?.close();
  }
}

async function run(
  records: readonly PreparedRecord[],
  options: DedupeOptions,
  pool: MatchingPool | undefined,
): Promise<DedupeResult> {
  const timings: Record<string, number> = {};
  const progress = options.onProgress ?? (() => {});
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };

  progress('blocking', 0, records.length);
  const entries = pool ? await pool.entries(records, options.rules ?? BLOCKING_RULES) : undefined;
  const blocked = candidatePairs(records, { ...options, entries });
  const stats = blocked.stats;
  const compareAll = records.length <= (options.compareAllUpTo ?? COMPARE_ALL_UP_TO);
  const { left, right } = compareAll ? allPairs(records.length) : blocked;
  lap('blocking');

  const n = left.length;
  let patterns: Int32Array;
  if (pool) {
    patterns = await pool.compare(records, left, right, (done, total) => progress('comparing', done, total));
  } else {
    patterns = new Int32Array(n);
    const step = Math.max(100_000, Math.ceil(n / 20));
    for (let k = 0; k < n; k++) {
      patterns[k] = comparePattern(records[left[k]!]!, records[right[k]!]!);
      if (k % step === 0) progress('comparing', k, n);
    }
    progress('comparing', n, n);
  }
  lap('comparing');

  const start = structuredClone(options.model ?? defaultModel());
  const trained = train(start, options.training ?? 'auto', records, patterns);
  // Training moves m, u and λ; the thresholds are the caller's policy and stay as they were.
  const model: MatchModel = { ...trained.model, thresholds: start.thresholds };
  lap('estimating');

  // A few hundred records say too little about how common a name is, or about chance agreement: keep the priors.
  const small = records.length < MIN_RECORDS_TO_LEARN;
  const freq: NameFrequencies | undefined = options.termFrequency === false || small ? undefined : frequencies(records);
  const base = patternScorer(model);
  const chosen =
    options.threshold !== undefined
      ? { threshold: options.threshold, from: 'given' as const }
      : matchThreshold(model, { training: trained.training, comparedAll: compareAll });
  const threshold = chosen.threshold;
  const scores = new Float64Array(n);
  let matched = 0;
  let possible = 0;
  for (let k = 0; k < n; k++) {
    const p = patterns[k]!;
    let s = base(p);
    if (freq) {
      const tf = tfAdjustment(model, freq, p, records[left[k]!]!);
      s += tf.given + tf.family;
    }
    scores[k] = s;
    if (s >= threshold) matched++;
    else if (s >= model.thresholds.possible) possible++;
  }
  lap('scoring');

  const ml = new Int32Array(matched);
  const mr = new Int32Array(matched);
  const ms = new Float64Array(matched);
  for (let k = 0, w = 0; k < n; k++) {
    if (scores[k]! < threshold) continue;
    ml[w] = left[k]!;
    mr[w] = right[k]!;
    ms[w] = scores[k]!;
    w++;
  }
  const clusterIds = cluster(records.length, ml, mr, ms, {
    method: options.cluster ?? 'average',
    threshold: threshold - (options.guardMargin ?? 2),
    score: (i, j) => scorePair(model, records[i]!, records[j]!, freq).score,
  });
  lap('clustering');

  let clusters = 0;
  for (let i = 0; i < clusterIds.length; i++) if (clusterIds[i] === i) clusters++;
  return {
    clusterIds,
    candidatePairs: n,
    matchedPairs: matched,
    possiblePairs: possible,
    clusters,
    model,
    training: trained.training,
    threshold,
    thresholdFrom: chosen.from,
    labelledPairs: trained.labelledPairs,
    emIterations: trained.emIterations,
    blocking: stats,
    blockedPairs: blocked.left.length,
    wideBlockCap: blocked.wideCap,
    wideBudgetReached: blocked.wideBudgetReached,
    comparedAll: compareAll,
    estimatedReach: estimateReach(model, records, stats),
    timings,
  };
}

function train(start: MatchModel, training: Training, records: readonly PreparedRecord[], patterns: Int32Array) {
  const out = { model: start, training, labelledPairs: 0, emIterations: 0 };
  if (training === 'priors' || patterns.length === 0) return out;
  if (records.length < MIN_RECORDS_TO_LEARN && training === 'auto') return { ...out, training: 'priors' as const };
  if (training === 'em') {
    const fitted = estimate(start, countPatterns(patterns));
    return { ...out, model: fitted.model, emIterations: fitted.iterations };
  }
  const withU = estimateU(start, records, Math.min(200_000, Math.max(20_000, records.length * 10)));
  const labelled = estimateMFromIdentifiers(withU, patterns);
  out.labelledPairs = labelled.labelledPairs;
  const useIdentifiers = training === 'identifiers' || (training === 'auto' && labelled.fieldsEstimated >= 4);
  if (training === 'em-sessions' || (training === 'auto' && !useIdentifiers)) {
    // Without identifiers to learn from: m by EM on pairs chosen by agreeing on one field (see em.ts). Plain EM of
    // m on blocked pairs drifts towards "same household" (see docs/performance.md).
    const sessions = estimateMWithoutIdentifiers(withU, patterns);
    const fitted = estimate(sessions.model, countPatterns(patterns), { fixU: true, fixM: true });
    return {
      ...out,
      model: fitted.model,
      training: 'em-sessions' as const,
      emIterations: sessions.iterations + fitted.iterations,
    };
  }
  const fitted = estimate(useIdentifiers ? labelled.model : withU, countPatterns(patterns), {
    fixU: true,
    fixM: training !== 'em-fixed-u',
  });
  return {
    ...out,
    model: fitted.model,
    training: useIdentifiers ? ('identifiers' as const) : training === 'auto' ? ('priors' as const) : training,
    emIterations: fitted.iterations,
  };
}
