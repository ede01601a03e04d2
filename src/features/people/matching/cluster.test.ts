import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cluster, UnionFind } from './cluster.ts';

describe('union-find', () => {
  it('joins, finds and reports when already joined', () => {
    const uf = new UnionFind(5);
    assert.notEqual(uf.union(0, 1), -1);
    assert.notEqual(uf.union(3, 4), -1);
    assert.notEqual(uf.union(1, 4), -1);
    assert.equal(uf.union(0, 3), -1);
    assert.equal(uf.find(0), uf.find(4));
    assert.notEqual(uf.find(2), uf.find(0));
    assert.equal(uf.size[uf.find(0)], 4);
  });
});

describe('clustering matched pairs', () => {
  // 0≈1 strongly, 1≈2 weakly, 0 and 2 clearly different: a chain through one record.
  const left = Int32Array.from([0, 1]);
  const right = Int32Array.from([1, 2]);
  const scores = Float64Array.from([30, 17]);
  const all: Record<string, number> = { '0,1': 30, '1,2': 17, '0,2': -10 };
  const score = (i: number, j: number) => all[`${Math.min(i, j)},${Math.max(i, j)}`]!;

  it('plain union-find follows the chain', () => {
    assert.deepEqual([...cluster(4, left, right, scores)], [0, 0, 0, 3]);
  });

  it('the average-linkage guard refuses a merge the group as a whole does not support', () => {
    const ids = cluster(4, left, right, scores, { method: 'average', threshold: 16, score });
    assert.deepEqual([...ids], [0, 0, 2, 3]);
  });

  it('the guard still merges groups whose members all match', () => {
    const ok = (_i: number, _j: number) => 20;
    const ids = cluster(4, left, right, scores, { method: 'average', threshold: 16, score: ok });
    assert.deepEqual([...ids], [0, 0, 0, 3]);
  });

  it('names each cluster by its first record', () => {
    const ids = cluster(3, Int32Array.from([2]), Int32Array.from([1]), Float64Array.from([20]));
    assert.deepEqual([...ids], [0, 1, 1]);
  });
});
