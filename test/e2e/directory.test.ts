import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { type DirectoryDemo, seedDirectoryDemo } from '../../src/features/directory/demo-data.ts';
import { createOrganisation } from '../support/factories.ts';
import { type Answer, DirectorySearchPage, RulesPage, textOf } from './pages/directory.ts';
import { type BrowserUser, browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

const MST = 'Multisystemic Therapy (MST)';
const SIGNPOST = 'Signpost intensive family support';
const BEHAVIOUR = 'Anti-social behaviour and offending';
const AGE_ERROR = 'Enter an age in whole years, from 0 to 25';

/** The filters of an "MST-type" search: a specialist service for a 14-year-old's behaviour, in the cluster. */
const MST_TYPE = { age: 14, area: /: Holbeck Mills \(yours\)$/, needs: [BEHAVIOUR], tiers: ['Specialist'] };

const RISK_OF_CARE = 'Is the young person at risk of coming into care?';
const YOUTH_OFFENDING = 'Is the young person involved with the Youth Offending Service?';
/** MST's exclusions, none of which applies to the young people in these journeys. */
const LIVES_IN_AIRE = "Does the child live in Aire City Children's Partnership?";

const MST_NO_EXCLUSIONS: Record<string, Answer> = {
  'Is sexual offending the primary issue, with no other anti-social behaviour?': 'No',
  'Does the young person have autism?': 'No',
  'Is the young person living independently?': 'No',
  'Is the young person in crisis because of active suicidal or psychotic behaviour?': 'No',
};

/** A date of birth that makes a child `years` old today (and for weeks either side). */
function bornYearsAgo(now: Date, years: number): string {
  const d = new Date(now.getTime() - 40 * 86_400_000);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
}

async function addChild(
  db: Kysely<DB>,
  child: { given: string; family: string; dateOfBirth: string },
  organisations: { organisationId: string; userId?: string }[],
) {
  const { id } = await db
    .insertInto('person')
    .values({
      kind: 'child',
      given_name: child.given,
      family_name: child.family,
      known_as: null,
      date_of_birth: child.dateOfBirth,
      expected_date_of_birth: null,
      sex: 'U',
      nhs_number: null,
      upn: null,
      ethnicity: null,
      first_language: null,
      date_of_death: null,
      created_by: null,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const o of organisations) {
    await db
      .insertInto('involvement')
      .values({
        person_id: id,
        organisation_id: o.organisationId,
        team_id: null,
        user_id: o.userId ?? null,
        role: 'Worker',
        started_on: '2026-01-01',
        ended_on: null,
        contact_phone: null,
        contact_email: null,
      })
      .execute();
  }
  return id;
}

browserSuite('services directory (browser)', (env) => {
  let demo: DirectoryDemo;
  let practitioner: BrowserUser;

  before(async () => {
    const db = env.app.database.db;
    demo = await seedDirectoryDemo(db, { today: env.clock.now() });
    // A school practitioner who works in the Holbeck Mills cluster of the Aire partnership.
    practitioner = await env.createUser({
      roles: ['practitioner'],
      name: 'Grace Adebayo',
      organisationName: 'Holbeck Mills Academy',
    });
    await db
      .insertInto('user_area')
      .values({ user_id: practitioner.id, area_id: demo.areaIds['Holbeck Mills']! })
      .execute();
    const yos = await createOrganisation(db, { name: 'Aire Youth Justice Service', agency_type: 'youth_offending' });
    const reuben = await addChild(
      db,
      { given: 'Reuben', family: 'Ashworth', dateOfBirth: bornYearsAgo(env.clock.now(), 14) },
      [{ organisationId: practitioner.organisationId, userId: practitioner.id }, { organisationId: yos.id }],
    );
    // Reuben lives in the Holbeck Mills cluster, so the record answers where he lives.
    const home = await db
      .insertInto('household')
      .values({
        address_line1: '7 Demo Close',
        address_line2: null,
        town: 'Leeds',
        postcode: 'LS11 5ZZ',
        area_id: demo.areaIds['Holbeck Mills']!,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('household_member')
      .values({ household_id: home.id, person_id: reuben, moved_in: '2020-01-01', moved_out: null })
      .execute();
    await addChild(db, { given: 'Isla', family: 'Ashworth', dateOfBirth: bornYearsAgo(env.clock.now(), 10) }, [
      { organisationId: practitioner.organisationId },
    ]);
  });

  test('a practitioner finds an MST-type service for a 14-year-old in their cluster and sees why a 10-year-old is not eligible', async () => {
    const page = await env.newPage();
    await signIn(env, page, practitioner);
    const search = await DirectorySearchPage.fromMenu(page);
    assert.ok((await search.areaOptions()).includes("Aire City Children's Partnership: Holbeck Mills (yours)"));

    const found = await search.filter(MST_TYPE);
    // City-wide specialist services are found in the cluster; Targeted Youth Support (Rutmoor) and
    // the Youth Offending Service (targeted) are not.
    assert.deepEqual(await found.resultNames(), [MST, SIGNPOST]);
    assert.equal(await textOf(found.resultCount()), '2 services found');
    assert.deepEqual(
      (await found.selectedFilters()).sort(),
      ['Age 14', BEHAVIOUR, 'Holbeck Mills', 'Specialist'].sort(),
    );
    // The form keeps what was chosen.
    assert.equal(await found.filters().getByLabel('Age of the child or young person').inputValue(), '14');

    const service = await found.openService(MST);
    assert.equal(await service.summaryValue('Ages'), 'Aged 11 to 17');
    assert.equal(await service.summaryValue('Refer via'), 'Through a panel: Children Aire panel');
    assert.ok((await service.criteria().allTextContents()).includes('At risk of coming into care'));

    // For a young person of 14, without using any record.
    const check = await service.checkEligibility();
    const unanswered = await check.check(14);
    assert.equal(await unanswered.outcomeCode(), 'more_information');
    assert.equal(await unanswered.outcomeHeading(), 'More information needed');
    assert.equal(await unanswered.reasonResult(/The child is 14, which is within the age range/), 'Met');
    assert.equal(await unanswered.reasonResult(/^At risk of coming into care$/), 'Not known');
    assert.equal(await unanswered.reasonResult(/^MST is not for young people with autism$/), 'Not known');

    const eligible = await unanswered.check(14, {
      [RISK_OF_CARE]: 'Yes',
      [LIVES_IN_AIRE]: 'Yes',
      ...MST_NO_EXCLUSIONS,
    });
    assert.equal(await eligible.outcomeCode(), 'eligible');
    assert.equal(await eligible.outcomeHeading(), 'Likely to be eligible');
    assert.equal(await eligible.reasonResult(/^At risk of coming into care$/), 'Met');
    assert.equal(await eligible.reasonResult(/^MST is not for young people with autism$/), 'Does not apply');
    assert.equal(await eligible.rulesVersion(), 'version 1');

    // The same answers for a 10-year-old: the age range is the reason, and it comes first.
    const tooYoung = await eligible.check(10);
    assert.equal(await tooYoung.outcomeCode(), 'not_eligible');
    assert.equal(await tooYoung.outcomeHeading(), 'Not eligible');
    assert.deepEqual((await tooYoung.reasons())[0], {
      text: 'MST works with young people aged 11 to 17. The child is 10, which is under the age range.',
      result: 'Not met',
    });

    // For children the practitioner works with: the age and the youth justice involvement come from the record.
    const reuben = await tooYoung.checkChild('Reuben Ashworth', { [RISK_OF_CARE]: 'Not known', ...MST_NO_EXCLUSIONS });
    assert.equal(await reuben.outcomeCode(), 'eligible');
    assert.equal(await reuben.outcomeHeading(), 'Reuben Ashworth: Likely to be eligible');
    assert.equal(
      await reuben.reasonResult(
        /^Serves families in Aire City Children's Partnership; this child lives in Holbeck Mills\.$/,
      ),
      'Met from the child’s record',
    );
    assert.equal(await reuben.question(LIVES_IN_AIRE).count(), 0);
    assert.equal(
      await reuben.reasonResult(/^Involved with the Youth Offending Service$/),
      'Met from the child’s record',
    );
    // What the record answered is not asked again, and the age typed earlier was not used.
    assert.deepEqual(await reuben.answeredFromRecord(), [`${YOUTH_OFFENDING} Yes, from Reuben Ashworth’s record`]);
    assert.equal(await reuben.question(YOUTH_OFFENDING).count(), 0);
    assert.equal(await reuben.ageInput().inputValue(), '');
    const isla = await reuben.checkChild('Isla Ashworth');
    assert.equal(await isla.outcomeCode(), 'not_eligible');
    assert.equal(await isla.outcomeHeading(), 'Isla Ashworth: Not eligible');
    assert.equal(
      (await isla.reasons())[0]!.text,
      'MST works with young people aged 11 to 17. The child is 10, which is under the age range.',
    );
    // Isla's record says nothing about youth justice or where she lives, so the questions are asked.
    assert.deepEqual(await isla.answeredFromRecord(), []);
    assert.equal(await isla.answer(YOUTH_OFFENDING), 'Not known');
    assert.equal(await isla.answer(LIVES_IN_AIRE), 'Not known');
  });

  test('an administrator changes an eligibility rule, the history shows the new version, and the next evaluation uses it', async () => {
    const answers: Record<string, Answer> = {
      'Does the child or young person show persistent anti-social behaviour or prolific offending?': 'Yes',
      'Does the family have multiple complex needs that may lead to family breakdown?': 'Yes',
      'Is there a possibility of the children being taken into care?': 'Yes',
      'Do the parents have limited capacity to change, for example because of learning disabilities?': 'No',
      'Is the young person living independently?': 'No',
      'Does the young person have learning disabilities or severe mental health issues?': 'No',
      [LIVES_IN_AIRE]: 'Yes',
    };

    // Before the change, the family of a 3-year-old is likely to be eligible.
    const practitionerPage = await env.newPage();
    await signIn(env, practitionerPage, practitioner);
    const signpost = await (await DirectorySearchPage.fromMenu(practitionerPage))
      .filter({ words: 'Signpost' })
      .then((found) => found.openService(SIGNPOST));
    const beforeChange = await (await signpost.checkEligibility()).check(3, answers);
    assert.equal(await beforeChange.outcomeCode(), 'eligible');
    assert.equal(await beforeChange.rulesVersion(), 'version 1');

    const admin = await env.createUser({ roles: ['system_admin'], name: 'Hannah Kowalczyk' });
    const page = await env.newPage();
    await signIn(env, page, admin);
    const service = await (await DirectorySearchPage.fromMenu(page))
      .filter({ words: 'Signpost' })
      .then((found) => found.openService(SIGNPOST));
    const rules = await service.editRules();
    assert.match(await textOf(page.locator('main')), /You are editing version 1\. Saving creates version 2/);
    assert.equal(await rules.minimumAge().inputValue(), '0');

    // Nothing is saved without a note, and what was typed stays.
    const newWording = 'Signpost works with families with children and young people aged 5 to 17';
    await rules.fill({ minimumAge: 5, ageWording: newWording, criteria: { 3: { wording: 'At risk of care' } } });
    const refused = await RulesPage.verifyOnPage(page);
    assert.match(await page.title(), /^Error: /);
    assert.equal(await refused.fieldError('changeNote'), 'Enter what changed and why');
    assert.equal(await refused.minimumAge().inputValue(), '5');
    assert.equal(await refused.ageWording().inputValue(), newWording);
    assert.equal(
      await refused.criterion(3).getByLabel('Reason wording', { exact: true }).inputValue(),
      'At risk of care',
    );

    const history = await refused.save({
      criteria: { 3: { wording: 'The children may be taken into care' } },
      note: 'Families with children under 5 now go to the Early Start teams',
    });
    assert.match(await textOf(history.successBanner()), /Eligibility rules version 2 saved/);
    const versions = await history.versions();
    assert.equal(versions.length, 2);
    assert.match(
      versions[0]!,
      /^Version 2 – .+ – Hannah Kowalczyk: Families with children under 5 now go to the Early Start teams$/,
    );
    assert.match(versions[1]!, /^Version 1 – .+ – Demo data: /);
    const v2 = await history.versionText(0);
    assert.match(v2, /^Ages: 5 to 17\. All criteria must apply\./);
    assert.match(v2, /The children may be taken into care/);
    assert.doesNotMatch(v2, /A possibility of the children being taken into care/);
    assert.match(await history.versionText(1), /^Ages: 0 to 17\..*A possibility of the children being taken into care/);
    assert.deepEqual((await history.changes())[0], {
      who: 'Hannah Kowalczyk',
      what: 'Eligibility rules version 2: Families with children under 5 now go to the Early Start teams',
    });
    const updated = await history.backToService(SIGNPOST);
    assert.equal(await updated.summaryValue('Ages'), 'Aged 5 to 17');
    assert.ok((await updated.criteria().allTextContents()).includes('The children may be taken into care'));

    // The practitioner's next check of the same family, from the page they already had open, uses version 2.
    const afterChange = await beforeChange.check(3, answers);
    assert.equal(await afterChange.outcomeCode(), 'not_eligible');
    assert.equal(await afterChange.rulesVersion(), 'version 2');
    assert.deepEqual((await afterChange.reasons())[0], {
      text: `${newWording}. The child is 3, which is under the age range.`,
      result: 'Not met',
    });
    assert.equal(await afterChange.reasonResult(/^The children may be taken into care$/), 'Met');
    const older = await afterChange.check(6, answers);
    assert.equal(await older.outcomeCode(), 'eligible');
  });

  test('the same search works without JavaScript', async () => {
    const page = await env.newPage({ javaScriptEnabled: false });
    await signIn(env, page, practitioner);
    const search = await DirectorySearchPage.fromMenu(page);
    const found = await search.filter(MST_TYPE);
    assert.deepEqual(await found.resultNames(), [MST, SIGNPOST]);
    assert.deepEqual(
      (await found.selectedFilters()).sort(),
      ['Age 14', BEHAVIOUR, 'Holbeck Mills', 'Specialist'].sort(),
    );
    // Removing the tier filter also finds the targeted Youth Offending Service.
    const wider = await found.removeFilter('Specialist');
    assert.deepEqual(await wider.resultNames(), [MST, SIGNPOST, 'Youth Offending Service']);
    assert.equal(await wider.filters().getByLabel('Age of the child or young person').inputValue(), '14');

    const service = await wider.openService(MST);
    const check = await service.checkEligibility();
    const result = await check.check(10, { [RISK_OF_CARE]: 'Yes', ...MST_NO_EXCLUSIONS });
    assert.equal(await result.outcomeCode(), 'not_eligible');
    assert.equal(
      (await result.reasons())[0]!.text,
      'MST works with young people aged 11 to 17. The child is 10, which is under the age range.',
    );
  });

  test('bad input in the search and eligibility forms gives a GOV.UK error summary and keeps what was typed', async () => {
    const page = await env.newPage();
    await signIn(env, page, practitioner);
    const search = await DirectorySearchPage.fromMenu(page);
    const bad = await search.filter({
      words: 'family',
      age: 'fourteen',
      area: /: Holbeck Mills \(yours\)$/,
      needs: [BEHAVIOUR],
    });
    assert.match(await page.title(), /^Error: Services directory/);
    assert.equal(await bad.errorLink(AGE_ERROR).count(), 1);
    assert.equal(await bad.fieldError('age'), AGE_ERROR);
    assert.equal(await bad.resultCount().count(), 0);
    await bad.errorLink(AGE_ERROR).click();
    assert.equal(await bad.focused(), 'input#age');
    const form = bad.filters();
    assert.equal(await form.getByLabel('Age of the child or young person').inputValue(), 'fourteen');
    assert.equal(await form.getByLabel('Search words').inputValue(), 'family');
    assert.equal(await form.getByLabel('Area or cluster').inputValue(), demo.areaIds['Holbeck Mills']);
    assert.equal(
      await form.getByRole('group', { name: 'Need' }).getByLabel(BEHAVIOUR, { exact: true }).isChecked(),
      true,
    );

    const words = 'Parenting support for families with teenagers, '.repeat(3).trim();
    const long = await bad.filter({ words, age: 14 });
    assert.equal(await long.fieldError('q'), 'Search words must be 100 characters or fewer');
    assert.equal(await form.getByLabel('Search words').inputValue(), words);

    const fixed = await long.filter({ words: 'Multisystemic' });
    assert.equal(await fixed.errorSummary().count(), 0);
    assert.deepEqual(await fixed.resultNames(), [MST]);

    const check = await (await fixed.openService(MST)).checkEligibility();
    const invalid = await check.check('ten', { 'Does the young person have autism?': 'No' });
    assert.match(await page.title(), /^Error: /);
    assert.equal(await invalid.fieldError('age'), AGE_ERROR);
    assert.equal(await invalid.outcome().count(), 0);
    assert.equal(await invalid.ageInput().inputValue(), 'ten');
    assert.equal(await invalid.answer('Does the young person have autism?'), 'No');
    assert.equal(await invalid.answer(RISK_OF_CARE), 'Not known');
    await invalid.errorLink(AGE_ERROR).click();
    assert.equal(await invalid.focused(), 'input#age');

    const corrected = await invalid.check(15);
    assert.equal(await corrected.errorSummary().count(), 0);
    assert.equal(await corrected.outcomeCode(), 'more_information');
    assert.equal(await corrected.answer('Does the young person have autism?'), 'No');

    // Nothing typed, for a service that publishes only its age range and its area: both are what is missing.
    const yos = await (await DirectorySearchPage.fromMenu(page))
      .filter({ words: 'Youth Offending' })
      .then((found) => found.openService('Youth Offending Service'));
    const ageOnly = await (await yos.checkEligibility()).check('');
    assert.equal(await ageOnly.errorSummary().count(), 0);
    assert.equal(await ageOnly.outcomeCode(), 'more_information');
    assert.deepEqual(await ageOnly.reasons(), [
      { text: 'For children and young people aged 10 to 17. Give the child’s age.', result: 'Not known' },
      {
        text: "Serves families in Aire City Children's Partnership. Where the child lives is not known.",
        result: 'Not known',
      },
    ]);
    assert.match(
      await textOf(ageOnly.outcome()),
      /Answer the questions marked “Not known” below, or talk to the service\./,
    );
    assert.equal(await ageOnly.rulesVersion(), '(age range and areas served only)');
  });
});
