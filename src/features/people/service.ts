import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { INDEX_ROLES, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { enqueueEmail } from '../../platform/outbox.ts';
import { consentStatus } from '../../platform/sharing.ts';
import * as repo from './repository.ts';

export { INDEX_ROLES };

export class ShieldedRecordError extends Error {
  constructor(readonly personId: string) {
    super('This record is shielded');
  }
}

export function ageOn(dateOfBirth: string | null, today: Date): number | null {
  if (!dateOfBirth) return null;
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - y;
  const beforeBirthday = today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}

export class PeopleService {
  constructor(private readonly db: Kysely<DB>) {}

  async caseload(ctx: RequestContext) {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    const actor = ctx.actor!;
    return this.db.transaction().execute(async (trx) => {
      const teamIds = [...new Set([...actor.teamIds, ...actor.managedTeamIds])];
      const rows = await repo.caseload(trx, actor.userId, teamIds);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.caseload.viewed',
        details: { personIds: rows.map((r) => r.id) },
      });
      return rows;
    });
  }

  async search(ctx: RequestContext, q: { givenName?: string; familyName?: string; dateOfBirth?: string }) {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const rows = await repo.searchByName(trx, { ...q, limit: 25 });
      // The criteria themselves are personal data: record which were used, not what was typed.
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.searched',
        details: {
          fields: Object.entries(q)
            .filter(([, v]) => v)
            .map(([k]) => k),
          resultIds: rows.map((r) => r.id),
        },
      });
      return rows;
    });
  }

  /**
   * The index card. A shielded child's card opens only through break-glass: a reason, an audit event
   * and a notice to everyone working with the child.
   */
  async indexCard(ctx: RequestContext, personId: string, breakGlassReason?: string) {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const person = await repo.findPerson(trx, personId);
      if (!person) throw new NotFoundError();
      if (person.shielded && !breakGlassReason) throw new ShieldedRecordError(personId);
      const [family, involved, address] = await Promise.all([
        repo.relatives(trx, personId),
        repo.involvements(trx, personId),
        person.shielded ? Promise.resolve(undefined) : repo.currentAddress(trx, personId),
      ]);
      await recordAudit(trx, auditContext(ctx, role), {
        action: person.shielded ? 'person.break-glass' : 'person.index-card.viewed',
        recordType: 'person',
        recordId: personId,
        ...(breakGlassReason ? { reason: breakGlassReason } : {}),
      });
      if (person.shielded) {
        const owners = involved.filter((i) => !i.ended_on && i.contact_email).map((i) => i.contact_email as string);
        for (const to of new Set(owners)) {
          await enqueueEmail(trx, {
            to,
            subject: 'A shielded record you work with was opened',
            text:
              `${ctx.actor!.name} (${ctx.actor!.organisationName}) opened a shielded record you are involved with, ` +
              `at ${ctx.at.toISOString()}, giving a reason. Sign in to Early Help Hub and ask your data protection ` +
              `officer for the access history if this was not expected. Reference: ${personId}`,
          });
        }
      }
      return {
        person,
        age: ageOn(person.date_of_birth, ctx.at),
        address,
        family: family.filter((f) => !f.shielded || f.id === personId),
        involvements: involved,
        consentStatus: await consentStatus(trx, ctx.actor!, personId, ctx.at, { reminder: false }),
      };
    });
  }
}
