import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseForm } from '../../platform/forms.ts';
import { newTotpSecret } from '../../platform/totp.ts';
import { AreaForm, OrganisationForm, parseTotpSecret, UserCreateForm, UserFilter, unknownRoles } from './schemas.ts';

const ORG = '3f2b8c1e-0000-4000-8000-000000000001';

describe('admin form schemas', () => {
  test('an organisation needs a name, a type and a tier, in GOV.UK words', () => {
    const result = parseForm(OrganisationForm, { name: '  ', agencyType: '', tier: '' });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.errors, [
      { field: 'name', message: 'Enter a name' },
      { field: 'agencyType', message: 'Select the type of organisation' },
      { field: 'tier', message: 'Select a tier' },
    ]);
  });

  test('organisation email is trimmed and lowercased; empty optional fields become null', () => {
    const result = parseForm(OrganisationForm, {
      name: ' Northfield Primary ',
      agencyType: 'school',
      tier: 'universal',
      phone: '',
      email: '  Office@Northfield.Example.ORG ',
    });
    assert.ok(result.ok);
    assert.deepEqual(result.data, {
      name: 'Northfield Primary',
      agencyType: 'school',
      tier: 'universal',
      phone: null,
      email: 'office@northfield.example.org',
      sensitiveCategory: null,
      safeguardingLeadId: null,
    });
  });

  test('a badly formed email or telephone number is named', () => {
    const result = parseForm(OrganisationForm, {
      name: 'X',
      agencyType: 'health',
      tier: 'targeted',
      phone: 'call me',
      email: 'not-an-email',
    });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(
      result.errors.map((e) => e.message),
      [
        'Enter a telephone number, like 01632 960 001',
        'Enter an email address in the correct format, like name@example.org',
      ],
    );
  });

  test('an unknown agency type or area kind is refused', () => {
    assert.equal(parseForm(OrganisationForm, { name: 'X', agencyType: 'bakery', tier: 'universal' }).ok, false);
    const area = parseForm(AreaForm, { name: 'North', kind: 'galaxy', parentId: 'nope' });
    assert.equal(area.ok, false);
    if (area.ok) return;
    assert.deepEqual(
      area.errors.map((e) => e.field),
      ['kind', 'parentId'],
    );
  });

  test('a user needs at least one known role; one checkbox arrives as a string', () => {
    const base = { email: 'a.person@example.org', name: 'A Person', organisationId: ORG };
    const none = parseForm(UserCreateForm, base);
    assert.equal(none.ok, false);
    if (!none.ok) assert.equal(none.errors[0]?.message, 'Select at least one role');
    const bogus = parseForm(UserCreateForm, { ...base, roles: ['practitioner', 'overlord'] });
    assert.equal(bogus.ok, false);
    const one = parseForm(UserCreateForm, { ...base, roles: 'manager', managedTeams: ORG });
    assert.ok(one.ok);
    assert.deepEqual(one.data.roles, ['manager']);
    assert.deepEqual(one.data.managedTeams, [ORG]);
    assert.equal(one.data.password, null);
  });

  test('a temporary password must be strong enough', () => {
    const result = parseForm(UserCreateForm, {
      email: 'a@example.org',
      name: 'A',
      organisationId: ORG,
      roles: 'practitioner',
      password: 'short',
    });
    assert.equal(result.ok, false);
    if (!result.ok)
      assert.deepEqual(result.errors, [{ field: 'password', message: 'Password must be 12 characters or more' }]);
  });

  test('list filters ignore what they do not recognise instead of failing', () => {
    assert.deepEqual(UserFilter.parse({ organisation: 'x', role: 'overlord', page: '-3', q: '  ' }), {
      organisation: undefined,
      role: undefined,
      q: undefined,
      page: 1,
    });
    const f = UserFilter.parse({ role: 'manager', page: '2' });
    assert.equal(f.role, 'manager');
    assert.equal(f.page, 2);
    assert.equal(f.organisation, undefined);
  });

  test('TOTP secrets must be base32 and at least 16 bytes', () => {
    const good = newTotpSecret();
    const parsed = parseTotpSecret(good.toLowerCase().replace(/(.{4})/g, '$1 '));
    assert.ok(parsed.ok);
    if (parsed.ok) assert.equal(parsed.secret, good);
    const notBase32 = parseTotpSecret('ABC1DEF8');
    assert.equal(notBase32.ok, false);
    if (!notBase32.ok) assert.match(notBase32.problem, /base32/);
    const short = parseTotpSecret('JBSWY3DPEHPK3PXP');
    assert.equal(short.ok, false);
    if (!short.ok) assert.match(short.problem, /10 bytes/);
    assert.ok(parseTotpSecret('A'.repeat(26)).ok);
    assert.equal(parseTotpSecret('A'.repeat(25)).ok, false);
  });

  test('unknown roles are named', () => {
    assert.deepEqual(unknownRoles(['manager', 'wizard', 'system_admin']), ['wizard']);
  });
});
