import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

test('embedded defaults need no configuration', () => {
  const c = loadConfig({});
  assert.equal(c.database.kind, 'pglite');
  assert.equal(c.port, 3000);
  assert.equal(c.session.idleMinutes, 30);
  assert.equal(c.session.absoluteHours, 12);
  assert.equal(c.mfaRequired, true);
  assert.equal(c.session.cookieSecure, false);
  assert.equal(c.consent.minAge, 12);
});

test('CONSENT_MIN_AGE sets the age below which a child cannot consent for themselves', () => {
  assert.equal(loadConfig({ CONSENT_MIN_AGE: '13' }).consent.minAge, 13);
  assert.throws(() => loadConfig({ CONSENT_MIN_AGE: '19' }), /CONSENT_MIN_AGE/);
});

test('ATTACHMENT_MAX_BYTES sets the largest attachment, 10 MB unless changed, within 1 KB to 50 MB', () => {
  assert.equal(loadConfig({}).attachments.maxBytes, 10 * 1024 * 1024);
  assert.equal(loadConfig({ ATTACHMENT_MAX_BYTES: '2097152' }).attachments.maxBytes, 2 * 1024 * 1024);
  assert.throws(() => loadConfig({ ATTACHMENT_MAX_BYTES: '100' }), /ATTACHMENT_MAX_BYTES must be at least 1024/);
  assert.throws(() => loadConfig({ ATTACHMENT_MAX_BYTES: String(51 * 1024 * 1024) }), /ATTACHMENT_MAX_BYTES/);
  assert.throws(() => loadConfig({ ATTACHMENT_MAX_BYTES: '10MB' }), /ATTACHMENT_MAX_BYTES/);
});

test('DATABASE_URL selects PostgreSQL', () => {
  const c = loadConfig({ DATABASE_URL: 'postgres://u:p@db.internal:5432/ehh' });
  assert.deepEqual(c.database, { kind: 'postgres', url: 'postgres://u:p@db.internal:5432/ehh' });
});

test('bad values give one clear line naming the variable', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty' }),
    (e: Error) => e instanceof ConfigError && /^Invalid configuration: PORT/.test(e.message),
  );
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL must start with postgres/);
  assert.throws(() => loadConfig({ SESSION_IDLE_MINUTES: '0' }), /SESSION_IDLE_MINUTES/);
  assert.throws(() => loadConfig({ OIDC_ISSUER: 'https://idp.example' }), /must be set together/);
});

test('production demands a real secret, HTTPS cookies and MFA', () => {
  const base = { NODE_ENV: 'production', BASE_URL: 'https://early-help.example.gov.uk' };
  assert.throws(() => loadConfig(base), /SESSION_SECRET is required/);
  assert.throws(() => loadConfig({ ...base, SESSION_SECRET: 'short' }), /at least 32/);
  const secret = 'x'.repeat(16) + 'y'.repeat(16) + 'z';
  assert.throws(() => loadConfig({ ...base, SESSION_SECRET: secret, MFA_REQUIRED: 'false' }), /MFA_REQUIRED/);
  assert.throws(() => loadConfig({ ...base, SESSION_SECRET: secret, COOKIE_SECURE: 'false' }), /COOKIE_SECURE/);
  const c = loadConfig({ ...base, SESSION_SECRET: secret });
  assert.equal(c.session.cookieSecure, true);
  assert.equal(c.seedDemo, false);
});
