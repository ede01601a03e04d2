/**
 * A matching thread (see parallel.ts): it makes its copy of the records from what it was started with, then works
 * on each job it is sent from the shared counter on, and answers 'done'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Job, runCompare, runEntries, type WorkerStart } from './parallel.ts';
import { type PersonRecord, PhoneticCoder, type PreparedRecord, prepare } from './record.ts';

const start = workerData as WorkerStart;
let records: PreparedRecord[];
if (start.prepared) {
  records = JSON.parse(start.json) as PreparedRecord[];
} else {
  const coder = new PhoneticCoder();
  records = (JSON.parse(start.json) as PersonRecord[]).map((r) => prepare(r, coder));
}

parentPort!.on('message', (job: Job) => {
  if (job.type === 'compare') runCompare(records, job);
  else {
    runEntries(records, job, (rule, entries) => {
      parentPort!.postMessage({ rule, entries }, [entries.buffer as ArrayBuffer]);
    });
  }
  parentPort!.postMessage('done');
});
