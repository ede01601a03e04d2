import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NeedLevel } from '../../src/db/schema.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

for (const engine of engines()) {
  describe(`Targeted services leaders' lists (${engine})`, () => {
    let t: TestApp;
    let leader: TestUser;
    let otherLeader: TestUser;
    let practitioner: TestUser;
    let cluster: string;
    let school: string;
    let health: string;
    const ids: Record<string, string> = {};
    const households: Record<string, string> = {};

    const householdOf = async (personId: string) =>
      (
        await t.database.db
          .selectFrom('household_member')
          .select('household_id')
          .where('person_id', '=', personId)
          .executeTakeFirstOrThrow()
      ).household_id;

    async function level(personId: string, level: NeedLevel, unmet: string[] = []) {
      await t.database.db
        .insertInto('need_level')
        .values({
          person_id: personId,
          level,
          reason: 'Judgement',
          recorded_by: null,
          recorded_at: t.clock.now(),
          organisation_id: school,
          indicators: JSON.stringify(
            unmet.map((text, i) => ({ id: `i${i}`, text, level, subArea: 'health', domain: 'developmental' })),
          ),
        })
        .execute();
    }

    async function involve(personId: string, organisationId: string, isLead = false) {
      await t.database.db
        .insertInto('involvement')
        .values({
          person_id: personId,
          organisation_id: organisationId,
          role: 'Worker',
          started_on: '2025-01-01',
          is_lead: isLead,
        })
        .execute();
    }

    const as = signedInClients(() => t);

    before(async () => {
      t = await startTestApp(engine);
      const db = t.database.db;
      const council = (await createOrganisation(db, { agency_type: 'local_authority' })).id;
      school = (await createOrganisation(db)).id;
      health = (await createOrganisation(db, { agency_type: 'health' })).id;
      const aire = await createPartnership(db, 'Aire', [council]);
      const c = await db
        .insertInto('area')
        .values({ name: 'Airedale', kind: 'cluster', parent_id: aire.partnershipId })
        .returning('id')
        .executeTakeFirstOrThrow();
      cluster = c.id;
      const lea = await createPartnership(db, 'Lea', []);
      await db
        .insertInto('postcode_district')
        .values({ district: 'LS12', latitude: 53.79, longitude: -1.59 })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await db
        .insertInto('area_postcode_district')
        .values([
          { area_id: cluster, district: 'LS12' },
          { area_id: lea.areaId, district: 'LU3' },
        ])
        .execute();
      leader = await createUser(db, {
        roles: ['integrated_processes'],
        organisationId: council,
        name: 'Rachel Leader',
      });
      await db.insertInto('user_area').values({ user_id: leader.id, area_id: cluster }).execute();
      otherLeader = await createUser(db, { roles: ['integrated_processes'], organisationId: council });
      await db.insertInto('user_area').values({ user_id: otherLeader.id, area_id: lea.areaId }).execute();
      practitioner = await createUser(db, { organisationId: school });

      const child = async (key: string, givenName: string, familyName: string, line1: string, postcode: string) => {
        ids[key] = await createPerson(db, {
          givenName,
          familyName,
          dateOfBirth: '2016-05-01',
          address: { line1, postcode },
        });
        households[key] = await householdOf(ids[key]!);
      };
      // The Brannocks: targeted, two agencies, two unmet needs, no lead.
      await child('brannock', 'Isla', 'Brannock', '1 Weavers Row', 'LS12 1AA');
      await child('brannock2', 'Finn', 'Brannock', '1 Weavers Row', 'LS12 1AA');
      await level(ids.brannock!, 'targeted', ['Missed appointments', 'Poor growth']);
      await level(ids.brannock2!, 'early_help');
      await involve(ids.brannock!, school);
      await involve(ids.brannock2!, health);
      // The Ottershaws: early help, one agency, a lead practitioner.
      await child('ottershaw', 'Maya', 'Ottershaw', '3 Goit Side', 'LS12 2BB');
      await level(ids.ottershaw!, 'early_help');
      await involve(ids.ottershaw!, school, true);
      // Nothing recorded: not listed.
      await child('quiet', 'Ben', 'Quietley', '5 Heron Bank', 'LS12 3CC');
      // Shielded: not listed.
      await child('shielded', 'Zofia', 'Hidden', '7 Heron Bank', 'LS12 4DD');
      await level(ids.shielded!, 'specialist');
      await db.updateTable('person').set({ shielded: true }).where('id', '=', ids.shielded!).execute();
      // In Lea: another leader's.
      await child('lea', 'Kofi', 'Leabridge', '9 Kestrel Way', 'LU3 9ZZ');
      await level(ids.lea!, 'specialist');
    });
    after(() => t.close());

    test('a practitioner without the role is refused the page', async () => {
      const c = await as(practitioner);
      assert.equal((await c.get('/targeted-services')).statusCode, 403);
      assert.equal((await c.get(`/targeted-services/families/${households.brannock}/add`)).statusCode, 403);
    });

    test('the Top 100 lists the families of the leader’s cluster, scored, with reasons and consent', async () => {
      const c = await as(leader);
      const res = await c.get('/targeted-services');
      assert.equal(res.statusCode, 200);
      const rows = res.body.split('data-qa="family"').slice(1);
      assert.equal(rows.length, 2, 'the Brannocks and the Ottershaws only');
      // Brannocks: targeted 4 + 1 further child + 2 agencies + 2 unmet + no lead 3 = 12.
      assert.match(rows[0]!, /Isla Brannock/);
      assert.match(rows[0]!, /data-qa="score">12</);
      assert.match(rows[0]!, /Highest level of need: Targeted \(\+4\)/);
      assert.match(rows[0]!, /2 unmet needs recorded \(\+2\)/);
      assert.match(rows[0]!, /No lead practitioner yet \(\+3\)/);
      assert.match(rows[0]!, /No consent recorded/);
      // Ottershaws: early help 2 + 1 agency = 3.
      assert.match(rows[1]!, /Maya Ottershaw/);
      assert.match(rows[1]!, /data-qa="score">3</);
      assert.doesNotMatch(res.body, /Quietley|Hidden|Leabridge/);
      assert.match(res.body, /href="\/work"/);
      const audit = await t.database.db
        .selectFrom('audit_event')
        .select('details')
        .where('action', '=', 'person.targeted-services.viewed')
        .where('actor_user_id', '=', leader.id)
        .executeTakeFirstOrThrow();
      assert.ok((audit.details as { personIds: string[] }).personIds.includes(ids.brannock!));
    });

    test('a leader given no areas sees an empty list, not an error', async () => {
      const lonely = await createUser(t.database.db, { roles: ['integrated_processes'] });
      const res = await (await as(lonely)).get('/targeted-services');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /data-qa="no-families"/);
    });

    test('a leader in another partnership sees only their own families, and cannot add these', async () => {
      const c = await as(otherLeader);
      const res = await c.get('/targeted-services');
      assert.match(res.body, /Kofi Leabridge/);
      assert.doesNotMatch(res.body, /Brannock|Ottershaw/);
      assert.equal((await c.get(`/targeted-services/families/${households.brannock}/add`)).statusCode, 404);
      const today = t.clock.now();
      await c.post('/targeted-services/meeting', {
        'meetsOn-day': String(today.getUTCDate()),
        'meetsOn-month': String(today.getUTCMonth() + 1),
        'meetsOn-year': String(today.getUTCFullYear() + 1),
      });
      assert.equal(
        (await c.post(`/targeted-services/families/${households.brannock}/add`, { reason: 'x' })).statusCode,
        404,
      );
    });

    test('the leader sets the meeting date, adds a family with a reason and removes it with a reason', async () => {
      const c = await as(leader);
      await c.get('/targeted-services');
      const past = await c.post('/targeted-services/meeting', {
        'meetsOn-day': '1',
        'meetsOn-month': '1',
        'meetsOn-year': '2000',
      });
      assert.equal(past.statusCode, 400);
      assert.match(past.body, /The meeting date must be today or in the future/);
      const noMeeting = await c.get('/targeted-services');
      assert.doesNotMatch(noMeeting.body, /Add to meeting/);
      const next = new Date(t.clock.now().getTime() + 7 * 86_400_000);
      const set = await c.post('/targeted-services/meeting', {
        'meetsOn-day': String(next.getUTCDate()),
        'meetsOn-month': String(next.getUTCMonth() + 1),
        'meetsOn-year': String(next.getUTCFullYear()),
      });
      assert.equal(set.statusCode, 303);
      const form = await c.get(`/targeted-services/families/${households.brannock}/add`);
      assert.equal(form.statusCode, 200);
      const empty = await c.post(`/targeted-services/families/${households.brannock}/add`, { reason: ' ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Enter why the family is brought to the meeting/);
      const added = await c.post(`/targeted-services/families/${households.brannock}/add`, {
        reason: 'Needs a lead practitioner',
      });
      assert.equal(added.statusCode, 303);
      await c.post(`/targeted-services/families/${households.brannock}/add`, { reason: 'Again' });
      const page = await c.get('/targeted-services');
      const meeting = page.body.split('data-qa="meeting-families"')[1]!.split('</table>')[0]!;
      assert.match(meeting, /Isla Brannock/);
      assert.match(meeting, new RegExp(`href="/people/${ids.brannock}"`));
      assert.match(meeting, /Needs a lead practitioner/);
      assert.doesNotMatch(meeting, /Again/, 'adding twice is a no-op');
      assert.match(meeting, /No consent recorded/);
      const removed = await c.post(`/targeted-services/families/${households.brannock}/remove`, {
        reason: 'Lead practitioner found',
      });
      assert.equal(removed.statusCode, 303);
      assert.doesNotMatch((await c.get('/targeted-services')).body, /data-qa="meeting-families"/);
      const events = await t.database.db
        .selectFrom('audit_event')
        .select(['action', 'record_id', 'reason'])
        .where('action', 'like', 'person.guidance-support.%')
        .orderBy('id')
        .execute();
      assert.deepEqual(events, [
        { action: 'person.guidance-support.added', record_id: ids.brannock, reason: 'Needs a lead practitioner' },
        { action: 'person.guidance-support.removed', record_id: ids.brannock, reason: 'Lead practitioner found' },
      ]);
    });
  });
}
