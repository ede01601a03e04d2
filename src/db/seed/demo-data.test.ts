import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DIRECTORY_AREAS } from '../../features/directory/demo-data.ts';
import { AGENCY_TYPES, ROLES } from '../schema.ts';
import { buildDemoData, DEMO_PASSWORD, demoSignInHelp } from './demo.ts';
import { isPermanentUpn, isTestNhsNumber } from './identifiers.ts';
import { DEMO_TEAM_CONTACTS } from './partnership.ts';
import { isDramaNumber } from './phones.ts';
import { ageOn, demoId } from './random.ts';
import { DEMO_USERS } from './users.ts';

const TODAY = new Date('2026-05-01T10:00:00Z');
const today = '2026-05-01';
const data = buildDemoData(TODAY);
const { partnership, families } = data;

/** Children in Need census ethnicity codes. */
const CIN_ETHNICITY = new Set(
  'WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU NOBT'.split(' '),
);

function band(dob: string | null | undefined): string {
  if (!dob) return 'unborn';
  const age = ageOn(dob, today);
  return age < 5 ? '0-4' : age < 11 ? '5-10' : age < 18 ? '11-17' : '18-25';
}

function digest(d = data): string {
  const people = d.families.persons.map((p) => `${p.given_name}|${p.family_name}|${p.date_of_birth}`);
  return createHash('sha256').update(people.join('\n')).digest('hex');
}

test('the same day gives identical data; a later day keeps the people and moves their birthdays', () => {
  assert.equal(digest(buildDemoData(new Date(TODAY))), digest());
  const later = buildDemoData(new Date('2027-05-01T10:00:00Z'));
  assert.deepEqual(
    later.families.persons.map((p) => p.given_name),
    families.persons.map((p) => p.given_name),
  );
  const first = families.persons.find((p) => p.date_of_birth)!;
  const moved = later.families.persons.find((p) => p.id === first.id)!;
  assert.equal(ageOn(moved.date_of_birth!, '2027-05-01'), ageOn(first.date_of_birth!, today));
});

test('about two hundred households with children in every age band', () => {
  assert.ok(families.households.length >= 190, `${families.households.length} households`);
  const children = families.persons.filter((p) => p.kind === 'child');
  const bands = new Map<string, number>();
  for (const c of children) bands.set(band(c.date_of_birth), (bands.get(band(c.date_of_birth)) ?? 0) + 1);
  for (const b of ['unborn', '0-4', '5-10', '11-17', '18-25']) assert.ok((bands.get(b) ?? 0) >= 3, `band ${b}`);
  for (const c of children.filter((p) => !p.date_of_birth)) assert.ok(c.expected_date_of_birth! > today);
  assert.ok(
    families.persons.some((p) => p.shielded),
    'some children are shielded',
  );
  assert.ok(families.persons.every((p) => p.is_demo));
  assert.ok(families.households.every((h) => h.is_demo));
});

test('identifiers pass their checks and NHS numbers are all in the test range', () => {
  const nhs = families.persons.map((p) => p.nhs_number).filter((n): n is string => !!n);
  const upns = families.persons.map((p) => p.upn).filter((n): n is string => !!n);
  assert.ok(nhs.length > 300 && upns.length > 100);
  for (const n of nhs) assert.ok(isTestNhsNumber(n), n);
  for (const u of upns) assert.ok(isPermanentUpn(u), u);
  assert.equal(new Set(nhs).size, nhs.length);
  assert.equal(new Set(upns).size, upns.length);
});

test('codes, languages and postcodes look real', () => {
  for (const p of families.persons) assert.ok(CIN_ETHNICITY.has(p.ethnicity ?? ''), String(p.ethnicity));
  const languages = new Set(families.persons.map((p) => p.first_language));
  for (const l of ['English', 'Urdu', 'Punjabi', 'Bengali', 'Polish']) assert.ok(languages.has(l), l);
  const outward = new Map(partnership.areas.map((a) => [demoId(`area:${a.key}`), a.outward ?? []]));
  for (const h of families.households) {
    const m = /^([A-Z]{2}\d{1,2}) \d[ABDEFGHJLNPQRSTUWXYZ]{2}$/.exec(h.postcode);
    assert.ok(m, h.postcode);
    assert.ok(outward.get(h.area_id!)?.includes(m[1]!), `${h.postcode} is in its area`);
  }
});

test('every child under 18 has someone with parental responsibility, and rows refer to real people', () => {
  const ids = new Set(families.persons.map((p) => p.id));
  const withPr = new Set(families.relationships.filter((r) => r.parental_responsibility).map((r) => r.person_id));
  for (const r of families.relationships) {
    assert.ok(ids.has(r.person_id) && ids.has(r.related_person_id) && r.person_id !== r.related_person_id);
  }
  for (const c of families.persons.filter((p) => p.kind === 'child')) {
    if (c.date_of_birth && ageOn(c.date_of_birth, today) >= 18) continue;
    assert.ok(withPr.has(c.id!), `${c.given_name} ${c.family_name} has a PR holder`);
  }
  const kinds = new Set(families.relationships.map((r) => r.kind));
  for (const k of ['parent', 'step_parent', 'sibling', 'half_sibling', 'grandparent'])
    assert.ok(kinds.has(k as never), k);
  assert.ok(families.relationships.some((r) => r.kind === 'step_parent' && !r.parental_responsibility));
  for (const m of families.members) assert.ok(ids.has(m.person_id));
});

test('involvements name real organisations and teams, with dates in order and contacts to call', () => {
  const orgs = new Set(partnership.organisations.map((o) => demoId(`org:${o.key}`)));
  const teamOrg = new Map(
    partnership.organisations.flatMap((o) => o.teams.map((t) => [demoId(`team:${t.key}`), demoId(`org:${o.key}`)])),
  );
  for (const i of families.involvements) {
    assert.ok(orgs.has(i.organisation_id));
    if (i.team_id) assert.equal(teamOrg.get(i.team_id), i.organisation_id);
    assert.ok(i.started_on <= today);
    if (i.ended_on) assert.ok(i.ended_on >= i.started_on);
    assert.ok(i.contact_phone && isDramaNumber(i.contact_phone), String(i.contact_phone));
    assert.match(String(i.contact_email), /@demo\.early-help\.invalid$/);
  }
  const named = new Set(families.involvements.map((i) => i.user_id));
  for (const u of DEMO_USERS.filter((x) => x.serves)) {
    assert.ok(named.has(demoId(`user:${u.email}`)), `${u.name} has a caseload`);
  }
  const levels = new Set(families.needLevels.map((n) => n.level));
  assert.deepEqual([...levels].sort(), ['early_help', 'specialist', 'targeted', 'universal']);
});

test('the partnership covers every agency type in use, tiers, panels and clusters', () => {
  const types = new Set(partnership.organisations.map((o) => o.agencyType));
  for (const t of types) assert.ok(AGENCY_TYPES.includes(t));
  for (const t of ['school', 'early_years', 'health', 'police', 'social_care', 'youth_service', 'youth_offending']) {
    assert.ok(types.has(t as never), t);
  }
  assert.equal(new Set(partnership.organisations.map((o) => o.name)).size, partnership.organisations.length);
  for (const o of partnership.organisations) {
    assert.match(o.name, /\(demo\)$/);
    assert.ok(isDramaNumber(o.phone), o.phone);
    for (const t of o.teams) assert.ok(t.phone && isDramaNumber(t.phone), `${t.name} ${t.phone}`);
  }
  assert.equal(partnership.areas.filter((a) => a.kind === 'area').length, 3);
  assert.ok(partnership.areas.filter((a) => a.kind === 'cluster').length >= 4);
  const teamNames = partnership.organisations.flatMap((o) => o.teams.map((t) => t.name));
  assert.equal(teamNames.filter((n) => /Family Support Panel$/.test(n)).length, 3);
});

test('demo users: every role, valid references, unique emails and usable authenticator keys', () => {
  for (const role of ROLES)
    assert.ok(
      DEMO_USERS.some((u) => u.roles.includes(role)),
      role,
    );
  assert.equal(new Set(DEMO_USERS.map((u) => u.email)).size, DEMO_USERS.length);
  assert.equal(new Set(DEMO_USERS.map((u) => u.totpSecret)).size, DEMO_USERS.length);
  const orgs = new Set(partnership.organisations.map((o) => o.key));
  const teams = new Set(partnership.organisations.flatMap((o) => o.teams.map((t) => t.key)));
  const areas = new Set(partnership.areas.map((a) => a.key));
  for (const u of DEMO_USERS) {
    assert.match(u.email, /^[a-z.]+@demo\.early-help\.invalid$/);
    assert.match(u.totpSecret, /^[A-Z2-7]{32}$/, 'base32, 20 bytes');
    assert.ok(orgs.has(u.org), u.org);
    for (const t of u.teams) assert.ok(teams.has(t), t);
    for (const t of u.manages ?? []) assert.ok(u.teams.includes(t), t);
    for (const a of u.areas) assert.ok(areas.has(a), a);
  }
  const clusters = partnership.areas.filter((a) => a.kind === 'cluster').map((a) => a.key);
  for (const c of clusters) {
    assert.ok(
      DEMO_USERS.some((u) => u.roles.includes('integrated_processes') && u.areas.includes(c)),
      `a targeted services leader for ${c}`,
    );
  }
  assert.ok(DEMO_USERS.some((u) => u.email === 'admin@demo.early-help.invalid' && u.roles.includes('system_admin')));
});

test('docs/demo-data.md lists every demo user with their setup key, and the password', () => {
  const doc = readFileSync(new URL('../../../docs/demo-data.md', import.meta.url), 'utf8');
  assert.ok(doc.includes(DEMO_PASSWORD));
  for (const u of DEMO_USERS) {
    const row = doc.split('\n').find((line) => line.startsWith(`| ${u.email} | ${u.name} |`));
    assert.ok(row, `${u.email} is in the table of all users`);
    assert.ok(row.includes(`\`${u.totpSecret}\``), `${u.email} has the right setup key`);
  }
});

test('the start-up help names the key accounts, the password and where the keys are', () => {
  const help = demoSignInHelp(DEMO_PASSWORD);
  assert.match(help, /admin@demo\.early-help\.invalid\s+system_admin/);
  assert.match(help, /dpo@demo\.early-help\.invalid\s+data_protection/);
  assert.ok(help.includes(DEMO_PASSWORD));
  assert.match(help, /docs\/demo-data\.md/);
});

test('every team named in the demo conversation contacts exists, and each partnership has a front door', () => {
  const teams = new Set(partnership.organisations.flatMap((o) => o.teams.map((t) => t.key)));
  for (const key of Object.keys(DEMO_TEAM_CONTACTS)) assert.ok(teams.has(key), key);
  const frontDoors = Object.entries(DEMO_TEAM_CONTACTS).filter(([, c]) => c.role === 'front_door');
  assert.deepEqual(frontDoors.map(([k]) => k.split('-')[0]).sort(), ['aire', 'lea', 'soar']);
  const outOfHours = Object.entries(DEMO_TEAM_CONTACTS).filter(([, c]) => c.role === 'out_of_hours');
  assert.equal(outOfHours.length, 3);
});

test('the directory places every demo area by the same postcode districts, and every household has its area', () => {
  const directory = new Map(DIRECTORY_AREAS.map((a) => [a.name, a]));
  for (const a of partnership.areas) {
    const d = directory.get(a.name);
    assert.ok(d, `${a.name} is in the directory's areas`);
    assert.equal(d.kind, a.kind, a.name);
    if (a.outward) assert.deepEqual(d.districts, [...a.outward], a.name);
  }
  const byId = new Map(partnership.areas.map((a) => [demoId(`area:${a.key}`), a]));
  for (const h of families.households) {
    const area = h.area_id ? byId.get(h.area_id) : undefined;
    assert.ok(area, 'the household has an area');
    assert.ok(area.outward?.includes(h.postcode.split(' ')[0]!), `${h.postcode} is in ${area.name}`);
  }
});

test('a few adults and young people have their own email at example.org or example.com and a drama number', () => {
  const withContact = families.persons.filter((p) => p.email || p.telephone);
  assert.ok(withContact.length >= 10 && withContact.length <= 200, String(withContact.length));
  assert.ok(withContact.some((p) => p.kind === 'adult'));
  assert.ok(
    withContact.some((p) => p.kind === 'child'),
    'young people too',
  );
  const emails = new Set<string>();
  for (const p of withContact) {
    assert.match(String(p.email), /^[a-z]+\.[a-z]+\d+@example\.(org|com)$/);
    assert.ok(p.telephone && isDramaNumber(p.telephone), String(p.telephone));
    if (p.kind === 'child') assert.ok(ageOn(p.date_of_birth!, today) >= 13, 'no young child has their own');
    emails.add(String(p.email));
  }
  assert.equal(emails.size, withContact.length, 'no two people share an email address');
});
