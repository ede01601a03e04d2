import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { idFrom, openEpisode, signedInClients } from '../support/client.ts';
import { createEarlyHelpWorld, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp, workOf as workListOf } from '../support/harness.ts';
import { createFamily } from '../support/people.ts';

const episodeIdFrom = (location: unknown) => idFrom('episodes', location);

for (const engine of engines()) {
  describe(`Closing an early help episode (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let worker: TestUser;
    let stranger: TestUser;
    let admin: TestUser;
    let schoolId: string;
    let partnershipId: string;
    let areaId: string;
    const as = signedInClients(() => t);

    /** A child known to the teacher's school, with a parent, and an episode led by the worker. */
    const family = async (given: string, parentLanguage: string | null) => {
      const { childId } = await createFamily(db, {
        child: { givenName: given, familyName: 'Quill', dateOfBirth: '2016-04-05' },
        involvement: { organisationId: schoolId, userId: teacher.id },
        parent: {
          givenName: `${given}s-Mum`,
          familyName: 'Quill',
          dateOfBirth: '1986-01-01',
          firstLanguage: parentLanguage,
        },
        relateParent: true,
        parentElsewhere: true,
        address: { line1: `${given} House`, postcode: 'LU1 1AA' },
        areaId,
      });
      const episodeId = await openEpisode(await as(teacher), childId, worker.id);
      return { childId, episodeId, url: `/people/${childId}/episodes/${episodeId}` };
    };

    const proposal = (extra: Record<string, string> = {}) => ({
      improvement: 'School attendance above 95% for a term; the family routine is settled.',
      weeks: '12',
      'outcome-education': 'achieved',
      'evidence-education': 'Attendance 96% in the autumn term (school register).',
      'outcome-family_relationships': 'achieved',
      'evidence-family_relationships': 'Parent and child both say home is calmer; no police call-outs since June.',
      ...extra,
    });

    const workOf = (u: TestUser) => workListOf(t, u.id);

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const world = await createEarlyHelpWorld(db);
      ({ teacher, worker, stranger, admin, partnershipId, areaId } = world);
      schoolId = world.school.id;
    });
    after(() => t.close());

    test('closing without a reason, or with another reason and no note, is refused with what was typed kept; needs met needs monitoring', async () => {
      const { url } = await family('Ada', null);
      const c = await as(worker);
      const page = await c.get(`${url}/close`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /value="needs_met"/);
      const none = await c.post(`${url}/close`, { note: 'Moving to Leeds next week.' });
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /Select why the episode is closing/);
      assert.match(none.body, /Moving to Leeds next week\./);
      const other = await c.post(`${url}/close`, { reason: 'other' });
      assert.equal(other.statusCode, 400);
      assert.match(other.body, /Enter the reason the episode is closing/);
      const needsMet = await c.post(`${url}/close`, { reason: 'needs_met', note: 'Much better now.' });
      assert.equal(needsMet.statusCode, 400);
      assert.match(needsMet.body, /propose closure: the improvement must be sustained/);
      assert.match(needsMet.body, /Much better now\./);
      const moved = await c.post(`${url}/close`, { reason: 'moved_away', note: 'Moving to Leeds next week.' });
      // The lead no longer works with the child once it closes: told it is done, without the child's record.
      assert.equal(moved.statusCode, 200);
      const e = await db
        .selectFrom('episode')
        .selectAll()
        .where('id', '=', episodeIdFrom(url))
        .executeTakeFirstOrThrow();
      assert.equal(e.status, 'closed');
      assert.equal(e.close_reason, 'moved_away');
    });

    test('an outcome claimed without evidence is refused, with everything typed kept; so is a different period without a reason', async () => {
      const { url } = await family('Bo', null);
      const c = await as(worker);
      const form = await c.get(`${url}/propose-closure`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /name="weeks"[^>]*value="12"/);
      const noEvidence = await c.post(
        `${url}/propose-closure`,
        proposal({ 'outcome-housing': 'achieved', 'evidence-housing': '' }),
      );
      assert.equal(noEvidence.statusCode, 400);
      assert.match(noEvidence.body, /Enter the evidence that “Secure housing” was achieved/);
      assert.match(noEvidence.body, /href="#evidence-housing"/);
      assert.match(noEvidence.body, /Attendance 96% in the autumn term/);
      assert.match(noEvidence.body, /value="achieved" checked/);
      const nothing = await c.post(`${url}/propose-closure`, { improvement: 'Better.', weeks: '12' });
      assert.equal(nothing.statusCode, 400);
      assert.match(nothing.body, /Select at least one Supporting Families outcome the family achieved/);
      const shorter = await c.post(`${url}/propose-closure`, proposal({ weeks: '6' }));
      assert.equal(shorter.statusCode, 400);
      assert.match(shorter.body, /Enter why the family should be monitored for 6 weeks rather than the usual 12/);
      assert.match(shorter.body, /School attendance above 95%/);
      assert.equal(
        (await db.selectFrom('episode_monitoring').select('id').where('episode_id', '=', episodeIdFrom(url)).execute())
          .length,
        0,
      );
      const ok = await c.post(`${url}/propose-closure`, proposal({ weeks: '6', periodReason: 'Stable for a year.' }));
      assert.equal(ok.statusCode, 303);
      const m = await db
        .selectFrom('episode_monitoring')
        .selectAll()
        .where('episode_id', '=', episodeIdFrom(url))
        .executeTakeFirstOrThrow();
      assert.equal(m.weeks, 6);
      assert.equal(m.default_weeks, 12);
      assert.equal(m.ends_on, '2027-01-12');
    });

    test('needs met: proposing starts monitoring; when the period ends, confirm closure is on the lead’s work list; confirming closes', async () => {
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      // The partnership's default, set by an administrator.
      const a = await as(admin);
      await a.get(`/admin/closure-monitoring/${partnershipId}`);
      const saved = await a.post(`/admin/closure-monitoring/${partnershipId}`, { weeks: '8' });
      assert.equal(saved.statusCode, 303);
      const { childId, episodeId, url } = await family('Cy', null);
      const c = await as(worker);
      await c.get(`${url}/propose-closure`);
      const proposed = await c.post(`${url}/propose-closure`, proposal({ weeks: '8' }));
      assert.equal(proposed.statusCode, 303);
      const page = await c.get(url);
      assert.match(page.body, /Monitored for 8 weeks, until 26 January 2027/);
      assert.match(page.body, /Getting a good education/);
      // The episode stays open while monitored: the lead still works with the child.
      assert.equal(
        (await db.selectFrom('episode').select('status').where('id', '=', episodeId).executeTakeFirstOrThrow()).status,
        'open',
      );
      await c.get(`${url}/monitoring`);
      const early = await c.post(`${url}/monitoring/confirm`, { sustained: ['education'] });
      assert.equal(early.statusCode, 400);
      assert.match(early.body, /closure can be confirmed from then/);
      await t.runJobs();
      assert.ok(!(await workOf(worker)).some((w) => w.kind === 'episode.confirm-closure'));

      t.clock.set(new Date('2027-01-26T09:00:00Z'));
      as.clear();
      await t.runJobs();
      const work = (await workOf(worker)).filter((w) => w.kind === 'episode.confirm-closure' && w.href.startsWith(url));
      assert.equal(work.length, 1);
      assert.equal(work[0]!.href, `${url}/monitoring`);

      const lead = await as(worker);
      await lead.get(`${url}/monitoring`);
      const confirmed = await lead.post(`${url}/monitoring/confirm`, {
        sustained: ['education'],
        note: 'Stayed better.',
      });
      assert.equal(confirmed.statusCode, 200);
      assert.match(confirmed.body, /closed/i);
      const e = await db.selectFrom('episode').selectAll().where('id', '=', episodeId).executeTakeFirstOrThrow();
      assert.equal(e.status, 'closed');
      assert.equal(e.close_reason, 'needs_met');
      const outcomes = await db
        .selectFrom('episode_outcome')
        .select(['outcome', 'achieved', 'sustained'])
        .where('episode_id', '=', episodeId)
        .orderBy('outcome')
        .execute();
      assert.deepEqual(outcomes, [
        { outcome: 'education', achieved: true, sustained: true },
        { outcome: 'family_relationships', achieved: true, sustained: false },
      ]);
      assert.ok(!(await workOf(worker)).some((w) => w.kind === 'episode.confirm-closure' && w.href.startsWith(url)));

      // The chronology, the API and the audit trail.
      const teacherClient = await as(teacher);
      const chronology = await teacherClient.get(`/people/${childId}/chronology`);
      for (const words of [
        'Closure proposed: improvement made; monitored for 8 weeks',
        'Monitoring ended: closure confirmed',
        'Early help episode closed: needs met, and the improvement sustained',
      ]) {
        assert.ok(chronology.body.includes(words), words);
      }
      const tokens = new TokenService(db, t.clock);
      const meta = { requestId: 'test', clientIp: '127.0.0.1' };
      const { token } = await tokens.createForEmail(teacher.email, { name: 'closure', expiresInDays: null }, meta);
      const api = await t.app.inject({
        method: 'GET',
        url: `/api/v1/episodes/${episodeId}`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(api.statusCode, 200, api.body);
      const body = api.json();
      assert.equal(body.status, 'closed');
      assert.equal(body.closeReason, 'needs_met');
      assert.deepEqual(
        body.outcomes.map((o: { outcome: string; sustained: boolean }) => [o.outcome, o.sustained]),
        [
          ['education', true],
          ['family_relationships', false],
        ],
      );
      const actions = await db
        .selectFrom('audit_event')
        .select('action')
        .where('record_id', '=', childId)
        .where('action', 'in', ['episode.closure-proposed', 'episode.closed'])
        .execute();
      assert.deepEqual(actions.map((x) => x.action).sort(), ['episode.closed', 'episode.closure-proposed']);
      await (await as(admin)).post(`/admin/closure-monitoring/${partnershipId}`, { weeks: '12' });
    });

    test('a relapse ends the monitoring and the episode carries on; a relapse needs a note', async () => {
      t.clock.set(new Date('2027-02-01T10:00:00Z'));
      as.clear();
      const { episodeId, url } = await family('Di', null);
      const c = await as(worker);
      await c.get(`${url}/propose-closure`);
      assert.equal((await c.post(`${url}/propose-closure`, proposal())).statusCode, 303);
      await c.get(`${url}/monitoring`);
      const empty = await c.post(`${url}/monitoring/relapse`, { relapseNote: ' ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Enter what has changed/);
      const relapse = await c.post(`${url}/monitoring/relapse`, { relapseNote: 'Attendance fell to 70% again.' });
      assert.equal(relapse.statusCode, 303);
      const m = await db
        .selectFrom('episode_monitoring')
        .selectAll()
        .where('episode_id', '=', episodeId)
        .executeTakeFirstOrThrow();
      assert.equal(m.ending, 'relapse');
      assert.equal(
        (await db.selectFrom('episode').select('status').where('id', '=', episodeId).executeTakeFirstOrThrow()).status,
        'open',
      );
      // At the old period's end nothing is asked of the lead; a new proposal can be made.
      t.clock.set(new Date('2027-05-01T10:00:00Z'));
      as.clear();
      await t.runJobs();
      assert.ok(!(await workOf(worker)).some((w) => w.kind === 'episode.confirm-closure' && w.href.startsWith(url)));
      const page = await (await as(worker)).get(url);
      assert.match(page.body, /Relapse recorded/);
      assert.match(page.body, /data-qa="propose"/);
      // Someone else cannot propose or see the monitoring.
      const s = await as(stranger);
      assert.equal((await s.get(`${url}/propose-closure`)).statusCode, 404);
    });

    test('the family’s letter is in their language where the consent explanation has the phrases, else English with a note', async () => {
      t.clock.set(new Date('2027-06-01T10:00:00Z'));
      as.clear();
      const polish = await family('Eve', 'Polish');
      const c = await as(worker);
      await c.post(`${polish.url}/close`, { reason: 'stepped_down', note: 'Family hub now leads.' });
      const letter = await (await as(teacher)).get(`${polish.url}/letter`);
      assert.equal(letter.statusCode, 200);
      assert.match(letter.body, /<article class="app-letter" lang="pl"/);
      assert.match(letter.body, /Dzień dobry, <bdi>Eves-Mum Quill<\/bdi>/);
      assert.match(letter.body, /Pytania/);
      assert.match(
        letter.body,
        /Parts of this letter are in English because they have not been translated into Polski/,
      );
      assert.match(letter.body, /<span lang="en" dir="ltr">Your family’s early help support has ended<\/span>/);
      const pdf = await (await as(teacher)).get(`${polish.url}/letter/pdf`);
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');

      const somali = await family('Fy', 'Somali');
      await c.post(`${somali.url}/close`, { reason: 'moved_away' });
      const english = await (await as(teacher)).get(`${somali.url}/letter`);
      assert.match(english.body, /<article class="app-letter" lang="en"/);
      assert.match(english.body, /Dear <bdi>Fys-Mum Quill<\/bdi>,/);
      assert.match(english.body, /This letter is in English because it has not been translated into Somali/);

      // Recording the letter as given: refused without a method, then recorded and on the chronology.
      const t2 = await as(teacher);
      const none = await t2.post(`${polish.url}/letter`, {});
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /Select how the letter was given to the family/);
      const given = await t2.post(`${polish.url}/letter`, { method: 'given' });
      assert.equal(given.statusCode, 303);
      const e = await db.selectFrom('episode').selectAll().where('id', '=', polish.episodeId).executeTakeFirstOrThrow();
      assert.equal(e.letter_method, 'given');
      assert.equal(e.letter_language, 'pl');
      const chronology = await t2.get(`/people/${polish.childId}/chronology`);
      assert.ok(chronology.body.includes('Closure letter given to the family'));
      // An open episode has no letter; a stranger sees none.
      assert.equal((await (await as(stranger)).get(`${polish.url}/letter`)).statusCode, 404);
    });
  });
}
