/**
 * A matching thread (see parallel.ts): it makes its copy of the records from what it was started with, then works
 * on each job it is sent from the shared counter on, and answers 'done'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readPeopleCsv } from './csv.ts';
import { type Job, runCompare, runEntries, type WorkerStart } from './parallel.ts';
import { type PersonRecord, PhoneticCoder, type PreparedRecord, prepare } from './record.ts';

async function load(start: WorkerStart): Promise<PreparedRecord[]> {
  const coder = new PhoneticCoder();
  if ('csv' in start) {
    const input = await readPeopleCsv(start.csv.path, { idColumn: start.csv.idColumn, map: start.csv.map });
    return input.records.map((r) => prepare(r, coder));
  }
  const parsed = JSON.parse(start.json) as unknown[];
  start.json = '';
  return start.prepared ? (parsed as PreparedRecord[]) : (parsed as PersonRecord[]).map((r) => prepare(r, coder));
}

// Jobs wait in the port's queue until the records are ready: the calling thread works on them meanwhile.
const records = await load(workerData as WorkerStart);

parentPort!.on('message', (job: Job) => {
  if (job.type === 'compare') runCompare(records, job);
  else {
    runEntries(records, job, (rule, entries) => {
      parentPort!.postMessage({ rule, entries }, [entries.buffer as ArrayBuffer]);
    });
  }
  parentPort!.postMessage('done');
});
