/** Pairwise precision, recall and F1 of a clustering against the truth, without listing pairs. */

export interface PairwiseScores {
  precision: number;
  recall: number;
  f1: number;
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
}

const choose2 = (k: number) => (k * (k - 1)) / 2;

function sizes<T>(keys: ArrayLike<T>): Map<T, number> {
  const m = new Map<T, number>();
  for (let i = 0; i < keys.length; i++) m.set(keys[i]!, (m.get(keys[i]!) ?? 0) + 1);
  return m;
}

export function pairwise(predicted: ArrayLike<number | string>, truth: ArrayLike<number | string>): PairwiseScores {
  let predictedPairs = 0;
  for (const k of sizes(predicted).values()) predictedPairs += choose2(k);
  let truePairs = 0;
  for (const k of sizes(truth).values()) truePairs += choose2(k);
  const both = new Map<string, number>();
  for (let i = 0; i < predicted.length; i++) {
    const key = `${predicted[i]}\u0000${truth[i]}`;
    both.set(key, (both.get(key) ?? 0) + 1);
  }
  let correctPairs = 0;
  for (const k of both.values()) correctPairs += choose2(k);
  const precision = predictedPairs ? correctPairs / predictedPairs : 1;
  const recall = truePairs ? correctPairs / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, truePairs, predictedPairs, correctPairs };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Cluster ids from "same value" on a key (blank keys stay alone): the simple baselines. */
export function clusterByKey(keys: string[]): number[] {
  const first = new Map<string, number>();
  return keys.map((k, i) => {
    if (!k) return i;
    const f = first.get(k);
    if (f === undefined) {
      first.set(k, i);
      return i;
    }
    return f;
  });
}
