import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  PERSON_REFERENCES,
  PERSON_REFERENCES_KEPT,
  personForeignKeys,
} from '../../src/features/people/merge-repository.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson, relate } from '../support/people.ts';

/** The ids of the records a results page links to, in the order shown. */
function resultIds(html: string): string[] {
  const rows = html.split('data-qa="result"').slice(1);
  return rows.map((r) => /href="\/people\/([0-9a-f-]{36})"/.exec(r)?.[1] ?? '');
}

for (const engine of engines()) {
  describe(`the child index on ${engine}`, () => {
    let t: TestApp;
    let teacher: TestUser;
    let nurse: TestUser;
    let frontDoor: TestUser;
    let admin: TestUser;
    let panelMember: TestUser;
    let analyst: TestUser;
    let schoolId: string;
    let william: string;
    let sister: string;
    let shielded: string;
    let mother: string;

    before(async () => {
      t = await startTestApp(engine);
      const db = t.database.db;
      const school = await createOrganisation(db, { name: 'Larkspur Primary School' });
      const health = await createOrganisation(db, { name: 'Northgate Health Visiting', agency_type: 'health' });
      schoolId = school.id;
      teacher = await createUser(db, { roles: ['practitioner'], organisationId: school.id, name: 'Priya Sharma' });
      nurse = await createUser(db, { roles: ['practitioner'], organisationId: health.id, name: 'Gareth Evans' });
      frontDoor = await createUser(db, { roles: ['front_door'], name: 'Femi Adeyemi' });
      admin = await createUser(db, { roles: ['system_admin'], name: 'Alex Admin' });
      panelMember = await createUser(db, { roles: ['panel_member'] });
      analyst = await createUser(db, { roles: ['analyst'] });
      const home = { line1: '12 Larkspur Row', postcode: 'LU2 7QX', town: 'Luton' };
      william = await createPerson(db, {
        givenName: 'William',
        middleNames: 'James',
        familyName: 'Ahmed-Clarke',
        dateOfBirth: '2014-03-07',
        sex: 'M',
        nhsNumber: '9434765919',
        address: home,
        previousAddress: { line1: '3 Old Mill Lane', postcode: 'LS6 2AB' },
        involvement: { organisationId: school.id, userId: teacher.id, role: 'Class teacher', phone: '01632 960123' },
      });
      sister = await createPerson(db, {
        givenName: 'Amira',
        familyName: 'Ahmed-Clarke',
        dateOfBirth: '2017-09-12',
        sex: 'F',
        address: home,
      });
      mother = await createPerson(db, {
        kind: 'adult',
        givenName: 'Sana',
        familyName: 'Ahmed',
        dateOfBirth: '1988-01-02',
        sex: 'F',
        address: home,
      });
      await relate(db, william, mother, 'parent');
      await relate(db, sister, mother, 'parent');
      shielded = await createPerson(db, {
        givenName: 'Zofia',
        familyName: 'Nowakowska',
        dateOfBirth: '2012-05-20',
        sex: 'F',
        address: { line1: '1 Safe Place', postcode: 'LU1 1AA' },
        shielded: true,
      });
      // Many children share a surname: the right one must still rank first.
      for (let i = 0; i < 20; i++) {
        await createPerson(db, {
          givenName: ['Oliver', 'Amelia', 'Noah', 'Isla', 'Wilma'][i % 5]!,
          familyName: 'Ahmed',
          dateOfBirth: `201${i % 10}-0${(i % 9) + 1}-1${i % 10}`,
          sex: i % 2 ? 'F' : 'M',
        });
      }
    });
    after(async () => t.close());

    // One signed-in client per user, as a person keeps one browser open (sign-in is rate limited).
    const as = signedInClients(() => t);
    async function search(user: TestUser, form: Record<string, string>) {
      const client = await as(user);
      await client.get('/people');
      return client.post('/people/search', form);
    }
    const dob = (d: string, m: string, y: string) => ({ 'dob-day': d, 'dob-month': m, 'dob-year': y });

    const singleErrors: [string, Record<string, string>][] = [
      ['a misspelt given name', { givenName: 'Wiliam', familyName: 'Ahmed-Clarke', ...dob('7', '3', '2014') }],
      ['a nickname', { givenName: 'Bill', familyName: 'Ahmed-Clarke', ...dob('7', '3', '2014') }],
      ['a misspelt family name', { givenName: 'William', familyName: 'Ahmad Clark', ...dob('7', '3', '2014') }],
      ['half of a double-barrelled name', { givenName: 'William', familyName: 'Clarke', ...dob('7', '3', '2014') }],
      ['names swapped', { givenName: 'Ahmed-Clarke', familyName: 'William', ...dob('7', '3', '2014') }],
      ['day and month swapped', { givenName: 'William', familyName: 'Ahmed-Clarke', ...dob('3', '7', '2014') }],
      [
        'an old postcode and no date of birth',
        { givenName: 'William', familyName: 'Ahmed-Clarke', postcode: 'ls62ab' },
      ],
      ['the NHS number alone', { nhsNumber: '943 476 5919' }],
      ['an accent', { givenName: 'Wílliam', familyName: 'Ahmed-Clarke', ...dob('7', '3', '2014') }],
    ];
    for (const [what, form] of singleErrors) {
      test(`search finds the child first despite ${what}, with a score and reasons`, async () => {
        const res = await search(nurse, form);
        assert.equal(res.statusCode, 200);
        assert.equal(
          resultIds(res.body)[0],
          william,
          res.body.slice(res.body.indexOf('<h1'), res.body.indexOf('<h1') + 3000),
        );
        assert.match(res.body, /data-qa="score">\s*\d+(\.\d)?/);
      });
    }

    test('reasons explain the score', async () => {
      const res = await search(nurse, { givenName: 'Bill', familyName: 'Ahmed-Clarke', ...dob('7', '3', '2014') });
      assert.match(res.body, /Date of birth matches/);
      assert.match(res.body, /Family name matches/);
      assert.match(res.body, /Bill and William are used for the same name/i);
      const nhs = await search(nurse, { nhsNumber: '9434765919' });
      assert.match(nhs.body, /Same NHS number \(943 476 5919\)/);
    });

    test('the search is audited with the fields used and the records shown, never what was typed', async () => {
      await search(nurse, { givenName: 'Wiliam', familyName: 'Ahmed-Clarke', ...dob('7', '3', '2014') });
      const event = await t.database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'person.searched')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      const details = event.details as { fields: string[]; resultIds: string[] };
      assert.deepEqual(details.fields, ['dateOfBirth', 'familyName', 'givenName']);
      assert.ok(details.resultIds.includes(william));
      assert.doesNotMatch(JSON.stringify(event), /Wiliam/);
    });

    test('a shielded child is found only by exact full name and date of birth, without an address', async () => {
      const near = await search(nurse, { givenName: 'Zofia', familyName: 'Nowakowski', ...dob('20', '5', '2012') });
      assert.ok(!resultIds(near.body).includes(shielded));
      const byName = await search(nurse, { givenName: 'Zofia', familyName: 'Nowakowska' });
      assert.ok(!resultIds(byName.body).includes(shielded));
      const exact = await search(nurse, { givenName: 'zofia', familyName: 'NOWAKOWSKA', ...dob('20', '5', '2012') });
      assert.deepEqual(resultIds(exact.body), [shielded]);
      assert.doesNotMatch(exact.body, /LU1 1AA/);
      assert.match(exact.body, /Shielded/);
    });

    test('bad search input is refused with GOV.UK messages and kept', async () => {
      const res = await search(nurse, {
        givenName: 'Sam',
        nhsNumber: '943 476 5918',
        upn: 'A80120000201',
        postcode: 'XX',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter a real NHS number: the last digit does not match the others/);
      assert.match(res.body, /Unique pupil number must be 13 characters/);
      assert.match(res.body, /Enter a real postcode, like LU1 2AB/);
      assert.match(res.body, /value="943 476 5918"/);
      const ages = await search(nurse, { familyName: 'Ahmed', ageFrom: '12', ageTo: '5' });
      assert.match(ages.body, /Age to must be the same as or more than age from/);
    });

    test('an age range narrows a family-name search', async () => {
      const res = await search(nurse, { familyName: 'Ahmed-Clarke', ageFrom: '0', ageTo: '10' });
      const ids = resultIds(res.body);
      assert.ok(ids.includes(sister));
      assert.ok(!ids.includes(william), 'William is over 10');
    });

    test('the index card shows identifiers, family with parental responsibility and how to contact each practitioner', async () => {
      const client = await as(nurse);
      const res = await client.get(`/people/${william}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /943 476 5919/);
      assert.match(res.body, /Sana Ahmed/);
      assert.match(res.body, /Priya Sharma/);
      assert.match(res.body, /01632 960123/);
      assert.match(res.body, /None appointed/);
      // Not involved, so the record's details cannot be changed by this practitioner: the same 404 as no record.
      assert.doesNotMatch(res.body, /Change identifying details/);
      assert.equal((await client.get(`/people/${william}/edit`)).statusCode, 404);
    });

    test('every child in the family is one click away', async () => {
      const client = await as(nurse);
      const res = await client.get(`/people/${william}/family`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(`/people/${sister}`));
      assert.match(res.body, /Child of the same parent or carer/);
      assert.match(res.body, /Class teacher: Priya Sharma/);
      assert.equal((await client.get(`/people/${shielded}/family`)).statusCode, 404);
    });

    test('registering a child refuses bad input with GOV.UK messages and keeps what was typed', async () => {
      const client = await as(teacher);
      await client.get('/people/new');
      const next = new Date(t.clock.now().getTime() + 86_400_000 * 30);
      const res = await client.post('/people/new', {
        kind: 'child',
        givenName: 'Maya',
        familyName: '',
        'dateOfBirth-day': String(next.getUTCDate()),
        'dateOfBirth-month': String(next.getUTCMonth() + 1),
        'dateOfBirth-year': String(next.getUTCFullYear()),
        sex: '',
        nhsNumber: '123',
        upn: 'B801200002017',
        laChildId: 'not valid!',
        addressLine1: '4 High Street',
        postcode: 'LU99 9ZZZ',
        role: '',
        disabilities: ['NONE', 'VIS'],
      });
      assert.equal(res.statusCode, 400);
      for (const message of [
        'Enter a last name',
        'Date of birth must be today or in the past',
        'Select the sex recorded',
        'NHS number must be 10 digits',
        'Enter a real unique pupil number: the first letter does not match the check letter',
        'Local authority child id must be up to 20 letters and numbers',
        'Enter a real postcode',
        'Enter your role with the child',
        'not both',
      ]) {
        assert.match(res.body, new RegExp(message.replace(/[()]/g, '\\$&')), message);
      }
      assert.match(res.body, /value="Maya"/);
      assert.match(res.body, /value="4 High Street"/);
      const unborn = await client.post('/people/new', {
        kind: 'unborn',
        givenName: 'Baby',
        familyName: 'Okafor',
        'expectedDateOfBirth-day': '1',
        'expectedDateOfBirth-month': '1',
        'expectedDateOfBirth-year': String(t.clock.now().getUTCFullYear() + 2),
        sex: 'U',
        role: 'Community midwife',
      });
      assert.match(unborn.body, /Expected date of birth must be within the next 10 months/);
    });

    test('registering a child who is already recorded offers the record; linking records the practitioner instead', async () => {
      const client = await as(nurse);
      await client.get('/people/new');
      const form = {
        kind: 'child',
        givenName: 'Billy',
        familyName: 'Ahmed Clarke',
        'dateOfBirth-day': '7',
        'dateOfBirth-month': '3',
        'dateOfBirth-year': '2014',
        sex: 'M',
        role: 'Health visitor',
      };
      const check = await client.post('/people/new', form);
      assert.equal(check.statusCode, 200);
      assert.match(check.body, /Check whether the child is already recorded/);
      assert.match(check.body, new RegExp(`value="link:${william}"`));
      const unconfirmed = await client.post('/people/new', { ...form, decision: 'new' });
      assert.equal(unconfirmed.statusCode, 400);
      assert.match(unconfirmed.body, /Confirm that none of these records is the child/);
      const linked = await client.post('/people/new', { ...form, decision: `link:${william}` });
      assert.equal(linked.statusCode, 303);
      assert.equal(linked.headers.location, `/people/${william}?done=linked`);
      const card = await client.get(`/people/${william}?done=linked`);
      assert.match(card.body, /Gareth Evans/);
      assert.match(card.body, /Health visitor/);
      const people = await t.database.db
        .selectFrom('person')
        .select('id')
        .where('family_name', 'in', ['Ahmed Clarke', 'Ahmed-Clarke'])
        .where('given_name', '=', 'Billy')
        .execute();
      assert.equal(people.length, 0, 'no second record was made');
      // A record that was not offered cannot be linked to.
      const crafted = await client.post('/people/new', { ...form, decision: `link:${shielded}` });
      assert.equal(crafted.statusCode, 404);
    });

    test('registering anyway makes a new record and queues the likely match for review', async () => {
      const client = await as(teacher);
      await client.get('/people/new');
      const form = {
        kind: 'child',
        givenName: 'Amira',
        familyName: 'Ahmed Clarke',
        'dateOfBirth-day': '12',
        'dateOfBirth-month': '9',
        'dateOfBirth-year': '2017',
        sex: 'F',
        role: 'Class teacher',
        addressLine1: '12 Larkspur Row',
        postcode: 'LU2 7QX',
      };
      const check = await client.post('/people/new', form);
      assert.match(check.body, new RegExp(`link:${sister}`));
      const created = await client.post('/people/new', { ...form, decision: 'new', confirmNone: 'yes' });
      assert.equal(created.statusCode, 303);
      const id = /\/people\/([0-9a-f-]{36})\?done=registered-queued/.exec(created.headers.location as string)?.[1];
      assert.ok(id, String(created.headers.location));
      const queued = await t.database.db
        .selectFrom('possible_duplicate')
        .selectAll()
        .where('person_id', '=', id!)
        .where('other_person_id', '=', sister)
        .executeTakeFirstOrThrow();
      assert.equal(queued.source, 'registration');
      assert.equal(queued.status, 'open');
      const event = await t.database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'person.registered')
        .where('record_id', '=', id!)
        .executeTakeFirstOrThrow();
      assert.equal(event.actor_user_id, teacher.id);
      // The same household: the new record joined it rather than making a second one.
      const homes = await t.database.db
        .selectFrom('household')
        .select('id')
        .where('postcode', '=', 'LU2 7QX')
        .execute();
      assert.equal(homes.length, 1);
    });

    test('a second record with the same NHS number is refused, pointing to the first', async () => {
      const client = await as(teacher);
      await client.get('/people/new');
      const res = await client.post('/people/new', {
        kind: 'child',
        givenName: 'Someone',
        familyName: 'Else',
        'dateOfBirth-day': '1',
        'dateOfBirth-month': '1',
        'dateOfBirth-year': '2016',
        sex: 'M',
        nhsNumber: '943 476 5919',
        role: 'Class teacher',
      });
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /A child with this NHS number is already recorded/);
      assert.match(res.body, new RegExp(`href="/people/${william}"`));
    });

    test('an involved practitioner corrects details and records a move; search follows at once', async () => {
      const client = await as(teacher);
      const edit = await client.get(`/people/${william}/edit`);
      assert.equal(edit.statusCode, 200);
      assert.match(edit.body, /value="Ahmed-Clarke"/);
      const moved = await client.get(`/people/${william}/address`);
      assert.match(moved.body, /Sana Ahmed/, 'adults living with him are offered');
      assert.doesNotMatch(moved.body, /Amira Ahmed-Clarke/, 'a child the teacher may not change is not offered');
      const bad = await client.post(`/people/${william}/address`, { addressLine1: '', postcode: 'LU4 9' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter the first line of the address/);
      assert.match(bad.body, /Enter the date they moved/);
      const ok = await client.post(`/people/${william}/address`, {
        addressLine1: '40 Marsh Road',
        postcode: 'LU3 2QG',
        'movedIn-day': '1',
        'movedIn-month': '10',
        'movedIn-year': '2026',
      });
      assert.equal(ok.statusCode, 303);
      const byNew = await search(nurse, { givenName: 'William', familyName: 'Ahmed-Clarke', postcode: 'LU3 2QG' });
      assert.equal(resultIds(byNew.body)[0], william);
      const byOld = await search(nurse, { givenName: 'William', familyName: 'Ahmed-Clarke', postcode: 'LU2 7QX' });
      assert.equal(resultIds(byOld.body)[0], william);
      const name = await client.post(`/people/${william}/names/new`, {
        kind: 'previous',
        givenName: 'William',
        familyName: 'Clarke',
      });
      assert.equal(name.statusCode, 303);
      const byPrevious = await search(nurse, { givenName: 'William', familyName: 'Clarke' });
      assert.ok(resultIds(byPrevious.body).includes(william));
    });

    test('an involved practitioner adds family members: someone at the address, or someone new', async () => {
      const client = await as(teacher);
      const form = await client.get(`/people/${william}/family/new`);
      assert.equal(form.statusCode, 200);
      const refused = await client.post(`/people/${william}/family/new`, {
        kind: 'sibling',
        parentalResponsibility: 'yes',
        who: '',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Only a parent, step-parent, carer or grandparent can have parental responsibility/);
      assert.match(refused.body, /Select who they are/);
      const father = await client.post(`/people/${william}/family/new`, {
        kind: 'parent',
        parentalResponsibility: 'yes',
        who: 'new',
        givenName: 'Daniel',
        familyName: 'Clarke',
        sex: 'M',
      });
      assert.equal(father.statusCode, 303, father.body.slice(0, 300));
      const card = await client.get(`/people/${william}`);
      assert.match(card.body, /Daniel Clarke/);
      const rel = await t.database.db
        .selectFrom('relationship as r')
        .innerJoin('person as p', 'p.id', 'r.related_person_id')
        .select(['p.kind', 'r.parental_responsibility'])
        .where('r.person_id', '=', william)
        .where('p.given_name', '=', 'Daniel')
        .executeTakeFirstOrThrow();
      assert.deepEqual(rel, { kind: 'adult', parental_responsibility: true });
      const audit = await t.database.db
        .selectFrom('audit_event')
        .select('action')
        .where('action', '=', 'person.family-member.added')
        .where('record_id', '=', william)
        .execute();
      assert.equal(audit.length, 1);
      const outsider = await client.post(`/people/${william}/family/new`, {
        kind: 'sibling',
        parentalResponsibility: 'no',
        who: shielded,
      });
      assert.equal(outsider.statusCode, 400, 'only people living at the address may be picked');
    });

    test('the front door may correct any record; roles outside the index may not search', async () => {
      const fd = await as(frontDoor);
      assert.equal((await fd.get(`/people/${sister}/edit`)).statusCode, 200);
      const panel = await as(panelMember);
      assert.equal((await panel.get('/people')).statusCode, 200);
      assert.equal((await panel.get('/people/new')).statusCode, 403);
      const a = await as(analyst);
      assert.equal((await a.get('/people')).statusCode, 403);
      assert.equal((await a.get('/duplicates')).statusCode, 403);
    });

    test('a merge moves everything to the kept record and unmerge puts it all back', async () => {
      const db = t.database.db;
      const health = await createOrganisation(db, { name: 'Southside GP Practice', agency_type: 'health' });
      const duplicate = await createPerson(db, {
        givenName: 'Bill',
        familyName: 'Ahmed-Clark',
        dateOfBirth: '2014-07-03',
        sex: 'M',
        upn: 'A801200002017',
        address: { line1: '40 Marsh Road', postcode: 'LU3 2QG' },
        involvement: { organisationId: health.id, role: 'GP', phone: '01632 960999' },
      });
      await relate(db, duplicate, mother, 'parent');
      const pair = await db
        .insertInto('possible_duplicate')
        .values({
          person_id: william,
          other_person_id: duplicate,
          score: 20,
          reasons: '[]',
          source: 'scan',
          found_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const client = await as(admin);
      const queue = await client.get('/duplicates');
      assert.equal(queue.statusCode, 200);
      assert.match(queue.body, new RegExp(`/duplicates/${pair.id}`));
      const compare = await client.get(`/duplicates/${pair.id}`);
      assert.match(compare.body, /Compare two records/);
      assert.match(compare.body, /day and month swapped/i);
      const noReason = await client.post(`/duplicates/${pair.id}/merge`, { kept: william, reason: '' });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Enter why these records are the same person/);
      const merged = await client.post(`/duplicates/${pair.id}/merge`, {
        kept: william,
        reason: 'Same child: the GP confirmed the date of birth and address',
      });
      assert.equal(merged.statusCode, 303);
      const involvements = await db.selectFrom('involvement').select('role').where('person_id', '=', william).execute();
      assert.ok(
        involvements.some((i) => i.role === 'GP'),
        'the GP involvement moved',
      );
      const kept = await db.selectFrom('person').selectAll().where('id', '=', william).executeTakeFirstOrThrow();
      assert.equal(kept.upn, 'A801200002017', 'an empty detail was filled from the merged record');
      const gone = await db.selectFrom('person').selectAll().where('id', '=', duplicate).executeTakeFirstOrThrow();
      assert.equal(gone.merged_into, william);
      const practitioner = await as(nurse);
      const old = await practitioner.get(`/people/${duplicate}`);
      assert.equal(old.statusCode, 303, 'a link to the merged-away record leads to the kept one');
      assert.equal(old.headers.location, `/people/${william}`);
      const found = await search(nurse, { givenName: 'Bill', familyName: 'Ahmed-Clark', ...dob('3', '7', '2014') });
      assert.equal(resultIds(found.body)[0], william, 'the merged record’s details still find the child');
      assert.ok(!resultIds(found.body).includes(duplicate));
      const mergeRow = await db
        .selectFrom('person_merge')
        .selectAll()
        .where('merged_id', '=', duplicate)
        .executeTakeFirstOrThrow();
      // Something new recorded on the kept record after the merge stays there after unmerge.
      await db
        .insertInto('involvement')
        .values({
          person_id: william,
          organisation_id: schoolId,
          team_id: null,
          user_id: null,
          role: 'SENCO',
          started_on: '2026-11-01',
          ended_on: null,
          contact_phone: null,
          contact_email: null,
        })
        .execute();
      await client.get(`/merges/${mergeRow.id}`);
      const undone = await client.post(`/merges/${mergeRow.id}/unmerge`, {
        reason: 'Twins recorded in error as one child; confirmed with the school',
      });
      assert.equal(undone.statusCode, 303);
      const back = await db
        .selectFrom('involvement')
        .select(['role', 'person_id'])
        .where('role', 'in', ['GP', 'SENCO'])
        .execute();
      assert.deepEqual(back.map((b) => [b.role, b.person_id]).sort(), [
        ['GP', duplicate],
        ['SENCO', william],
      ]);
      const restored = await db.selectFrom('person').selectAll().where('id', '=', william).executeTakeFirstOrThrow();
      assert.equal(restored.upn, null);
      const revived = await db.selectFrom('person').selectAll().where('id', '=', duplicate).executeTakeFirstOrThrow();
      assert.equal(revived.merged_into, null);
      const rels = await db
        .selectFrom('relationship')
        .select('person_id')
        .where('related_person_id', '=', mother)
        .execute();
      assert.ok(rels.some((r) => r.person_id === duplicate));
      const actions = await db
        .selectFrom('audit_event')
        .select('action')
        .where('action', 'in', ['person.merged', 'person.unmerged'])
        .execute();
      assert.deepEqual(actions.map((a) => a.action).sort(), ['person.merged', 'person.unmerged']);
      const decided = await db
        .selectFrom('possible_duplicate')
        .selectAll()
        .where('id', '=', pair.id)
        .executeTakeFirstOrThrow();
      assert.equal(decided.status, 'not_duplicate');
    });

    test('a reviewer compares two records found by their references, even a pair decided before', async () => {
      const client = await as(admin);
      await client.get('/duplicates');
      const bad = await client.post('/duplicates/new', { first: 'not-a-reference', second: sister });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter the first record reference/);
      assert.match(bad.body, /value="not-a-reference"/);
      const adultAndChild = await client.post('/duplicates/new', { first: sister, second: mother });
      assert.equal(adultAndChild.statusCode, 400);
      assert.match(adultAndChild.body, /cannot be compared with an adult/);
      const opened = await client.post('/duplicates/new', { first: sister, second: william.toUpperCase() });
      assert.equal(opened.statusCode, 303);
      const page = await client.get(String(opened.headers.location));
      assert.match(page.body, /Compare two records/);
      const pair = await t.database.db
        .selectFrom('possible_duplicate')
        .selectAll()
        .where('source', '=', 'manual')
        .executeTakeFirstOrThrow();
      assert.equal(pair.status, 'open');
      assert.equal(pair.found_by, admin.id);
    });

    test('comparing records is a read of both: a shielded record needs a reason, audited on it and told', async () => {
      const client = await as(admin);
      await client.get('/duplicates');
      const pairs = async () => (await t.database.db.selectFrom('possible_duplicate').select('id').execute()).length;
      const before = await pairs();
      const asked = await client.post('/duplicates/new', { first: shielded, second: william });
      assert.equal(asked.statusCode, 400);
      assert.match(asked.body, /One of these records is shielded: enter why you need to open it/);
      assert.doesNotMatch(asked.body, /Nowakowska|Zofia/, 'nothing about the shielded record is shown');
      assert.equal(await pairs(), before, 'nothing was opened without a reason');
      const opened = await client.post('/duplicates/new', {
        first: shielded,
        second: william,
        reason: 'School reports the same child under two names; checking before a merge',
      });
      assert.equal(opened.statusCode, 303);
      const events = await t.database.db
        .selectFrom('audit_event')
        .select(['action', 'reason', 'details'])
        .where('record_id', '=', shielded)
        .where('action', '=', 'person.break-glass')
        .execute();
      assert.equal(events.length, 1);
      assert.match(events[0]!.reason ?? '', /two names/);
      // The pair page itself asks again: each read of a shielded record takes its own reason.
      const page = await client.get(String(opened.headers.location));
      assert.match(page.body, /This record is shielded/);
      assert.match(page.body, /action="\/duplicates\/[0-9a-f-]+\/open"/);
    });

    test('a name recorded in error is removed, and search stops finding the child by it', async () => {
      const client = await as(teacher);
      await client.post(`/people/${william}/names/new`, {
        kind: 'alias',
        givenName: 'Zelda',
        familyName: 'Quartermain',
      });
      const row = await t.database.db
        .selectFrom('person_name')
        .select('id')
        .where('person_id', '=', william)
        .where('given_name', '=', 'Zelda')
        .executeTakeFirstOrThrow();
      assert.ok(
        resultIds((await search(nurse, { givenName: 'Zelda', familyName: 'Quartermain' })).body).includes(william),
      );
      const confirm = await client.get(`/people/${william}/names/${row.id}/remove`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Zelda/);
      const removed = await client.post(`/people/${william}/names/${row.id}/remove`, {});
      assert.equal(removed.statusCode, 303);
      assert.ok(
        !resultIds((await search(nurse, { givenName: 'Zelda', familyName: 'Quartermain' })).body).includes(william),
      );
      assert.equal((await client.post(`/people/${william}/names/${row.id}/remove`, {})).statusCode, 404);
    });

    test('records with different NHS numbers cannot be merged', async () => {
      const db = t.database.db;
      const other = await createPerson(db, {
        givenName: 'William',
        familyName: 'Ahmed-Clarke',
        dateOfBirth: '2014-03-07',
        sex: 'M',
        nhsNumber: '4010232137',
      });
      const pair = await db
        .insertInto('possible_duplicate')
        .values({
          person_id: william,
          other_person_id: other,
          score: 25,
          reasons: '[]',
          source: 'scan',
          found_by: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const client = await as(admin);
      await client.get(`/duplicates/${pair.id}`);
      const res = await client.post(`/duplicates/${pair.id}/merge`, {
        kept: william,
        reason: 'Looks like the same boy to me',
      });
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /different NHS numbers/);
      const rejected = await client.post(`/duplicates/${pair.id}/not-duplicate`, {
        reason: 'Twins, confirmed with the school',
      });
      assert.equal(rejected.statusCode, 303);
    });

    test('every table that refers to a person is moved by a merge, or deliberately kept', async () => {
      const fks = await personForeignKeys(t.database.db);
      const known = [...PERSON_REFERENCES, ...PERSON_REFERENCES_KEPT].map((r) => `${r.table}.${r.column}`).sort();
      assert.deepEqual(fks.map((f) => `${f.table}.${f.column}`).sort(), known);
    });
  });
}
