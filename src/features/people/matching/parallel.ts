/**
 * De-duplication over several threads (`node:worker_threads`, no dependency). Most of a large run is the blocking
 * keys of each rule and the comparison of candidate pairs, and both depend on the records alone: each rule's sorted
 * entries (`ruleEntries`) and each pair's comparison vector are the same whichever thread computes them, so the
 * work is shared out and the results put back in their places. Pairs, scores, clusters and report are the same,
 * value for value, whatever the number of threads.
 *
 * The calling thread works too: `threads` counts it, so 2 starts one worker thread. Work is taken from a shared
 * atomic counter (a rule, or a chunk of pairs, at a time), so a thread slowed by other work on the machine takes
 * less of it. Pairs travel as shared typed arrays and each rule's entries come back as a transferred Float64Array,
 * never as objects.
 *
 * Each worker needs the records. Copying a million prepared records to another thread (structured clone) costs
 * longer than comparing them, so a worker is given the records as they were read (`sources`), as one JSON string,
 * and prepares its own copy, at the same time as the calling thread prepares its own; `prepare` is a function of
 * the record, so the copies are the same. The command does better still: it gives each worker the file's name, and
 * the worker reads it as the calling thread does, at the same time, at no cost to the calling thread. Without either
 * a worker is given the prepared records as JSON.
 *
 * The product runs its TypeScript sources directly (`bin/early-help` registers tsx), and a worker thread does not
 * inherit that: each worker starts from a few lines of JavaScript that register tsx, resolved from this module
 * rather than from the working directory, and then import `matching-worker.ts`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type BlockingRule, ruleEntries } from './blocking.ts';
import { comparePattern } from './compare.ts';
import type { CsvField } from './csv.ts';
import type { PersonRecord, PreparedRecord } from './record.ts';

/** Pairs taken at a time: small enough to share the work evenly, large enough that the counter is rarely touched. */
const CHUNK = 16_384;

/**
 * Smaller files are done in the calling thread whatever the number of threads asked for: starting a worker and
 * preparing the records again costs about a second, which a file of fewer records, or fewer pairs to compare when
 * every pair is compared, does not repay.
 */
export const MIN_RECORDS_FOR_THREADS = 20_000;
export const MIN_PAIRS_FOR_THREADS = 300_000;

/** The default number of threads: the cores this process may use. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/** Whether a file of this many records, with this many pairs when every pair is compared, is worth the threads. */
export function threadsPay(records: number, compareAllUpTo: number): boolean {
  if (records <= compareAllUpTo) return (records * (records - 1)) / 2 >= MIN_PAIRS_FOR_THREADS;
  return records >= MIN_RECORDS_FOR_THREADS;
}

export interface CompareJob {
  type: 'compare';
  left: Int32Array;
  right: Int32Array;
  patterns: Int32Array;
  /** [0]: the next pair to take. */
  next: Int32Array;
  chunk: number;
}

export interface EntriesJob {
  type: 'entries';
  rules: readonly BlockingRule[];
  /** [0]: the next rule to take. */
  next: Int32Array;
}

export type Job = CompareJob | EntriesJob;

/**
 * What a worker is started with: the CSV file to read itself as the command reads it, or the records as read or
 * already prepared, as JSON.
 */
export type WorkerStart =
  | { csv: { path: string; idColumn: string; map: Map<CsvField, string[]> } }
  | { json: string; prepared: boolean };

/** Compare the pairs of a job from the counter on until none are left; the number compared by this thread. */
export function runCompare(records: readonly PreparedRecord[], job: CompareJob, onChunk?: () => void): number {
  const { left, right, patterns, next, chunk } = job;
  const n = left.length;
  let done = 0;
  for (;;) {
    const start = Atomics.add(next, 0, chunk);
    if (start >= n) return done;
    const end = Math.min(n, start + chunk);
    for (let k = start; k < end; k++) patterns[k] = comparePattern(records[left[k]!]!, records[right[k]!]!);
    done += end - start;
    onChunk?.();
  }
}

/** Compute the entries of the rules taken from the counter until none are left. */
export function runEntries(
  records: readonly PreparedRecord[],
  job: EntriesJob,
  found: (rule: number, entries: Float64Array) => void,
) {
  for (;;) {
    const r = Atomics.add(job.next, 0, 1);
    if (r >= job.rules.length) return;
    found(r, ruleEntries(records, job.rules[r]!));
  }
}

function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, length) * Int32Array.BYTES_PER_ELEMENT), 0, length);
}

/** Worker threads holding a copy of the records; the calling thread is one of the pool's threads. */
export class MatchingPool {
  readonly threads: number;
  private readonly workers: Worker[];
  private failed: Error | null = null;

  private constructor(workers: Worker[]) {
    this.workers = workers;
    this.threads = workers.length + 1;
    for (const w of workers) {
      w.on('error', (err) => {
        this.failed ??= err;
      });
    }
  }

  /**
   * Start `threads − 1` workers. Give the CSV file and how to read it (as `readPeopleCsv`), or else `sources` (the
   * records before `prepare`, in the same order), when there are any: each worker then reads and prepares its own
   * copy while the calling thread reads and prepares its own.
   */
  static open(
    threads: number,
    from:
      | { csv: { path: string; idColumn: string; map: Map<CsvField, string[]> } }
      | { sources: readonly PersonRecord[] }
      | { prepared: readonly PreparedRecord[] },
  ) {
    const start: WorkerStart =
      'csv' in from
        ? { csv: from.csv }
        : 'sources' in from
          ? { json: JSON.stringify(from.sources), prepared: false }
          : { json: JSON.stringify(from.prepared), prepared: true };
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./matching-worker.ts', import.meta.url).href;
    const boot =
      `import(${JSON.stringify(tsx)})` +
      `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })` +
      '.catch((err) => { setImmediate(() => { throw err; }); });';
    const workers: Worker[] = [];
    for (let w = 1; w < Math.max(1, Math.floor(threads)); w++) {
      workers.push(new Worker(boot, { eval: true, workerData: start }));
    }
    return new MatchingPool(workers);
  }

  /** Send a job to every worker, work on it here, and wait for the workers to answer. */
  private async run<T>(job: Job, here: () => void, onMessage: (message: T) => void = () => {}): Promise<void> {
    const finished = this.workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          const message = (m: T | 'done') => {
            if (m === 'done') {
              worker.off('message', message);
              worker.off('error', reject);
              worker.off('exit', exit);
              resolve();
            } else onMessage(m);
          };
          const exit = (code: number) => reject(new Error(`A matching thread stopped (exit code ${code})`));
          worker.on('message', message);
          worker.once('error', reject);
          worker.once('exit', exit);
          worker.postMessage(job);
        }),
    );
    here();
    await Promise.all(finished);
    if (this.failed) throw this.failed;
  }

  /** Every rule's sorted entries (`ruleEntries`), the rules shared out between the threads. */
  async entries(records: readonly PreparedRecord[], rules: readonly BlockingRule[]) {
    const out = new Map<BlockingRule, Float64Array>();
    const job: EntriesJob = { type: 'entries', rules, next: sharedInt32(1) };
    await this.run<{ rule: number; entries: Float64Array }>(
      job,
      () => runEntries(records, job, (r, entries) => out.set(rules[r]!, entries)),
      (m) => out.set(rules[m.rule]!, m.entries),
    );
    return out;
  }

  /** The comparison vector of every pair (left[k], right[k]), in order, in a shared array. */
  async compare(
    records: readonly PreparedRecord[],
    left: Int32Array,
    right: Int32Array,
    onProgress: (done: number, total: number) => void = () => {},
  ): Promise<Int32Array> {
    const n = left.length;
    const job: CompareJob = {
      type: 'compare',
      left: sharedInt32(n),
      right: sharedInt32(n),
      patterns: sharedInt32(n),
      next: sharedInt32(1),
      chunk: CHUNK,
    };
    job.left.set(left);
    job.right.set(right);
    let chunks = 0;
    const every = Math.max(1, Math.ceil(n / CHUNK / 20));
    await this.run(job, () =>
      runCompare(records, job, () => {
        if (++chunks % every === 0) onProgress(Math.min(n, Atomics.load(job.next, 0)), n);
      }),
    );
    onProgress(n, n);
    return job.patterns;
  }

  async close() {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
