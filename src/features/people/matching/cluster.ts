/**
 * Clustering of matched pairs into people. Plain union-find links everything reachable through matches, which can
 * chain different people together (A≈B, B≈C, but A is not C: twins who each resemble a misspelt record).
 * The guarded variant merges two groups only if, on average, their members match each other.
 */

export class UnionFind {
  readonly parent: Int32Array;
  readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[x] !== root) {
      const next = this.parent[x]!;
      this.parent[x] = root;
      x = next;
    }
    return root;
  }

  /** Returns the new root, or -1 when already together. */
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return -1;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    return ra;
  }
}

export type ClusterMethod = 'union-find' | 'average';

export interface ClusterOptions {
  method?: ClusterMethod;
  /** For 'average': the average score across two groups must reach this to merge them. */
  threshold?: number;
  /** For 'average': the score of any pair of records, including pairs blocking never proposed. */
  score?: (i: number, j: number) => number;
  /** For 'average': groups beyond this size are compared on a sample of this many members each. */
  sampleLimit?: number;
}

/**
 * Cluster ids per record (the smallest record index in each cluster) from matched pairs.
 * Pairs are taken strongest first so that, with the guard, the most certain links shape the groups.
 */
export function cluster(
  n: number,
  left: Int32Array,
  right: Int32Array,
  scores: Float64Array,
  options: ClusterOptions = {},
): Int32Array {
  const uf = new UnionFind(n);
  const method = options.method ?? 'union-find';
  const order = Array.from({ length: left.length }, (_, k) => k);
  if (method === 'average') order.sort((x, y) => scores[y]! - scores[x]!);
  const members = method === 'average' ? new Map<number, number[]>() : undefined;
  const limit = options.sampleLimit ?? 20;

  for (const k of order) {
    const a = left[k]!;
    const b = right[k]!;
    if (!members) {
      uf.union(a, b);
      continue;
    }
    const ra = uf.find(a);
    const rb = uf.find(b);
    if (ra === rb) continue;
    const ma = members.get(ra) ?? [ra];
    const mb = members.get(rb) ?? [rb];
    if (ma.length > 1 || mb.length > 1) {
      const score = options.score;
      const threshold = options.threshold;
      if (!score || threshold === undefined) throw new Error("The 'average' method needs score and threshold");
      let sum = 0;
      let pairs = 0;
      for (const x of ma.slice(0, limit)) {
        for (const y of mb.slice(0, limit)) {
          sum += score(x, y);
          pairs++;
        }
      }
      if (sum / pairs < threshold) continue;
    }
    const root = uf.union(ra, rb);
    const merged = ma.concat(mb);
    members.delete(ra);
    members.delete(rb);
    members.set(root, merged);
  }

  const ids = new Int32Array(n);
  const smallest = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    if (smallest[r] === -1) smallest[r] = i;
    ids[i] = smallest[r]!;
  }
  return ids;
}
