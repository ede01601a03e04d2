import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CsvInputError, parseFieldMap, readPeopleCsv } from './csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'ehh-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${++n}.csv`);
  writeFileSync(path, content);
  return path;
}
const map = parseFieldMap('given_name=first,family_name=last,address=street+town');
const read = (path: string, idColumn = 'id') => readPeopleCsv(path, { idColumn, map });

async function rejects(promise: Promise<unknown>, pattern: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CsvInputError, String(err));
    assert.match(err.message, pattern);
    return true;
  });
}

describe('reading people from CSV', () => {
  it('handles quoted commas, doubled quotes, a byte order mark, CRLF and joined columns', async () => {
    const path = file(
      '\uFEFFid,first,last,street,town\r\n1,"Ann, Marie","O""Neill",1 Mill Lane,Leeds\r\n2,Bob,Smith,,\r\n',
    );
    const { ids, records, lines } = await read(path);
    assert.deepEqual(ids, ['1', '2']);
    assert.equal(records[0]!.givenName, 'Ann, Marie');
    assert.equal(records[0]!.familyName, 'O"Neill');
    assert.equal(records[0]!.address, '1 Mill Lane Leeds');
    assert.equal(records[1]!.address, undefined, 'blank joined columns are blank');
    assert.deepEqual([...lines], [2, 3]);
  });

  it('matches column names regardless of case and surrounding spaces', async () => {
    const { records } = await read(file('ID, First , LAST,street,town\n7,Ann,Lee,x,y\n'), 'id');
    assert.equal(records[0]!.familyName, 'Lee');
  });

  it('names a missing column and lists those present', async () => {
    await rejects(read(file('id,first,surname,street,town\n1,a,b,c,d\n')), /Column "last" is not in the file.*surname/);
    await rejects(read(file('first,last,street,town\n')), /Column "id" is not in the file/);
  });

  it('reports a stray quote, a short row and a runaway field with the line number', async () => {
    await rejects(read(file('id,first,last,street,town\n1,a,b,c,d\n2,"An"n,b,c,d\n')), /^Line 3: .*stray quote/);
    await rejects(read(file('id,first,last,street,town\n1,a,b,c\n')), /^Line 2: .*different number of columns/);
    const huge = `id,first,last,street,town\n1,"${'x'.repeat(200_000)},b,c,d\n`;
    await rejects(read(file(huge)), /^Line 2: .*too large/);
  });

  it('refuses text that is not UTF-8, saying which line', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('id,first,last,street,town\n1,a,b,c,d\n2,'),
      Buffer.from([0xe9]),
      Buffer.from('a,b,c,d\n'),
    ]);
    await rejects(read(file(latin1)), /^Line 3: the file is not UTF-8/);
  });

  it('refuses a blank id, an empty file and a file that cannot be read', async () => {
    await rejects(read(file('id,first,last,street,town\n,a,b,c,d\n')), /^Line 2: the id column "id" is blank/);
    await rejects(read(file('')), /is empty/);
    await rejects(read(join(dir, 'missing.csv')), /Cannot read/);
  });
});

describe('the --map option', () => {
  it('reads FIELD=COLUMN pairs and joined columns', () => {
    const m = parseFieldMap('given_name=forename, date_of_birth=dob ,address=a1+a2');
    assert.deepEqual(m.get('given_name'), ['forename']);
    assert.deepEqual(m.get('address'), ['a1', 'a2']);
  });

  it('maps email and telephone columns, kept as written for the matcher to normalise', async () => {
    const m = parseFieldMap('given_name=first,email=e_mail,telephone=phone');
    assert.deepEqual(m.get('email'), ['e_mail']);
    assert.deepEqual(m.get('telephone'), ['phone']);
    const path = file('id,first,e_mail,phone\n1,Ann,Ann.Lee@Example.org,+44 7700 900123\n2,Bob,  ,\n');
    const { records } = await readPeopleCsv(path, { idColumn: 'id', map: m });
    assert.equal(records[0]!.email, 'Ann.Lee@Example.org');
    assert.equal(records[0]!.telephone, '+44 7700 900123');
    assert.equal(records[1]!.email, undefined, 'blank is missing');
    assert.equal(records[1]!.telephone, undefined);
  });

  it('refuses unknown fields, repeats and malformed items', () => {
    assert.throws(() => parseFieldMap('name=x'), /Unknown field "name"/);
    assert.throws(() => parseFieldMap('upn=a,upn=b'), /mapped twice/);
    assert.throws(() => parseFieldMap('upn'), /not FIELD=COLUMN/);
    assert.throws(() => parseFieldMap(''), /names no fields/);
  });
});
