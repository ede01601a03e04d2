import assert from 'node:assert/strict';
import { test } from 'node:test';
import { londonToday } from '../../src/platform/calendar.ts';
import { createPerson, relate } from '../support/people.ts';
import { BreakGlassPage, ChildrenAndFamiliesPage, IndexCardPage, textOf } from './pages/people.ts';
import {
  AddFamilyMemberPage,
  AddIdentifierPage,
  AddNamePage,
  ChangeAddressPage,
  ChangeDetailsPage,
  EndInvolvementPage,
  RecordInvolvementPage,
  ShieldingPage,
  ShieldingRequestsPage,
} from './pages/people-record.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('changing a child’s index record in the browser', (env) => {
  const db = () => env.app.database.db;

  test('the practitioner working with a child corrects details, adds names, identifiers, a move and a parent', async () => {
    const teacher = await env.createUser({ name: 'Rhiannon Pryce', organisationName: 'Kestrel Lane Primary' });
    const child = await createPerson(db(), {
      givenName: 'Nikolai',
      familyName: 'Petrenko',
      dateOfBirth: '2016-05-14',
      sex: 'M',
      address: { line1: '5 Kestrel Lane', postcode: 'LU1 3XY', town: 'Luton' },
      involvement: { organisationId: teacher.organisationId, userId: teacher.id, role: 'Class teacher' },
    });
    // His sister moves with him: she is offered because the teacher works with her too.
    await createPerson(db(), {
      givenName: 'Daria',
      familyName: 'Petrenko',
      dateOfBirth: '2019-02-02',
      sex: 'F',
      address: { line1: '5 Kestrel Lane', postcode: 'LU1 3XY' },
      involvement: { organisationId: teacher.organisationId, userId: teacher.id, role: 'Class teacher' },
    });
    const page = await env.newPage();
    await signIn(env, page, teacher);
    let card = await IndexCardPage.open(page, child, 'Nikolai Petrenko');

    const details = await ChangeDetailsPage.from(card);
    await details.set({ knownAs: 'Kolya', nhsNumber: '943 476 5918' });
    await details.saveWithErrors();
    assert.match(await textOf(details.errorSummary()), /Enter a real NHS number/);
    assert.equal(await page.getByLabel('Known as (optional)').inputValue(), 'Kolya', 'what was typed is kept');
    await details.set({ nhsNumber: '943 476 5919', firstLanguage: 'Ukrainian' });
    card = await details.save('Nikolai Petrenko');
    assert.match(await textOf(card.successBanner()), /Identifying details changed/);
    assert.equal(await card.detail('Known as'), 'Kolya');
    assert.equal(await card.detail('NHS number'), '943 476 5919');

    card = await (await AddNamePage.from(card)).add('Also known as', 'Mykola', 'Petrenko', 'Nikolai Petrenko');
    assert.match(await card.detail('Other names'), /Mykola Petrenko/);
    card = await (await AddIdentifierPage.from(card)).add('Police reference', 'BD-2026-00417', 'Nikolai Petrenko');
    assert.equal(await card.detail('Police reference'), 'BD-2026-00417 (Kestrel Lane Primary)');

    const move = await ChangeAddressPage.from(card);
    await move.saveWithErrors();
    assert.match(await textOf(move.errorSummary()), /Enter the first line of the address/);
    card = await move.move(
      { line1: '22 Osprey Court', postcode: 'LU2 8PT', movedIn: '2026-10-01', alsoMoved: ['Daria Petrenko'] },
      'Nikolai Petrenko',
    );
    assert.match(await textOf(card.address()), /22 Osprey Court/);

    card = await (await AddFamilyMemberPage.from(card)).addNewParent('Oleksandr', 'Petrenko', 'Nikolai Petrenko');
    assert.ok((await card.family()).includes('Oleksandr Petrenko'));

    // Search finds him by the alias and by the old address.
    const search = await ChildrenAndFamiliesPage.fromMenu(page);
    const results = await search.search({ givenName: 'Mykola', familyName: 'Petrenko', postcode: 'LU1 3XY' });
    assert.equal((await results.results())[0]?.name, 'Nikolai Petrenko');
    const sister = await db()
      .selectFrom('household_member as hm')
      .innerJoin('household as h', 'h.id', 'hm.household_id')
      .innerJoin('person as p', 'p.id', 'hm.person_id')
      .select('h.postcode')
      .where('p.given_name', '=', 'Daria')
      .where('hm.moved_out', 'is', null)
      .executeTakeFirstOrThrow();
    assert.equal(sister.postcode, 'LU2 8PT', 'the sister moved with him');
  });

  test('a practitioner records and ends their involvement', async () => {
    const nurse = await env.createUser({ name: 'Ifeoma Eze', organisationName: 'Southfield School Nursing' });
    const child = await createPerson(db(), {
      givenName: 'Leila',
      familyName: 'Haddad',
      dateOfBirth: '2013-08-30',
      sex: 'F',
      address: { line1: '9 Fern Road', postcode: 'LU3 1AB' },
    });
    const page = await env.newPage();
    await signIn(env, page, nurse);
    let card = await IndexCardPage.open(page, child, 'Leila Haddad');
    card = await (await RecordInvolvementPage.from(card)).record('School nurse', '01632 960 214', 'Leila Haddad');
    assert.match(await textOf(card.successBanner()), /Your involvement is recorded/);
    assert.ok((await card.involvements()).some((i) => i.role === 'School nurse' && /Ifeoma Eze/.test(i.who)));
    const today = londonToday(new Date(env.clock.now()));
    card = await (await EndInvolvementPage.from(card, 'School nurse')).end(today, 'Leila Haddad');
    assert.ok((await card.involvements()).some((i) => /Ended/.test(i.role)));
  });

  test('shielding: one step to shield, the parent’s address hidden too, and two people to lift it', async () => {
    const manager = await env.createUser({ name: 'Graham Holt', roles: ['manager'] });
    const frontDoor = await env.createUser({ name: 'Nia Roberts', roles: ['front_door'] });
    const approver = await env.createUser({ name: 'Declan Byrne', roles: ['manager'] });
    const home = { line1: '9 Fern Road', postcode: 'LU3 1AB' };
    const child = await createPerson(db(), {
      givenName: 'Leila',
      familyName: 'Haddad',
      dateOfBirth: '2013-08-30',
      sex: 'F',
      address: home,
      involvement: { organisationId: frontDoor.organisationId, userId: frontDoor.id, role: 'Front door worker' },
    });
    const mother = await createPerson(db(), {
      kind: 'adult',
      givenName: 'Rania',
      familyName: 'Haddad',
      dateOfBirth: '1984-04-04',
      sex: 'F',
      address: home,
    });
    await relate(db(), child, mother, 'parent');

    // A manager shields the child. The same form sent again (from a second tab) changes nothing and says so.
    const other = await env.newPage({ javaScriptEnabled: false });
    await signIn(env, other, manager);
    const managerCard = await IndexCardPage.open(other, child, 'Leila Haddad');
    const shield = await ShieldingPage.from(managerCard, "Shield this child's whereabouts");
    const secondTab = await other.context().newPage();
    await secondTab.goto(`/people/${child}/shielding`);
    const shieldAgain = await ShieldingPage.verifyOnPage(secondTab);
    await shield.submit('Shield this child', 'short');
    await ShieldingPage.verifyOnPage(other);
    assert.match(await textOf(shield.errorSummary()), /Enter why/);
    await shield.submit('Shield this child', 'Mother and Leila are in a refuge after domestic abuse.');
    const list = await ChildrenAndFamiliesPage.verifyOnPage(other);
    assert.match(await textOf(list.successBanner()), /now shielded/);
    await shieldAgain.submit('Shield this child', 'Mother and Leila are in a refuge after domestic abuse.');
    const again = await ChildrenAndFamiliesPage.verifyOnPage(secondTab);
    assert.match(await textOf(again.successBanner()), /This child is already shielded/);
    await secondTab.close();
    const changes = await db().selectFrom('shielding_change').selectAll().where('person_id', '=', child).execute();
    assert.equal(changes.length, 1);

    // The mother lives with her: her card asks for a reason too, and never shows the address.
    await other.goto(`/people/${mother}`);
    const gate = await BreakGlassPage.verifyOnPage(other);
    assert.doesNotMatch(await textOf(other.locator('main')), /Fern Road|LU3 1AB/);
    const motherCard = await gate.openWithReason('Mother rang the front door asking for support', 'Rania Haddad');
    assert.match(await textOf(motherCard.address()), /Not shown/);
    assert.doesNotMatch(await textOf(other.locator('main')), /Fern Road|LU3 1AB/);

    // The front door worker working with Leila asks for shielding to be lifted.
    const asker = await env.newPage();
    await signIn(env, asker, frontDoor);
    await asker.goto(`/people/${child}/shielding`);
    const lift = await ShieldingPage.verifyOnPage(asker);
    await lift.submit('Ask for shielding to be lifted', 'The family has moved on and the risk has been reviewed.');
    const waiting = await ShieldingPage.verifyOnPage(asker);
    assert.match(await textOf(waiting.successBanner()), /waiting for approval/);
    let row = await db().selectFrom('person').select('shielded').where('id', '=', child).executeTakeFirstOrThrow();
    assert.equal(row.shielded, true, 'still shielded until someone else approves');

    // A second manager approves it from the list linked on the home page.
    const decider = await env.newPage();
    await signIn(env, decider, approver);
    const requests = await ShieldingRequestsPage.fromHome(decider);
    const request = await requests.open('Leila Haddad');
    assert.match(await textOf(decider.locator('[data-qa="request-reason"]')), /risk has been reviewed/);
    const decided = await request.decide('Approve: lift shielding', 'Agreed with the refuge and the social worker.');
    assert.match(await textOf(decided.successBanner()), /Request approved/);
    row = await db().selectFrom('person').select('shielded').where('id', '=', child).executeTakeFirstOrThrow();
    assert.equal(row.shielded, false);
    const lifted = await IndexCardPage.open(other, child, 'Leila Haddad');
    assert.match(await textOf(lifted.address()), /9 Fern Road/);
  });
});
