import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { command } from '../../../cli/commands/dedupe.ts';
import { dedupe } from './dedupe.ts';
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
  });
});

describe('dedupe()', () => {
  it('reports its work and keeps unrelated records apart', () => {
    const result = dedupe(
      [
        { givenName: 'Ivy', familyName: 'Hall', dateOfBirth: '2017-02-03' },
        { givenName: 'Zbigniew', familyName: 'Kowalczyk', dateOfBirth: '2010-10-10' },
      ].map((r) => prepare(r)),
    );
    assert.equal(result.clusters, 2);
    assert.equal(result.candidatePairs, 0);
    assert.ok(result.blocking.length > 0);
  });
});
