import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TokenRow } from './repository.ts';
import { expiryChoices, ownTokenForm, ServiceAccountForm, tokenForm } from './schemas.ts';
import { expiryDate, newTokenValue, tokenStatus } from './service.ts';

const now = new Date('2026-11-23T09:00:00Z');
const row = (over: Partial<TokenRow> = {}): TokenRow => ({
  id: 'id',
  user_id: 'u',
  name: 'n',
  prefix: 'ehh_abcd',
  created_by: null,
  created_at: now,
  expires_at: null,
  last_used_at: null,
  revoked_at: null,
  ...over,
});

describe('tokens', () => {
  test('a new token is ehh_ and 32 random bytes, never the same twice', () => {
    const a = newTokenValue();
    assert.match(a, /^ehh_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, newTokenValue());
  });

  test('status: revoked wins, then expired (at the expiry instant), else active', () => {
    assert.equal(tokenStatus(row(), now), 'active');
    assert.equal(tokenStatus(row({ expires_at: new Date(now.getTime() + 1) }), now), 'active');
    assert.equal(tokenStatus(row({ expires_at: now }), now), 'expired');
    assert.equal(tokenStatus(row({ expires_at: now, revoked_at: now }), now), 'revoked');
  });

  test('expiry is whole days from now', () => {
    assert.equal(expiryDate(now, 30).toISOString(), '2026-12-23T09:00:00.000Z');
  });
});

describe('forms', () => {
  test('token form: a name and an expiry choice within the maximum; never is not a choice', () => {
    assert.deepEqual(expiryChoices(90), [7, 30, 90]);
    assert.deepEqual(expiryChoices(365), [7, 30, 90, 180, 365]);
    assert.deepEqual(expiryChoices(45), [7, 30, 45]);
    assert.deepEqual(expiryChoices(1), [1]);
    assert.deepEqual(tokenForm(90).parse({ name: ' Script ', expiry: '90' }), { name: 'Script', expiry: 90 });
    for (const expiry of ['never', '365', '0', '-1', '91']) {
      assert.equal(tokenForm(90).safeParse({ name: 'Script', expiry }).success, false, expiry);
    }
    const bad = tokenForm(90).safeParse({ name: '', expiry: '1000' });
    assert.deepEqual(
      bad.error?.issues.map((i) => i.message),
      ['Enter a name for the token', 'Select when the token expires'],
    );
  });

  test('own token form: the password is asked for again', () => {
    const bad = ownTokenForm(90).safeParse({ name: 'Script', expiry: '30' });
    assert.deepEqual(
      bad.error?.issues.map((i) => i.message),
      ['Enter your password'],
    );
    assert.equal(ownTokenForm(90).parse({ name: 'Script', expiry: '30', password: 'x' }).password, 'x');
  });

  test('service account form: identifier like an email, roles from the list', () => {
    const ok = ServiceAccountForm.parse({
      name: 'Case system',
      identifier: ' Case-System@Council.Example ',
      organisationId: '0b6c8f6e-3c1a-4d8e-9f5b-2a7d4e1c9b30',
      roles: 'practitioner',
    });
    assert.equal(ok.identifier, 'case-system@council.example');
    assert.deepEqual(ok.roles, ['practitioner']);
    const bad = ServiceAccountForm.safeParse({ name: 'x', identifier: 'x', organisationId: 'x', roles: ['root'] });
    assert.deepEqual(
      bad.error?.issues.map((i) => i.path[0]),
      ['identifier', 'organisationId', 'roles'],
    );
  });
});
