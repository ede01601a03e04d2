import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openPGlite } from '../../src/db/connection.ts';
import { migrate } from '../../src/db/migrator.ts';
import { importPeople, type PeopleImportOptions, resolveOrganisation } from '../../src/features/people/import.ts';
import type { MatchModel } from '../../src/features/people/matching/model.ts';
import { modelWith, searchIndex } from '../../src/features/people/search.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { createOrganisation } from '../support/factories.ts';
import { engines, freshDatabase, testConfig } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const NOW = new Date('2026-03-01T12:00:00Z');
const HEADER = 'source_id,given_name,family_name,date_of_birth,sex,nhs_number,address_line1,town,postcode';

type Db = Awaited<ReturnType<typeof freshDatabase>>;

/** How many rows each table the import writes to holds: an import that fails must leave every one unchanged. */
async function tableCounts(db: Db['db']) {
  const r = await sql<{
    person: number;
    involvement: number;
    identifier: number;
    household_member: number;
    possible_duplicate: number;
    audit: number;
  }>`
    select (select count(*)::int from person) as person,
           (select count(*)::int from involvement) as involvement,
           (select count(*)::int from person_identifier) as identifier,
           (select count(*)::int from household_member) as household_member,
           (select count(*)::int from possible_duplicate) as possible_duplicate,
           (select count(*)::int from audit_event) as audit`.execute(db);
  return r.rows[0]!;
}

for (const engine of engines()) {
  describe(`importing people on ${engine}`, () => {
    let database: Db;
    let dir: string;
    let orgId: string;
    let model: MatchModel;
    let n = 0;

    before(async () => {
      database = await freshDatabase(engine);
      dir = mkdtempSync(join(tmpdir(), 'ehh-people-import-'));
      orgId = (await createOrganisation(database.db, { name: 'Northgate Health Visiting', agency_type: 'health' })).id;
      model = modelWith(testConfig().matching);
    });
    after(async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    });

    function file(content: string | Buffer): string {
      const path = join(dir, `extract-${++n}.csv`);
      writeFileSync(path, content);
      return path;
    }

    const run = (path: string, options: Partial<PeopleImportOptions> = {}) =>
      importPeople(database.db, path, { organisationId: orgId, model, now: NOW, ...options });

    async function found(givenName: string, familyName: string, dateOfBirth?: string) {
      const r = await searchIndex(
        database.db,
        { givenName, familyName, ...(dateOfBirth ? { dateOfBirth } : {}) },
        model,
        NOW,
        { minScore: model.thresholds.possible },
      );
      return r.hits;
    }

    const involvements = (personId: string) =>
      database.db
        .selectFrom('involvement')
        .select(['organisation_id', 'role', 'started_on', 'user_id'])
        .where('person_id', '=', personId)
        .execute();

    test('a clean file imports every child, with address, identifiers and involvement, and search finds them', async () => {
      const path = file(
        `${HEADER},other_id_scheme,other_id,Keyworker,expected_date_of_birth\n` +
          'HV-1,Maisie,Thornbury,2019-04-12,F,943 476 5005,4 Quarry Lane,Luton,LU2 7QX,Health visiting record number,HV/001,Sam,\n' +
          'HV-2,Oliver,Thornbury,20210830,male,,4 Quarry Lane,Luton,lu2 7qx,Health visiting record number,HV/002,Sam,\n' +
          'HV-3,Baby,Penhaligon,,U,,,,,,,Jo,2026-05-20\n',
      );
      const report = await run(path, { role: 'Health visitor' });
      assert.equal(report.fileProblem, null);
      assert.deepEqual(report.problems, []);
      assert.deepEqual(report.warnings, [
        'These columns are not ones the import reads, so their values were ignored: Keyworker',
      ]);
      assert.deepEqual(
        [report.rows, report.valid, report.created, report.linked, report.queued, report.bad, report.imported],
        [3, 3, 3, 0, 0, 0, true],
      );
      assert.deepEqual(
        report.outcomes.map((o) => [o.line, o.sourceId, o.action]),
        [
          [2, 'HV-1', 'created'],
          [3, 'HV-2', 'created'],
          [4, 'HV-3', 'created'],
        ],
      );

      const [maisie] = await found('Maisie', 'Thornbury', '2019-04-12');
      assert.equal(maisie?.id, report.outcomes[0]!.personId);
      const [oliver] = await found('Oliver', 'Thornbury', '2021-08-30');
      assert.equal(oliver?.id, report.outcomes[1]!.personId);
      const [baby] = await found('Baby', 'Penhaligon', '2026-05-20');
      assert.equal(baby?.id, report.outcomes[2]!.personId);

      const person = await database.db
        .selectFrom('person')
        .selectAll()
        .where('id', '=', maisie!.id)
        .executeTakeFirstOrThrow();
      assert.equal(person.nhs_number, '9434765005');
      assert.equal(person.sex, 'F');
      assert.equal(person.kind, 'child');
      const unborn = await database.db
        .selectFrom('person')
        .select(['date_of_birth', 'expected_date_of_birth'])
        .where('id', '=', baby!.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(unborn, { date_of_birth: null, expected_date_of_birth: '2026-05-20' });

      assert.deepEqual(await involvements(maisie!.id), [
        { organisation_id: orgId, role: 'Health visitor', started_on: '2026-03-01', user_id: null },
      ]);
      const ids = await database.db
        .selectFrom('person_identifier')
        .select(['scheme', 'value', 'organisation_id'])
        .where('person_id', '=', oliver!.id)
        .execute();
      assert.deepEqual(ids, [{ scheme: 'Health visiting record number', value: 'HV/002', organisation_id: orgId }]);
      // Brother and sister at one address share a household.
      const homes = await database.db
        .selectFrom('household_member as hm')
        .innerJoin('household as h', 'h.id', 'hm.household_id')
        .select(['h.id', 'h.postcode', 'hm.moved_in'])
        .where('hm.person_id', 'in', [maisie!.id, oliver!.id])
        .execute();
      assert.equal(homes.length, 2);
      assert.equal(homes[0]!.id, homes[1]!.id);
      assert.equal(homes[0]!.postcode, 'LU2 7QX');

      const audit = await database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'person.records.imported')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.record_id, orgId);
      assert.equal(audit[0]!.actor_user_id, null);
      assert.deepEqual((audit[0]!.details as Record<string, unknown>).created, 3);
      assert.deepEqual((audit[0]!.details as Record<string, unknown>).rowsRead, 3);
      const text = JSON.stringify(audit);
      for (const personal of ['Maisie', 'Thornbury', '9434765005', 'HV/001', 'LU2', 'HV-1']) {
        assert.ok(!text.includes(personal), `the audit event holds no ${personal}`);
      }
      assert.equal((await verifyAuditChain(database.db)).ok, true);
    });

    const withBadRows =
      `${HEADER}\n` +
      'SCH-1,Idris,Vantongeren,2016-01-15,M,9434765013,,,\n' +
      'SCH-2,Kezia,Marlowe-Finch,2015-07-04,F,9434765014,,,\n' +
      'SCH-3,Ruben,Ashdown,2015-02-30,M,,12 Ferry Road,Luton,LU99\n' +
      'SCH-4,Tamsin,Oakhurst,2017-11-02,female,,,,\n' +
      'SCH-5,Idriss,Van Tongeren,2016-01-15,M,943 476 5013,,,\n' +
      'SCH-6,Wren,,2031-01-01,X,,,,\n';

    test('a file with bad rows imports nothing, and the report lists every bad row with its line and reasons', async () => {
      const before = await tableCounts(database.db);
      const report = await run(file(withBadRows));
      assert.equal(report.imported, false);
      assert.deepEqual([report.rows, report.valid, report.bad, report.created], [6, 2, 4, 0]);
      assert.deepEqual(
        report.problems.map((p) => [p.line, p.sourceId, p.column, p.message]),
        [
          [3, 'SCH-2', 'nhs_number', 'Enter a real NHS number: the last digit does not match the others'],
          [4, 'SCH-3', 'date_of_birth', 'Date of birth must be a real date'],
          [4, 'SCH-3', 'postcode', 'Enter a real postcode, like LU1 2AB'],
          [6, 'SCH-5', 'nhs_number', 'The same NHS number is on line 2: each child can be in the file only once'],
          [7, 'SCH-6', 'family_name', 'Enter a last name'],
          [
            7,
            'SCH-6',
            'date_of_birth',
            'Date of birth must be today or in the past: for an unborn child, give expected_date_of_birth instead',
          ],
          [7, 'SCH-6', 'sex', 'Sex must be M, F or U (or male, female, unknown), or left blank'],
        ],
      );
      assert.deepEqual(await tableCounts(database.db), before);
      assert.deepEqual(await found('Idris', 'Vantongeren', '2016-01-15'), []);
    });

    test('with skip-invalid only the good rows are imported, and the bad ones are still reported', async () => {
      const report = await run(file(withBadRows), { skipInvalid: true });
      assert.equal(report.imported, true);
      assert.deepEqual([report.rows, report.valid, report.bad, report.created, report.linked], [6, 2, 4, 2, 0]);
      assert.deepEqual([...new Set(report.problems.map((p) => p.line))], [3, 4, 6, 7]);
      assert.deepEqual(
        report.outcomes.map((o) => o.line),
        [2, 5],
      );
      assert.equal((await found('Idris', 'Vantongeren', '2016-01-15')).length, 1);
      assert.equal((await found('Tamsin', 'Oakhurst', '2017-11-02')).length, 1);
      assert.deepEqual(await found('Kezia', 'Marlowe-Finch', '2015-07-04'), []);
      assert.deepEqual(await found('Ruben', 'Ashdown'), []);
    });

    test('a child already recorded is linked, not recorded again: by NHS number, or by name and date of birth', async () => {
      const school = await createOrganisation(database.db, { name: 'Larkspur Primary School' });
      const byNhs = await createPerson(database.db, {
        givenName: 'Anouk',
        familyName: 'Devereux',
        dateOfBirth: '2014-09-09',
        sex: 'F',
        nhsNumber: '9434765021',
        involvement: { organisationId: school.id },
      });
      const byDetails = await createPerson(database.db, {
        givenName: 'Caspian',
        familyName: 'Holloway',
        dateOfBirth: '2013-03-21',
        sex: 'M',
      });
      const path = file(
        `${HEADER},upn,other_id_scheme,other_id\n` +
          // Spelt differently and at another address, but the NHS number says who this is.
          'P-1,Anuk,Deverox,2014-09-09,F,9434765021,1 Elm Row,Luton,LU1 1AA,,Health visiting record number,HV/771\n' +
          'P-2,Caspian,Holloway,21/03/2013,M,9434765048,,,,H801200000000,Health visiting record number,HV/772\n',
      );
      const before = await tableCounts(database.db);
      const report = await run(path);
      assert.deepEqual([report.created, report.linked, report.queued, report.bad], [0, 2, 0, 0]);
      assert.deepEqual(
        report.outcomes.map((o) => [o.action, o.personId]),
        [
          ['linked', byNhs],
          ['linked', byDetails],
        ],
      );
      const after = await tableCounts(database.db);
      assert.equal(after.person, before.person, 'no second record');
      assert.equal(after.involvement, before.involvement + 2);
      assert.deepEqual((await involvements(byNhs)).map((i) => i.organisation_id).sort(), [school.id, orgId].sort());
      // The agency's identifier, and numbers the record lacked, are added; nothing it had is replaced.
      const caspian = await database.db
        .selectFrom('person')
        .select(['given_name', 'nhs_number', 'upn'])
        .where('id', '=', byDetails)
        .executeTakeFirstOrThrow();
      assert.deepEqual(caspian, { given_name: 'Caspian', nhs_number: '9434765048', upn: 'H801200000000' });
      const anouk = await database.db
        .selectFrom('person')
        .select(['given_name', 'family_name'])
        .where('id', '=', byNhs)
        .executeTakeFirstOrThrow();
      assert.deepEqual(anouk, { given_name: 'Anouk', family_name: 'Devereux' });
      assert.equal(report.identifiersAdded, 4);
      // Search finds the record by what was added to it.
      const byUpn = await searchIndex(database.db, { upn: 'H801200000000' }, model, NOW);
      assert.equal(byUpn.hits[0]?.id, byDetails);

      // Importing the same extract again changes nothing.
      const again = await run(path);
      assert.deepEqual([again.created, again.linked, again.identifiersAdded], [0, 2, 0]);
      const counts = await tableCounts(database.db);
      assert.deepEqual({ ...counts, audit: 0 }, { ...after, audit: 0 });
    });

    test('a possible match is recorded and queued for review against the existing record', async () => {
      const existing = await createPerson(database.db, {
        givenName: 'Jayden',
        familyName: 'Okonkwo',
        dateOfBirth: '2015-06-01',
        sex: 'M',
        address: { line1: '9 Brook Street', postcode: 'LU3 4DF' },
      });
      const report = await run(file(`${HEADER}\nYJ-1,Jayden,Okonkwo,2016-06-01,M,,,,\n`));
      assert.deepEqual([report.created, report.linked, report.queued, report.pairsQueued], [1, 0, 1, 1]);
      const created = report.outcomes[0]!.personId!;
      assert.notEqual(created, existing);
      const queue = await database.db
        .selectFrom('possible_duplicate')
        .selectAll()
        .where((eb) => eb.or([eb('person_id', '=', created), eb('other_person_id', '=', created)]))
        .execute();
      assert.equal(queue.length, 1);
      assert.deepEqual([queue[0]!.person_id, queue[0]!.other_person_id].sort(), [created, existing].sort());
      assert.equal(queue[0]!.source, 'import');
      assert.equal(queue[0]!.status, 'open');
      assert.equal(queue[0]!.found_by, null);
      assert.ok(queue[0]!.score >= model.thresholds.possible && queue[0]!.score < model.thresholds.match);
      assert.ok(JSON.stringify(queue[0]!.reasons).includes('date of birth differs in the year only'));
    });

    test('a row that fits two records equally is not linked to either: it is recorded and both pairs are queued', async () => {
      const twins = [];
      for (const line1 of ['1 Elm Row', '2 Oak Row']) {
        twins.push(
          await createPerson(database.db, {
            givenName: 'Muhammad',
            familyName: 'Hussain',
            dateOfBirth: '2014-02-02',
            sex: 'M',
            address: { line1, postcode: 'BD8 7QA' },
          }),
        );
      }
      const report = await run(file(`${HEADER}\nX-1,Muhammad,Hussain,2014-02-02,M,,,,\n`));
      assert.deepEqual([report.created, report.linked, report.pairsQueued], [1, 0, 2]);
      for (const id of twins) {
        assert.deepEqual(
          (await involvements(id)).map((i) => i.organisation_id),
          [],
          'nothing was attached to either existing child',
        );
      }
    });

    test('rows of one file that are the same child make one record', async () => {
      const report = await run(
        file(
          `${HEADER},other_id_scheme,other_id\n` +
            'Y-1,Priya,Ramsden,2012-10-10,F,,22 Mill Way,Luton,LU4 8AB,Youth service id,Y1\n' +
            'Y-2,Priya,Ramsden,2012-10-10,F,,22 Mill Way,Luton,LU4 8AB,Youth service id,Y2\n' +
            'Y-3,Priya,Ramsden,2012-10-10,F,,,,,,\n' +
            'Y-4,Arjun,Ramsden,2014-01-05,M,,22 Mill Way,Luton,LU4 8AB,,\n',
        ),
      );
      assert.deepEqual([report.created, report.linked, report.linkedToEarlierRows, report.queued], [2, 2, 2, 0]);
      const [first, second, third, brother] = report.outcomes;
      assert.equal(second!.personId, first!.personId);
      assert.equal(third!.personId, first!.personId);
      assert.equal(second!.earlierRow, true);
      assert.notEqual(brother!.personId, first!.personId, 'a brother at the same address is his own record');
      assert.equal((await involvements(first!.personId!)).length, 1, 'one involvement for the agency');
      const ids = await database.db
        .selectFrom('person_identifier')
        .select('value')
        .where('person_id', '=', first!.personId!)
        .orderBy('value')
        .execute();
      assert.deepEqual(
        ids.map((i) => i.value),
        ['Y1', 'Y2'],
      );
    });

    test('files that cannot be read as a clean CSV give one clear report and import nothing', async () => {
      const good = 'Mabel,Quennell,2016-05-05\n';
      const cases: [string, string | Buffer, RegExp, boolean?][] = [
        [
          'not UTF-8',
          Buffer.concat([Buffer.from(`given_name,family_name,date_of_birth\n${good}Zo`), Buffer.from([0xeb, 0x0a])]),
          /^Line 3: the file is not UTF-8 text\. Save it as "CSV UTF-8"/,
        ],
        [
          'UTF-16',
          Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            Buffer.from(`given_name,family_name,date_of_birth\n${good}`, 'utf16le'),
          ]),
          /^The file is UTF-16 text/,
        ],
        [
          'a stray quote',
          `given_name,family_name,date_of_birth\n${good}Bea,"O"Dowd",2016-05-05\n`,
          /^Line 3: a quoted value has a stray quote/,
        ],
        [
          'a huge field',
          `given_name,family_name,date_of_birth\n${good}Bea,"${'x'.repeat(100_000)}",2016-05-05\n`,
          /^Line 3: the row is longer than 65,536 characters/,
        ],
        ['a missing column', `given_name,surname,date_of_birth\n${good}`, /^The file has no family_name column/],
        ['an empty file', '', /^The file is empty/],
        ['only a header', 'given_name,family_name,date_of_birth\n\n', /^The file has a header row but no rows/],
      ];
      const before = await tableCounts(database.db);
      for (const [what, content, pattern] of cases) {
        for (const skipInvalid of [false, true]) {
          const report = await run(file(content), { skipInvalid });
          assert.ok(report.fileProblem, what);
          assert.match(report.fileProblem.message, pattern, what);
          assert.equal(report.fileProblem.unreadable, false, what);
          assert.equal(report.fileProblem.message.split('\n').length, 1, `${what}: one line`);
          assert.doesNotMatch(report.fileProblem.message, /\bat .*\.(ts|js):\d+/, `${what}: no stack trace`);
          assert.deepEqual([report.created, report.linked, report.imported], [0, 0, false], what);
        }
      }
      const tooMany = await run(file(`given_name,family_name,date_of_birth\n${good}${good}${good}`), { maxRows: 2 });
      assert.equal(tooMany.fileProblem?.message, 'The file has more than 2 rows: split it into smaller files');
      const missing = await run(join(dir, 'no-such-file.csv'));
      assert.deepEqual(missing.fileProblem, {
        message: `Cannot read ${join(dir, 'no-such-file.csv')}: no such file, or no permission to read it`,
        unreadable: true,
      });
      assert.deepEqual(await tableCounts(database.db), before);
    });

    test('a dry run checks and matches every row, reports what would happen, and writes nothing', async () => {
      await createPerson(database.db, {
        givenName: 'Florence',
        familyName: 'Abernethy',
        dateOfBirth: '2018-02-14',
        sex: 'F',
        nhsNumber: '9434765056',
      });
      const before = await tableCounts(database.db);
      const report = await run(
        file(
          `${HEADER}\n` +
            'D-1,Florence,Abernethy,2018-02-14,F,9434765056,,,\n' +
            'D-2,Hamish,Abernethy,2019-12-01,M,,,,\n' +
            'D-3,Hamish,Abernethy,2019-12-01,M,,,,\n',
        ),
        { dryRun: true },
      );
      assert.equal(report.dryRun, true);
      assert.equal(report.imported, false);
      assert.deepEqual([report.created, report.linked, report.linkedToEarlierRows], [1, 2, 1]);
      assert.deepEqual(
        report.outcomes.map((o) => o.personId === null),
        [false, true, true],
        'no id is given for a record that was never kept',
      );
      assert.deepEqual(await tableCounts(database.db), before);
      assert.deepEqual(await found('Hamish', 'Abernethy', '2019-12-01'), []);
    });

    test('a failure part way through leaves nothing behind, and progress is reported as it goes', async () => {
      const before = await tableCounts(database.db);
      const progress: string[] = [];
      const rows = Array.from({ length: 5 }, (_, i) => `B-${i},Elowen,Trevithick,2017-0${i + 1}-0${i + 1},F,,,,`);
      await assert.rejects(
        run(file(`${HEADER}\n${rows.join('\n')}\n`), {
          progressEvery: 2,
          onProgress: (line) => {
            progress.push(line);
            if (line.startsWith('imported 4')) throw new Error('the disk is full');
          },
        }),
        /the disk is full/,
      );
      assert.deepEqual(progress, ['checked 2 rows', 'checked 4 rows', 'imported 2 of 5 rows', 'imported 4 of 5 rows']);
      assert.deepEqual(await tableCounts(database.db), before);
    });

    test('the organisation is found by its name, whatever the case, or by its id', async () => {
      assert.deepEqual(await resolveOrganisation(database.db, 'northgate health visiting'), {
        ok: true,
        id: orgId,
        name: 'Northgate Health Visiting',
      });
      assert.equal((await resolveOrganisation(database.db, orgId)).ok, true);
      const unknown = await resolveOrganisation(database.db, 'Southgate Health Visiting');
      assert.deepEqual(unknown, {
        ok: false,
        message:
          'There is no organisation called "Southgate Health Visiting": give its name as Administration shows it, or its id',
      });
    });

    test('early-help import people runs as a command, with its exit codes and report', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'ehh-cli-import-'));
      try {
        let env: Record<string, string>;
        let cliDb: Db | undefined;
        if (engine === 'postgres') {
          cliDb = await freshDatabase('postgres');
          await createOrganisation(cliDb.db, { name: 'Riverside Youth Service', agency_type: 'youth_service' });
          env = { DATABASE_URL: cliDb.url! };
        } else {
          const d = await openPGlite(join(dataDir, 'pglite'));
          await migrate(d.db);
          await createOrganisation(d.db, { name: 'Riverside Youth Service', agency_type: 'youth_service' });
          await d.close();
          env = { DATA_DIR: dataDir };
        }
        const base = { ...process.env };
        delete base.DATABASE_URL;
        delete base.DATABASE_REPLICA_URL;
        const cli = (...args: string[]) =>
          new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
            execFile(
              process.execPath,
              [join(ROOT, 'bin/early-help'), 'import', 'people', ...args],
              { cwd: ROOT, env: { ...base, ...env, LOG_LEVEL: 'silent', NODE_ENV: 'test' }, encoding: 'utf8' },
              (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
            );
          });
        const org = ['--organisation', 'Riverside Youth Service'];
        const clean = file(
          'source_id,given_name,family_name,date_of_birth,sex\nR-1,Zara,Pemberton,2012-08-08,F\nR-2,Leo,Pemberton,2014-04-04,M\n',
        );
        const bad = file(
          'source_id,given_name,family_name,date_of_birth,sex\nR-3,Nell,Pemberton,2014-13-01,F\nR-4,Ivo,Pemberton,2014-02-02,Q\n',
        );

        // The usage error opens no database, so it can run beside the dry run.
        const [checked, usage] = await Promise.all([cli(clean, ...org, '--dry-run'), cli(clean)]);
        assert.equal(checked.status, 0, checked.stderr);
        assert.match(checked.stdout, /^Dry run: 2 rows read, 2 valid, 2 would be created/m);
        assert.match(checked.stdout, /nothing was written/);
        assert.equal(usage.status, 1);
        assert.match(usage.stderr, /--organisation is required/);
        assert.match(usage.stderr, /Usage: early-help import .*\n.*import people FILE\.csv --organisation/s);

        const ok = await cli(clean, ...org, '--role', 'Youth worker');
        assert.equal(ok.status, 0, ok.stderr);
        assert.match(
          ok.stdout,
          /^2 rows read, 2 valid, 2 created, 0 linked to existing records, 0 queued for review, 0 bad rows\.$/m,
        );
        assert.match(ok.stdout, /recorded as known to Riverside Youth Service/);

        const refused = await cli(bad, ...org);
        assert.equal(refused.status, 3);
        assert.match(refused.stdout, /^Line 2 \(source_id R-3\), date_of_birth: Date of birth must be a real date$/m);
        assert.match(refused.stdout, /^Line 3 \(source_id R-4\), sex: Sex must be M, F or U/m);
        assert.match(refused.stdout, /Nothing was imported: no row is valid\./);

        const quote = await cli(file('given_name,family_name,date_of_birth\nAmy,"O"Hara",2015-01-01\n'), ...org);
        assert.equal(quote.status, 3);
        assert.equal(
          quote.stdout,
          'Line 2: a quoted value has a stray quote inside it (write "" for a quote within quotes). Nothing was imported.\n',
        );
        assert.doesNotMatch(quote.stderr, /\bat .*:\d+/, 'no stack trace');

        const unknownOrg = await cli(clean, '--organisation', 'Nowhere Agency');
        assert.equal(unknownOrg.status, 1);
        assert.match(unknownOrg.stderr, /There is no organisation called "Nowhere Agency"/);
        const missing = await cli(join(dir, 'absent.csv'), ...org);
        assert.equal(missing.status, 1);
        assert.match(missing.stderr, /Cannot read .*absent\.csv: no such file/);

        const check = cliDb ?? (await openPGlite(join(dataDir, 'pglite')));
        try {
          const people = await check.db
            .selectFrom('person')
            .innerJoin('involvement as i', 'i.person_id', 'person.id')
            .select(['person.given_name', 'i.role'])
            .orderBy('person.given_name')
            .execute();
          assert.deepEqual(people, [
            { given_name: 'Leo', role: 'Youth worker' },
            { given_name: 'Zara', role: 'Youth worker' },
          ]);
          const events = await check.db
            .selectFrom('audit_event')
            .select('action')
            .where('action', '=', 'person.records.imported')
            .execute();
          assert.equal(events.length, 1, 'one event for the import that wrote something');
        } finally {
          await check.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
