import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENESIS_HASH, type HashedFields, hashEvent } from './audit.ts';

const event: HashedFields = {
  occurred_at: new Date('2026-11-23T10:00:00.123Z'),
  actor_user_id: '2f1c7c1e-8d7a-4c1e-9c1e-1c7c1e8d7a4c',
  actor_name: 'Dana Okafor',
  organisation_id: null,
  role: 'data_protection',
  action: 'person.index-card.viewed',
  record_type: 'person',
  record_id: 'abc',
  reason: null,
  request_id: 'r1',
  client_ip: '127.0.0.1',
  details: { b: 1, a: [2, { d: 3, c: 4 }] },
};

test('the hash is stable whatever the order of keys in details', () => {
  const reordered = { ...event, details: { a: [2, { c: 4, d: 3 }], b: 1 } };
  assert.equal(hashEvent(GENESIS_HASH, event), hashEvent(GENESIS_HASH, reordered));
});

test('any change to a field or to the previous hash changes the hash', () => {
  const h = hashEvent(GENESIS_HASH, event);
  assert.notEqual(hashEvent(GENESIS_HASH, { ...event, action: 'person.changed' }), h);
  assert.notEqual(hashEvent(GENESIS_HASH, { ...event, occurred_at: new Date('2026-11-23T10:00:00.124Z') }), h);
  assert.notEqual(hashEvent('1'.repeat(64), event), h);
  assert.match(h, /^[0-9a-f]{64}$/);
});
