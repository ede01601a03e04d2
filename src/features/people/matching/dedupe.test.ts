import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { severalErrorRecords, syntheticRecords } from '../../../../bench/lib/corrupt.ts';
import { pairwise } from '../../../../bench/lib/metrics.ts';
import { command } from '../../../cli/commands/dedupe.ts';
import { BLOCKING_RULES, ruleEntries } from './blocking.ts';
import { comparePattern } from './compare.ts';
import { dedupe, matchThreshold } from './dedupe.ts';
import { defaultModel } from './model.ts';
import { MatchingPool } from './parallel.ts';
import { prepare } from './record.ts';

const dir = mkdtempSync(join(tmpdir(), 'ehh-dedupe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Fictional children as three agencies recorded them. Truth is the first letter of the reference.
const rows = [
  'ref,forename,surname,dob,gender,post_code,addr,nhs,pupil_no',
  'A1,William,Smith-Jones,2015-03-07,M,LS6 2AB,14 Church Street,943 476 5919,',
  'A2,Bill,Smith Jones,20150703,M,ls62ab,"14 Church St, Leeds",,H801200001001',
  'A3,WILLIAM,JONES,2015-03-07,M,BD8 7QT,3 Mill Lane,9434765919,',
  'B1,Oliver,Smith-Jones,2012-09-30,M,LS6 2AB,14 Church Street,4010232137,',
  'C1,Muhammad,Khan,2016-11-02,M,BD3 9QT,7 Oak Road,,',
  'C2,Mohammed,Khan,2016-11-02,M,BD3 9QT,7 Oak Rd,,',
  'D1,Muhammad,Khan,2014-05-20,M,BD3 9QT,7 Oak Road,,',
  'E1,Kasia,Nowak,2019-06-15,F,LS8 1AB,22 Elm Grove,,',
  'E2,Nowak,Katarzyna,2019-06-15,F,LS8 1AB,22 Elm Grove,,',
  'F1,Aisha,Begum,2018-01-12,F,E1 6AN,5 Brick Lane,,',
  'G1,Ayesha,Begum,2011-08-03,F,E1 6AN,9 Brick Lane,,',
];
const input = join(dir, 'people.csv');
writeFileSync(input, `${rows.join('\r\n')}\r\n`);
const map =
  'given_name=forename,family_name=surname,date_of_birth=dob,sex=gender,postcode=post_code,address=addr,' +
  'nhs_number=nhs,upn=pupil_no';

async function run(args: string[]) {
  const write = process.stderr.write;
  const errors: string[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => errors.push(a.join(' '));
  try {
    return { code: await command.run(args), errors };
  } finally {
    console.error = error;
    process.stderr.write = write;
  }
}

describe('early-help dedupe', () => {
  it('writes id,cluster_id for every record, joining only records of the same child', async () => {
    const output = join(dir, 'out.csv');
    const { code } = await run(['--input', input, '--id-column', 'ref', '--map', map, '--output', output, '--quiet']);
    assert.equal(code, 0);
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'id,cluster_id');
    const cluster = new Map(lines.slice(1).map((l) => l.split(',') as [string, string]));
    assert.equal(cluster.size, rows.length - 1, 'every record appears once');
    const same = (a: string, b: string) => cluster.get(a) === cluster.get(b);
    assert.ok(same('A1', 'A2'), 'nickname, transposed date, reformatted name and postcode');
    assert.ok(same('A1', 'A3'), 'same NHS number, moved, half of the family name');
    assert.ok(same('C1', 'C2'), 'transliterated given name');
    assert.ok(same('E1', 'E2'), 'Polish diminutive with names swapped');
    assert.ok(!same('A1', 'B1'), 'a brother at the same address is another child');
    assert.ok(!same('C1', 'D1'), 'same name, same address, different date of birth');
    assert.ok(!same('F1', 'G1'), 'sisters with variant spellings and different dates of birth');
  });

  it('reports the pairs each blocking rule produced, what it capped and the share of true pairs reached', async () => {
    const output = join(dir, 'report-out.csv');
    const report = join(dir, 'report.json');
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let code: number;
    try {
      code = await command.run([
        '--input',
        input,
        '--id-column',
        'ref',
        '--map',
        map,
        '--output',
        output,
        '--report',
        report,
      ]);
    } finally {
      process.stderr.write = write;
    }
    assert.equal(code, 0);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    assert.equal(json.records, rows.length - 1);
    assert.equal(json.comparedAll, true, 'a small file has every pair compared');
    assert.equal(json.candidatePairs, ((rows.length - 1) * (rows.length - 2)) / 2);
    assert.ok(json.blockedPairs > 0 && json.blockedPairs < json.candidatePairs);
    assert.ok(json.estimatedReach > 0.5 && json.estimatedReach <= 1, `${json.estimatedReach}`);
    const dob = json.blocking.find((r: { rule: string }) => r.rule === 'dob');
    assert.ok(dob.pairs >= 3, 'A1/A2/A3, C1/C2 and E1/E2 share a date of birth');
    assert.equal(
      json.blocking.reduce((s: number, r: { newPairs: number }) => s + r.newPairs, 0),
      json.blockedPairs,
    );
    const text = lines.join('');
    assert.match(text, /dob: \d+ \(\d+ new\)/);
    assert.match(text, /all 55 pairs were compared/);
    assert.doesNotMatch(readFileSync(report, 'utf8'), /Smith|Khan|2015/, 'counts only, no one’s details');
  });

  it('gives clear errors for bad options, a missing column and an unreadable file', async () => {
    const output = join(dir, 'x.csv');
    const base = ['--id-column', 'ref', '--output', output, '--quiet'];
    let r = await run(['--input', input, '--map', 'given_name=first_name', ...base]);
    assert.equal(r.code, 1);
    assert.match(r.errors.join('\n'), /Column "first_name" is not in the file/);
    r = await run(['--input', input, '--map', 'nickname=forename', ...base]);
    assert.match(r.errors.join('\n'), /Unknown field "nickname"/);
    r = await run(['--input', join(dir, 'nope.csv'), '--map', map, ...base]);
    assert.match(r.errors.join('\n'), /Cannot read/);
    await assert.rejects(command.run(['--input', input, '--map', map, '--output', output]), /--id-column is required/);
    await assert.rejects(command.run(['--input', input, '--map', map, ...base, '--threshold', 'high']), /--threshold/);
    await assert.rejects(
      command.run(['--input', input, '--map', map, ...base, '--compare-all-up-to', 'all']),
      /--compare-all-up-to/,
    );
    await assert.rejects(
      command.run(['--input', input, '--map', map, ...base, '--cap-block-size', '1']),
      /--cap-block/,
    );
  });
});

describe('dedupe()', () => {
  it('reports its work and keeps unrelated records apart', async () => {
    const result = await dedupe(
      [
        { givenName: 'Ivy', familyName: 'Hall', dateOfBirth: '2017-02-03' },
        { givenName: 'Zbigniew', familyName: 'Kowalczyk', dateOfBirth: '2010-10-10' },
      ].map((r) => prepare(r)),
    );
    assert.equal(result.clusters, 2);
    assert.equal(result.candidatePairs, 1, 'a small file has every pair compared');
    assert.equal(result.comparedAll, true);
    assert.equal(result.blockedPairs, 0);
    assert.ok(result.blocking.length > 0);
  });

  it('learns m by EM from a file without identifiers, and finds its duplicates', async () => {
    const letters = 'bcdfghjklmnprstvwz';
    const vowels = 'aeiou';
    const name = (i: number, salt: number) => {
      const k = i * 7 + salt;
      return `${letters[k % 18]}${vowels[Math.floor(k / 18) % 5]}${letters[Math.floor(k / 90) % 18]}${vowels[Math.floor(k / 1620) % 5]}n`;
    };
    const people = Array.from({ length: 1100 }, (_, i) => ({
      givenName: name(i, 1),
      familyName: `${name(i * 13, 3)}ley`,
      dateOfBirth: `${2008 + (i % 17)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`,
      sex: i % 2 ? 'F' : 'M',
      address: ['Leeds', 'Bradford', 'Halifax'][i % 3],
    }));
    // 150 of them recorded again, by another agency, with a typo in the family name and no town.
    const again = people.slice(0, 150).map((p) => ({ ...p, familyName: `${p.familyName}e`, address: null }));
    const records = [...people, ...again].map((r) => prepare(r));
    const result = await dedupe(records, { compareAllUpTo: 0 });
    assert.equal(result.training, 'em-sessions');
    let found = 0;
    for (let i = 0; i < 150; i++) if (result.clusterIds[i] === result.clusterIds[1100 + i]) found++;
    assert.ok(found >= 140, `${found} of 150 found`);
    assert.ok(result.clusters >= 1100 - 5, `${result.clusters} people`);
  });

  it('compares only the blocked pairs above the compare-all bound', async () => {
    const records = [
      { givenName: 'Ivy', familyName: 'Hall', dateOfBirth: '2017-02-03' },
      { givenName: 'Ivy', familyName: 'Hal', dateOfBirth: '2017-02-03' },
      { givenName: 'Zbigniew', familyName: 'Kowalczyk', dateOfBirth: '2010-10-10' },
    ].map((r) => prepare(r));
    const result = await dedupe(records, { compareAllUpTo: 2 });
    assert.equal(result.comparedAll, false);
    assert.equal(result.candidatePairs, 1);
  });

  it('stays bounded and says what it capped when everyone shares a value (all born on 1 January, in one town)', async () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const records = Array.from({ length: 2600 }, (_, i) =>
      prepare({
        givenName: `${letters[i % 26]}${letters[Math.floor(i / 26) % 26]}ella`,
        familyName: `Mc${letters[Math.floor(i / 26) % 26]}${letters[i % 26]}son`,
        dateOfBirth: '2015-01-01',
        sex: i % 2 ? 'F' : 'M',
        address: 'Leeds',
      }),
    );
    const result = await dedupe(records);
    assert.equal(result.comparedAll, false);
    const dob = result.blocking.find((s) => s.rule === 'dob')!;
    assert.equal(dob.cappedBlocks, 1);
    assert.equal(dob.cappedRecords, 2600);
    assert.ok(result.candidatePairs < 2600 * 50, `${result.candidatePairs} pairs`);
  });

  it('lowers the threshold for a small file with only names and dates: where a pair becomes more likely a match', async () => {
    const model = { ...defaultModel(), lambda: 0.003 };
    assert.deepEqual(matchThreshold(model, { training: 'em-sessions', comparedAll: true }), {
      threshold: 8.4,
      from: 'share-of-matches',
    });
    for (const run of [
      { training: 'identifiers' as const, comparedAll: true },
      { training: 'em-sessions' as const, comparedAll: false },
    ]) {
      assert.deepEqual(matchThreshold(model, run), { threshold: 16, from: 'model' });
    }
    // Matches so dense that even odds fall above 16 bits never raise it.
    const sparse = { ...defaultModel(), lambda: 1e-7 };
    assert.deepEqual(matchThreshold(sparse, { training: 'em-sessions', comparedAll: true }), {
      threshold: 16,
      from: 'model',
    });

    // The case of issue 12: 250 children, each recorded four times with two or three things wrong on each
    // duplicate, no identifiers or postcodes (the benchmark's generator, bench/lib).
    const file = severalErrorRecords(250, 1);
    const truth = file.map((r) => r.entity);
    const records = file.map((r) => prepare(r));
    const result = await dedupe(records);
    assert.equal(result.training, 'em-sessions');
    assert.equal(result.comparedAll, true);
    assert.equal(result.thresholdFrom, 'share-of-matches');
    assert.ok(result.threshold > 7 && result.threshold < 10, `threshold ${result.threshold}`);
    const now = pairwise(result.clusterIds, truth);
    const at16 = pairwise((await dedupe(records, { threshold: 16 })).clusterIds, truth);
    assert.ok(at16.recall < 0.35, `recall at 16 bits ${at16.recall}`);
    assert.ok(now.recall > 0.75 && now.precision > 0.95, `precision ${now.precision}, recall ${now.recall}`);
  });
});

describe('dedupe() over several threads', () => {
  // A generated file with one to three errors on each further record, large enough to be blocked, not compared all.
  const file = syntheticRecords(6000, 7, { errors: { min: 1, max: 3 } });
  const sources = file.map(({ entity: _, ...r }) => r);
  const records = sources.map((r) => prepare(r));
  const withoutTimings = ({ timings: _, ...rest }: Awaited<ReturnType<typeof dedupe>>) => rest;

  it('gives exactly the same keys, vectors, pairs, clusters and report with one thread and with two', async () => {
    const single = await dedupe(records, { threads: 1 });
    assert.equal(single.comparedAll, false);
    assert.ok(single.candidatePairs > 20_000, `${single.candidatePairs} pairs`);
    assert.ok(single.matchedPairs > 1000, `${single.matchedPairs} matched`);

    // Workers that prepare their own copy from the records as read (as the command does), and workers given the
    // prepared records.
    for (const from of [{ sources }, { prepared: records }]) {
      const pool = MatchingPool.open(2, from);
      try {
        assert.equal(pool.threads, 2);
        const entries = await pool.entries(records, BLOCKING_RULES);
        for (const rule of BLOCKING_RULES) {
          assert.deepEqual(entries.get(rule), ruleEntries(records, rule), `entries of ${rule}`);
        }
        const left = Int32Array.from({ length: 300_000 }, (_, k) => (k * 7919) % records.length);
        const right = Int32Array.from({ length: 300_000 }, (_, k) => (k * 104_729 + 1) % records.length);
        const patterns = await pool.compare(records, left, right);
        const expected = left.map((i, k) => comparePattern(records[i]!, records[right[k]!]!));
        assert.deepEqual(Int32Array.from(patterns), expected);

        const parallel = await dedupe(records, { pool });
        assert.deepEqual(withoutTimings(parallel), withoutTimings(single));
        assert.deepEqual(parallel.clusterIds, single.clusterIds);
      } finally {
        await pool.close();
      }
    }
  });

  it('does a small file in this thread, whatever the number of threads asked for', async () => {
    const small = records.slice(0, 500);
    const one = await dedupe(small, { threads: 1 });
    const four = await dedupe(small, { threads: 4 });
    assert.deepEqual(withoutTimings(four), withoutTimings(one));
  });
});
