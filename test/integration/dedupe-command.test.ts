import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { syntheticRecords } from '../../bench/lib/corrupt.ts';
import { type BlockingRule, WIDE_RULES } from '../../src/features/people/matching/blocking.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const FEBRL = join(ROOT, '../shared/data/febrl/dataset3.csv');
const MAP =
  'given_name=given_name,family_name=surname,date_of_birth=date_of_birth,postcode=postcode,other_id=soc_sec_id';

function run(args: string[], cwd = ROOT): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/early-help'), 'dedupe', ...args],
      { cwd, env: { ...process.env, LOG_LEVEL: 'silent' }, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('early-help dedupe', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ehh-dedupe-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('writes id,cluster_id for every record, and records of one person share a cluster', async () => {
    const input = join(dir, 'people.csv');
    // The first 1,500 records of FEBRL dataset 3: ids say which person each record is (rec-N-org / rec-N-dup-k).
    const lines = readFileSync(FEBRL, 'utf8').split('\n').slice(0, 1501);
    writeFileSync(
      input,
      `${lines
        .map((l) =>
          l
            .split(',')
            .map((c) => c.trim())
            .join(','),
        )
        .join('\n')}\n`,
    );
    const output = join(dir, 'clusters.csv');
    const r = await run(['--input', input, '--id-column', 'rec_id', '--map', MAP, '--output', output, '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const rows = readFileSync(output, 'utf8').trim().split('\n');
    assert.equal(rows[0], 'id,cluster_id');
    assert.equal(rows.length, 1501);
    const cluster = new Map(rows.slice(1).map((row) => row.split(',') as [string, string]));
    const person = (id: string) => id.replace(/-(org|dup-\d+)$/, '');
    let together = 0;
    let pairs = 0;
    const ids = [...cluster.keys()];
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        if (person(ids[i]!) !== person(ids[j]!)) continue;
        pairs++;
        if (cluster.get(ids[i]!) === cluster.get(ids[j]!)) together++;
      }
    }
    assert.ok(pairs > 100);
    assert.ok(together / pairs > 0.9, `${together} of ${pairs} true pairs share a cluster`);
  });

  test('a file where everyone shares one value stays bounded, and the report says what was capped', async () => {
    // 3,000 fictional children, all born on 1 January 2015 in one town; some cells blank or only spaces.
    const letters = 'bcdfghjklmnprstvwz';
    const lines = ['id,first,last,dob,town,nhs'];
    for (let i = 0; i < 3000; i++) {
      const a = letters[i % 18]!;
      const b = letters[Math.floor(i / 18) % 18]!;
      const c = letters[Math.floor(i / 324) % 18]!;
      lines.push(
        `P${i},${i % 50 === 0 ? '  ' : `${a}o${b}i${c}`},${b}a${c}e${a}ton,2015-01-01,Leeds,${i % 7 ? ' ' : ''}`,
      );
    }
    const input = join(dir, 'crowd.csv');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const output = join(dir, 'crowd-out.csv');
    const report = join(dir, 'crowd-report.json');
    const map = 'given_name=first,family_name=last,date_of_birth=dob,address=town,nhs_number=nhs';
    const r = await run(['--input', input, '--id-column', 'id', '--map', map, '--output', output, '--report', report]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(output, 'utf8').trim().split('\n').length, 3001);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    assert.equal(json.comparedAll, false);
    assert.ok(json.candidatePairs < 3000 * 50, `${json.candidatePairs} pairs`);
    const dob = json.blocking.find((x: { rule: string }) => x.rule === 'dob');
    assert.deepEqual([dob.cappedBlocks, dob.cappedRecords, dob.pairs], [1, 3000, 0]);
    assert.equal(
      json.blocking.find((x: { rule: string }) => x.rule === 'nhs').pairs,
      0,
      'blank NHS numbers pair nothing',
    );
    assert.match(r.stderr, /dob: 0 \(0 new; capped 1 keys holding 3,000 records, largest 3,000\)/);
    assert.match(r.stderr, /estimated to reach \d+\.\d %/);
    assert.match(r.stderr, /had keys shared by too many records to pair \(.*dob/);
    assert.equal(json.wideBudgetReached, false);

    // With a small budget for the wide rules' pairs, their smaller keys are paired first and the report says so.
    const small = await run([
      ...['--input', input, '--id-column', 'id', '--map', map, '--output', output, '--report', report],
      ...['--wide-pair-budget', '100'],
    ]);
    assert.equal(small.status, 0, small.stderr);
    const limited = JSON.parse(readFileSync(report, 'utf8'));
    assert.equal(limited.wideBudgetReached, true);
    const widePairs = (j: { blocking: Array<{ rule: string; pairs: number }> }) =>
      j.blocking.filter((x) => WIDE_RULES.has(x.rule as BlockingRule)).reduce((sum, x) => sum + x.pairs, 0);
    assert.ok(widePairs(limited) <= 100 && widePairs(json) > 100, `${widePairs(limited)}, ${widePairs(json)}`);
    assert.match(small.stderr, /paired keys of up to \d+ records, to keep their pairs within the budget/);
  });

  test('--workers 2 writes exactly what one thread writes, run from any folder', async () => {
    // 20,000 generated fictional records: large enough for the command to start a worker thread.
    const q = (s: string | null | undefined) => (s ? (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s) : '');
    const lines = ['id,forename,surname,dob,sex,postcode,address,nhs_no,upn'];
    for (const r of syntheticRecords(20_000, 3, { errors: { min: 1, max: 2 } })) {
      lines.push(
        [r.id, r.givenName, r.familyName, r.dateOfBirth, r.sex, r.postcode, r.address, r.nhsNumber, r.upn]
          .map(q)
          .join(','),
      );
    }
    const input = join(dir, 'many.csv');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const map =
      'given_name=forename,family_name=surname,date_of_birth=dob,sex=sex,postcode=postcode,address=address,' +
      'nhs_number=nhs_no,upn=upn';
    const out: Array<{ csv: string; report: Record<string, unknown>; stderr: string }> = [];
    for (const workers of ['1', '2']) {
      const output = join(dir, `many-${workers}.csv`);
      const report = join(dir, `many-${workers}.json`);
      const args = ['--input', input, '--id-column', 'id', '--map', map, '--output', output, '--report', report];
      // From a folder outside the product: the worker threads find tsx from the product, not the working folder.
      const r = await run([...args, '--workers', workers], dir);
      assert.equal(r.status, 0, r.stderr);
      const { timings: _, ...counts } = JSON.parse(readFileSync(report, 'utf8'));
      out.push({ csv: readFileSync(output, 'utf8'), report: counts, stderr: r.stderr });
    }
    assert.doesNotMatch(out[0]!.stderr, /threads/);
    assert.match(out[1]!.stderr, /^2 threads$/m);
    assert.equal(out[0]!.csv.trim().split('\n').length, 20_001);
    assert.ok((out[0]!.report.matchedPairs as number) > 1000);
    assert.deepEqual(out[1]!.report, out[0]!.report);
    assert.equal(out[1]!.csv, out[0]!.csv);

    const bad = await run(['--input', input, '--id-column', 'id', '--map', map, '--output', 'x.csv', '--workers', '0']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--workers must be a whole number from 1 to 64/);
  });

  test('bad input is a clear message and a non-zero exit, never a stack trace', async () => {
    const missing = await run([
      '--input',
      join(dir, 'nope.csv'),
      '--id-column',
      'id',
      '--map',
      MAP,
      '--output',
      join(dir, 'o.csv'),
    ]);
    assert.notEqual(missing.status, 0);
    assert.doesNotMatch(missing.stderr, /at .*\.ts:\d+/);
    const badMap = await run([
      '--input',
      FEBRL,
      '--id-column',
      'rec_id',
      '--map',
      'shoe_size=x',
      '--output',
      join(dir, 'o.csv'),
    ]);
    assert.notEqual(badMap.status, 0);
    assert.match(badMap.stderr, /Unknown field "shoe_size"/);
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(
      latin1,
      Buffer.concat([Buffer.from('id,given_name\n1,'), Buffer.from([0x4a, 0xf3, 0x7a, 0x65, 0x66, 0x0a])]),
    );
    const enc = await run([
      '--input',
      latin1,
      '--id-column',
      'id',
      '--map',
      'given_name=given_name',
      '--output',
      join(dir, 'o.csv'),
    ]);
    assert.notEqual(enc.status, 0);
    assert.match(enc.stderr, /not UTF-8/);
    const quote = join(dir, 'quote.csv');
    writeFileSync(quote, 'id,given_name\n1,Jo"sef Novák\n');
    const q = await run([
      '--input',
      quote,
      '--id-column',
      'id',
      '--map',
      'given_name=given_name',
      '--output',
      join(dir, 'o.csv'),
    ]);
    assert.notEqual(q.status, 0);
    assert.doesNotMatch(q.stderr, /Novák/, 'the report never repeats the cell');
  });
});
