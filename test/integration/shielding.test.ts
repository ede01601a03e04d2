import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TokenService } from '../../src/features/api/service.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson, relate } from '../support/people.ts';

/**
 * Shielding protects where a child lives: the address of everyone in their household is hidden as theirs is,
 * lifting shielding needs a second person's approval, and forms say what they want so a repeat does nothing.
 */
for (const engine of engines()) {
  describe(`shielding on ${engine}`, () => {
    let t: TestApp;
    let teacher: TestUser;
    let refugeWorker: TestUser;
    let frontDoor: TestUser;
    let manager: TestUser;
    let otherManager: TestUser;
    let reviewer: TestUser;
    let outsider: TestUser;
    let child: string;
    let mother: string;
    let brother: string;
    let token: string;
    const hidden = { line1: '4 Hidden Way', postcode: 'LU4 4HW' };

    before(async () => {
      t = await startTestApp(engine);
      const db = t.database.db;
      const school = await createOrganisation(db, { name: 'Brookfield Primary' });
      const refuge = await createOrganisation(db, {
        name: 'Safe Haven Domestic Abuse Service',
        agency_type: 'domestic_abuse',
      });
      teacher = await createUser(db, { roles: ['practitioner'], organisationId: school.id, name: 'Tara Teacher' });
      refugeWorker = await createUser(db, { roles: ['practitioner'], organisationId: refuge.id, name: 'Rita Refuge' });
      frontDoor = await createUser(db, { roles: ['front_door'], name: 'Fola Frontdoor' });
      manager = await createUser(db, { roles: ['manager'], name: 'Mina Manager' });
      otherManager = await createUser(db, { roles: ['manager'], name: 'Omar Othermanager' });
      reviewer = await createUser(db, { roles: ['integrated_processes'], name: 'Rory Reviewer' });
      outsider = await createUser(db, { roles: ['practitioner'], name: 'Olu Outsider' });
      child = await createPerson(db, {
        givenName: 'Zara',
        familyName: 'Whitlock',
        dateOfBirth: '2015-04-04',
        sex: 'F',
        address: hidden,
        shielded: true,
        involvement: { organisationId: school.id, userId: teacher.id, email: 'tara@brookfield.test.invalid' },
      });
      brother = await createPerson(db, {
        givenName: 'Sam',
        familyName: 'Whitlock',
        dateOfBirth: '2017-06-06',
        sex: 'M',
        address: hidden,
        involvement: { organisationId: school.id, userId: teacher.id, email: 'tara@brookfield.test.invalid' },
      });
      mother = await createPerson(db, {
        kind: 'adult',
        givenName: 'Moira',
        familyName: 'Whitlock',
        dateOfBirth: '1985-02-02',
        sex: 'F',
        address: hidden,
        involvement: {
          organisationId: refuge.id,
          userId: refugeWorker.id,
          role: 'Domestic abuse support worker',
          email: 'rita@safehaven.test.invalid',
        },
      });
      await relate(db, child, mother, 'parent');
      await relate(db, brother, mother, 'parent');
      const tokens = new TokenService(db, t.clock);
      const ctx = { requestId: 'test', clientIp: '127.0.0.1' };
      token = (await tokens.createForEmail(outsider.email, { name: 'test', expiresInDays: null }, ctx)).token;
    });
    after(async () => t.close());

    const as = signedInClients(() => t);
    const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: { authorization: `Bearer ${token}` } });
    const noAddress = (body: string) => {
      assert.doesNotMatch(body, /Hidden Way/i);
      assert.doesNotMatch(body, /LU4 ?4HW/i);
    };
    const mail = async () => t.database.db.selectFrom('outbox_message').selectAll().execute();

    test('a parent living with a shielded child: the card needs break-glass and never shows the address', async () => {
      const client = await as(outsider);
      const gate = await client.get(`/people/${mother}`);
      assert.equal(gate.statusCode, 200);
      assert.match(gate.body, /whereabouts are protected/);
      assert.doesNotMatch(gate.body, /Domestic abuse support worker/);
      noAddress(gate.body);
      const before = (await mail()).length;
      const opened = await client.post(`/people/${mother}/break-glass`, {
        reason: 'Mother attended the walk-in centre, checking who supports her',
      });
      assert.equal(opened.statusCode, 200);
      assert.match(opened.body, /Moira/);
      noAddress(opened.body);
      const event = await t.database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('record_id', '=', mother)
        .where('action', '=', 'person.break-glass')
        .executeTakeFirstOrThrow();
      assert.match(event.reason ?? '', /walk-in/);
      const sent = (await mail()).slice(before).map((m) => JSON.stringify(m.payload));
      // Everyone working with the adult, and everyone working with the shielded child they live with.
      assert.ok(sent.some((m) => m.includes('rita@safehaven.test.invalid')));
      assert.ok(sent.some((m) => m.includes('tara@brookfield.test.invalid')));
      assert.ok(sent.every((m) => !/Whitlock|Moira|Zara|Hidden Way/.test(m)));
    });

    test('a brother living with a shielded child has his address hidden on his card, caseload and family page', async () => {
      const client = await as(teacher);
      const caseload = await client.get('/people');
      assert.match(caseload.body, /Sam/);
      noAddress(caseload.body);
      const gate = await client.get(`/people/${brother}`);
      assert.match(gate.body, /whereabouts are protected/);
      noAddress(gate.body);
      const family = await client.get(`/people/${brother}/family`);
      noAddress(family.body);
      assert.doesNotMatch(family.body, /Zara/);
    });

    test('search results and the API never show the household address, and find the adult only exactly', async () => {
      const client = await as(outsider);
      await client.get('/people');
      const exact = await client.post('/people/search', {
        givenName: 'Moira',
        familyName: 'Whitlock',
        'dob-day': '2',
        'dob-month': '2',
        'dob-year': '1985',
        postcode: 'LU4 4HW',
        includeAdults: 'yes',
      });
      assert.equal(exact.statusCode, 200);
      assert.match(exact.body, new RegExp(`/people/${mother}`));
      noAddress(exact.body.replace(/value="LU4 4HW"/g, ''));
      const near = await client.post('/people/search', {
        givenName: 'Moira',
        familyName: 'Whitlock',
        postcode: 'LU4 4HW',
        includeAdults: 'yes',
      });
      assert.doesNotMatch(near.body, new RegExp(`/people/${mother}`));
      const viaApi = await api('POST', '/api/v1/people/search', {
        givenName: 'Moira',
        familyName: 'Whitlock',
        dateOfBirth: '1985-02-02',
        includeAdults: true,
      });
      assert.equal(viaApi.statusCode, 200);
      const hit = viaApi.json().results.find((r: { id: string }) => r.id === mother);
      assert.ok(hit);
      assert.equal(hit.postcode, null);
      assert.equal(hit.whereaboutsProtected, true);
      assert.equal((await api('GET', `/api/v1/people/${mother}`)).statusCode, 409);
      const card = await api('POST', `/api/v1/people/${mother}/break-glass`, { reason: 'Checking who supports her' });
      assert.equal(card.statusCode, 200);
      assert.equal(card.json().address, null);
      assert.equal(card.json().whereaboutsProtected, true);
      noAddress(card.body);
    });

    test('comparing records: someone living with a shielded child opens with a reason and shows no address', async () => {
      const db = t.database.db;
      const twin = await createPerson(db, {
        givenName: 'Samuel',
        familyName: 'Whitlock',
        dateOfBirth: '2017-06-06',
        sex: 'M',
      });
      const pair = await db
        .insertInto('possible_duplicate')
        .values({ person_id: brother, other_person_id: twin, score: 20, reasons: '[]', source: 'manual' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const client = await as(reviewer);
      const gate = await client.get(`/duplicates/${pair.id}`);
      assert.equal(gate.statusCode, 200);
      assert.match(gate.body, /whereabouts are protected/);
      assert.doesNotMatch(gate.body, /Samuel/);
      const page = await client.post(`/duplicates/${pair.id}/open`, {
        reason: 'Reviewing the possible duplicate pair',
      });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Samuel/);
      noAddress(page.body);
    });

    test('the shielding form says what it wants: shielding twice says it is already done', async () => {
      const db = t.database.db;
      const kid = await createPerson(db, { givenName: 'Ivy', familyName: 'Penrose', dateOfBirth: '2016-03-03' });
      const client = await as(manager);
      await client.get(`/people/${kid}/shielding`);
      const noAction = await client.post(`/people/${kid}/shielding`, { reason: 'Fled domestic abuse with mother' });
      assert.equal(noAction.statusCode, 400);
      const form = { action: 'shield', reason: 'Fled domestic abuse with mother' };
      const first = await client.post(`/people/${kid}/shielding`, form);
      assert.equal(first.statusCode, 303);
      const second = await client.post(`/people/${kid}/shielding`, form);
      assert.equal(second.statusCode, 303);
      const landing = await client.get(second.headers.location as string);
      assert.match(landing.body, /This child is already shielded/);
      const row = await db.selectFrom('person').select('shielded').where('id', '=', kid).executeTakeFirstOrThrow();
      assert.equal(row.shielded, true);
      const changes = await db.selectFrom('shielding_change').selectAll().where('person_id', '=', kid).execute();
      assert.equal(changes.length, 1);
    });

    test('lifting shielding needs a relationship, a reason and a second person’s approval; everyone is told', async () => {
      const db = t.database.db;
      const kid = await createPerson(db, {
        givenName: 'Nell',
        familyName: 'Ashgrove',
        dateOfBirth: '2014-01-01',
        address: { line1: '8 Quiet Close', postcode: 'LU5 5QC' },
        shielded: true,
        involvement: { organisationId: (await createOrganisation(db)).id, email: 'nells.school@test.invalid' },
      });
      // A manager without a relationship to the child may not even ask.
      const stranger = await as(otherManager);
      await stranger.get(`/people/${kid}/shielding`);
      const refused = await stranger.post(`/people/${kid}/shielding`, { action: 'lift', reason: 'Risk reviewed' });
      assert.equal(refused.statusCode, 404);
      // The front door working with the child asks.
      await db
        .insertInto('involvement')
        .values({
          person_id: kid,
          organisation_id: frontDoor.organisationId,
          team_id: null,
          user_id: frontDoor.id,
          role: 'Front door worker',
          started_on: '2025-01-01',
          ended_on: null,
          contact_phone: null,
          contact_email: null,
        })
        .execute();
      const requester = await as(frontDoor);
      await requester.get(`/people/${kid}/shielding`);
      const before = (await mail()).length;
      const form = { action: 'lift', reason: 'The risk has been reviewed at the strategy meeting' };
      const asked = await requester.post(`/people/${kid}/shielding`, form);
      assert.equal(asked.statusCode, 303);
      const again = await requester.post(`/people/${kid}/shielding`, form);
      const landing = await requester.get(again.headers.location as string);
      assert.match(landing.body, /already waiting for approval/);
      let row = await db.selectFrom('person').select('shielded').where('id', '=', kid).executeTakeFirstOrThrow();
      assert.equal(row.shielded, true, 'still shielded until a second person approves');
      const requests = await db.selectFrom('shielding_request').selectAll().where('person_id', '=', kid).execute();
      assert.equal(requests.length, 1);
      const requestId = requests[0]!.id;
      assert.ok(
        (await mail()).slice(before).some((m) => JSON.stringify(m.payload).includes('nells.school@test.invalid')),
      );
      // The requester cannot approve their own request.
      const own = await requester.get(`/people/shielding-requests/${requestId}`);
      assert.doesNotMatch(own.body, /name="decision"/);
      const selfApproved = await requester.post(`/people/shielding-requests/${requestId}`, {
        decision: 'approve',
        reason: 'Approving my own request',
      });
      assert.equal(selfApproved.statusCode, 403);
      // A manager sees it waiting, and approves with a reason.
      const approver = await as(manager);
      const list = await approver.get('/people/shielding-requests');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, new RegExp(`/people/shielding-requests/${requestId}`));
      await approver.get(`/people/shielding-requests/${requestId}`);
      const noReason = await approver.post(`/people/shielding-requests/${requestId}`, { decision: 'approve' });
      assert.equal(noReason.statusCode, 400);
      const beforeApproval = (await mail()).length;
      const approved = await approver.post(`/people/shielding-requests/${requestId}`, {
        decision: 'approve',
        reason: 'Agreed at the strategy meeting',
      });
      assert.equal(approved.statusCode, 303);
      row = await db.selectFrom('person').select('shielded').where('id', '=', kid).executeTakeFirstOrThrow();
      assert.equal(row.shielded, false);
      const sent = (await mail()).slice(beforeApproval).map((m) => JSON.stringify(m.payload));
      assert.ok(sent.some((m) => m.includes('nells.school@test.invalid')));
      assert.ok(sent.every((m) => !/Nell|Ashgrove|Quiet Close/.test(m)));
      const audit = await db
        .selectFrom('audit_event')
        .select(['action'])
        .where('record_id', '=', kid)
        .where('action', 'like', 'person.shielding%')
        .execute();
      assert.ok(audit.some((a) => a.action === 'person.shielding.lift-requested'));
      assert.ok(audit.some((a) => a.action === 'person.shielding.lifted'));
      // A second decision on the same request changes nothing and says so.
      const twice = await approver.post(`/people/shielding-requests/${requestId}`, {
        decision: 'decline',
        reason: 'Clicked twice by mistake',
      });
      const after = await approver.get(twice.headers.location as string);
      assert.match(after.body, /already been decided/);
    });

    test('a declined request leaves the child shielded', async () => {
      const db = t.database.db;
      const kid = await createPerson(db, {
        givenName: 'Orla',
        familyName: 'Brightwater',
        dateOfBirth: '2013-02-02',
        shielded: true,
        involvement: { organisationId: frontDoor.organisationId, userId: frontDoor.id },
      });
      const requester = await as(frontDoor);
      await requester.get(`/people/${kid}/shielding`);
      await requester.post(`/people/${kid}/shielding`, { action: 'lift', reason: 'Family has moved away' });
      const request = await db
        .selectFrom('shielding_request')
        .select('id')
        .where('person_id', '=', kid)
        .executeTakeFirstOrThrow();
      const approver = await as(otherManager);
      await approver.get(`/people/shielding-requests/${request.id}`);
      const declined = await approver.post(`/people/shielding-requests/${request.id}`, {
        decision: 'decline',
        reason: 'The risk is still current',
      });
      assert.equal(declined.statusCode, 303);
      const row = await db.selectFrom('person').select('shielded').where('id', '=', kid).executeTakeFirstOrThrow();
      assert.equal(row.shielded, true);
      const r = await db
        .selectFrom('shielding_request')
        .selectAll()
        .where('id', '=', request.id)
        .executeTakeFirstOrThrow();
      assert.equal(r.status, 'declined');
      assert.equal(r.decided_by, otherManager.id);
    });

    test('a move through a parent takes only the children offered that the user may change, audited on each', async () => {
      const db = t.database.db;
      const school = teacher.organisationId;
      const home = { line1: '20 Mill Street', postcode: 'LU6 6MS' };
      const dad = await createPerson(db, {
        kind: 'adult',
        givenName: 'Dev',
        familyName: 'Marlowe',
        dateOfBirth: '1980-01-01',
        address: home,
        involvement: { organisationId: school, userId: teacher.id },
      });
      const pupil = await createPerson(db, {
        givenName: 'Pip',
        familyName: 'Marlowe',
        dateOfBirth: '2016-01-01',
        address: home,
        involvement: { organisationId: school, userId: teacher.id },
      });
      const notMine = await createPerson(db, {
        givenName: 'Kit',
        familyName: 'Marlowe',
        dateOfBirth: '2012-01-01',
        address: home,
      });
      const elsewhere = await createPerson(db, {
        givenName: 'Lou',
        familyName: 'Fenwick',
        dateOfBirth: '2012-01-01',
        address: { line1: '1 Far Lane', postcode: 'LU7 7FL' },
        involvement: { organisationId: school, userId: teacher.id },
      });
      const client = await as(teacher);
      const form = await client.get(`/people/${dad}/address`);
      assert.match(form.body, new RegExp(`value="${pupil}"`));
      assert.doesNotMatch(form.body, new RegExp(`value="${notMine}"`));
      const moved = await client.post(`/people/${dad}/address`, {
        addressLine1: '5 New Road',
        postcode: 'LU8 8NR',
        'movedIn-day': '1',
        'movedIn-month': '1',
        'movedIn-year': '2025',
        alsoMoved: [pupil, notMine, elsewhere, child],
      });
      assert.equal(moved.statusCode, 303);
      const where = async (id: string) =>
        (
          await db
            .selectFrom('household_member as hm')
            .innerJoin('household as h', 'h.id', 'hm.household_id')
            .select('h.postcode')
            .where('hm.person_id', '=', id)
            .where('hm.moved_out', 'is', null)
            .executeTakeFirstOrThrow()
        ).postcode;
      assert.equal(await where(dad), 'LU8 8NR');
      assert.equal(await where(pupil), 'LU8 8NR');
      assert.equal(await where(notMine), 'LU6 6MS');
      assert.equal(await where(elsewhere), 'LU7 7FL');
      assert.equal(await where(child), 'LU4 4HW');
      const audited = await db
        .selectFrom('audit_event')
        .select('action')
        .where('record_type', '=', 'person')
        .where('record_id', '=', pupil)
        .where('action', '=', 'person.moved')
        .execute();
      assert.equal(audited.length, 1);
      // The parent of a shielded child cannot be moved through their record at all: it is not there for them.
      const blocked = await (await as(refugeWorker)).post(`/people/${mother}/address`, {
        addressLine1: '5 New Road',
        postcode: 'LU8 8NR',
        'movedIn-day': '1',
        'movedIn-month': '1',
        'movedIn-year': '2025',
        alsoMoved: [child],
      });
      assert.equal(blocked.statusCode, 404);
      assert.equal(await where(child), 'LU4 4HW');
    });

    test('role powers stop at the partnership boundary: outside it only a relationship to the child counts', async () => {
      const db = t.database.db;
      const leaOrg = (await createOrganisation(db, { agency_type: 'local_authority' })).id;
      const aireOrg = (await createOrganisation(db, { agency_type: 'local_authority' })).id;
      const lea = await createPartnership(db, 'Lea', [leaOrg]);
      await createPartnership(db, 'Aire', [aireOrg]);
      const leaDoor = await createUser(db, { roles: ['front_door'], organisationId: leaOrg });
      const leaManager = await createUser(db, { roles: ['manager'], organisationId: leaOrg });
      const aireDoor = await createUser(db, { roles: ['front_door'], organisationId: aireOrg });
      const aireManager = await createUser(db, { roles: ['manager'], organisationId: aireOrg });
      const inLea = async (spec: Parameters<typeof createPerson>[1]) => {
        const id = await createPerson(db, spec);
        await db
          .updateTable('household')
          .set({ area_id: lea.areaId })
          .where('id', 'in', db.selectFrom('household_member').select('household_id').where('person_id', '=', id))
          .execute();
        return id;
      };
      const kid = await inLea({
        givenName: 'Bea',
        familyName: 'Calloway',
        dateOfBirth: '2015-07-07',
        address: { line1: '3 Lea Road', postcode: 'LU9 9LR' },
      });
      const known = await inLea({
        givenName: 'Cal',
        familyName: 'Calloway',
        dateOfBirth: '2013-07-07',
        address: { line1: '5 Lea Road', postcode: 'LU9 9LR' },
        involvement: { organisationId: aireOrg, userId: aireDoor.id },
      });
      const outside = await as(aireDoor);
      for (const path of ['edit', 'names/new', 'identifiers/new', 'address']) {
        assert.equal((await outside.get(`/people/${kid}/${path}`)).statusCode, 404, path);
      }
      await outside.get('/people');
      const dateOfDeath = { 'dateOfDeath-day': '1', 'dateOfDeath-month': '1', 'dateOfDeath-year': '2025' };
      assert.equal((await outside.post(`/people/${kid}/edit`, dateOfDeath)).statusCode, 404);
      assert.doesNotMatch((await outside.get(`/people/${kid}`)).body, /Change identifying details|Shield this child/);
      // A relationship still counts outside the partnership.
      assert.equal((await outside.get(`/people/${known}/edit`)).statusCode, 200);
      // Inside it, the role does.
      assert.equal((await (await as(leaDoor)).get(`/people/${kid}/edit`)).statusCode, 200);

      const aire = await as(aireManager);
      assert.equal((await aire.get(`/people/${kid}/shielding`)).statusCode, 404);
      const shieldForm = { action: 'shield', reason: 'Trying to shield a child outside my partnership' };
      assert.equal((await aire.post(`/people/${kid}/shielding`, shieldForm)).statusCode, 404);
      const row = await db.selectFrom('person').select('shielded').where('id', '=', kid).executeTakeFirstOrThrow();
      assert.equal(row.shielded, false);

      // A request to lift a Lea child's shielding is decided in Lea, not in Aire.
      const leaKid = await inLea({
        givenName: 'Dot',
        familyName: 'Calloway',
        dateOfBirth: '2011-07-07',
        address: { line1: '7 Lea Road', postcode: 'LU9 9LR' },
        shielded: true,
        involvement: { organisationId: leaOrg, userId: leaDoor.id },
      });
      const asker = await as(leaDoor);
      await asker.get(`/people/${leaKid}/shielding`);
      await asker.post(`/people/${leaKid}/shielding`, { action: 'lift', reason: 'The risk has been reviewed' });
      const request = await db
        .selectFrom('shielding_request')
        .select('id')
        .where('person_id', '=', leaKid)
        .executeTakeFirstOrThrow();
      assert.doesNotMatch((await aire.get('/people/shielding-requests')).body, new RegExp(request.id));
      assert.equal((await aire.get(`/people/shielding-requests/${request.id}`)).statusCode, 404);
      const decision = { decision: 'approve', reason: 'Approving from another partnership' };
      assert.equal((await aire.post(`/people/shielding-requests/${request.id}`, decision)).statusCode, 404);
      const lead = await as(leaManager);
      assert.match((await lead.get('/people/shielding-requests')).body, new RegExp(request.id));
    });

    test('a record the user may not change is a 404 on every change route, as one they may not read', async () => {
      const db = t.database.db;
      const kid = await createPerson(db, { givenName: 'Ada', familyName: 'Quell', dateOfBirth: '2015-05-05' });
      const client = await as(outsider);
      for (const path of ['edit', 'names/new', 'identifiers/new', 'address', 'family/new']) {
        assert.equal((await client.get(`/people/${kid}/${path}`)).statusCode, 404, path);
      }
      await client.get('/people');
      assert.equal((await client.post(`/people/${kid}/edit`, { givenName: 'X' })).statusCode, 404);
      assert.equal((await client.get(`/people/${child}/involvements/new`)).statusCode, 404);
      assert.equal((await client.get(`/people/${kid}/shielding`)).statusCode, 404);
    });
  });
}
