/**
 * Demo contacts at the front door, so a fresh demo shows a working queue: one urgent (risk of significant harm),
 * one overdue, and one decided. Made by practitioners about children they work with, within the partnership of the
 * demo's front door worker, each shared with the front door on a recorded lawful basis.
 */
import { sql, type Transaction } from 'kysely';
import { addDays, londonToday } from '../../platform/calendar.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import { DEADLINE_RULES, markDeadlineMet, setDeadline } from '../../platform/deadlines.ts';
import { withinPartnership } from '../../platform/partnership.ts';
import type { DB } from '../schema.ts';
import { demoId } from './random.ts';

const FRONT_DOOR_WORKER = 'kwame.boateng@demo.early-help.invalid';

export async function seedDemoContacts(trx: Transaction<DB>, now: Date): Promise<number> {
  const worker = await trx
    .selectFrom('app_user')
    .select(['id', 'organisation_id'])
    .where('id', '=', demoId(`user:${FRONT_DOOR_WORKER}`))
    .executeTakeFirst();
  if (!worker) return 0;
  const candidates = await trx
    .selectFrom('involvement as i')
    .innerJoin('app_user as u', 'u.id', 'i.user_id')
    .innerJoin('user_role as r', (j) => j.onRef('r.user_id', '=', 'u.id').on('r.role', '=', 'practitioner'))
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .innerJoin('person as p', 'p.id', 'i.person_id')
    .select(['i.person_id', 'u.id as user_id', 'u.organisation_id', 'o.agency_type'])
    .where('i.ended_on', 'is', null)
    .where('p.kind', '=', 'child')
    .where('p.shielded', '=', false)
    .where('o.agency_type', 'in', ['school', 'health'])
    .orderBy('i.person_id')
    .limit(60)
    .execute();
  const picked: typeof candidates = [];
  for (const c of candidates) {
    if (picked.some((p) => p.person_id === c.person_id)) continue;
    if (
      !(await withinPartnership(trx, { userId: worker.id, organisationId: worker.organisation_id }, c.person_id, now))
    )
      continue;
    picked.push(c);
    if (picked.length === 3) break;
  }
  const guidance = await trx
    .selectFrom('threshold_guidance')
    .select('id')
    .orderBy('version', 'desc')
    .executeTakeFirst();
  const calendar = await loadWorkingCalendar(trx);
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const specs = [
    {
      ref: 'FD-DEM001',
      harm: true,
      at: hoursAgo(0.5),
      circumstances: 'Came to school with a burn on the hand and would not say how it happened; scared to go home.',
      needs: 'Someone from children’s social care to see the child today.',
      tried: null,
    },
    {
      ref: 'FD-DEM002',
      harm: false,
      at: new Date(`${addDays(londonToday(now), -5)}T09:30:00Z`),
      circumstances: 'Attendance has dropped to 70% this term; often arrives hungry; younger siblings at home.',
      needs: 'Family support with routines and a lead practitioner to co-ordinate.',
      tried: 'Breakfast club and two meetings with mum since September.',
    },
    {
      ref: 'FD-DEM003',
      harm: false,
      at: new Date(`${addDays(londonToday(now), -7)}T10:00:00Z`),
      circumstances: 'Parent asked for help with the child’s sleep and behaviour at home.',
      needs: 'Advice on parenting support nearby.',
      tried: 'Talked with the parent at two appointments.',
    },
  ];
  let made = 0;
  for (const [i, c] of picked.entries()) {
    const s = specs[i]!;
    const id = demoId(`contact:${s.ref}`);
    await trx
      .insertInto('contact')
      .values({
        id,
        reference: s.ref,
        significant_harm: s.harm,
        urgency: s.harm ? 'urgent' : 'normal',
        referrer_user_id: c.user_id,
        referrer_organisation_id: c.organisation_id,
        referral_source: c.agency_type === 'school' ? '2A' : '3D',
        circumstances: s.circumstances,
        indicators: '[]',
        guidance_id: guidance?.id ?? null,
        needs_to_happen: s.needs,
        tried: s.tried,
        via: 'web',
        received_at: s.at,
      })
      .execute();
    const shared = await trx
      .insertInto('sharing_decision')
      .values({
        person_id: c.person_id,
        decision: 'share',
        what: `A request for support to the front door (${s.ref})`,
        recipient_kind: 'front_door',
        basis: s.harm ? 'child_at_risk_of_harm' : 'enquiry_risk_of_harm',
        override: true,
        reason: 'The family could not be reached before the request was sent.',
        decided_by: c.user_id,
        decided_by_organisation_id: c.organisation_id,
        decided_at: s.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('contact_child')
      .values({ contact_id: id, person_id: c.person_id, sharing_decision_id: shared.id })
      .execute();
    const rule = s.harm ? DEADLINE_RULES.FRONT_DOOR_URGENT_DECISION : DEADLINE_RULES.FRONT_DOOR_DECISION;
    await setDeadline(trx, calendar, { ownerType: 'contact', ownerId: id, rule, start: s.at });
    if (s.ref === 'FD-DEM003' && guidance) {
      const decidedAt = new Date(s.at.getTime() + 4 * 3_600_000);
      await sql`update contact set status = 'decided' where id = ${id}`.execute(trx);
      await trx
        .insertInto('contact_decision')
        .values({
          contact_id: id,
          outcome: 'advice',
          level: 'universal',
          indicators: '[]',
          guidance_id: guidance.id,
          rationale: 'Needs can be met by universal services: the parent agreed to try the local parenting group.',
          advice: 'Suggest the children’s centre parenting group and the health visitor’s sleep clinic.',
          decided_by: worker.id,
          decided_at: decidedAt,
        })
        .execute();
      await markDeadlineMet(trx, {
        ownerType: 'contact',
        ownerId: id,
        ruleCode: rule.code,
        at: decidedAt,
        by: worker.id,
      });
    }
    made++;
  }
  return made;
}
