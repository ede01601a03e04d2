/**
 * Expectation–Maximisation for the Fellegi–Sunter parameters (m, u, λ) over the comparison vectors of the
 * blocked candidate pairs. Identical vectors are counted once with a multiplicity, so each iteration costs the
 * number of distinct vectors (thousands), not the number of pairs (millions).
 * The starting model doubles as a Dirichlet prior, so a field that is rarely filled in keeps sensible values.
 */
import { comparePattern, FIELDS, type Field, LEVELS } from './compare.ts';
import type { MatchModel } from './model.ts';
import type { PreparedRecord } from './record.ts';

export interface EmOptions {
  maxIterations?: number;
  /** Stop when no parameter moves more than this. */
  tolerance?: number;
  /** Weight of the prior, in pseudo-pairs per class. */
  priorStrength?: number;
  /**
   * Keep u as given (estimated from random pairs) and learn only m and λ. Blocked pairs share a household far more
   * often than random pairs do, and a free u lets EM mistake "same household" for "same person".
   */
  fixU?: boolean;
  /** Keep m as given too: only λ, the share of candidate pairs that match, is estimated. */
  fixM?: boolean;
}

export interface EmResult {
  model: MatchModel;
  iterations: number;
  converged: boolean;
}

export function countPatterns(patterns: Int32Array | number[], n = patterns.length): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const p = patterns[i]!;
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return counts;
}

export function estimate(start: MatchModel, counts: Map<number, number>, options: EmOptions = {}): EmResult {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  const prior = options.priorStrength ?? 20;
  const model = structuredClone(start);
  const patterns = [...counts.keys()];
  const weights = patterns.map((p) => counts.get(p)!);
  const levelsOf = patterns.map((p) => FIELDS.map((_, i) => (p >>> (i * 3)) & 7));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) return { model, iterations: 0, converged: true };

  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const mCount = FIELDS.map((f) => new Array<number>(LEVELS[f].length).fill(0));
    const uCount = FIELDS.map((f) => new Array<number>(LEVELS[f].length).fill(0));
    let matches = 0;
    for (let k = 0; k < patterns.length; k++) {
      const levels = levelsOf[k]!;
      let pm = model.lambda;
      let pu = 1 - model.lambda;
      for (let i = 0; i < FIELDS.length; i++) {
        const level = levels[i]!;
        if (level === 0) continue;
        const p = model.fields[FIELDS[i]!];
        pm *= p.m[level]!;
        pu *= p.u[level]!;
      }
      const posterior = pm + pu > 0 ? pm / (pm + pu) : 0;
      const w = weights[k]!;
      matches += posterior * w;
      for (let i = 0; i < FIELDS.length; i++) {
        const level = levels[i]!;
        if (level === 0) continue;
        mCount[i]![level]! += posterior * w;
        uCount[i]![level]! += (1 - posterior) * w;
      }
    }
    let change = 0;
    const lambda = Math.min(0.999, Math.max(1e-6, matches / total));
    change = Math.max(change, Math.abs(lambda - model.lambda));
    model.lambda = lambda;
    FIELDS.forEach((field, i) => {
      const p = model.fields[field];
      const s = start.fields[field];
      const m = options.fixM ? p.m : normalise(mCount[i]!, s.m, prior);
      const u = options.fixU ? p.u : normalise(uCount[i]!, s.u, prior);
      for (let l = 1; l < m.length; l++) {
        change = Math.max(change, Math.abs(m[l]! - p.m[l]!), Math.abs(u[l]! - p.u[l]!));
      }
      p.m = m;
      p.u = u;
    });
    converged = change < tolerance;
  }
  return { model, iterations, converged };
}

/** Counts plus prior pseudo-counts, normalised over levels 1.. (level 0, missing, stays 0). */
function normalise(counts: number[], priorProbs: number[], strength: number): number[] {
  const out = counts.map((c, l) => (l === 0 ? 0 : c + strength * priorProbs[l]!));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((v) => (sum > 0 ? v / sum : 0));
}

/** Level counts per field over a set of comparison vectors (level 0, missing, is not counted). */
function levelDistribution(patterns: Iterable<number>, field: Field): number[] | null {
  const i = FIELDS.indexOf(field);
  const counts = new Array<number>(LEVELS[field].length).fill(0);
  let total = 0;
  for (const p of patterns) {
    const level = (p >>> (i * 3)) & 7;
    if (level === 0) continue;
    counts[level]!++;
    total++;
  }
  return total > 0 ? counts : null;
}

/**
 * u from random pairs of records: almost all of them are different people, so how often they agree is what
 * chance agreement looks like. Deterministic (fixed seed) so that a run can be repeated.
 */
export function estimateU(
  start: MatchModel,
  records: readonly PreparedRecord[],
  samples = 200_000,
  seed = 1,
): MatchModel {
  const model = structuredClone(start);
  const n = records.length;
  if (n < 2) return model;
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const patterns: number[] = [];
  for (let k = 0; k < samples; k++) {
    const i = Math.floor(next() * n);
    const j = Math.floor(next() * n);
    if (i !== j) patterns.push(comparePattern(records[i]!, records[j]!));
  }
  for (const field of FIELDS) {
    const counts = levelDistribution(patterns, field);
    if (counts) model.fields[field].u = smooth(counts, start.fields[field].u, 10);
  }
  return model;
}

const IDENTIFIERS: readonly Field[] = ['nhs', 'upn', 'other'];

/**
 * m from pairs that share an identifier (NHS number, UPN or agency id): those are the same person, and their
 * other fields show how often each kind of error happens in this data. Each identifier's own m comes from pairs
 * labelled by the other identifiers. Fields with too few labelled pairs keep the starting m.
 */
export function estimateMFromIdentifiers(start: MatchModel, patterns: Int32Array, minimum = 50) {
  const model = structuredClone(start);
  const labelled = (except: Field | null) => {
    const out: number[] = [];
    for (const p of patterns) {
      for (const id of IDENTIFIERS) {
        if (id !== except && ((p >>> (FIELDS.indexOf(id) * 3)) & 7) === 1) {
          out.push(p);
          break;
        }
      }
    }
    return out;
  };
  const all = labelled(null);
  let used = 0;
  for (const field of FIELDS) {
    const source = IDENTIFIERS.includes(field) ? labelled(field) : all;
    const counts = levelDistribution(source, field);
    const total = counts ? counts.reduce((a, b) => a + b, 0) : 0;
    if (!counts || total < minimum) continue;
    model.fields[field].m = smooth(counts, start.fields[field].m, 20);
    used++;
  }
  return { model, labelledPairs: all.length, fieldsEstimated: used };
}

/**
 * m by EM without identifiers, in the way Splink trains: on the candidate pairs that agree on the date of birth,
 * with the date of birth left out of the session (its agreement is certain there, so it says nothing about which
 * pairs match), EM learns how often names, sex and place differ for the same person. u stays as estimated from
 * random pairs and the date of birth keeps its starting m. EM over all blocked pairs with the date of birth in,
 * by contrast, counts the agreement the pairs were chosen for as evidence and drifts to "everyone matches" or
 * "same household" (docs/performance.md).
 */
export function estimateMWithoutIdentifiers(start: MatchModel, patterns: Int32Array, options: EmOptions = {}) {
  const dobAgrees = new Map<number, number>();
  const shift = FIELDS.indexOf('dob') * 3;
  for (const p of patterns) {
    const dob = (p >>> shift) & 7;
    if (dob !== 1 && dob !== 2) continue;
    const q = p & ~(7 << shift);
    dobAgrees.set(q, (dobAgrees.get(q) ?? 0) + 1);
  }
  const session = estimate(start, dobAgrees, { ...options, fixU: true });
  const model = structuredClone(start);
  for (const field of FIELDS) if (field !== 'dob') model.fields[field].m = session.model.fields[field].m;
  let pairs = 0;
  for (const c of dobAgrees.values()) pairs += c;
  return { model, iterations: session.iterations, pairs };
}

function smooth(counts: number[], prior: number[], strength: number): number[] {
  const out = counts.map((c, l) => (l === 0 ? 0 : c + strength * prior[l]!));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / sum);
}
