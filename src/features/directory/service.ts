import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { type Actor, hasRole, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonNow } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { findPerson } from '../people/repository.ts';
import { ageOn, INDEX_ROLES } from '../people/service.ts';
import { type Answer, ageOnlyRules, type Evaluation, evaluate, type Rules, RulesSchema } from './eligibility.ts';
import * as repo from './repository.ts';
import type { DirectorySearch, ServiceForm } from './schemas.ts';

export const PAGE_SIZE = 20;

/** Today's date and the time of day where the partnership works, whatever the server's zone. */
export { londonNow };

export function addMonths(isoDate: string, months: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/**
 * Who may edit an entry: a system administrator any entry; a manager the entries of their own
 * organisation. Imported entries belong to another directory and only an administrator touches them.
 */
export function editScope(actor: Actor | null): { all: true } | { organisationId: string } | null {
  if (!actor) return null;
  if (hasRole(actor, 'system_admin')) return { all: true };
  if (hasRole(actor, 'manager')) return { organisationId: actor.organisationId };
  return null;
}

export function canEdit(actor: Actor | null, ownerOrganisationId: string | null): boolean {
  const scope = editScope(actor);
  if (!scope) return false;
  return 'all' in scope || (ownerOrganisationId !== null && scope.organisationId === ownerOrganisationId);
}

export class DirectoryService {
  constructor(private readonly db: Kysely<DB>) {}

  /** Services are not personal data: searching needs a signed-in user but writes no audit event. */
  async search(ctx: RequestContext, criteria: DirectorySearch) {
    const now = londonNow(ctx.at);
    const chosen = criteria.district
      ? await repo.areasForDistrict(this.db, criteria.district)
      : criteria.area
        ? [criteria.area]
        : undefined;
    const areaIds = chosen ? await repo.areaFamily(this.db, chosen) : undefined;
    const alternatives = criteria.q ? await repo.searchSynonyms(this.db, criteria.q) : [];
    const filters: repo.ServiceFilters = {
      ...(criteria.q ? { text: criteria.q, textAlternatives: alternatives } : {}),
      ...(criteria.need.length ? { termIds: criteria.need } : {}),
      ...(criteria.age !== undefined ? { age: criteria.age } : {}),
      ...(areaIds ? { areaIds } : {}),
      ...(criteria.tier.length ? { tiers: criteria.tier } : {}),
      ...(criteria.language ? { language: criteria.language } : {}),
      ...(criteria.access.length ? { accessRoutes: criteria.access } : {}),
      ...(criteria.open ? { openAt: { day: now.day, time: now.time } } : {}),
      statuses: ['active', 'temporarily closed'],
    };
    const { rows, total } = await repo.searchServices(this.db, filters, {
      limit: PAGE_SIZE,
      offset: (criteria.page - 1) * PAGE_SIZE,
    });
    const details = await repo.serviceDetails(
      this.db,
      rows.map((r) => r.id),
    );
    return {
      rows,
      total,
      details,
      today: now.today,
      alternatives,
      ...(criteria.district ? { district: criteria.district, districtKnown: (chosen?.length ?? 0) > 0 } : {}),
    };
  }

  async filterOptions() {
    return repo.filterOptions(this.db);
  }

  async serviceView(ctx: RequestContext, id: string) {
    const row = await repo.findService(this.db, id);
    if (!row) throw new NotFoundError();
    const [details, ruleSet] = await Promise.all([repo.serviceDetails(this.db, [id]), repo.latestRules(this.db, id)]);
    const now = londonNow(ctx.at);
    return {
      service: row,
      details,
      rules: ruleSet ? (RulesSchema.parse(ruleSet.rules) as Rules) : undefined,
      ruleVersion: ruleSet?.version,
      today: now.today,
      overdue: row.review_date < now.today,
      canEdit: canEdit(ctx.actor, row.owner_organisation_id),
    };
  }

  private async rulesFor(serviceId: string) {
    const row = await repo.findService(this.db, serviceId);
    if (!row) throw new NotFoundError();
    const set = await repo.latestRules(this.db, serviceId);
    const rules = set ? RulesSchema.parse(set.rules) : ageOnlyRules(row.minimum_age, row.maximum_age);
    const served = await repo.servedAreas(this.db, serviceId);
    return { service: row, rules, served, version: set?.version ?? null, changedAt: set?.created_at ?? null };
  }

  async eligibilityForm(ctx: RequestContext, serviceId: string) {
    const found = await this.rulesFor(serviceId);
    return { ...found, children: await this.childrenToChoose(ctx) };
  }

  /** The children the practitioner works with, to choose from. Listing names is a read of personal data. */
  private async childrenToChoose(ctx: RequestContext) {
    const actor = ctx.actor;
    if (!actor || !hasRole(actor, ...INDEX_ROLES)) return [];
    const role = requireRole(actor, ...INDEX_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const children = await repo.childrenForActor(trx, actor, ctx.at);
      if (children.length) {
        await recordAudit(trx, auditContext(ctx, role), {
          action: 'directory.eligibility.children-listed',
          details: { personIds: children.map((c) => c.id) },
        });
      }
      return children;
    });
  }

  /** For a hypothetical child: an age and answers, no record. Nothing personal is read or kept. */
  async evaluateHypothetical(
    ctx: RequestContext,
    serviceId: string,
    age: number | null,
    answers: Record<string, Answer>,
  ) {
    const found = await this.rulesFor(serviceId);
    return {
      ...found,
      evaluation: evaluate(found.rules, { age }, answers, found.served),
      children: await this.childrenToChoose(ctx),
    };
  }

  /**
   * For a child the practitioner works with: the age comes from the date of birth and some criteria
   * from open involvements. Without a relationship the child is "not found", whether or not they exist.
   */
  async evaluateForChild(ctx: RequestContext, serviceId: string, childId: string, answers: Record<string, Answer>) {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    const actor = ctx.actor as Actor;
    const found = await this.rulesFor(serviceId);
    const { evaluation, child } = await runRefusable(this.db, async (trx) => {
      const child = await repo.childForActor(trx, childId, actor, ctx.at);
      if (!child) {
        if (!(await findPerson(trx, childId))) throw new NotFoundError();
        return refuseOnPerson(trx, ctx, 'directory.eligibility.refused', childId, new NotFoundError(), { serviceId });
      }
      const evaluation: Evaluation = evaluate(
        found.rules,
        {
          age: ageOn(child.date_of_birth, ctx.at),
          unborn: !child.date_of_birth && Boolean(child.expected_date_of_birth),
          involvedAgencyTypes: child.agencyTypes,
          area: await repo.childArea(trx, child.id),
        },
        answers,
        found.served,
      );
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'directory.eligibility.evaluated',
        recordType: 'person',
        recordId: childId,
        details: { serviceId, ruleVersion: found.version, outcome: evaluation.outcome },
      });
      return { evaluation, child };
    });
    return {
      ...found,
      evaluation,
      child: { id: child.id, name: `${child.given_name} ${child.family_name}` },
      children: await this.childrenToChoose(ctx),
    };
  }

  // Administration.

  private requireEditor(ctx: RequestContext, ownerOrganisationId: string | null) {
    const role = requireRole(ctx.actor, 'system_admin', 'manager');
    if (!canEdit(ctx.actor, ownerOrganisationId)) throw new ForbiddenError();
    return role;
  }

  async adminOverview(ctx: RequestContext) {
    requireRole(ctx.actor, 'system_admin', 'manager');
    const scope = editScope(ctx.actor)!;
    const owner = 'all' in scope ? null : scope.organisationId;
    const services = await repo.editableServices(this.db, owner);
    const { today } = londonNow(ctx.at);
    return {
      services,
      overdue: services.filter((s) => s.review_date < today),
      dueSoon: services.filter((s) => s.review_date >= today && s.review_date <= addMonths(today, 1)),
      today,
      isAdmin: 'all' in scope,
    };
  }

  async editForm(ctx: RequestContext, id: string) {
    const row = await repo.findService(this.db, id);
    if (!row) throw new NotFoundError();
    this.requireEditor(ctx, row.owner_organisation_id);
    const details = await repo.serviceDetails(this.db, [id]);
    return { service: row, details, options: await repo.filterOptions(this.db) };
  }

  async newForm(ctx: RequestContext) {
    requireRole(ctx.actor, 'system_admin', 'manager');
    const scope = editScope(ctx.actor)!;
    const organisations = await repo.directoryOrganisations(this.db, 'all' in scope ? null : scope.organisationId);
    return { organisations, options: await repo.filterOptions(this.db) };
  }

  async createService(ctx: RequestContext, form: ServiceForm & { organisation?: string }) {
    const role = requireRole(ctx.actor, 'system_admin', 'manager');
    const actor = ctx.actor as Actor;
    const scope = editScope(actor)!;
    return this.db.transaction().execute(async (trx) => {
      let directoryOrgId = form.organisation;
      const mine = await repo.directoryOrganisations(trx, 'all' in scope ? null : scope.organisationId);
      if (directoryOrgId && !mine.some((o) => o.id === directoryOrgId)) throw new ForbiddenError();
      if (!directoryOrgId) {
        // A manager's first entry creates their organisation's directory record.
        if ('all' in scope) {
          throw new ValidationError([
            { field: 'organisation', message: 'Select the organisation that provides the service' },
          ]);
        }
        const own =
          mine[0] ??
          (await repo.insertDirectoryOrganisation(trx, actor.organisationId, actor.organisationName, ctx.at));
        directoryOrgId = own.id;
      }
      const created = await repo.insertService(trx, directoryOrgId, serviceFields(form), ctx.at);
      await repo.replaceTerms(trx, created.id, form.needs);
      await repo.replaceAreas(trx, created.id, await repo.areasByIds(trx, form.areas));
      await repo.insertChange(trx, {
        serviceId: created.id,
        action: 'created',
        summary: 'Entry created',
        details: {},
        by: actor.userId,
        byName: actor.name,
        at: ctx.at,
      });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'directory.service.created',
        recordType: 'directory_service',
        recordId: created.id,
      });
      return created.id;
    });
  }

  async updateService(ctx: RequestContext, id: string, form: ServiceForm) {
    const actor = ctx.actor as Actor;
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.findService(trx, id);
      if (!row) throw new NotFoundError();
      const role = this.requireEditor(ctx, row.owner_organisation_id);
      const fields = serviceFields(form);
      const before = await repo.serviceDetails(trx, [id]);
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const [k, v] of Object.entries(fields)) {
        const old = (row as Record<string, unknown>)[k] ?? null;
        if (String(old ?? '') !== String(v ?? '')) changed[k] = { from: old, to: v };
      }
      const oldTerms = before.terms.map((t) => t.id).sort();
      const oldAreas = before.areas.map((a) => a.area_id ?? '').sort();
      if (oldTerms.join() !== [...form.needs].sort().join()) changed.needs = { from: oldTerms, to: form.needs };
      if (oldAreas.join() !== [...form.areas].sort().join()) changed.areas = { from: oldAreas, to: form.areas };
      if (Object.keys(changed).length === 0) return { changed: [] };
      await repo.updateService(trx, id, fields, ctx.at);
      if (changed.needs) await repo.replaceTerms(trx, id, form.needs);
      if (changed.areas) await repo.replaceAreas(trx, id, await repo.areasByIds(trx, form.areas));
      await repo.insertChange(trx, {
        serviceId: id,
        action: 'updated',
        summary: `Changed ${Object.keys(changed).map(fieldLabel).join(', ')}`,
        details: changed,
        by: actor.userId,
        byName: actor.name,
        at: ctx.at,
      });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'directory.service.updated',
        recordType: 'directory_service',
        recordId: id,
        details: { fields: Object.keys(changed) },
      });
      return { changed: Object.keys(changed) };
    });
  }

  /** Confirms an entry is still right: the next review falls due in a year. */
  async markReviewed(ctx: RequestContext, id: string) {
    const actor = ctx.actor as Actor;
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.findService(trx, id);
      if (!row) throw new NotFoundError();
      const role = this.requireEditor(ctx, row.owner_organisation_id);
      const { today } = londonNow(ctx.at);
      const next = addMonths(today, 12);
      await repo.updateService(trx, id, { review_date: next, assured_date: today }, ctx.at);
      await repo.insertChange(trx, {
        serviceId: id,
        action: 'reviewed',
        summary: `Checked and confirmed; next review due ${next}`,
        details: { review_date: { from: row.review_date, to: next } },
        by: actor.userId,
        byName: actor.name,
        at: ctx.at,
      });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'directory.service.reviewed',
        recordType: 'directory_service',
        recordId: id,
      });
      return next;
    });
  }

  async rulesForm(ctx: RequestContext, id: string) {
    const found = await this.rulesFor(id);
    this.requireEditor(ctx, found.service.owner_organisation_id);
    return found;
  }

  /** Every edit is a new version; earlier versions stay for the history and past evaluations. */
  async saveRules(ctx: RequestContext, id: string, rules: Rules, note: string) {
    const actor = ctx.actor as Actor;
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.findService(trx, id);
      if (!row) throw new NotFoundError();
      const role = this.requireEditor(ctx, row.owner_organisation_id);
      const latest = await repo.latestRules(trx, id);
      const version = (latest?.version ?? 0) + 1;
      await repo.insertRules(trx, {
        serviceId: id,
        version,
        rules,
        note,
        by: actor.userId,
        byName: actor.name,
        at: ctx.at,
      });
      // The published age range follows the rules, so the directory and the engine never disagree.
      await repo.updateService(trx, id, { minimum_age: rules.minimumAge, maximum_age: rules.maximumAge }, ctx.at);
      await repo.insertChange(trx, {
        serviceId: id,
        action: 'rules',
        summary: `Eligibility rules version ${version}: ${note}`,
        details: { version },
        by: actor.userId,
        byName: actor.name,
        at: ctx.at,
      });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'directory.rules.changed',
        recordType: 'directory_service',
        recordId: id,
        details: { version },
      });
      return version;
    });
  }

  async history(ctx: RequestContext, id: string) {
    const row = await repo.findService(this.db, id);
    if (!row) throw new NotFoundError();
    this.requireEditor(ctx, row.owner_organisation_id);
    const [changes, versions] = await Promise.all([repo.changes(this.db, id), repo.ruleHistory(this.db, id)]);
    return {
      service: row,
      changes,
      versions: versions.map((v) => ({ ...v, rules: RulesSchema.parse(v.rules) })),
    };
  }
}

function serviceFields(form: ServiceForm): repo.ServiceFields {
  return {
    name: form.name,
    description: form.description,
    status: form.status,
    tier: form.tier,
    access_route: form.accessRoute,
    access_panel: form.accessRoute === 'panel' ? (form.accessPanel ?? null) : null,
    how_to_refer: form.howToRefer ?? null,
    start_conversation: form.startConversation ?? null,
    start_conversation_phone: form.startConversationPhone ?? null,
    url: form.url ?? null,
    email: form.email ?? null,
    fees: form.fees ?? null,
    alert: form.alert ?? null,
    review_date: form.reviewDate,
  };
}

const FIELD_LABELS: Record<string, string> = {
  name: 'name',
  description: 'description',
  status: 'status',
  tier: 'tier',
  access_route: 'access route',
  access_panel: 'panel',
  how_to_refer: 'how to refer',
  start_conversation: 'who starts the conversation',
  start_conversation_phone: 'conversation phone',
  url: 'website',
  email: 'email',
  fees: 'cost',
  alert: 'alert',
  review_date: 'review date',
  needs: 'needs',
  areas: 'areas',
};
const fieldLabel = (k: string) => FIELD_LABELS[k] ?? k;
