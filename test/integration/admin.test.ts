import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/index.ts';
import { createUserRecord } from '../../src/features/admin/service.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { ValidationError } from '../../src/platform/errors.ts';
import { newTotpSecret } from '../../src/platform/totp.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

const idFrom = (location: unknown) => /\/admin\/users\/([0-9a-f-]{36})/.exec(String(location))?.[1] ?? '';

for (const engine of engines()) {
  describe(`administration on ${engine}`, () => {
    let t: TestApp;
    let adminUser: TestUser;
    let admin: TestClient;

    before(async () => {
      t = await startTestApp(engine);
      adminUser = await createUser(t.database.db, { roles: ['system_admin'], name: 'Ada Admin' });
      admin = new TestClient(t.app, t.clock);
      const res = await admin.signIn(adminUser);
      assert.equal(res.headers.location, '/');
    });
    after(async () => t.close());

    const db = () => t.database.db;
    const auditEvents = (action: string, recordId?: string) => {
      let q = db().selectFrom('audit_event').selectAll().where('action', '=', action);
      if (recordId) q = q.where('record_id', '=', recordId);
      return q.execute();
    };
    /** The users table only: the signed-in administrator's own name is in the page header. */
    const usersTable = (body: string) => body.split('data-qa="users"')[1] ?? '';
    const signedIn = async (user: TestUser) => {
      const client = new TestClient(t.app, t.clock);
      const res = await client.signIn(user);
      assert.equal(res.headers.location, '/');
      return client;
    };

    test('the index links to every section, including service accounts', async () => {
      const res = await admin.get('/admin');
      assert.equal(res.statusCode, 200);
      for (const href of [
        '/admin/organisations',
        '/admin/areas',
        '/admin/teams',
        '/admin/users',
        '/admin/service-accounts',
      ]) {
        assert.match(res.body, new RegExp(`href="${href}"`));
      }
    });

    test('anyone without the system administrator role gets the 403 page, for pages and for changes', async () => {
      const other = await createUser(db(), { roles: ['practitioner', 'manager', 'data_protection'] });
      const client = await signedIn(other);
      for (const url of [
        '/admin',
        '/admin/organisations',
        '/admin/organisations/new',
        '/admin/users',
        `/admin/users/${other.id}`,
      ]) {
        const res = await client.get(url);
        assert.equal(res.statusCode, 403, url);
        assert.match(res.body, /You do not have permission to see this page/);
      }
      await client.get('/account');
      const before = (await db().selectFrom('organisation').select('id').execute()).length;
      const posts: [string, Record<string, string | string[]>][] = [
        ['/admin/organisations', { name: 'Sneaky org', agencyType: 'school', tier: 'universal' }],
        ['/admin/organisations', { name: '' }],
        ['/admin/areas', { name: 'Sneaky area', kind: 'area' }],
        [
          '/admin/users',
          { email: 'sneak@example.org', name: 'S', organisationId: other.organisationId, roles: 'system_admin' },
        ],
        [`/admin/users/${adminUser.id}/disable`, {}],
        [`/admin/users/${adminUser.id}/reset-two-factor`, {}],
        [`/admin/users/${other.id}`, { name: 'Me', organisationId: other.organisationId, roles: 'system_admin' }],
      ];
      for (const [url, form] of posts) {
        const res = await client.post(url, form);
        assert.equal(res.statusCode, 403, url);
      }
      assert.equal((await db().selectFrom('organisation').select('id').execute()).length, before);
      const roles = await db().selectFrom('user_role').select('role').where('user_id', '=', other.id).execute();
      assert.ok(!roles.some((r) => r.role === 'system_admin'));
      assert.equal((await admin.get('/admin')).statusCode, 200, 'the administrator is still signed in');
    });

    test('an administrator adds and changes an organisation, audited', async () => {
      const form = await admin.get('/admin/organisations/new');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Youth justice service/);
      const res = await admin.post('/admin/organisations', {
        name: 'Riverside Academy',
        agencyType: 'school',
        tier: 'universal',
        phone: '01632 960 001',
        email: ' Office@Riverside.Example.ORG ',
      });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/admin/organisations?done=organisation-added');
      const list = await admin.get(String(res.headers.location));
      assert.match(list.body, /Organisation added/);
      assert.match(list.body, /Riverside Academy/);
      const org = await db()
        .selectFrom('organisation')
        .selectAll()
        .where('name', '=', 'Riverside Academy')
        .executeTakeFirstOrThrow();
      assert.equal(org.email, 'office@riverside.example.org');
      const created = await auditEvents('admin.organisation.created', org.id);
      assert.equal(created.length, 1);
      assert.equal(created[0]!.record_type, 'organisation');
      assert.equal(created[0]!.actor_user_id, adminUser.id);
      assert.equal(created[0]!.role, 'system_admin');

      const edit = await admin.get(`/admin/organisations/${org.id}/edit`);
      assert.match(edit.body, /value="Riverside Academy"/);
      const saved = await admin.post(`/admin/organisations/${org.id}`, {
        name: 'Riverside Academy',
        agencyType: 'school',
        tier: 'targeted',
        phone: '',
        email: '',
      });
      assert.equal(saved.statusCode, 303);
      const after = await db()
        .selectFrom('organisation')
        .selectAll()
        .where('id', '=', org.id)
        .executeTakeFirstOrThrow();
      assert.equal(after.tier, 'targeted');
      assert.equal(after.phone, null);
      const updated = await auditEvents('admin.organisation.updated', org.id);
      assert.deepEqual((updated[0]!.details as { changed: string[] }).changed.sort(), ['email', 'phone', 'tier']);
    });

    test('bad or duplicate organisation details show field errors with what was typed (400, not 500)', async () => {
      await createOrganisation(db(), { name: 'Hilltop Health Visiting' });
      await admin.get('/admin/organisations/new');
      const dup = await admin.post('/admin/organisations', {
        name: 'hilltop health visiting',
        agencyType: 'health',
        tier: 'universal',
        phone: '07700 900 123',
      });
      assert.equal(dup.statusCode, 400);
      assert.match(dup.body, /govuk-error-summary/);
      assert.match(dup.body, /An organisation with this name already exists/);
      assert.match(dup.body, /href="#name"/);
      assert.match(dup.body, /value="hilltop health visiting"/);
      assert.match(dup.body, /value="07700 900 123"/);

      const blank = await admin.post('/admin/organisations', { name: ' ', email: 'nope', agencyType: 'police' });
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /Enter a name/);
      assert.match(blank.body, /Select a tier/);
      assert.match(blank.body, /Enter an email address in the correct format, like name@example.org/);
      assert.match(blank.body, /value="nope"/);
      assert.match(blank.body, /<option value="police" selected/);

      const existing = await createOrganisation(db(), { name: 'Lowfield Police' });
      const rename = await admin.post(`/admin/organisations/${existing.id}`, {
        name: 'Hilltop Health Visiting',
        agencyType: 'police',
        tier: 'specialist',
      });
      assert.equal(rename.statusCode, 400);
      assert.match(rename.body, /An organisation with this name already exists/);
    });

    test('areas and clusters: add, nest, refuse a loop and a duplicate', async () => {
      const add = await admin.post('/admin/areas', { name: 'North Locality', kind: 'locality', parentId: '' });
      assert.equal(add.statusCode, 303);
      const north = await db()
        .selectFrom('area')
        .selectAll()
        .where('name', '=', 'North Locality')
        .executeTakeFirstOrThrow();
      const cluster = await admin.post('/admin/areas', {
        name: 'North Schools Cluster',
        kind: 'cluster',
        parentId: north.id,
      });
      assert.equal(cluster.statusCode, 303);
      const child = await db()
        .selectFrom('area')
        .selectAll()
        .where('name', '=', 'North Schools Cluster')
        .executeTakeFirstOrThrow();
      assert.equal(child.parent_id, north.id);
      const list = await admin.get('/admin/areas');
      assert.match(list.body, /North Schools Cluster/);

      const loop = await admin.post(`/admin/areas/${north.id}`, {
        name: 'North Locality',
        kind: 'locality',
        parentId: child.id,
      });
      assert.equal(loop.statusCode, 400);
      assert.match(loop.body, /An area cannot be part of itself or of an area inside it/);
      const dup = await admin.post('/admin/areas', { name: 'north locality', kind: 'locality' });
      assert.equal(dup.statusCode, 400);
      assert.match(dup.body, /An area of this kind with this name already exists/);
      const noKind = await admin.post('/admin/areas', { name: 'Somewhere' });
      assert.equal(noKind.statusCode, 400);
      assert.match(noKind.body, /Select what kind of area this is/);
      assert.equal((await auditEvents('admin.area.created', child.id)).length, 1);
    });

    test('teams: add to an organisation, list per organisation, refuse a duplicate name', async () => {
      const org = await createOrganisation(db(), { name: 'Eastgate Family Support', agency_type: 'local_authority' });
      const area = await db()
        .selectFrom('area')
        .select('id')
        .where('name', '=', 'North Locality')
        .executeTakeFirstOrThrow();
      const form = await admin.get(`/admin/teams/new?organisation=${org.id}`);
      assert.match(form.body, new RegExp(`<option value="${org.id}" selected`));
      const res = await admin.post('/admin/teams', {
        organisationId: org.id,
        name: 'Family Support North',
        areaId: area.id,
        phone: '',
        email: 'fsn@eastgate.example.org',
      });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/admin/teams?organisation=${org.id}&done=team-added`);
      const list = await admin.get(String(res.headers.location));
      assert.match(list.body, /Teams in Eastgate Family Support/);
      assert.match(list.body, /Family Support North/);
      assert.match(list.body, /Team added/);
      const team = await db()
        .selectFrom('team')
        .selectAll()
        .where('name', '=', 'Family Support North')
        .executeTakeFirstOrThrow();
      assert.equal(team.area_id, area.id);
      assert.equal((await auditEvents('admin.team.created', team.id)).length, 1);

      const dup = await admin.post('/admin/teams', { organisationId: org.id, name: 'family support north' });
      assert.equal(dup.statusCode, 400);
      assert.match(dup.body, /This organisation already has a team with this name/);
      const noOrg = await admin.post('/admin/teams', { organisationId: '', name: 'Floating team' });
      assert.equal(noOrg.statusCode, 400);
      assert.match(noOrg.body, /Select an organisation/);
      assert.match(noOrg.body, /value="Floating team"/);
    });

    test('users: add with roles, areas and a managed team; change; list, filter and search', async () => {
      const org = await db()
        .selectFrom('organisation')
        .select('id')
        .where('name', '=', 'Eastgate Family Support')
        .executeTakeFirstOrThrow();
      const team = await db()
        .selectFrom('team')
        .select('id')
        .where('name', '=', 'Family Support North')
        .executeTakeFirstOrThrow();
      const area = await db()
        .selectFrom('area')
        .select('id')
        .where('name', '=', 'North Locality')
        .executeTakeFirstOrThrow();
      const first = await admin.get('/admin/users/new');
      assert.match(first.body, /Which organisation do they work for\?/);
      assert.doesNotMatch(first.body, /<legend[^>]*>\s*Roles\s*<\/legend>/);
      const junk = await admin.get('/admin/users/new?organisationId=not-an-id');
      assert.match(junk.body, /Select the organisation they work for/);
      const form = await admin.get(`/admin/users/new?organisationId=${org.id}`);
      assert.match(form.body, /<legend[^>]*>\s*Roles\s*<\/legend>/);
      assert.match(form.body, /Integrated processes officer/);
      // Only the organisation's own teams are offered, and a team of another organisation is refused.
      const teamIds = [...form.body.matchAll(/name="teams" type="checkbox" value="([0-9a-f-]+)"/g)].map((m) => m[1]);
      const orgTeams = await db().selectFrom('team').select('id').where('organisation_id', '=', org.id).execute();
      assert.deepEqual(teamIds.sort(), orgTeams.map((x) => x.id).sort());
      const elsewhere = await db()
        .insertInto('team')
        .values({ organisation_id: (await createOrganisation(db())).id, name: 'Another organisation’s team' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const mixed = await admin.post('/admin/users', {
        email: 'mixed@eastgate.example.org',
        name: 'Mixed Teams',
        organisationId: org.id,
        roles: 'practitioner',
        teams: elsewhere.id,
        password: 'a long temporary password',
      });
      assert.equal(mixed.statusCode, 400);
      assert.match(mixed.body, /Select teams of the user’s own organisation/);
      // Without single sign-on, a new user needs a temporary password to be able to sign in at all.
      const noPassword = await admin.post('/admin/users', {
        email: 'nopass@eastgate.example.org',
        name: 'No Password',
        organisationId: org.id,
        roles: 'practitioner',
      });
      assert.equal(noPassword.statusCode, 400);
      assert.match(noPassword.body, /single sign-on is not set up, so they need one to sign in/);
      const res = await admin.post('/admin/users', {
        email: '  Priya.Shah@Eastgate.Example.ORG ',
        name: 'Priya Shah',
        jobTitle: 'Family support worker',
        phone: '',
        organisationId: org.id,
        roles: ['practitioner', 'manager'],
        areas: area.id,
        teams: [],
        managedTeams: team.id,
        password: 'a long temporary password',
      });
      assert.equal(res.statusCode, 303);
      const id = idFrom(res.headers.location);
      assert.ok(id);
      assert.doesNotMatch(String(res.headers.location), /priya/i);
      const page = await admin.get(String(res.headers.location));
      assert.match(page.body, /User added/);
      assert.match(page.body, /priya.shah@eastgate.example.org/);
      assert.match(page.body, /Family Support North, Eastgate Family Support \(manager\)/);
      const stored = await db().selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(stored.email, 'priya.shah@eastgate.example.org');
      assert.match(String(stored.password_hash), /^\$argon2id\$/);
      const membership = await db().selectFrom('user_team').selectAll().where('user_id', '=', id).execute();
      assert.deepEqual(
        membership.map((m) => [m.team_id, m.is_manager]),
        [[team.id, true]],
      );
      const created = await auditEvents('admin.user.created', id);
      assert.equal(created.length, 1);
      assert.doesNotMatch(JSON.stringify(created[0]!.details), /temporary password|argon/);

      // The new person signs in with the temporary password and must set up two-factor authentication.
      const newcomer = new TestClient(t.app, t.clock);
      await newcomer.get('/sign-in');
      const signIn = await newcomer.post('/sign-in', {
        email: 'priya.shah@eastgate.example.org',
        password: 'a long temporary password',
      });
      assert.equal(signIn.headers.location, '/sign-in/set-up-two-factor');

      const dup = await admin.post('/admin/users', {
        email: 'PRIYA.SHAH@eastgate.example.org',
        name: 'Another Priya',
        organisationId: org.id,
        roles: 'practitioner',
        password: 'a long temporary password',
      });
      assert.equal(dup.statusCode, 400);
      assert.match(dup.body, /A user with this email address already exists/);
      assert.match(dup.body, /value="Another Priya"/);
      const noRole = await admin.post('/admin/users', { email: 'x@example.org', name: 'X', organisationId: org.id });
      assert.equal(noRole.statusCode, 400);
      assert.match(noRole.body, /Select at least one role/);

      const edit = await admin.get(`/admin/users/${id}/edit`);
      assert.match(edit.body, /value="manager" checked/);
      const saved = await admin.post(`/admin/users/${id}`, {
        name: 'Priya Shah',
        jobTitle: 'Senior family support worker',
        organisationId: org.id,
        roles: ['practitioner', 'panel_member'],
        teams: team.id,
      });
      assert.equal(saved.statusCode, 303);
      const roles = await db()
        .selectFrom('user_role')
        .select('role')
        .where('user_id', '=', id)
        .orderBy('role')
        .execute();
      assert.deepEqual(
        roles.map((r) => r.role),
        ['panel_member', 'practitioner'],
      );
      const after = await db().selectFrom('user_team').selectAll().where('user_id', '=', id).execute();
      assert.deepEqual(
        after.map((m) => m.is_manager),
        [false],
      );
      const updated = await auditEvents('admin.user.updated', id);
      assert.deepEqual((updated[0]!.details as { changed: string[] }).changed.sort(), [
        'areas',
        'jobTitle',
        'managedTeams',
        'roles',
      ]);

      const byRole = await admin.get('/admin/users?role=panel_member');
      assert.match(usersTable(byRole.body), /Priya Shah/);
      assert.doesNotMatch(usersTable(byRole.body), /Ada Admin/);
      const byOrg = await admin.get(`/admin/users?organisation=${org.id}`);
      assert.match(usersTable(byOrg.body), /Priya Shah/);
      assert.doesNotMatch(usersTable(byOrg.body), /Ada Admin/);
      const search = await admin.post('/admin/users/search', { q: 'PRIYA.SHAH@', organisation: '', role: '' });
      assert.equal(search.statusCode, 200);
      assert.match(usersTable(search.body), /Priya Shah/);
      assert.doesNotMatch(usersTable(search.body), /Ada Admin/);
      assert.match(search.body, /1 user</);
      const none = await admin.post('/admin/users/search', { q: '100%_' });
      assert.match(none.body, /No users match/);
    });

    test('disabling a user signs them out everywhere; re-enabling lets them back', async () => {
      const user = await createUser(db(), { roles: ['practitioner'] });
      const client = await signedIn(user);
      const second = await signedIn(user);
      assert.equal((await client.get('/')).statusCode, 200);
      await admin.get(`/admin/users/${user.id}`);
      const res = await admin.post(`/admin/users/${user.id}/disable`, {});
      assert.equal(res.headers.location, `/admin/users/${user.id}?done=disabled`);
      for (const c of [client, second]) {
        const home = await c.get('/');
        assert.equal(home.statusCode, 303);
        assert.equal(home.headers.location, '/sign-in');
      }
      const sessions = await db().selectFrom('user_session').select('id').where('user_id', '=', user.id).execute();
      assert.equal(sessions.length, 0);
      const again = new TestClient(t.app, t.clock);
      await again.get('/sign-in');
      const refused = await again.post('/sign-in', { email: user.email, password: user.password });
      assert.match(refused.body, /switched off/);
      const page = await admin.get(`/admin/users/${user.id}?done=disabled`);
      assert.match(page.body, /Re-enable account/);
      assert.equal((await auditEvents('admin.user.disabled', user.id)).length, 1);

      await admin.post(`/admin/users/${user.id}/enable`, {});
      await signedIn(user);
      assert.equal((await auditEvents('admin.user.enabled', user.id)).length, 1);
    });

    test('an administrator cannot disable themselves or drop their own administrator role', async () => {
      await admin.get(`/admin/users/${adminUser.id}`);
      const disable = await admin.post(`/admin/users/${adminUser.id}/disable`, {});
      assert.equal(disable.statusCode, 400);
      assert.match(disable.body, /You cannot disable your own account/);
      const demote = await admin.post(`/admin/users/${adminUser.id}`, {
        name: 'Ada Admin',
        organisationId: adminUser.organisationId,
        roles: 'practitioner',
      });
      assert.equal(demote.statusCode, 400);
      assert.match(demote.body, /You cannot remove the system administrator role from your own account/);
      assert.equal((await admin.get('/admin')).statusCode, 200);
    });

    test('resetting two-factor ends their sessions and makes them set it up again', async () => {
      const user = await createUser(db(), { roles: ['practitioner'] });
      const client = await signedIn(user);
      await admin.get(`/admin/users/${user.id}`);
      const res = await admin.post(`/admin/users/${user.id}/reset-two-factor`, {});
      assert.equal(res.statusCode, 303);
      assert.equal((await client.get('/')).headers.location, '/sign-in');
      const stored = await db().selectFrom('app_user').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(stored.totp_secret, null);
      assert.equal(stored.totp_enrolled_at, null);
      assert.deepEqual(stored.recovery_code_hashes, []);
      const fresh = new TestClient(t.app, t.clock);
      const signIn = await fresh.signIn(user);
      assert.equal(signIn.headers.location, '/sign-in/set-up-two-factor');
      const events = await auditEvents('admin.user.two-factor-reset', user.id);
      assert.equal(events.length, 1);
      assert.equal((events[0]!.details as { sessionsEnded: number }).sessionsEnded, 1);
    });

    test('unlocking a locked account lets them sign in at once', async () => {
      const user = await createUser(db(), { roles: ['practitioner'] });
      const attacker = new TestClient(t.app, t.clock);
      await attacker.get('/sign-in');
      for (let i = 0; i < t.config.signIn.maxFailures; i++) {
        await attacker.post('/sign-in', { email: user.email, password: 'not the password' });
      }
      const locked = await db()
        .selectFrom('app_user')
        .select('locked_until')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.ok(locked.locked_until && locked.locked_until > t.clock.now());
      const page = await admin.get(`/admin/users/${user.id}`);
      assert.match(page.body, /Unlock account/);
      const list = await admin.get(`/admin/users?organisation=${user.organisationId}`);
      assert.match(list.body, /govuk-tag--orange">\s*Locked/);
      await admin.post(`/admin/users/${user.id}/unlock`, {});
      const after = await db().selectFrom('app_user').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(after.locked_until, null);
      assert.equal(after.failed_sign_ins, 0);
      await signedIn(user);
      assert.equal((await auditEvents('admin.user.unlocked', user.id)).length, 1);
    });

    test('a temporary password must be strong; once set it works and the old one does not', async () => {
      const user = await createUser(db(), { roles: ['practitioner'] });
      const form = await admin.get(`/admin/users/${user.id}/password`);
      assert.equal(form.statusCode, 200);
      const weak = await admin.post(`/admin/users/${user.id}/password`, { password: 'short' });
      assert.equal(weak.statusCode, 400);
      assert.match(weak.body, /Password must be 12 characters or more/);
      const ok = await admin.post(`/admin/users/${user.id}/password`, { password: 'brand new temporary words' });
      assert.equal(ok.statusCode, 303);
      await signedIn({ ...user, password: 'brand new temporary words' });
      const old = new TestClient(t.app, t.clock);
      await old.get('/sign-in');
      assert.equal((await old.post('/sign-in', { email: user.email, password: user.password })).statusCode, 400);
      const events = await auditEvents('admin.user.password-set', user.id);
      assert.equal(events.length, 1);
      assert.doesNotMatch(JSON.stringify(events[0]!.details), /brand new/);
    });

    test('unknown or malformed record ids are 404', async () => {
      assert.equal((await admin.get('/admin/users/not-an-id')).statusCode, 404);
      assert.equal((await admin.get('/admin/users/00000000-0000-4000-8000-000000000000')).statusCode, 404);
      assert.equal((await admin.get('/admin/organisations/00000000-0000-4000-8000-000000000000/edit')).statusCode, 404);
      const svc = await createUser(db(), { roles: ['practitioner'] });
      await db().updateTable('app_user').set({ kind: 'service' }).where('id', '=', svc.id).execute();
      assert.equal(
        (await admin.get(`/admin/users/${svc.id}`)).statusCode,
        404,
        'service accounts are managed elsewhere',
      );
    });

    test('createUserRecord: by organisation name, enrolled with a supplied TOTP secret, audited', async () => {
      const org = await createOrganisation(db(), { name: 'Westbrook Primary School' });
      const secret = newTotpSecret();
      const { id, organisationId } = await createUserRecord(db(), t.clock, {
        email: 'Automation.Admin@Westbrook.example.org',
        name: 'Automation Admin',
        organisation: 'westbrook primary school',
        roles: ['system_admin', 'practitioner'],
        password: 'a long automation password',
        totpSecret: secret,
        jobTitle: 'Business manager',
      });
      assert.equal(organisationId, org.id);
      const stored = await db().selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(stored.email, 'automation.admin@westbrook.example.org');
      assert.ok(stored.totp_enrolled_at);
      const client = await signedIn({
        id,
        email: 'automation.admin@westbrook.example.org',
        password: 'a long automation password',
        totpSecret: secret,
        organisationId,
      });
      assert.equal((await client.get('/admin')).statusCode, 200);
      const events = await auditEvents('admin.user.created', id);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.actor_user_id, null);
      assert.equal((events[0]!.details as { via: string }).via, 'command line');

      const byId = await createUserRecord(db(), t.clock, {
        email: 'second@westbrook.example.org',
        name: 'Second',
        organisation: org.id,
        roles: ['practitioner'],
      });
      assert.equal(byId.organisationId, org.id);

      await assert.rejects(
        createUserRecord(db(), t.clock, {
          email: 'x@example.org',
          name: 'X',
          organisation: 'Nowhere High',
          roles: ['practitioner'],
        }),
        (err: unknown) =>
          err instanceof ValidationError && /No organisation is called "Nowhere High"/.test(err.errors[0]!.message),
      );
      await assert.rejects(
        createUserRecord(db(), t.clock, {
          email: 'AUTOMATION.admin@westbrook.example.org',
          name: 'Dup',
          organisation: org.id,
          roles: ['practitioner'],
        }),
        (err: unknown) =>
          err instanceof ValidationError && err.errors[0]!.message === 'A user with this email address already exists',
      );
      await assert.rejects(
        createUserRecord(db(), t.clock, {
          email: 'bad',
          name: '',
          organisation: org.id,
          roles: ['wizard'],
          password: 'short',
          totpSecret: 'not base32!',
        }),
        (err: unknown) =>
          err instanceof ValidationError &&
          err.errors.map((e) => e.field).join() === 'email,name,roles,password,totpSecret' &&
          /Valid roles are: practitioner/.test(err.errors[2]!.message),
      );
      const firstRun = await createUserRecord(db(), t.clock, {
        email: 'first@newcouncil.example.org',
        name: 'First',
        organisation: 'New Council',
        roles: ['system_admin'],
        createOrganisation: { agencyType: 'local_authority', tier: 'targeted' },
      });
      const created = await db()
        .selectFrom('organisation')
        .selectAll()
        .where('id', '=', firstRun.organisationId)
        .executeTakeFirstOrThrow();
      assert.deepEqual([created.name, created.agency_type], ['New Council', 'local_authority']);
      assert.equal((await auditEvents('admin.organisation.created', created.id)).length, 1);

      const other = await createUser(db(), { roles: ['practitioner'] });
      await assert.rejects(
        createUserRecord(
          db(),
          t.clock,
          { email: 'y@example.org', name: 'Y', organisation: org.id, roles: ['system_admin'] },
          {
            actor: {
              userId: other.id,
              name: 'Test User',
              email: other.email,
              organisationId: other.organisationId,
              organisationName: '',
              roles: ['practitioner'],
              areaIds: [],
              teamIds: [],
              managedTeamIds: [],
              via: 'session',
            },
            requestId: 'r',
            clientIp: '127.0.0.1',
            at: t.clock.now(),
          },
        ),
        /permission/,
      );
    });

    test('every change left an intact audit trail', async () => {
      const result = await verifyAuditChain(db());
      assert.equal(result.ok, true);
    });
  });
}

describe('early-help create-user arguments', () => {
  async function run(args: string[]) {
    const lines: string[] = [];
    const original = console.error;
    console.error = (...parts: unknown[]) => {
      lines.push(parts.join(' '));
    };
    try {
      return { code: await main(['create-user', ...args]), stderr: lines.join('\n') };
    } finally {
      console.error = original;
    }
  }
  const base = ['--email', 'a@example.org', '--name', 'A Person', '--org', 'Some Org'];

  test('an unknown role fails with the list of valid roles', async () => {
    const { code, stderr } = await run([...base, '--role', 'practitioner', '--role', 'wizard']);
    assert.equal(code, 1);
    assert.match(stderr, /Unknown role "wizard"\. Valid roles: practitioner, manager/);
  });

  test('missing options, weak passwords and bad TOTP secrets fail before touching a database', async () => {
    assert.match((await run(['--email', 'a@example.org', '--role', 'manager'])).stderr, /Give --name/);
    assert.match((await run(base)).stderr, /Give at least one --role/);
    const weak = await run([...base, '--role', 'manager', '--password', 'short']);
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /12 characters or more/);
    const notBase32 = await run([...base, '--role', 'manager', '--totp-secret', 'abc1!']);
    assert.equal(notBase32.code, 1);
    assert.match(notBase32.stderr, /base32/);
    const short = await run([...base, '--role', 'manager', '--totp-secret', 'JBSWY3DPEHPK3PXP']);
    assert.equal(short.code, 1);
    assert.match(short.stderr, /16 or more/);
    assert.equal((await run([...base, '--role', 'manager', '--bogus', 'x'])).code, 1);
    assert.match(
      (await run([...base, '--role', 'manager', '--create-org', '--org-type', 'bakery'])).stderr,
      /--org-type/,
    );
  });
});
