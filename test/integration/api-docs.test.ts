/**
 * The API's documentation is tried as a new user would try it: every curl example on the documentation page and in
 * docs/api.md is sent to a started app (token and host placeholders replaced, example ids replaced by real ones) and
 * must get the status the OpenAPI document gives for success; and docs/api.md documents exactly the operations the
 * OpenAPI document has.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { EXAMPLE_CHILD_ID, PLACEHOLDER_TOKEN } from '../../src/features/api/docs.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { addDays, londonToday } from '../../src/platform/calendar.ts';
import { createOrganisation, createPartnership, createUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

type Operation = { responses: Record<string, unknown> };
type Doc = { paths: Record<string, Record<string, Operation>> };

const API_MD = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

interface Example {
  source: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The status the text before the example says it gets ("A `400`, for example:"), if it names one. */
  status?: string;
}

/** Reads a curl command as a shell would for the few options the examples use: -X, -H, -d and the URL. */
export function parseCurl(command: string, source: string): Example {
  const words = [...command.replace(/\\\n/g, ' ').matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
  assert.equal(words.shift(), 'curl', `${source}: ${command}`);
  const example: Example = { source, method: 'GET', url: '', headers: {} };
  while (words.length) {
    const word = words.shift()!;
    if (word === '-X') example.method = words.shift()!;
    else if (word === '-H') {
      const [name, ...value] = words.shift()!.split(':');
      example.headers[name!.trim().toLowerCase()] = value.join(':').trim();
    } else if (word === '-d') example.body = words.shift()!;
    else if (word.startsWith('-')) assert.fail(`${source}: an option the test does not read: ${word}`);
    else example.url = word;
  }
  if (example.body !== undefined && example.method === 'GET') example.method = 'POST';
  return example;
}

/** The curl commands in the ```sh blocks of a Markdown file, continuation lines joined. */
function markdownExamples(markdown: string): Example[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => {
    const before = markdown.slice(0, block.index).trimEnd().split('\n').at(-1) ?? '';
    const status = /^An? `(\d{3})`/.exec(before)?.[1];
    return block[1]!
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .filter((line) => line.startsWith('curl '))
      .map((line) => ({ ...parseCurl(line, 'docs/api.md'), ...(status ? { status } : {}) }));
  });
}

function htmlDecode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The operation in the OpenAPI document that a method and concrete path match, a fixed path before a template. */
function operationOf(doc: Doc, method: string, path: string): Operation | undefined {
  const matching = Object.keys(doc.paths)
    .filter((p) => doc.paths[p]![method.toLowerCase()])
    .filter((p) => new RegExp(`^${p.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`).test(path))
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  return matching[0] ? doc.paths[matching[0]]![method.toLowerCase()] : undefined;
}

/** `#### \`GET /api/v1/me\`` headings in the section about the Early Help Hub API. */
function documentedOperations(): string[] {
  const section = API_MD.split('## The Early Help Hub API')[1]!.split('\n## ')[0]!;
  return [...section.matchAll(/^#### `(GET|POST|PUT|PATCH|DELETE) (\/[^`]+)`/gm)].map((m) => `${m[1]} ${m[2]}`);
}

for (const engine of engines()) {
  describe(`the API documentation's examples on ${engine}`, () => {
    let t: TestApp;
    let token: string;
    let frontDoorToken: string;
    let organisationId: string;
    let userId: string;
    let colleagueId: string;
    let managerId: string;
    let managerToken: string;
    let panelAdminId: string;
    let panelAdminToken: string;
    let doc: Doc;

    before(async () => {
      t = await startTestApp(engine);
      const db = t.database.db;
      const school = await createOrganisation(db, { name: 'Parkside Primary' });
      organisationId = school.id;
      const user = await createUser(db, { roles: ['practitioner'], organisationId: school.id });
      userId = user.id;
      // Episodes need a partnership the school serves, and a colleague to hand over to or add to the team.
      await createPartnership(db, 'Docs', [school.id]);
      colleagueId = (await createUser(db, { roles: ['practitioner'], organisationId: school.id })).id;
      const ctx = { requestId: 'test', clientIp: '127.0.0.1' };
      token = (
        await new TokenService(db, t.clock).createForEmail(user.email, { name: 'docs', expiresInDays: null }, ctx)
      ).token;
      // Assessments are submitted to a manager of one of the author's teams, who signs them off.
      const manager = await createUser(db, { roles: ['practitioner', 'manager'], organisationId: school.id });
      managerId = manager.id;
      managerToken = (
        await new TokenService(db, t.clock).createForEmail(manager.email, { name: 'docs', expiresInDays: null }, ctx)
      ).token;
      const pastoral = await db
        .insertInto('team')
        .values({ organisation_id: school.id, name: 'Pastoral' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('user_team')
        .values([
          { user_id: userId, team_id: pastoral.id, is_manager: false },
          { user_id: managerId, team_id: pastoral.id, is_manager: true },
        ])
        .execute();
      const frontDoor = await createUser(db, { roles: ['front_door'] });
      frontDoorToken = (
        await new TokenService(db, t.clock).createForEmail(frontDoor.email, { name: 'docs', expiresInDays: null }, ctx)
      ).token;
      // Panels' requests are administered by a panel administrator.
      const panelAdmin = await createUser(db, { roles: ['panel_admin'], organisationId: school.id });
      panelAdminId = panelAdmin.id;
      panelAdminToken = (
        await new TokenService(db, t.clock).createForEmail(panelAdmin.email, { name: 'docs', expiresInDays: null }, ctx)
      ).token;
      doc = (await t.app.inject('/api/v1/openapi.json')).json();
    });
    after(async () => t.close());

    /** Sends an example as written, with a real token, the app as host and a real record for each example id. */
    async function run(example: Example) {
      const url = new URL(example.url);
      const written = decodeURIComponent(url.pathname);
      let path = written.replace(/^\/api\/v1\/organisations\/[^/]+/, `/api/v1/organisations/${organisationId}`);
      if (/^\/api\/v1\/people\/[^/]+/.test(path) && path !== '/api/v1/people/search') {
        const child = await createPerson(t.database.db, {
          givenName: 'Amara',
          familyName: 'Lindqvist',
          dateOfBirth: '2015-06-01',
          sex: 'F',
        });
        path = path.replace(/^\/api\/v1\/people\/[^/]+/, `/api/v1/people/${child}`);
        // The chronology needs a relationship with the child: the token's user works with them.
        if (path.endsWith('/chronology')) {
          await t.database.db
            .insertInto('involvement')
            .values({
              person_id: child,
              organisation_id: organisationId,
              team_id: null,
              user_id: userId,
              role: 'Class teacher',
              started_on: '2025-09-01',
              ended_on: null,
              contact_phone: null,
              contact_email: null,
            })
            .execute();
        }
      }
      // A concern is seen by the person who raised it: the token's user raises one about a recorded level of need.
      if (/^\/api\/v1\/concerns\/[^/]+$/.test(path)) {
        const db = t.database.db;
        const child = await createPerson(db, {
          givenName: 'Amara',
          familyName: 'Lindqvist',
          dateOfBirth: '2015-06-01',
        });
        const decision = await db
          .insertInto('need_level')
          .values({
            person_id: child,
            level: 'universal',
            reason: 'No additional needs.',
            recorded_by: null,
            recorded_at: new Date(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const concern = await db
          .insertInto('concern')
          .values({
            subject_kind: 'need_level',
            subject_id: decision.id,
            person_id: child,
            raised_by: userId,
            raised_by_organisation_id: organisationId,
            raised_at: new Date(),
            disagreement: 'Attendance has fallen.',
            outcome_wanted: 'Early help.',
            resolution: null,
            resolved_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        path = `/api/v1/concerns/${concern.id}`;
      }
      let bearer = token;
      let search = url.search;
      let body = example.body;
      const worksWith = (child: string) =>
        t.database.db
          .insertInto('involvement')
          .values({
            person_id: child,
            organisation_id: organisationId,
            team_id: null,
            user_id: userId,
            role: 'Class teacher',
            started_on: '2025-09-01',
            ended_on: null,
            contact_phone: null,
            contact_email: null,
          })
          .execute();
      const aChild = () =>
        createPerson(t.database.db, {
          givenName: 'Amara',
          familyName: 'Lindqvist',
          dateOfBirth: '2015-06-01',
          sex: 'F',
        });
      // A request for support names a real child; a contact example reads or decides one the token's user sent.
      if (body?.includes(EXAMPLE_CHILD_ID)) body = body.replaceAll(EXAMPLE_CHILD_ID, await aChild());
      if (/^\/api\/v1\/contacts\/[^/]+/.test(path)) {
        const made = await t.app.inject({
          method: 'POST',
          url: '/api/v1/contacts',
          headers: { authorization: `Bearer ${token}` },
          payload: {
            significantHarm: false,
            childIds: [await aChild()],
            referralSource: '2A',
            circumstances: 'x',
            needsToHappen: 'x',
            tried: 'x',
            permission: 'enquiry_risk_of_harm',
            lawfulReason: 'x',
          },
        });
        path = path.replace(/^\/api\/v1\/contacts\/[^/]+/, `/api/v1/contacts/${made.json().id}`);
        if (path.endsWith('/decision')) bearer = frontDoorToken;
      }
      // Conversations are about a child the token's user works with; reading one needs one they recorded.
      if (path.startsWith('/api/v1/conversations')) {
        const db = t.database.db;
        const child = await createPerson(db, {
          givenName: 'Amara',
          familyName: 'Lindqvist',
          dateOfBirth: '2015-06-01',
        });
        await db
          .insertInto('involvement')
          .values({
            person_id: child,
            organisation_id: organisationId,
            team_id: null,
            user_id: userId,
            role: 'Class teacher',
            started_on: '2025-09-01',
            ended_on: null,
            contact_phone: null,
            contact_email: null,
          })
          .execute();
        const conversation = await db
          .insertInto('conversation')
          .values({
            person_id: child,
            organisation_id: organisationId,
            kind: 'phone',
            held_on: '2026-11-30',
            concerns: null,
            strengths: null,
            agreed: 'Nothing further for now',
            recorded_by: userId,
            recorded_at: new Date('2026-11-30T12:00:00Z'),
            follow_up_on: '2026-12-14',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db
          .insertInto('conversation_child')
          .values({ conversation_id: conversation.id, person_id: child })
          .execute();
        path = path.replace(/^\/api\/v1\/conversations\/[^/]+/, `/api/v1/conversations/${conversation.id}`);
        if (path === '/api/v1/conversations' && example.method === 'GET') search = `?personId=${child}`;
        if (body) {
          const parsed = JSON.parse(body);
          parsed.personId = child;
          for (const a of parsed.actions ?? []) a.ownerUserId = userId;
          body = JSON.stringify(parsed);
        }
      }
      // Episodes: a child the token's user works with, in an episode they lead (opened through the API itself).
      if (path.startsWith('/api/v1/episodes')) {
        const db = t.database.db;
        const child = await aChild();
        await db
          .insertInto('involvement')
          .values({
            person_id: child,
            organisation_id: organisationId,
            team_id: null,
            user_id: userId,
            role: 'Class teacher',
            started_on: '2025-09-01',
            ended_on: null,
            contact_phone: null,
            contact_email: null,
          })
          .execute();
        const api = async (url: string, payload: unknown) => {
          const res = await t.app.inject({
            method: 'POST',
            url,
            headers: { authorization: `Bearer ${token}` },
            payload: payload as Record<string, unknown>,
          });
          assert.equal(res.statusCode, 201, res.body);
          return res.json().id as string;
        };
        if (path === '/api/v1/episodes' && example.method === 'GET') search = `?personId=${child}`;
        if (path !== '/api/v1/episodes') {
          const episode = await api('/api/v1/episodes', { personId: child, leadUserId: userId });
          path = path.replace(/^\/api\/v1\/episodes\/[^/]+/, `/api/v1/episodes/${episode}`);
          if (/\/members\/[^/]+\/leave$/.test(path)) {
            const member = await api(`/api/v1/episodes/${episode}/members`, { userId: colleagueId, role: 'Nurse' });
            path = path.replace(/\/members\/[^/]+\/leave$/, `/members/${member}/leave`);
          }
        }
        if (body) {
          const parsed = JSON.parse(body);
          if ('personId' in parsed) parsed.personId = child;
          if ('leadUserId' in parsed) parsed.leadUserId = userId;
          if ('incomingUserId' in parsed) parsed.incomingUserId = colleagueId;
          if ('agreedOn' in parsed) parsed.agreedOn = londonToday(t.clock.now());
          delete parsed.otherPersonIds;
          delete parsed.contactId;
          if (path.endsWith('/members')) {
            for (const k of ['outsideName', 'outsideOrganisation', 'directoryServiceId']) delete parsed[k];
            parsed.userId = colleagueId;
          }
          body = JSON.stringify(parsed);
        }
      }
      // Plans: the episode's plan started, with an objective and an action when the example needs them.
      const plan = /^\/api\/v1\/episodes\/([^/]+)\/plan(\/.*)?$/.exec(path);
      if (plan) {
        const episode = plan[1]!;
        const rest = plan[2] ?? '';
        const today = londonToday(t.clock.now());
        const api = async (method: 'POST' | 'PUT', url: string, payload: unknown, expect: number) => {
          const res = await t.app.inject({
            method,
            url,
            headers: { authorization: `Bearer ${token}` },
            payload: payload as Record<string, unknown>,
          });
          assert.equal(res.statusCode, expect, res.body);
          return res.json().id as string;
        };
        let objectiveId = '';
        if (rest) {
          const base = `/api/v1/episodes/${episode}/plan`;
          await api('PUT', base, { strengths: 'A close family', reviewWeeks: 6 }, 200);
          objectiveId = await api(
            'POST',
            `${base}/objectives`,
            {
              domain: 'development',
              subArea: 'learning',
              need: 'Often late to school',
              successCriterion: 'On time every day for four weeks',
              targetDate: addDays(today, 60),
              agreedBy: 'The family and the school',
              realistic: true,
            },
            201,
          );
          path = path.replace(/\/objectives\/[^/]+\/actions$/, `/objectives/${objectiveId}/actions`);
          if (!rest.startsWith('/objectives')) {
            const action = await api(
              'POST',
              `${base}/objectives/${objectiveId}/actions`,
              { what: 'Breakfast club place', ownerUserId: userId, dueDate: addDays(today, 30) },
              201,
            );
            path = path.replace(/\/actions\/[^/]+\/complete$/, `/actions/${action}/complete`);
          }
          if (rest === '/reviews') {
            await api('POST', `${base}/agree`, { agreedWith: 'Their mother', agreedOn: today }, 200);
          }
        }
        if (body) {
          const parsed = JSON.parse(body);
          if ('targetDate' in parsed) parsed.targetDate = addDays(today, 60);
          if ('dueDate' in parsed) parsed.dueDate = addDays(today, 30);
          if ('heldOn' in parsed) parsed.heldOn = today;
          if ('ownerUserId' in parsed) parsed.ownerUserId = userId;
          delete parsed.ownerTeamId;
          if (Array.isArray(parsed.progress)) {
            parsed.progress = [{ objectiveId, rating: 'some_progress', note: 'Late twice', status: 'open' }];
          }
          body = JSON.stringify(parsed);
        }
      }
      // Meetings: the episode's lead arranges them; one to record was held yesterday.
      const meetings = /^\/api\/v1\/episodes\/([^/]+)\/taf-meetings(\/.*)?$/.exec(path);
      if (meetings) {
        const episode = meetings[1]!;
        const today = londonToday(t.clock.now());
        if (meetings[2]) {
          const res = await t.app.inject({
            method: 'POST',
            url: `/api/v1/episodes/${episode}/taf-meetings`,
            headers: { authorization: `Bearer ${token}` },
            payload: {
              meetsOn: addDays(today, -1),
              time: '10:00',
              format: 'in_person',
              place: 'Parkside Primary',
              chairUserId: userId,
            },
          });
          assert.equal(res.statusCode, 201, res.body);
          path = path.replace(/\/taf-meetings\/[^/]+/, `/taf-meetings/${res.json().id}`);
        }
        if (body) {
          const parsed = JSON.parse(body);
          if ('meetsOn' in parsed) parsed.meetsOn = addDays(today, 7);
          if ('chairUserId' in parsed) parsed.chairUserId = userId;
          if ('attendance' in parsed) parsed.attendance = { lead: 'present' };
          if ('nextMeetingOn' in parsed) parsed.nextMeetingOn = addDays(today, 42);
          delete parsed.familyIds;
          body = JSON.stringify(parsed);
        }
      }
      // Assessments: a child the token's user works with, an assessment they started (through the API itself).
      if (path.startsWith('/api/v1/assessments')) {
        const child = await aChild();
        await worksWith(child);
        const api = async (url: string, payload: unknown, expect = 201) => {
          const res = await t.app.inject({
            method: 'POST',
            url,
            headers: { authorization: `Bearer ${token}` },
            payload: payload as Record<string, unknown>,
          });
          assert.equal(res.statusCode, expect, res.body);
          return res.json().id as string;
        };
        if (path === '/api/v1/assessments' && example.method === 'GET') search = `?personId=${child}`;
        if (path !== '/api/v1/assessments') {
          const assessment = await api('/api/v1/assessments', { personId: child });
          path = path
            .replace(/^\/api\/v1\/assessments\/[^/]+/, `/api/v1/assessments/${assessment}`)
            .replace(/\/sections\/[^/]+$/, '/sections/identify');
          if (path.endsWith('/sign-off')) {
            await api(`/api/v1/assessments/${assessment}/submit`, { managerId }, 200);
            bearer = managerToken;
          }
        }
        if (body) {
          const parsed = JSON.parse(body);
          if ('personId' in parsed) parsed.personId = path === '/api/v1/assessments' ? child : null;
          if ('managerId' in parsed) parsed.managerId = managerId;
          if ('version' in parsed) parsed.version = 1;
          delete parsed.otherPersonIds;
          body = JSON.stringify(parsed);
        }
      }
      // Panels: a panel the token's user administers, with a meeting; a request about a child the practitioner
      // works with, in the state the example needs; a request is made with consent naming the panel and a
      // signed-off assessment.
      if (path.startsWith('/api/v1/panel')) {
        const db = t.database.db;
        const panel = await db
          .insertInto('panel')
          .values({
            name: `Docs Panel ${Math.random()}`,
            model: 'area_family_support',
            model_description: null,
            area_id: null,
            remit: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db
          .insertInto('panel_member')
          .values({
            panel_id: panel.id,
            user_id: panelAdminId,
            organisation_id: organisationId,
            role: 'administrator',
            deputy_for: null,
            adviser_kind: null,
            from_date: '2020-01-01',
            to_date: null,
          })
          .execute();
        const meeting = await db
          .insertInto('panel_meeting')
          .values({
            panel_id: panel.id,
            meeting_date: addDays(londonToday(t.clock.now()), 28),
            start_time: '10:00',
            end_time: '12:00',
            venue: 'Unity House',
            moved_from: null,
            moved_reason: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const child = await aChild();
        await worksWith(child);
        const consent = await db
          .insertInto('consent')
          .values({
            person_id: child,
            household_id: null,
            given_by_person_id: child,
            given_by_kind: 'young_person',
            decision: 'given',
            purposes: ['panel_discussion'],
            service_name: null,
            method: 'in_person',
            obtained_on: '2026-01-01',
            review_on: null,
            explained: null,
            withdrawn_on: null,
            withdrawn_reason: null,
            withdrawn_by: null,
            withdrawn_at: null,
            recorded_by: userId,
            recorded_by_organisation_id: organisationId,
            recorded_at: new Date('2026-01-01T10:00:00Z'),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db
          .insertInto('consent_recipient')
          .values({
            consent_id: consent.id,
            kind: 'panel',
            organisation_id: null,
            agency_type: null,
            panel_name: 'Docs',
            panel_id: panel.id,
          })
          .execute();
        const guidance = await db
          .selectFrom('threshold_guidance')
          .select('id')
          .orderBy('version', 'desc')
          .executeTakeFirstOrThrow();
        const assessment = await db
          .insertInto('assessment')
          .values({
            episode_id: null,
            author_id: userId,
            organisation_id: organisationId,
            guidance_id: guidance.id,
            contact_id: null,
            content: JSON.stringify({}),
            version: 1,
            status: 'signed_off',
            signed_off_version: 1,
            started_at: new Date('2026-01-01T10:00:00Z'),
            updated_at: new Date('2026-01-02T10:00:00Z'),
            updated_by: userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db.insertInto('assessment_person').values({ assessment_id: assessment.id, person_id: child }).execute();
        await db
          .insertInto('assessment_version')
          .values({
            assessment_id: assessment.id,
            number: 1,
            content: JSON.stringify({}),
            section: null,
            saved_by: userId,
            saved_at: new Date('2026-01-02T10:00:00Z'),
          })
          .execute();
        if (path === '/api/v1/panel-requests' && example.method === 'POST') {
          const parsed = JSON.parse(body ?? '{}');
          parsed.personId = child;
          parsed.panelId = panel.id;
          body = JSON.stringify(parsed);
        } else {
          bearer = panelAdminToken;
          const made = await t.app.inject({
            method: 'POST',
            url: '/api/v1/panel-requests',
            headers: { authorization: `Bearer ${token}` },
            payload: {
              personId: child,
              panelId: panel.id,
              harm: 'no',
              breakdown: 'no',
              statutory: 'no',
              educationOnly: 'no',
              changesWanted: 'x',
              successCriteria: 'x',
              questions: 'x',
            },
          });
          assert.equal(made.statusCode, 201, made.body);
          const requestId = made.json().id as string;
          if (path.endsWith('/allocate')) {
            const accepted = await t.app.inject({
              method: 'POST',
              url: `/api/v1/panel-requests/${requestId}/accept`,
              headers: { authorization: `Bearer ${panelAdminToken}` },
            });
            assert.equal(accepted.statusCode, 200, accepted.body);
          }
          // After the meeting: an approved record with the request discussed and a recommendation to the
          // practitioner's team, for the record and the implementation report.
          if (/^\/api\/v1\/panel-(meetings\/[^/]+\/record|recommendations\/)/.test(path)) {
            const now = t.clock.now();
            const today = londonToday(now);
            await db.updateTable('panel_meeting').set({ meeting_date: today }).where('id', '=', meeting.id).execute();
            await db
              .updateTable('panel_request')
              .set({ status: 'discussed', meeting_id: meeting.id, slot_order: 1 })
              .where('id', '=', requestId)
              .execute();
            await db
              .insertInto('panel_meeting_record')
              .values({
                meeting_id: meeting.id,
                started_by: panelAdminId,
                started_at: now,
                updated_at: now,
                approved_by: panelAdminId,
                approved_at: now,
              })
              .execute();
            await db
              .insertInto('panel_case_record')
              .values({
                request_id: requestId,
                meeting_id: meeting.id,
                discussion: 'x',
                outcomes: ['advice'],
                recorded_by: panelAdminId,
                recorded_at: now,
              })
              .execute();
            const team = await db
              .insertInto('team')
              .values({ organisation_id: organisationId, area_id: null, name: `Docs Team ${Math.random()}` })
              .returning('id')
              .executeTakeFirstOrThrow();
            await db.insertInto('user_team').values({ user_id: userId, team_id: team.id }).execute();
            const rec = await db
              .insertInto('panel_recommendation')
              .values({
                request_id: requestId,
                what: 'x',
                organisation_id: organisationId,
                team_id: team.id,
                due_on: today,
                created_by: panelAdminId,
                created_at: now,
              })
              .returning('id')
              .executeTakeFirstOrThrow();
            if (path.startsWith('/api/v1/panel-recommendations/')) {
              path = path.replace(
                /^\/api\/v1\/panel-recommendations\/[^/]+/,
                `/api/v1/panel-recommendations/${rec.id}`,
              );
              bearer = token;
              if (body) body = JSON.stringify({ ...JSON.parse(body), implementedOn: today });
            }
          }
          path = path
            .replace(/^\/api\/v1\/panels\/[^/]+/, `/api/v1/panels/${panel.id}`)
            .replace(/^\/api\/v1\/panel-meetings\/[^/]+/, `/api/v1/panel-meetings/${meeting.id}`)
            .replace(/^\/api\/v1\/panel-requests\/[^/]+/, `/api/v1/panel-requests/${requestId}`);
          if (path === '/api/v1/panel-meetings' || path === '/api/v1/panel-requests') search = `?panel=${panel.id}`;
        }
      }
      const headers = { ...example.headers };
      if (headers.authorization) {
        headers.authorization = headers.authorization.replace(PLACEHOLDER_TOKEN, bearer).replace('$TOKEN', bearer);
      }
      const res = await t.app.inject({
        method: example.method as 'GET' | 'POST' | 'PUT',
        url: path + search,
        headers,
        ...(body !== undefined ? { payload: body } : {}),
      });
      const operation = operationOf(doc, example.method, written);
      const success = operation ? Object.keys(operation.responses).filter((s) => s.startsWith('2')) : ['200'];
      const expected = example.status ? [example.status] : success;
      assert.ok(
        expected.includes(String(res.statusCode)),
        `${example.source}: ${example.method} ${example.url} answered ${res.statusCode}, expected ${expected.join(' or ')}: ${res.body.slice(0, 300)}`,
      );
    }

    test('every example on the documentation page gets the status documented for success', async () => {
      const page = await t.app.inject('/api/docs');
      assert.equal(page.statusCode, 200);
      const examples = [...page.body.matchAll(/<pre[^>]*data-qa="example"[^>]*><code>([\s\S]*?)<\/code><\/pre>/g)].map(
        (m) => parseCurl(htmlDecode(m[1]!), '/api/docs'),
      );
      const operations = Object.values(doc.paths).flatMap((item) => Object.keys(item)).length;
      assert.equal(examples.length, operations, 'one example for each operation');
      for (const example of examples) await run(example);
    });

    test('every example in docs/api.md gets the status documented for success', async () => {
      const examples = markdownExamples(API_MD);
      assert.ok(examples.length >= 15, `found ${examples.length} examples`);
      for (const example of examples) await run(example);
    });

    test('docs/api.md documents every operation in the OpenAPI document, and only those', () => {
      const inOpenApi = Object.entries(doc.paths)
        .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
      assert.deepEqual([...new Set(documentedOperations())].sort(), inOpenApi);
      const table = API_MD.split('### What it offers now')[1]!.split('\n### ')[0]!;
      const listed = [...table.matchAll(/^\| `(GET|POST|PUT) (\/[^`]+)`/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
      assert.deepEqual(listed, inOpenApi, 'the table of what the API offers');
    });
  });
}
