import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { RouteOptions } from 'fastify';
import { AUDIT_ROLES, REGISTER_ROLES, SHIELD_ROLES } from '../features/people/service.ts';
import { DUPLICATE_ROLES, INDEX_ROLES } from './access.ts';
import {
  ACTIONS,
  type Action,
  can,
  declareRouteAction,
  POLICY_TABLE_END,
  POLICY_TABLE_START,
  policyTable,
  ROUTES,
  routeAction,
} from './policy.ts';
import { CASE_DETAIL_ROLES, OVERRIDE_ROLES } from './sharing.ts';

const route = (method: string, url: string, config: Record<string, unknown> = {}) =>
  ({ method, url, config, handler: async () => '' }) as unknown as RouteOptions;

test('the user guide’s table of who may do what is the one the access policy makes', () => {
  const guide = readFileSync(new URL('../../docs/user-guide.md', import.meta.url), 'utf8');
  const start = guide.indexOf(POLICY_TABLE_START);
  const end = guide.indexOf(POLICY_TABLE_END);
  assert.ok(start >= 0 && end > start, 'docs/user-guide.md has no policy table markers');
  const inDoc = guide.slice(start + POLICY_TABLE_START.length, end).trim();
  assert.equal(
    inDoc,
    policyTable().trim(),
    'docs/user-guide.md’s table of who may do what is out of date: replace it (markers included) with the output of `./bin/early-help policy-table`',
  );
});

test('a route without an action is refused with the route and the file to edit; HEAD twins take the GET action', () => {
  assert.throws(
    () => declareRouteAction(route('GET', '/reports/:id')),
    /Route GET \/reports\/:id has no access-policy action\. Add one line to ROUTES in src\/platform\/policy\.ts, e\.g\. 'GET \/reports\/:id'/,
  );
  const head = route('HEAD', '/people/:id');
  declareRouteAction(head);
  assert.equal(head.config?.action, 'person.read-card');
  assert.equal(routeAction('HEAD', '/openreferral/'), 'open-referral.read');
  // A route may carry its own action; the table and the route must then agree.
  const own = route('GET', '/reports', { action: 'home.read' });
  declareRouteAction(own);
  assert.equal(own.config?.action, 'home.read');
  assert.throws(() => declareRouteAction(route('GET', '/people/:id', { action: 'home.read' })), /ROUTES .* says/);
});

test('the policy says what the features have always checked', () => {
  const allowed = (action: Action) =>
    (
      [
        'practitioner',
        'manager',
        'front_door',
        'integrated_processes',
        'panel_admin',
        'panel_chair',
        'panel_member',
        'analyst',
        'data_protection',
        'system_admin',
      ] as const
    ).filter((r) => can({ roles: [r] }, action));
  const same = (action: Action, roles: readonly string[]) =>
    assert.deepEqual(allowed(action).sort(), [...roles].sort(), `${action} and the feature's own roles differ`);
  same('person.read-card', INDEX_ROLES);
  same('person.search', INDEX_ROLES);
  same('person.register', REGISTER_ROLES);
  same('person.change-details', REGISTER_ROLES);
  same('person.shield', SHIELD_ROLES);
  same('shielding.decide-lift', SHIELD_ROLES);
  same('consent.read', CASE_DETAIL_ROLES);
  same('case-note.read', CASE_DETAIL_ROLES);
  same('duplicates.review', DUPLICATE_ROLES);
  same('audit.history.read', AUDIT_ROLES);
  // Recording sharing without consent is narrower still, checked by the consent service within this action.
  for (const r of OVERRIDE_ROLES) assert.ok(can({ roles: [r] }, 'sharing-decision.record'), r);
  same('duplicates.merge', DUPLICATE_ROLES);
  assert.deepEqual(allowed('admin.users.manage'), ['system_admin']);
  assert.equal(can(null, 'sign-in'), true);
  assert.equal(can(null, 'home.read'), false);
  assert.equal(can({ roles: [] }, 'home.read'), true);
  for (const [key, action] of Object.entries(ROUTES)) assert.ok(action in ACTIONS, key);
});
