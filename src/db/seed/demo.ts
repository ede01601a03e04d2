import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import { seedDirectoryDemo } from '../../features/directory/demo-data.ts';
import { queuePairs } from '../../features/people/duplicate-service.ts';
import { refreshMatchData } from '../../features/people/match-repository.ts';
import { defaultModel } from '../../features/people/matching/model.ts';
import { searchCoder } from '../../features/people/search.ts';
import { currentGuidance } from '../../features/threshold/repository.ts';
import { recordAudit } from '../../platform/audit.ts';
import { hashPassword } from '../../platform/passwords.ts';
import type { DB } from '../schema.ts';
import { seedDemoChronology } from './chronology-demo.ts';
import { seedDemoConversations } from './conversations.ts';
import { addDemoDuplicates } from './duplicates.ts';
import { addEarlyHelpSummaries } from './early-help.ts';
import { seedDemoEpisode } from './episodes.ts';
import { FamilyGenerator, type FamilyRows } from './families.ts';
import { seedDemoContacts } from './front-door.ts';
import { seedDemoPanels } from './panels.ts';
import { buildPartnership, DEMO_TEAM_CONTACTS, type Partnership } from './partnership.ts';
import { demoId, isoDate, Random } from './random.ts';
import { DEMO_USERS, type DemoUserDef, demoUserPhone } from './users.ts';

/** The one password every demo account shares. Demo data is for trying the product, never for live use. */

/**
 * The demo's sensitive services (by organisation or team key): their involvement shows on an index card only to
 * the service itself and to organisations a current consent names for the category.
 */
const SENSITIVE_SERVICES: Record<string, string> = {
  'lea-camhs': 'mental_health',
  'aire-camhs': 'mental_health',
  'soar-camhs': 'mental_health',
  'safer-homes': 'domestic_abuse',
  'clear-path': 'substance_misuse',
  'rutmoor-council:sexual-health': 'sexual_health',
};

export const DEMO_PASSWORD = 'demo-password-2026';

/** The seed for the generator: change it and every demo family changes. */
const DEMO_SEED = 20070115;
const CHUNK = 400;

/** The accounts worth trying first, one per role. */
const KEY_USERS = [
  'admin@demo.early-help.invalid',
  'dpo@demo.early-help.invalid',
  'practitioner@demo.early-help.invalid',
  'manager@demo.early-help.invalid',
  'frontdoor@demo.early-help.invalid',
  'tsl@demo.early-help.invalid',
  'panel.admin@demo.early-help.invalid',
  'panel.chair@demo.early-help.invalid',
  'panel.member@demo.early-help.invalid',
  'analyst@demo.early-help.invalid',
];

/** A short sign-in guide printed at start-up when demo data is enabled. */
export function demoSignInHelp(password: string): string {
  const rows = KEY_USERS.map((email) => DEMO_USERS.find((u) => u.email === email)).filter(
    (u): u is DemoUserDef => u !== undefined,
  );
  const width = Math.max(...rows.map((u) => u.email.length));
  return [
    'Demo sign-in (all people in the demo data are fictional):',
    ...rows.map((u) => `  ${u.email.padEnd(width)}  ${u.roles.join(', ')}`),
    `  Password for every demo account: ${password}`,
    '  Each account has a fixed authenticator setup key, listed in docs/demo-data.md',
    '  (or print a code with: ./bin/early-help totp-code --secret KEY; each code works once: to sign in again, wait for the next one).',
  ].join('\n');
}

export interface DemoData {
  partnership: Partnership;
  families: FamilyRows;
}

/** Everything the demo holds, computed without touching the database: the same `today` gives the same data. */
export function buildDemoData(today: Date): DemoData {
  const partnership = buildPartnership();
  const generator = new FamilyGenerator(new Random(DEMO_SEED), isoDate(today), partnership, DEMO_USERS);
  return { partnership, families: generator.generate() };
}

async function insertChunks<T extends keyof DB & string>(trx: Transaction<DB>, table: T, rows: Insertable<DB[T]>[]) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    // A generic table name hides the row type from Kysely; the caller's rows are already typed per table.
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK) as never)
      .execute();
  }
}

/**
 * Loads the fictional demo partnership, its services directory, staff and families in one transaction.
 * With onlyIfEmpty it does nothing (and returns false) when any organisation already exists, so a real
 * installation is never touched. Dates of birth are relative to `today`, so ages stay realistic as time passes.
 */
export async function seedDemo(db: Kysely<DB>, opts: { onlyIfEmpty: boolean; today?: Date }): Promise<boolean> {
  const today = opts.today ?? new Date();
  const { partnership, families } = buildDemoData(today);
  addEarlyHelpSummaries(families);
  const duplicatePairs = addDemoDuplicates(families);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const enrolledAt = new Date(`${isoDate(today)}T08:00:00Z`);
  return db.transaction().execute(async (trx) => {
    // Two processes starting together must not both seed.
    await sql`select pg_advisory_xact_lock(815234003)`.execute(trx);
    if (opts.onlyIfEmpty) {
      const existing = await trx.selectFrom('organisation').select('id').limit(1).executeTakeFirst();
      if (existing) return false;
    }
    await insertChunks(
      trx,
      'area',
      partnership.areas.map((a) => ({
        id: demoId(`area:${a.key}`),
        name: a.name,
        kind: a.kind,
        parent_id: a.parent ? demoId(`area:${a.parent}`) : null,
        is_demo: true,
      })),
    );
    await insertChunks(
      trx,
      'organisation',
      partnership.organisations.map((o) => ({
        id: demoId(`org:${o.key}`),
        name: o.name,
        agency_type: o.agencyType,
        tier: o.tier,
        phone: o.phone,
        email: o.email,
        is_demo: true,
        sensitive_category: SENSITIVE_SERVICES[o.key] ?? null,
      })),
    );
    await insertChunks(
      trx,
      'team',
      partnership.organisations.flatMap((o) =>
        o.teams.map((t) => ({
          id: demoId(`team:${t.key}`),
          organisation_id: demoId(`org:${o.key}`),
          area_id: t.area ? demoId(`area:${t.area}`) : null,
          name: t.name,
          phone: t.phone,
          email: t.email,
          sensitive_category: SENSITIVE_SERVICES[t.key] ?? null,
          contact_role: DEMO_TEAM_CONTACTS[t.key]?.role ?? null,
          hours: DEMO_TEAM_CONTACTS[t.key]?.hours ?? null,
        })),
      ),
    );
    // After the partnership, so the directory's services belong to its organisations and areas.
    await seedDirectoryDemo(trx, { today });
    await insertChunks(
      trx,
      'app_user',
      DEMO_USERS.map((u, i) => ({
        id: demoId(`user:${u.email}`),
        email: u.email,
        name: u.name,
        job_title: u.jobTitle,
        phone: demoUserPhone(i),
        organisation_id: demoId(`org:${u.org}`),
        password_hash: passwordHash,
        totp_secret: u.totpSecret,
        totp_enrolled_at: enrolledAt,
        recovery_code_hashes: '[]',
        locked_until: null,
        disabled_at: null,
        oidc_issuer: null,
        oidc_subject: null,
        is_demo: true,
        updated_at: enrolledAt,
      })),
    );
    const userId = (u: DemoUserDef) => demoId(`user:${u.email}`);
    await insertChunks(
      trx,
      'user_role',
      DEMO_USERS.flatMap((u) => u.roles.map((role) => ({ user_id: userId(u), role }))),
    );
    await insertChunks(
      trx,
      'user_area',
      DEMO_USERS.flatMap((u) => u.areas.map((a) => ({ user_id: userId(u), area_id: demoId(`area:${a}`) }))),
    );
    await insertChunks(
      trx,
      'user_team',
      DEMO_USERS.flatMap((u) =>
        u.teams.map((t) => ({
          user_id: userId(u),
          team_id: demoId(`team:${t}`),
          is_manager: u.manages?.includes(t) ?? false,
        })),
      ),
    );
    // Each organisation's safeguarding lead: the first person whose job title says so.
    for (const u of DEMO_USERS.filter((x) => /safeguarding lead/i.test(x.jobTitle ?? ''))) {
      await trx
        .updateTable('organisation')
        .set({ safeguarding_lead_user_id: userId(u) })
        .where('id', '=', demoId(`org:${u.org}`))
        .where('safeguarding_lead_user_id', 'is', null)
        .execute();
    }
    await insertChunks(trx, 'household', families.households);
    await insertChunks(trx, 'person', families.persons);
    await insertChunks(trx, 'household_member', families.members);
    await insertChunks(trx, 'relationship', families.relationships);
    await insertChunks(trx, 'involvement', families.involvements);
    await insertChunks(trx, 'need_level', families.needLevels);
    // Search keys for everyone, then the demo's twice-recorded children into the review queue.
    await refreshMatchData(
      trx,
      families.persons.map((p) => p.id!),
      searchCoder(),
    );
    await queuePairs(trx, duplicatePairs, 'scan', defaultModel());
    // A working front door queue: one urgent contact, one overdue, one decided.
    await currentGuidance(trx);
    await seedDemoContacts(trx, today);
    await seedDemoConversations(trx, families, today);
    await seedDemoEpisode(trx, families, today);
    // The demo practitioner's own family stays out of the panels' history, so their record tells one story.
    const practitioner = demoId('user:practitioner@demo.early-help.invalid');
    const ownFamily = new Set(families.involvements.filter((i) => i.user_id === practitioner).map((i) => i.person_id));
    await seedDemoPanels(trx, today, families, ownFamily);
    await seedDemoChronology(trx, families, today);
    await recordAudit(
      trx,
      { actor: null, at: new Date() },
      {
        action: 'demo.seeded',
        details: {
          organisations: partnership.organisations.length,
          users: DEMO_USERS.length,
          households: families.households.length,
          people: families.persons.length,
        },
      },
    );
    return true;
  });
}
