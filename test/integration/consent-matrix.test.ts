/**
 * The access-control matrix for case detail: every consent state × role × relationship, allow and deny.
 * One general note, recorded by a school, is the case detail each cell tries to read three ways: the
 * notes page, the note by its id, and caseDetailAccess() itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { AgencyType, DB, Role } from '../../src/db/schema.ts';
import { loadActor, SessionStore } from '../../src/platform/sessions.ts';
import { caseDetailAccess } from '../../src/platform/sharing.ts';
import { SESSION_COOKIE } from '../../src/platform/web.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

const STATES = [
  'no consent',
  'consent given in scope',
  'consent given to another organisation',
  'consent given for another purpose',
  'consent refused',
  'consent withdrawn',
  'consent past its review date',
  'lawful basis recorded',
  'lawful basis replaced by a decision not to share',
] as const;
type State = (typeof STATES)[number];
const ROLES: Role[] = ['practitioner', 'manager', 'front_door', 'panel_member', 'analyst'];
const RELATIONSHIPS = [
  'involved',
  'through their team',
  'same organisation, not involved',
  'other organisation, involved',
  'no relationship',
] as const;
type Rel = (typeof RELATIONSHIPS)[number];

/** The rule, written out once: what each cell must see. */
function expected(state: State, role: Role, rel: Rel): { status: 200 | 403 | 404; sees: boolean; basis?: string } {
  if (role === 'analyst') return { status: 403, sees: false };
  if (rel === 'no relationship') return { status: 404, sees: false };
  if (rel !== 'other organisation, involved') return { status: 200, sees: true, basis: 'own_agency' };
  if (state === 'consent given in scope') return { status: 200, sees: true, basis: 'consent' };
  if (state === 'lawful basis recorded') return { status: 200, sees: true, basis: 'lawful_basis' };
  return { status: 200, sees: false };
}

const NOW = new Date('2026-11-23T10:00:00Z');

for (const engine of engines()) {
  describe(`case detail access matrix on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    const orgs: Record<string, string> = {};
    const children = new Map<State, { id: string; noteId: string }>();
    const users = new Map<string, { user: TestUser; client: TestClient }>();
    let author: TestUser;

    async function person(kind: 'child' | 'adult', given: string) {
      return (
        await db
          .insertInto('person')
          .values({
            kind,
            given_name: given,
            middle_names: null,
            family_name: 'Matrix',
            known_as: null,
            date_of_birth: kind === 'child' ? '2014-01-01' : '1984-01-01',
            expected_date_of_birth: null,
            sex: 'U',
            nhs_number: null,
            upn: null,
            ethnicity: null,
            first_language: null,
            date_of_death: null,
            created_by: null,
            updated_at: NOW,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    }
    async function involve(personId: string, organisationId: string, userId: string | null, teamId: string | null) {
      await db
        .insertInto('involvement')
        .values({
          person_id: personId,
          organisation_id: organisationId,
          team_id: teamId,
          user_id: userId,
          role: 'Practitioner',
          started_on: '2025-01-01',
          ended_on: null,
          contact_phone: null,
          contact_email: null,
        })
        .execute();
    }
    async function consent(
      personId: string,
      parentId: string,
      decision: 'given' | 'refused',
      purposes: ('information_sharing' | 'panel_discussion')[],
      recipient: { kind: 'organisation'; id: string } | { kind: 'agency_type'; type: AgencyType },
      extra: { review_on?: string; withdrawn?: boolean } = {},
    ) {
      const row = await db
        .insertInto('consent')
        .values({
          person_id: personId,
          household_id: null,
          given_by_person_id: parentId,
          given_by_kind: 'parent_carer',
          decision,
          purposes,
          service_name: null,
          method: 'in_person',
          obtained_on: '2025-06-01',
          review_on: extra.review_on ?? null,
          explained: null,
          withdrawn_on: extra.withdrawn ? '2026-11-01' : null,
          withdrawn_reason: extra.withdrawn ? 'Changed their mind' : null,
          withdrawn_by: extra.withdrawn ? author.id : null,
          withdrawn_at: extra.withdrawn ? new Date('2026-11-01T12:00:00Z') : null,
          recorded_by: author.id,
          recorded_by_organisation_id: orgs.school!,
          recorded_at: new Date('2025-06-01T12:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('consent_recipient')
        .values({
          consent_id: row.id,
          kind: recipient.kind,
          organisation_id: recipient.kind === 'organisation' ? recipient.id : null,
          agency_type: recipient.kind === 'agency_type' ? recipient.type : null,
          panel_name: null,
        })
        .execute();
    }
    async function decision(personId: string, what: 'share' | 'not_share', at: string) {
      await db
        .insertInto('sharing_decision')
        .values({
          person_id: personId,
          decision: what,
          what: 'School records',
          recipient_kind: 'agency_type',
          recipient_organisation_id: null,
          recipient_agency_type: 'health',
          recipient_description: null,
          basis: what === 'share' ? 'child_at_risk_of_harm' : null,
          consent_id: null,
          override: what === 'share',
          advice_sought: null,
          reason: what === 'share' ? 'Child at risk: health must know now' : 'Risk has passed; sharing stops',
          decided_by: author.id,
          decided_by_organisation_id: orgs.school!,
          decided_at: new Date(at),
          expires_on: null,
        })
        .execute();
    }

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(NOW);
      db = t.database.db;
      for (const [key, type] of [
        ['school', 'school'],
        ['health', 'health'],
        ['otherHealth', 'health'],
        ['police', 'police'],
      ] as const) {
        orgs[key] = (await createOrganisation(db, { name: `Matrix ${key}`, agency_type: type })).id;
      }
      const team = await db
        .insertInto('team')
        .values({ organisation_id: orgs.school!, area_id: null, name: 'Pastoral team', phone: null, email: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const sessions = new SessionStore(db, t.config.session);
      author = await createUser(db, { roles: ['practitioner'], organisationId: orgs.school!, name: 'Note Author' });
      for (const role of ROLES) {
        for (const rel of RELATIONSHIPS) {
          const organisationId =
            rel === 'other organisation, involved'
              ? orgs.health!
              : rel === 'no relationship'
                ? orgs.otherHealth!
                : orgs.school!;
          const user = await createUser(db, { roles: [role], organisationId, name: `${role} ${rel}` });
          if (rel === 'through their team') {
            await db
              .insertInto('user_team')
              .values({ user_id: user.id, team_id: team.id, is_manager: role === 'manager' })
              .execute();
          }
          // 25 users are more than the sign-in rate limit allows a minute; sign-in itself is tested elsewhere,
          // so each user gets a full session the way a completed sign-in creates one.
          const client = new TestClient(t.app, t.clock);
          const token = await sessions.create(user.id, 'full', t.clock.now(), {});
          client.cookies.set(SESSION_COOKIE(t.config.session.cookieSecure), token);
          users.set(`${role}|${rel}`, { user, client });
        }
      }
      for (const state of STATES) {
        const child = await person('child', state);
        const parent = await person('adult', `Parent of ${state}`);
        await db
          .insertInto('relationship')
          .values({ person_id: child, related_person_id: parent, kind: 'parent', parental_responsibility: true })
          .execute();
        await involve(child, orgs.school!, author.id, null);
        await involve(child, orgs.school!, null, team.id);
        for (const role of ROLES) {
          await involve(child, orgs.school!, users.get(`${role}|involved`)!.user.id, null);
          await involve(child, orgs.health!, users.get(`${role}|other organisation, involved`)!.user.id, null);
        }
        const health = { kind: 'agency_type', type: 'health' } as const;
        if (state === 'consent given in scope') await consent(child, parent, 'given', ['information_sharing'], health);
        if (state === 'consent given to another organisation') {
          await consent(child, parent, 'given', ['information_sharing'], { kind: 'organisation', id: orgs.police! });
        }
        if (state === 'consent given for another purpose')
          await consent(child, parent, 'given', ['panel_discussion'], health);
        if (state === 'consent refused') await consent(child, parent, 'refused', ['information_sharing'], health);
        if (state === 'consent withdrawn') {
          await consent(child, parent, 'given', ['information_sharing'], health, { withdrawn: true });
        }
        if (state === 'consent past its review date') {
          await consent(child, parent, 'given', ['information_sharing'], health, { review_on: '2026-06-01' });
        }
        if (state === 'lawful basis recorded') await decision(child, 'share', '2026-11-20T09:00:00Z');
        if (state === 'lawful basis replaced by a decision not to share') {
          await decision(child, 'share', '2026-11-10T09:00:00Z');
          await decision(child, 'not_share', '2026-11-20T09:00:00Z');
        }
        const note = await db
          .insertInto('case_note')
          .values({
            person_id: child,
            organisation_id: orgs.school!,
            category: null,
            consent_id: null,
            body: `Matrix note for ${state}`,
            recorded_by: author.id,
            recorded_at: new Date('2026-11-01T09:00:00Z'),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        children.set(state, { id: child, noteId: note.id });
      }
    });
    after(async () => t.close());

    for (const state of STATES) {
      test(`${state}: ${ROLES.length} roles × ${RELATIONSHIPS.length} relationships`, async () => {
        const { id, noteId } = children.get(state)!;
        const failures: string[] = [];
        for (const role of ROLES) {
          for (const rel of RELATIONSHIPS) {
            const want = expected(state, role, rel);
            const { user, client } = users.get(`${role}|${rel}`)!;
            const cell = `${role} / ${rel}`;
            const list = await client.get(`/people/${id}/notes`);
            if (list.statusCode !== want.status)
              failures.push(`${cell}: notes page ${list.statusCode}, want ${want.status}`);
            const shown = list.body.includes(`Matrix note for ${state}`);
            if (shown !== want.sees) failures.push(`${cell}: note ${shown ? 'shown' : 'hidden'} on the notes page`);
            const one = await client.get(`/people/${id}/notes/${noteId}`);
            const wantOne = want.sees ? 200 : want.status === 403 ? 403 : 404;
            if (one.statusCode !== wantOne) failures.push(`${cell}: note by id ${one.statusCode}, want ${wantOne}`);
            const actor = (await loadActor(db, user.id, 'session'))!;
            const access = await caseDetailAccess(db, actor, id, t.clock.now(), {
              recordedByOrganisationId: orgs.school!,
            });
            if (access.allowed !== want.sees) failures.push(`${cell}: caseDetailAccess allowed=${access.allowed}`);
            if (want.basis && access.basis?.kind !== want.basis) {
              failures.push(`${cell}: basis ${access.basis?.kind}, want ${want.basis}`);
            }
            if (!access.allowed && access.reasons.length === 0) failures.push(`${cell}: denied without a reason`);
          }
        }
        assert.deepEqual(failures, []);
      });
    }

    test('every denial of a note by id was audited', async () => {
      const refused = await db
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'case-note.view-refused')
        .executeTakeFirstOrThrow();
      // Per state: the 4 non-analyst roles with no relationship are refused on the page and by id (8), and
      // other-organisation users without a basis are refused by id (4); analysts are stopped by role (403).
      const deniedStates = STATES.filter((s) => s !== 'consent given in scope' && s !== 'lawful basis recorded').length;
      assert.equal(Number(refused.n), STATES.length * 8 + deniedStates * 4);
    });
  });
}
