import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Q } from '../../db/connection.ts';
import type { Actor } from '../../platform/access.ts';
import { type ConcernSubjectRecord, frontDoorDecisionSubject, needLevelSubject } from './subjects.ts';

/** A database that fails on any use: the check must be answered from the record it was given. */
const noDatabase = new Proxy({} as Q, {
  get() {
    throw new Error('the database was queried');
  },
});

const actor = (userId: string): Actor => ({
  userId,
  name: 'Test User',
  email: 'test.user@example.invalid',
  organisationId: '00000000-0000-4000-8000-0000000000a1',
  organisationName: 'Test School',
  roles: ['practitioner'],
  areaIds: [],
  teamIds: [],
  managedTeamIds: [],
  via: 'session',
});

const decision: ConcernSubjectRecord = {
  id: '00000000-0000-4000-8000-0000000000d1',
  personId: '00000000-0000-4000-8000-0000000000c1',
  title: 'Front door decision',
  decidedBy: '00000000-0000-4000-8000-0000000000b1',
  decidedByOrganisationId: '00000000-0000-4000-8000-0000000000a2',
  decidedAt: new Date('2026-12-01T10:00:00Z'),
  requestedBy: '00000000-0000-4000-8000-0000000000b2',
  href: '/front-door/contacts/00000000-0000-4000-8000-0000000000e1',
};

test('the referrer of a front-door contact may disagree with its decision, read from the contact already loaded', async () => {
  const at = new Date('2026-12-02T10:00:00Z');
  assert.equal(
    await frontDoorDecisionSubject.mayRaise(noDatabase, actor('00000000-0000-4000-8000-0000000000b2'), decision, at),
    true,
  );
});

test('the person who made a decision may not disagree with it, whatever the kind, without a query', async () => {
  const at = new Date('2026-12-02T10:00:00Z');
  const maker = actor('00000000-0000-4000-8000-0000000000b1');
  assert.equal(await frontDoorDecisionSubject.mayRaise(noDatabase, maker, decision, at), false);
  assert.equal(await needLevelSubject.mayRaise(noDatabase, maker, decision, at), false);
});
