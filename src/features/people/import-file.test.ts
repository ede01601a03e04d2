import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type CsvRecord, ImportFileError, readCsvRecords } from './import-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'ehh-import-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${++n}.csv`);
  writeFileSync(path, content);
  return path;
}

async function read(path: string, options: { maxRowSize?: number } = {}): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsvRecords(path, options)) out.push(r);
  return out;
}

async function refuses(path: string, pattern: RegExp, options: { maxRowSize?: number } = {}, unreadable = false) {
  await assert.rejects(read(path, options), (err: unknown) => {
    assert.ok(err instanceof ImportFileError, String(err));
    assert.match(err.message, pattern);
    assert.equal(err.unreadable, unreadable);
    return true;
  });
}

describe('reading an import file', () => {
  it('gives each record with the line it starts on, past blank lines and values over several lines', async () => {
    const records = await read(
      file('\uFEFFgiven_name,family_name\r\nAda,"Quill, Jr"\r\n\r\n"Bea\nTrix",Fenn\n  \nCal,"O""Dowd"\n'),
    );
    assert.deepEqual(records, [
      { values: ['given_name', 'family_name'], line: 1 },
      { values: ['Ada', 'Quill, Jr'], line: 2 },
      { values: ['Bea\nTrix', 'Fenn'], line: 4 },
      { values: ['Cal', 'O"Dowd'], line: 7 },
    ]);
  });

  it('passes on rows of a different length for the caller to report, whatever the line endings', async () => {
    const records = await read(file('a,b,c\r1,2\r\n1,2,3,4\n\n5,6,7\n'));
    assert.deepEqual(
      records.map((r) => [r.line, r.values.length]),
      [
        [1, 3],
        [2, 2],
        [3, 4],
        [5, 3],
      ],
    );
  });

  it('refuses UTF-16 text, saying so', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('given_name,family_name\n', 'utf16le')]);
    await refuses(file(utf16), /^The file is UTF-16 text .*not UTF-8\. Save it as "CSV UTF-8"/);
    const noBom = Buffer.from('given_name,family_name\n', 'utf16le');
    await refuses(file(noBom), /^Line 1: the file contains a NUL byte.*UTF-16/);
  });

  it('refuses text that is not UTF-8, naming the line', async () => {
    const latin1 = Buffer.concat([Buffer.from('a,b\nAda,Quill\nZo'), Buffer.from([0xeb]), Buffer.from(',Fenn\n')]);
    await refuses(file(latin1), /^Line 3: the file is not UTF-8 text/);
  });

  it('refuses stray and unclosed quotes, naming the line the row starts on', async () => {
    await refuses(file('a,b\nAda,Quill\n"Bea" x,Fenn\n'), /^Line 3: there is text after the closing quote/);
    await refuses(file('a,b\nAda,Quill\nBe"a,Fenn\n'), /^Line 3: a quote appears in the middle of a value/);
    await refuses(file('a,b\nAda,Quill\n\n"Bea,Fenn\nCal,Dowd\n'), /^Line 4: a quoted value is never closed/);
    await refuses(file('a,b\nAda,"Qu"ill"\n'), /^Line 2: a quoted value has a stray quote/);
  });

  it('refuses a row over the size limit instead of reading the rest of the file into it', async () => {
    await refuses(
      file(`a,b\nAda,Quill\nBea,"${'x'.repeat(5000)}\n`),
      /^Line 3: the row is longer than 1,000 characters/,
      {
        maxRowSize: 1000,
      },
    );
    await refuses(file(`a,b\nAda,${'x'.repeat(70_000)}\n`), /^Line 2: the row is longer than 65,536 characters/);
  });

  it('says when the file cannot be read at all', async () => {
    await refuses(join(dir, 'missing.csv'), /^Cannot read .*missing\.csv: no such file/, {}, true);
    await refuses(dir, /it is a folder/, {}, true);
  });

  it('reads an empty file as no records', async () => {
    assert.deepEqual(await read(file('')), []);
    assert.deepEqual(await read(file('\n\n')), []);
  });
});
