/**
 * One way to refuse: a service's rule problems are the platform's ValidationError, and a refusal of a child's
 * record is audited on the child (src/platform/refusals.ts), in consent, people and the directory alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConsentService } from '../../src/features/consent/service.ts';
import { CaseNoteService } from '../../src/features/conversations/notes-service.ts';
import { ConversationService } from '../../src/features/conversations/service.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import type { RequestContext } from '../../src/platform/context.ts';
import { ValidationError } from '../../src/platform/errors.ts';
import { loadActor } from '../../src/platform/sessions.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

for (const engine of engines()) {
  describe(`Refusals and rule problems (${engine})`, () => {
    let t: TestApp;
    let teacher: TestUser;
    let stranger: TestUser;
    let strangerManager: TestUser;
    let childId: string;
    let shieldedId: string;

    const refusals = async (action: string, personId: string) =>
      t.database.db
        .selectFrom('audit_event')
        .select(['action', 'details'])
        .where('action', '=', action)
        .where('record_type', '=', 'person')
        .where('record_id', '=', personId)
        .execute();

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      const school = await createOrganisation(t.database.db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const elsewhere = await createOrganisation(t.database.db, { name: 'Far Health', agency_type: 'health' });
      // Two partnerships: the children are placed in the school's, the other organisation serves the other.
      await createPartnership(t.database.db, 'Lea', [school.id]);
      await createPartnership(t.database.db, 'Wold', [elsewhere.id]);
      teacher = await createUser(t.database.db, { roles: ['practitioner'], organisationId: school.id });
      stranger = await createUser(t.database.db, { roles: ['practitioner'], organisationId: elsewhere.id });
      strangerManager = await createUser(t.database.db, { roles: ['manager'], organisationId: elsewhere.id });
      childId = await createPerson(t.database.db, {
        givenName: 'Ottilie',
        familyName: 'Brackenbury',
        dateOfBirth: '2018-05-06',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      shieldedId = await createPerson(t.database.db, {
        givenName: 'Wren',
        familyName: 'Castellane',
        dateOfBirth: '2016-02-03',
        shielded: true,
        involvement: { organisationId: school.id, userId: teacher.id },
      });
    });
    after(() => t.close());

    test('a consent rule problem found by the service is the platform ValidationError, and is audited', async () => {
      const actor = (await loadActor(t.database.db, teacher.id, 'session'))!;
      const ctx: RequestContext = { actor, requestId: 'r1', clientIp: '127.0.0.1', at: t.clock.now() };
      const service = new ConsentService(t.database.db);
      await assert.rejects(
        service.recordConsent(ctx, childId, {
          decision: 'given',
          givenBy: childId,
          method: 'in_person',
          purposes: ['assessment'],
          serviceName: null,
          organisationIds: [],
          agencyTypes: [],
          panelName: null,
          frontDoor: false,
          familyWide: false,
          sensitiveCategories: [],
          obtainedOn: '2026-11-30',
          reviewOn: null,
          explained: null,
          competent: null,
          competenceNote: null,
        }),
        (err: unknown) => {
          assert.ok(err instanceof ValidationError, 'a ValidationError from src/platform/errors.ts');
          assert.equal(err.errors[0]?.field, 'givenBy');
          return true;
        },
      );
      assert.equal((await refusals('consent.change-refused', childId)).length, 1);
    });

    test("conversations' and case notes' rule problems found by the service are the platform ValidationError", async () => {
      const actor = (await loadActor(t.database.db, teacher.id, 'session'))!;
      const ctx: RequestContext = { actor, requestId: 'r2', clientIp: '127.0.0.1', at: t.clock.now() };
      const nobody = '00000000-0000-4000-8000-00000000beef';
      await assert.rejects(
        new ConversationService(t.database.db).record(ctx, childId, {
          heldOn: '2026-11-30',
          kind: 'phone',
          participants: [{ userId: nobody, field: 'participant-0' }],
          outside: [],
          childIds: [],
          concerns: null,
          strengths: null,
          agreed: 'To meet again',
          actions: [],
          recipients: [],
        }),
        (err: unknown) => {
          assert.ok(err instanceof ValidationError, 'a ValidationError from src/platform/errors.ts');
          assert.deepEqual(err.errors, [{ field: 'participant-0', message: 'Select a person from the list' }]);
          return true;
        },
      );
      await assert.rejects(
        new CaseNoteService(t.database.db).addNote(ctx, childId, {
          category: 'no-such-category',
          body: 'A note',
          withholdFromParents: false,
        }),
        (err: unknown) => {
          assert.ok(err instanceof ValidationError, 'a ValidationError from src/platform/errors.ts');
          assert.deepEqual(err.errors, [{ field: 'category', message: 'Select a category from the list' }]);
          return true;
        },
      );
    });

    test('changing the record of a child the user does not work with is "not found", and audited', async () => {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(stranger);
      const res = await client.get(`/people/${childId}/edit`);
      assert.equal(res.statusCode, 404);
      assert.doesNotMatch(res.body, /Ottilie/);
      const events = await refusals('person.change-refused', childId);
      assert.equal(events.length, 1);
      // A record that is not there is not a refusal about anyone.
      const none = await client.get('/people/00000000-0000-4000-8000-000000000000/edit');
      assert.equal(none.statusCode, 404);
      assert.equal((await refusals('person.change-refused', '00000000-0000-4000-8000-000000000000')).length, 0);
    });

    test("a merged record's consent, level of need and chronology pages reach the record kept, as its card does", async () => {
      const keptId = await createPerson(t.database.db, {
        givenName: 'Isolde',
        familyName: 'Penhallow',
        dateOfBirth: '2017-07-08',
        involvement: { organisationId: teacher.organisationId, userId: teacher.id },
      });
      // Merged twice: the first record into a second, the second into the one kept.
      const firstId = await createPerson(t.database.db, {
        givenName: 'Isolde',
        familyName: 'Penhalow',
        dateOfBirth: '2017-07-08',
      });
      const secondId = await createPerson(t.database.db, {
        givenName: 'Isolde',
        familyName: 'Penhallowe',
        dateOfBirth: '2017-07-08',
      });
      await t.database.db
        .updateTable('person')
        .set({ merged_into: secondId, merged_at: new Date() })
        .where('id', '=', firstId)
        .execute();
      await t.database.db
        .updateTable('person')
        .set({ merged_into: keptId, merged_at: new Date() })
        .where('id', '=', secondId)
        .execute();
      const client = new TestClient(t.app, t.clock);
      await client.signIn(teacher);
      for (const page of ['consent', 'need-level', 'chronology']) {
        const res = await client.get(`/people/${firstId}/${page}`);
        assert.equal(res.statusCode, 303, page);
        assert.equal(res.headers.location, `/people/${keptId}/${page}`, page);
      }
      // Someone with no relationship to the record kept is not told where it went.
      const other = new TestClient(t.app, t.clock);
      await other.signIn(stranger);
      const res = await other.get(`/people/${firstId}/consent`);
      assert.equal(res.statusCode, 404);
    });

    test('shielding, involvement and the family page of a child out of reach are refused, and audited', async () => {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(strangerManager);
      assert.equal((await client.get(`/people/${childId}/shielding`)).statusCode, 404);
      assert.equal((await refusals('person.shielding.refused', childId)).length, 1);
      assert.equal((await client.get(`/people/${shieldedId}/involvements/new`)).statusCode, 404);
      assert.equal((await refusals('person.involvement.refused', shieldedId)).length, 1);
      assert.equal((await client.get(`/people/${shieldedId}/family`)).statusCode, 404);
      assert.equal((await refusals('person.family.refused', shieldedId)).length, 1);
      assert.equal((await verifyAuditChain(t.database.db)).ok, true);
    });
  });
}
