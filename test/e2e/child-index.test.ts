import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queuePairs } from '../../src/features/people/duplicate-service.ts';
import { addInvolvement } from '../../src/features/people/registry-repository.ts';
import { modelWith } from '../../src/features/people/search.ts';
import { createOrganisation } from '../support/factories.ts';
import { createPerson, relate } from '../support/people.ts';
import {
  ChildrenAndFamiliesPage,
  ChildrenInFamilyPage,
  CompareRecordsPage,
  IndexCardPage,
  PossibleDuplicatesPage,
  SearchResultsPage,
  textOf,
  typed,
} from './pages/people.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('the child index in the browser', (env) => {
  const db = () => env.app.database.db;

  /** A family of two children and their mother, with three practitioners from different organisations working with the elder. */
  async function ashworthFamily() {
    const teacher = await env.createUser({ name: 'Bethan Lloyd', organisationName: 'Ashworth Vale Primary School' });
    const nurse = await env.createUser({ name: 'Kwame Mensah', organisationName: 'Eastgate School Nursing' });
    const hub = await createOrganisation(db(), { name: 'Millbrook Family Hub', agency_type: 'local_authority' });
    const home = { line1: '17 Heron Close', postcode: 'LU4 0PQ', town: 'Luton' };
    const harriet = await createPerson(db(), {
      givenName: 'Harriet',
      familyName: 'Ashworth',
      dateOfBirth: '2014-03-09',
      sex: 'F',
      address: home,
      involvement: {
        organisationId: teacher.organisationId,
        userId: teacher.id,
        role: 'Class teacher',
        phone: '01632 960410',
      },
    });
    await addInvolvement(db(), harriet, {
      organisationId: nurse.organisationId,
      teamId: null,
      userId: nurse.id,
      role: 'School nurse',
      startedOn: '2025-10-06',
      contactPhone: '01632 960522',
      contactEmail: 'k.mensah@school-nursing.example',
    });
    await addInvolvement(db(), harriet, {
      organisationId: hub.id,
      teamId: null,
      userId: null,
      role: 'Family support',
      startedOn: '2026-01-12',
      contactPhone: '01632 960733',
      contactEmail: 'family.support@millbrook-hub.example',
    });
    const theo = await createPerson(db(), {
      givenName: 'Theo',
      familyName: 'Ashworth',
      dateOfBirth: '2018-06-21',
      sex: 'M',
      address: home,
    });
    const mother = await createPerson(db(), {
      kind: 'adult',
      givenName: 'Claire',
      familyName: 'Ashworth',
      dateOfBirth: '1986-11-30',
      sex: 'F',
      address: home,
    });
    await relate(db(), harriet, mother, 'parent');
    await relate(db(), theo, mother, 'parent');
    // Others with the same family name: the right child must still come first.
    for (const [givenName, dateOfBirth] of [
      ['Harvey', '2014-09-03'],
      ['Henrietta', '2011-03-09'],
      ['Hannah', '2016-02-14'],
    ] as const) {
      await createPerson(db(), { givenName, familyName: 'Ashworth', dateOfBirth, sex: 'F' });
    }
    return { harriet, theo };
  }

  test('a practitioner finds a child despite a misspelt name and swapped date, and sees everyone working with them', async () => {
    const family = await ashworthFamily();
    const practitioner = await env.createUser({ name: 'Nadia Hussain', organisationName: 'Luton Youth Service' });
    const page = await env.newPage();
    await signIn(env, page, practitioner);
    const index = await ChildrenAndFamiliesPage.fromMenu(page);
    assert.deepEqual(await index.caseload(), [], 'not yet working with any child');

    const results = await index.search({
      givenName: 'Hariet',
      familyName: 'Ashworth',
      dateOfBirth: { day: '3', month: '9', year: '2014' },
    });
    const hits = await results.results();
    assert.ok(hits.length >= 1, await textOf(results.resultCount()));
    const first = hits[0]!;
    assert.equal(first.name, 'Harriet Ashworth', `found first: ${hits.map((h) => h.name).join(', ')}`);
    assert.equal(first.postcode, 'LU4 0PQ');
    assert.ok(first.score > 0, `a positive score, not ${first.score}`);
    assert.ok(
      hits.slice(1).every((h) => h.score <= first.score),
      'closest match first',
    );
    assert.ok(first.reasons.includes('Family name matches'), first.reasons.join('; '));
    assert.ok(
      first.reasons.some((r) => /^Given name (spelt|sounds)/.test(r)),
      first.reasons.join('; '),
    );
    assert.ok(first.reasons.includes('Day and month swapped in date of birth'), first.reasons.join('; '));
    assert.match(first.outcome, /Likely the same child|Possible match/);

    assert.equal(await results.linkTo('Harriet Ashworth').getAttribute('href'), `/people/${family.harriet}`);
    const card = await results.open('Harriet Ashworth');
    assert.match(await card.detail('Date of birth'), /9 March 2014/);
    assert.match(await textOf(card.address()), /17 Heron Close.*LU4 0PQ/);
    const involved = await card.involvements();
    assert.equal(involved.length, 3, JSON.stringify(involved));
    const byRole = Object.fromEntries(involved.map((i) => [i.role, i]));
    assert.match(byRole['Class teacher']!.who, /Bethan Lloyd.*Ashworth Vale Primary School/);
    assert.match(byRole['Class teacher']!.contact, /01632 960410/);
    assert.match(byRole['School nurse']!.who, /Kwame Mensah.*Eastgate School Nursing/);
    assert.match(byRole['School nurse']!.contact, /01632 960522.*k\.mensah@school-nursing\.example/);
    assert.match(byRole['Family support']!.who, /Millbrook Family Hub/);
    assert.match(byRole['Family support']!.contact, /01632 960733.*family\.support@millbrook-hub\.example/);
    assert.deepEqual((await card.emailLinks()).sort(), [
      'mailto:family.support@millbrook-hub.example',
      'mailto:k.mensah@school-nursing.example',
    ]);
    assert.ok((await card.family()).includes('Claire Ashworth'));

    const children = await card.seeAllChildrenInFamily();
    assert.equal(await textOf(children.caption()), 'Harriet Ashworth');
    const rows = await children.children();
    const theo = rows.find((c) => c.name === 'Theo Ashworth');
    assert.ok(theo, `children listed: ${rows.map((c) => c.name).join(', ')}`);
    assert.match(theo.how, /same parent or carer/i);
    assert.ok(!rows.some((c) => c.name === 'Harvey Ashworth'), 'a child of another family is not listed');
    assert.ok((await children.adults()).some((a) => a.startsWith('Claire Ashworth')));
    const theoCard = await children.openChild('Theo Ashworth');
    assert.equal(new URL(page.url()).pathname, `/people/${family.theo}`);
    assert.match(await theoCard.detail('Date of birth'), /21 June 2018/);
  });

  test('registering a child already recorded links to the record; a new child is registered and found', async () => {
    const school = await createOrganisation(db(), { name: 'St Aidan’s Primary School' });
    const jayden = await createPerson(db(), {
      givenName: 'Jayden',
      familyName: 'McIntyre',
      dateOfBirth: '2016-11-02',
      sex: 'M',
      address: { line1: '5 Kestrel Way', postcode: 'LU3 1TT' },
      involvement: { organisationId: school.id, role: 'Class teacher', phone: '01632 960144' },
    });
    const visitor = await env.createUser({ name: 'Rhiannon Price', organisationName: 'Southfield Health Visiting' });
    const page = await env.newPage();
    await signIn(env, page, visitor);
    const index = await ChildrenAndFamiliesPage.fromMenu(page);

    // Bad input once: the GOV.UK error summary, a message at each field and what was typed kept.
    let form = await index.registerAChild();
    await form.fill({
      givenName: 'Jaden',
      familyName: '',
      dateOfBirth: typed('2016-11-02'),
      sex: 'Male',
      nhsNumber: '943 476 5918',
      role: 'Health visitor',
    });
    form = await form.continueWithErrors();
    const summary = await textOf(form.errorSummary());
    assert.match(summary, /There is a problem/);
    assert.ok(await form.errorLink('Enter a last name').isVisible(), summary);
    assert.ok(
      await form.errorLink('Enter a real NHS number: the last digit does not match the others').isVisible(),
      summary,
    );
    assert.equal(await form.fieldError('familyName'), 'Enter a last name');
    assert.equal(
      await form.fieldError('nhsNumber'),
      'Enter a real NHS number: the last digit does not match the others',
    );
    assert.equal(await form.field('First name').inputValue(), 'Jaden');
    assert.equal(await form.field('NHS number').inputValue(), '943 476 5918');
    assert.equal(await form.field('Your role with the child').inputValue(), 'Health visitor');
    assert.equal(await form.page.getByLabel('Male', { exact: true }).isChecked(), true);
    assert.match(await page.title(), /^Error: /);
    // The summary's link moves focus to the field with the problem.
    await form.errorLink('Enter a last name').click();
    await page.waitForFunction(() => document.activeElement?.id === 'familyName');

    // A slightly different spelling of a child already in the index: the check offers the record.
    await form.fill({ familyName: 'Mcintyre', nhsNumber: '' });
    const check = await form.continueToCheck();
    const matches = await check.records();
    assert.equal(matches[0]?.name, 'Jayden McIntyre', JSON.stringify(matches));
    assert.equal(matches[0]!.postcode, 'LU3 1TT');
    assert.ok(matches[0]!.score > 0);
    assert.ok(matches[0]!.reasons.includes('Date of birth matches'), matches[0]!.reasons.join('; '));
    const card = await check.thisIsTheChild('Jayden McIntyre');
    assert.match(await textOf(card.successBanner()), /You are now recorded as working with this child/);
    const me = (await card.involvements()).find((i) => i.role === 'Health visitor');
    assert.ok(me, 'the health visitor is listed');
    assert.match(me.who, /Rhiannon Price.*Southfield Health Visiting/);
    assert.match(me.contact, new RegExp(visitor.email.replace(/[.]/g, '\\.')));
    const records = await db()
      .selectFrom('person')
      .select('id')
      .where((eb) => eb.fn('lower', ['family_name']), '=', 'mcintyre')
      .execute();
    assert.deepEqual(
      records.map((r) => r.id),
      [jayden],
      'no second record was made',
    );
    const mine = await db()
      .selectFrom('involvement')
      .select(['person_id', 'role'])
      .where('user_id', '=', visitor.id)
      .execute();
    assert.deepEqual(mine, [{ person_id: jayden, role: 'Health visitor' }]);

    // Jayden's twin brother is a new child, though his record looks like Jayden's: the check is confirmed.
    const again = await ChildrenAndFamiliesPage.fromMenu(page);
    assert.deepEqual(await again.caseload(), ['Jayden McIntyre']);
    form = await again.registerAChild();
    await form.fill({
      givenName: 'Jordan',
      familyName: 'McIntyre',
      dateOfBirth: typed('2016-11-02'),
      sex: 'Male',
      addressLine1: '5 Kestrel Way',
      postcode: 'lu3 1tt',
      role: 'Health visitor',
    });
    const twinCheck = await form.continueToCheck();
    assert.deepEqual(
      (await twinCheck.records()).map((m) => m.name),
      ['Jayden McIntyre'],
    );
    const unconfirmed = await twinCheck.registerNewUnconfirmed();
    assert.match(
      await textOf(unconfirmed.errorSummary()),
      /Confirm that none of these records is the child, or choose the record that is/,
    );
    const jordanCard = await unconfirmed.registerNew('Jordan McIntyre');
    assert.match(await textOf(jordanCard.successBanner()), /Child registered.*sent for review/);
    assert.match(await textOf(jordanCard.address()), /5 Kestrel Way.*LU3 1TT/);
    assert.ok(
      (await jordanCard.involvements()).some((i) => i.role === 'Health visitor' && /Rhiannon Price/.test(i.who)),
    );
    const twins = await db()
      .selectFrom('person')
      .select(['id', 'given_name', 'created_by'])
      .where('family_name', '=', 'McIntyre')
      .orderBy('given_name')
      .execute();
    assert.deepEqual(
      twins.map((t) => t.given_name),
      ['Jayden', 'Jordan'],
    );
    const jordan = twins[1]!;
    assert.equal(jordan.created_by, visitor.id);
    const review = await db()
      .selectFrom('possible_duplicate')
      .select(['other_person_id', 'source', 'status'])
      .where('person_id', '=', jordan.id)
      .execute();
    assert.deepEqual(review, [{ other_person_id: jayden, source: 'registration', status: 'open' }]);

    // A child nobody has recorded: a search finds no one, and registering from the results starts with what was typed.
    let search = await ChildrenAndFamiliesPage.fromMenu(page);
    const none = await search.search({
      givenName: 'Eilidh',
      familyName: 'Achterberg',
      dateOfBirth: typed('2019-01-15'),
    });
    assert.match(await textOf(none.resultCount()), /No children found/);
    const prefilled = await none.registerAChild();
    assert.equal(await prefilled.field('First name').inputValue(), 'Eilidh');
    assert.equal(await prefilled.field('Last name').inputValue(), 'Achterberg');
    assert.deepEqual(await prefilled.dateOfBirth(), typed('2019-01-15'));
    await prefilled.fill({ sex: 'Female', role: 'Health visitor' });
    await prefilled.continue();
    // Nothing like her is recorded, so no check is needed: the new record opens at once.
    const eilidhCard = await IndexCardPage.verifyFor(page, 'Eilidh Achterberg');
    assert.match(
      await textOf(eilidhCard.successBanner()),
      /^Success Child registered. You are recorded as working with them$/,
    );
    assert.match(await eilidhCard.detail('Date of birth'), /15 January 2019/);

    search = await ChildrenAndFamiliesPage.fromMenu(page);
    assert.deepEqual((await search.caseload()).sort(), ['Eilidh Achterberg', 'Jayden McIntyre', 'Jordan McIntyre']);
    const found = await search.search({
      givenName: 'Jordan',
      familyName: 'Mcintyre',
      dateOfBirth: typed('2016-11-02'),
    });
    const names = (await found.results()).map((h) => h.name);
    assert.equal(names[0], 'Jordan McIntyre', names.join(', '));
    assert.ok(names.includes('Jayden McIntyre'), 'his twin is found too, further down');
  });

  test('an administrator compares a possible duplicate, merges it, and undoes the merge', async () => {
    const school = await createOrganisation(db(), { name: 'Fairfield Academy' });
    const gp = await createOrganisation(db(), { name: 'Castle Street Surgery', agency_type: 'health' });
    const oskar = await createPerson(db(), {
      givenName: 'Oskar',
      familyName: 'Lindqvist',
      dateOfBirth: '2013-05-06',
      sex: 'M',
      address: { line1: '8 Willow Bank', postcode: 'LU1 3QE' },
      involvement: { organisationId: school.id, role: 'Head of year', phone: '01632 960301' },
    });
    const oscar = await createPerson(db(), {
      givenName: 'Oscar',
      familyName: 'Lindqvist',
      dateOfBirth: '2013-06-05',
      sex: 'M',
      address: { line1: '8 Willow Bank', postcode: 'LU1 3QE' },
      involvement: { organisationId: gp.id, role: 'GP', phone: '01632 960302' },
    });
    const queued = await db()
      .transaction()
      .execute((trx) => queuePairs(trx, [[oskar, oscar]], 'scan', modelWith(env.app.config.matching)));
    assert.equal(queued, 1, 'the pair scores high enough to be reviewed');

    const admin = await env.createUser({ roles: ['system_admin'], name: 'Morgan Blake' });
    const page = await env.newPage();
    await signIn(env, page, admin);
    const queue = await PossibleDuplicatesPage.fromMenu(page);
    const pairs = await queue.pairs();
    const pair = pairs.find((p) => p.record === 'Oskar Lindqvist' && p.duplicate === 'Oscar Lindqvist');
    assert.ok(pair, JSON.stringify(pairs));
    assert.ok(pair.score > 0);
    assert.match(pair.found, /By a scan/);

    const compare = await queue.compare('Oskar Lindqvist', 'Oscar Lindqvist');
    assert.ok(Number(await textOf(compare.score())) > 0);
    const evidence = await compare.evidence();
    assert.ok(evidence.includes('Day and month swapped in date of birth'), evidence.join('; '));
    assert.ok(
      evidence.some((r) => r.startsWith('Same address')),
      evidence.join('; '),
    );
    const [a, b] = [await compare.side('a'), await compare.side('b')];
    assert.equal(a.Name, 'Oskar Lindqvist');
    assert.match(a.Involved ?? '', /Head of year, Fairfield Academy/);
    assert.equal(b.Name, 'Oscar Lindqvist');
    assert.match(b.Involved ?? '', /GP, Castle Street Surgery/);

    // Without a reason the merge is refused, and the choice made is kept.
    await page.getByLabel('Record A: Oskar Lindqvist').check();
    await page.locator('[data-qa="merge"]').click();
    const refused = await CompareRecordsPage.verifyOnPage(page);
    assert.match(await textOf(refused.errorSummary()), /Enter why these records are the same person/);
    assert.equal(await page.getByLabel('Record A: Oskar Lindqvist').isChecked(), true);

    const merged = await refused.merge(
      'Record A: Oskar Lindqvist',
      'The GP and the school confirmed one boy: the surgery had day and month the wrong way round',
    );
    assert.match(await textOf(merged.successBanner()), /Records merged/);
    assert.ok(!(await merged.pairs()).some((p) => p.record === 'Oskar Lindqvist'), 'the pair left the queue');
    const afterMerge = await db().selectFrom('person').select('merged_into').where('id', '=', oscar).executeTakeFirst();
    assert.equal(afterMerge?.merged_into, oskar);
    const gpRow = () =>
      db().selectFrom('involvement').select('person_id').where('organisation_id', '=', gp.id).executeTakeFirstOrThrow();
    assert.equal((await gpRow()).person_id, oskar, 'the GP involvement moved to the record kept');

    const merges = await merged.seeMerges();
    const row = (await merges.merges()).find((m) => m.kept === 'Oskar Lindqvist');
    assert.ok(row);
    assert.equal(row.merged, 'Oscar Lindqvist');
    assert.match(row.when, /Morgan Blake/);
    assert.equal(row.status, 'Merged');
    const record = await merges.open('Oskar Lindqvist', 'Oscar Lindqvist');
    assert.match(await textOf(record.moved()), /^\d+ rows? .* moved to the record kept$/);
    assert.match((await record.side('kept')).Involved ?? '', /GP, Castle Street Surgery/);

    const undone = await record.undo('Two brothers recorded in error as one: Oscar is the younger twin');
    assert.match(await textOf(undone.successBanner()), /Merge undone/);
    const after = (await undone.merges()).find((m) => m.kept === 'Oskar Lindqvist');
    assert.match(after?.status ?? '', /^Undone/);
    const revived = await db().selectFrom('person').select('merged_into').where('id', '=', oscar).executeTakeFirst();
    assert.equal(revived?.merged_into, null, 'the merged record is live again');
    assert.equal((await gpRow()).person_id, oscar, 'the GP involvement moved back');
    const school_ = await db()
      .selectFrom('involvement')
      .select('person_id')
      .where('organisation_id', '=', school.id)
      .executeTakeFirstOrThrow();
    assert.equal(school_.person_id, oskar);
  });

  test('search and the index card work without JavaScript', async () => {
    const school = await createOrganisation(db(), { name: 'Brookside Junior School' });
    await createPerson(db(), {
      givenName: 'Tobias',
      familyName: 'Okonjo',
      dateOfBirth: '2015-07-19',
      sex: 'M',
      address: { line1: '3 Linnet Mews', postcode: 'LU5 4RD' },
      involvement: {
        organisationId: school.id,
        role: 'SENCO',
        phone: '01632 960877',
        email: 'senco@brookside.example',
      },
    });
    const practitioner = await env.createUser({ name: 'Dafydd Rees', organisationName: 'Luton Young Carers' });
    const page = await env.newPage({ javaScriptEnabled: false });
    await signIn(env, page, practitioner);
    const index = await ChildrenAndFamiliesPage.fromMenu(page);
    assert.equal(await page.locator('body.js-enabled').count(), 0, 'no script ran');

    // Without a name, postcode or identifier there is nothing to search on.
    await index.searchForm().getByRole('button', { name: 'Search', exact: true }).click();
    const refused = await ChildrenAndFamiliesPage.verifyOnPage(page);
    assert.match(
      await textOf(refused.errorSummary()),
      /Enter a name, a postcode, an NHS number, a unique pupil number, an email address or a telephone number/,
    );

    const results = await refused.search({ givenName: 'Tobias', familyName: 'Okonjo', postcode: 'LU5 4RD' });
    const [hit] = await results.results();
    assert.equal(hit?.name, 'Tobias Okonjo');
    assert.ok(
      hit.reasons.some((r) => r.startsWith('Same postcode')),
      hit.reasons.join('; '),
    );
    const card = await results.open('Tobias Okonjo');
    const [senco] = await card.involvements();
    assert.equal(senco?.role, 'SENCO');
    assert.match(senco.who, /Brookside Junior School/);
    assert.match(senco.contact, /01632 960877.*senco@brookside\.example/);
  });

  test('search and the index card work by keyboard alone', async () => {
    const hub = await createOrganisation(db(), { name: 'Riverbank Family Hub', agency_type: 'local_authority' });
    await createPerson(db(), {
      givenName: 'Ffion',
      familyName: 'Blackwood',
      dateOfBirth: '2012-12-01',
      sex: 'F',
      involvement: { organisationId: hub.id, role: 'Key worker', phone: '01632 960955' },
    });
    const practitioner = await env.createUser({ name: 'Samir Patel', organisationName: 'Hillcrest Secondary School' });
    const page = await env.newPage();
    await signIn(env, page, practitioner);
    const index = await ChildrenAndFamiliesPage.fromMenu(page);
    await index.tabTo('#givenName');
    await page.keyboard.type('Ffion');
    await page.keyboard.press('Tab');
    assert.equal(await index.focused(), 'input#familyName');
    await page.keyboard.type('Blackwood');
    await page.keyboard.press('Tab');
    assert.equal(await index.focused(), 'input#dob-day');
    await page.keyboard.type('1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('12');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2012');
    await index.tabTo('[data-qa="search"]');
    await page.keyboard.press('Enter');
    const results = await SearchResultsPage.verifyOnPage(page);
    assert.equal((await results.results())[0]?.name, 'Ffion Blackwood');

    await results.tabTo('[data-qa="result"] a');
    assert.equal(await results.focused(), 'a "Ffion Blackwood"');
    await page.keyboard.press('Enter');
    const card = await IndexCardPage.verifyFor(page, 'Ffion Blackwood');
    assert.match(await card.detail('Date of birth'), /1 December 2012/);
    assert.equal((await card.involvements())[0]?.role, 'Key worker');
    await card.tabTo('[data-qa="family-link"]');
    await page.keyboard.press('Enter');
    const family = await ChildrenInFamilyPage.verifyOnPage(page);
    assert.equal(await textOf(family.caption()), 'Ffion Blackwood');
  });

  test('a shielded child is found only by exact details, without a postcode, and opens only with a reason', async () => {
    const refuge = await createOrganisation(db(), { name: 'Lea Valley Women’s Aid', agency_type: 'voluntary' });
    const maryam = await createPerson(db(), {
      givenName: 'Maryam',
      familyName: 'Haddad',
      dateOfBirth: '2013-08-14',
      sex: 'F',
      address: { line1: '1 Refuge Lane', postcode: 'LU6 2ZZ' },
      shielded: true,
      involvement: { organisationId: refuge.id, role: 'Children’s worker', email: 'children@leavalley.example' },
    });
    const practitioner = await env.createUser({ name: 'Joanna Kowalska', organisationName: 'Dunstable Library' });
    const page = await env.newPage();
    await signIn(env, page, practitioner);
    const index = await ChildrenAndFamiliesPage.fromMenu(page);

    const near = await index.search({ givenName: 'Mariam', familyName: 'Haddad', dateOfBirth: typed('2013-08-14') });
    assert.ok(!(await near.results()).some((h) => h.name === 'Maryam Haddad'), 'a near match does not find her');

    const again = await ChildrenAndFamiliesPage.fromMenu(page);
    const exact = await again.search({ givenName: 'Maryam', familyName: 'Haddad', dateOfBirth: typed('2013-08-14') });
    const hits = await exact.results();
    assert.equal(hits.length, 1, JSON.stringify(hits));
    assert.equal(hits[0]!.name, 'Maryam Haddad');
    assert.equal(hits[0]!.shielded, true);
    assert.equal(hits[0]!.postcode, 'Shielded');
    assert.doesNotMatch(await textOf(page.locator('main')), /LU6|Refuge Lane/);

    const breakGlass = await exact.openShielded('Maryam Haddad');
    const noReason = await breakGlass.openWithoutReason();
    assert.match(await textOf(noReason.errorSummary()), /Enter why you need to open this record/);
    const card = await noReason.openWithReason(
      'Her mother has asked the library to confirm which school she now attends',
      'Maryam Haddad',
    );
    assert.match(await textOf(card.shieldedWarning()), /This record is shielded/);
    assert.match(await textOf(card.address()), /Not shown/);
    assert.doesNotMatch(await textOf(page.locator('main')), /LU6|Refuge Lane/);
    const event = await db()
      .selectFrom('audit_event')
      .select(['actor_user_id', 'reason'])
      .where('action', '=', 'person.break-glass')
      .where('record_id', '=', maryam)
      .executeTakeFirstOrThrow();
    assert.equal(event.actor_user_id, practitioner.id);
    assert.match(event.reason ?? '', /which school she now attends/);
  });
});
