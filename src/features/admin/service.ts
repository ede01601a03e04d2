import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { requireRole } from '../../platform/access.ts';
import { type AuditContext, recordAudit } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { parseForm } from '../../platform/forms.ts';
import { hashPassword } from '../../platform/passwords.ts';
import { revokeApiTokens } from '../../platform/sessions.ts';
import * as repo from './repository.ts';
import {
  AreaForm,
  OrganisationForm,
  PasswordForm,
  TeamForm,
  UserCreateForm,
  UserEditForm,
  type UserFilterInput,
} from './schemas.ts';
import { DUPLICATE, duplicateError, insertUserRecord } from './user-record.ts';

/** Creating a user without HTTP (the command line, set-up scripts) lives beside the shared insert. */
export { type CreateUserRecordInput, createUserRecord } from './user-record.ts';

export const USERS_PAGE_SIZE = 50;

type Trx = Transaction<DB>;

function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = parseForm(schema, input);
  if (!result.ok) throw new ValidationError(result.errors);
  return result.data;
}

/** Names of the fields whose values differ, for an audit trail that says what changed without copying secrets. */
function changed(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const norm = (v: unknown) => JSON.stringify(Array.isArray(v) ? [...v].sort() : (v ?? null));
  return Object.keys(after).filter((k) => norm(before[k]) !== norm(after[k]));
}

/** Membership of a managed team implies membership of it. */
function teamMemberships(teams: string[], managed: string[]) {
  return [...new Set([...teams, ...managed])].map((teamId) => ({ teamId, isManager: managed.includes(teamId) }));
}

/** Administration of organisations, areas, teams and users. Every change is audited in its own transaction. */
export class AdminService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    /** Whether users can sign in with the organisation's single sign-on: without it, a new user needs a password. */
    private readonly singleSignOn = false,
  ) {}

  private admin(ctx: RequestContext) {
    return requireRole(ctx.actor, 'system_admin');
  }

  private async change<T>(ctx: RequestContext, fn: (trx: Trx, actx: AuditContext) => Promise<T>): Promise<T> {
    const actx = auditContext(ctx, this.admin(ctx));
    try {
      return await this.db.transaction().execute((trx) => fn(trx, actx));
    } catch (err) {
      throw duplicateError(err) ?? err;
    }
  }

  /** For pages that show only a blank form: the same refusal as every other admin page. */
  requireAdmin(ctx: RequestContext) {
    this.admin(ctx);
  }

  async summary(ctx: RequestContext) {
    this.admin(ctx);
    return repo.counts(this.db);
  }

  // Organisations

  async organisations(ctx: RequestContext) {
    this.admin(ctx);
    return repo.listOrganisations(this.db);
  }

  async organisation(ctx: RequestContext, id: string) {
    this.admin(ctx);
    const org = await repo.findOrganisation(this.db, id);
    if (!org) throw new NotFoundError();
    return org;
  }

  async organisationPeople(ctx: RequestContext, id: string) {
    this.admin(ctx);
    return repo.organisationPeople(this.db, id);
  }

  async createOrganisation(ctx: RequestContext, body: unknown): Promise<string> {
    this.admin(ctx);
    const input = validate(OrganisationForm, body);
    return this.change(ctx, async (trx, actx) => {
      if (await repo.organisationNameTaken(trx, input.name))
        throw new ValidationError([DUPLICATE.organisation_name_key!]);
      await checkCategory(trx, input.sensitiveCategory);
      const id = await repo.insertOrganisation(trx, { ...input, safeguardingLeadId: null });
      await recordAudit(trx, actx, {
        action: 'admin.organisation.created',
        recordType: 'organisation',
        recordId: id,
        details: { name: input.name, agencyType: input.agencyType, tier: input.tier },
      });
      return id;
    });
  }

  async updateOrganisation(ctx: RequestContext, id: string, body: unknown): Promise<void> {
    this.admin(ctx);
    const input = validate(OrganisationForm, body);
    await this.change(ctx, async (trx, actx) => {
      const before = await repo.findOrganisation(trx, id);
      if (!before) throw new NotFoundError();
      if (await repo.organisationNameTaken(trx, input.name, id)) {
        throw new ValidationError([DUPLICATE.organisation_name_key!]);
      }
      await checkCategory(trx, input.sensitiveCategory);
      if (
        input.safeguardingLeadId &&
        !(await repo.organisationPeople(trx, id)).some((u) => u.id === input.safeguardingLeadId)
      ) {
        throw new ValidationError([{ field: 'safeguardingLeadId', message: 'Select a person from the list' }]);
      }
      await repo.updateOrganisation(trx, id, input);
      await recordAudit(trx, actx, {
        action: 'admin.organisation.updated',
        recordType: 'organisation',
        recordId: id,
        details: {
          changed: changed(
            {
              name: before.name,
              agencyType: before.agency_type,
              tier: before.tier,
              phone: before.phone,
              email: before.email,
              sensitiveCategory: before.sensitive_category,
              safeguardingLeadId: before.safeguarding_lead_user_id,
            },
            input,
          ),
        },
      });
    });
  }

  // Areas and clusters

  async areas(ctx: RequestContext) {
    this.admin(ctx);
    return repo.listAreas(this.db);
  }

  async area(ctx: RequestContext, id: string) {
    this.admin(ctx);
    const area = await repo.findArea(this.db, id);
    if (!area) throw new NotFoundError();
    return area;
  }

  async createArea(ctx: RequestContext, body: unknown): Promise<string> {
    this.admin(ctx);
    const input = validate(AreaForm, body);
    return this.change(ctx, async (trx, actx) => {
      await this.checkArea(trx, input);
      const id = await repo.insertArea(trx, input);
      await recordAudit(trx, actx, {
        action: 'admin.area.created',
        recordType: 'area',
        recordId: id,
        details: { name: input.name, kind: input.kind, parentId: input.parentId },
      });
      return id;
    });
  }

  async updateArea(ctx: RequestContext, id: string, body: unknown): Promise<void> {
    this.admin(ctx);
    const input = validate(AreaForm, body);
    await this.change(ctx, async (trx, actx) => {
      const before = await repo.findArea(trx, id);
      if (!before) throw new NotFoundError();
      await this.checkArea(trx, input, id);
      await repo.updateArea(trx, id, input);
      await recordAudit(trx, actx, {
        action: 'admin.area.updated',
        recordType: 'area',
        recordId: id,
        details: {
          changed: changed({ name: before.name, kind: before.kind, parentId: before.parent_id }, input),
          parentId: input.parentId,
        },
      });
    });
  }

  private async checkArea(trx: Trx, input: z.output<typeof AreaForm>, id?: string) {
    const errors: FieldError[] = [];
    if (await repo.areaNameTaken(trx, input, id)) errors.push(DUPLICATE.area_name_kind_key!);
    if (input.parentId) {
      const chain = await repo.ancestorIds(trx, input.parentId);
      if (chain.length === 0) errors.push({ field: 'parentId', message: 'Select the area this is part of' });
      else if (id && chain.includes(id)) {
        errors.push({ field: 'parentId', message: 'An area cannot be part of itself or of an area inside it' });
      }
    }
    if (errors.length) throw new ValidationError(errors);
  }

  // Teams

  async teams(ctx: RequestContext, organisationId?: string) {
    this.admin(ctx);
    const organisation = organisationId ? await repo.findOrganisation(this.db, organisationId) : undefined;
    if (organisationId && !organisation) throw new NotFoundError();
    return { organisation, teams: await repo.listTeams(this.db, organisationId) };
  }

  async team(ctx: RequestContext, id: string) {
    this.admin(ctx);
    const team = await repo.findTeam(this.db, id);
    if (!team) throw new NotFoundError();
    return team;
  }

  async teamFormOptions(ctx: RequestContext) {
    this.admin(ctx);
    return { organisations: await repo.organisationOptions(this.db), areas: await repo.listAreas(this.db) };
  }

  async createTeam(ctx: RequestContext, body: unknown): Promise<{ id: string; organisationId: string }> {
    this.admin(ctx);
    const input = validate(TeamForm, body);
    return this.change(ctx, async (trx, actx) => {
      await this.checkTeam(trx, input);
      const id = await repo.insertTeam(trx, input);
      await recordAudit(trx, actx, {
        action: 'admin.team.created',
        recordType: 'team',
        recordId: id,
        details: { name: input.name, organisationId: input.organisationId, areaId: input.areaId },
      });
      return { id, organisationId: input.organisationId };
    });
  }

  async updateTeam(ctx: RequestContext, id: string, body: unknown): Promise<{ organisationId: string }> {
    this.admin(ctx);
    const input = validate(TeamForm, body);
    return this.change(ctx, async (trx, actx) => {
      const before = await repo.findTeam(trx, id);
      if (!before) throw new NotFoundError();
      await this.checkTeam(trx, input, id);
      await repo.updateTeam(trx, id, input);
      await recordAudit(trx, actx, {
        action: 'admin.team.updated',
        recordType: 'team',
        recordId: id,
        details: {
          changed: changed(
            {
              organisationId: before.organisation_id,
              name: before.name,
              areaId: before.area_id,
              phone: before.phone,
              email: before.email,
              sensitiveCategory: before.sensitive_category,
            },
            input,
          ),
        },
      });
      return { organisationId: input.organisationId };
    });
  }

  private async checkTeam(trx: Trx, input: z.output<typeof TeamForm>, id?: string) {
    const errors: FieldError[] = [];
    if (!(await repo.findOrganisation(trx, input.organisationId))) {
      errors.push({ field: 'organisationId', message: 'Select an organisation' });
    } else if (await repo.teamNameTaken(trx, input.organisationId, input.name, id)) {
      errors.push(DUPLICATE.team_organisation_id_name_key!);
    }
    if (input.areaId && (await repo.countExisting(trx, 'area', [input.areaId])) === 0) {
      errors.push({ field: 'areaId', message: 'Select an area' });
    }
    if (input.sensitiveCategory && !(await repo.sensitiveCategoryExists(trx, input.sensitiveCategory))) {
      errors.push({ field: 'sensitiveCategory', message: 'Select a kind of sensitive service from the list' });
    }
    if (errors.length) throw new ValidationError(errors);
  }

  async sensitiveCategoryOptions(ctx: RequestContext) {
    this.admin(ctx);
    return repo.sensitiveCategoryOptions(this.db);
  }

  // Users

  async users(ctx: RequestContext, filter: UserFilterInput) {
    this.admin(ctx);
    const { rows, total } = await repo.listUsers(this.db, {
      organisationId: filter.organisation,
      role: filter.role,
      q: filter.q,
      limit: USERS_PAGE_SIZE,
      offset: (filter.page - 1) * USERS_PAGE_SIZE,
    });
    const now = this.clock.now();
    const users = rows.map((u) => ({ ...u, locked: Boolean(u.locked_until && u.locked_until > now) }));
    return { users, total, organisations: await repo.organisationOptions(this.db) };
  }

  async user(ctx: RequestContext, id: string) {
    this.admin(ctx);
    const user = await repo.findUser(this.db, id);
    if (!user) throw new NotFoundError();
    const now = this.clock.now();
    return { ...user, locked: Boolean(user.locked_until && user.locked_until > now), self: id === ctx.actor?.userId };
  }

  /** The form's choices: teams only of the user's organisation, so the form stays short and cannot mix them. */
  async userFormOptions(ctx: RequestContext, organisationId?: string) {
    this.admin(ctx);
    const organisations = await repo.organisationOptions(this.db);
    const organisation = organisationId ? organisations.find((o) => o.id === organisationId) : undefined;
    return {
      organisations,
      organisation,
      areas: await repo.listAreas(this.db),
      teams: organisation ? await repo.listTeams(this.db, organisation.id) : [],
      singleSignOn: this.singleSignOn,
    };
  }

  async createUser(ctx: RequestContext, body: unknown): Promise<string> {
    this.admin(ctx);
    const input = validate(UserCreateForm, body);
    if (!input.password && !this.singleSignOn) {
      throw new ValidationError([
        {
          field: 'password',
          message: 'Enter a temporary password: single sign-on is not set up, so they need one to sign in',
        },
      ]);
    }
    return this.change(ctx, async (trx, actx) => {
      await this.checkMemberships(trx, input);
      return insertUserRecord(
        trx,
        actx,
        {
          email: input.email,
          name: input.name,
          jobTitle: input.jobTitle,
          phone: input.phone,
          organisationId: input.organisationId,
          roles: input.roles,
          areaIds: input.areas,
          teams: teamMemberships(input.teams, input.managedTeams),
          password: input.password,
          totpSecret: null,
        },
        'web',
      );
    });
  }

  async updateUser(ctx: RequestContext, id: string, body: unknown): Promise<void> {
    this.admin(ctx);
    const input = validate(UserEditForm, body);
    if (id === ctx.actor?.userId && !input.roles.includes('system_admin')) {
      throw new ValidationError([
        { field: 'roles', message: 'You cannot remove the system administrator role from your own account' },
      ]);
    }
    await this.change(ctx, async (trx, actx) => {
      const before = await repo.findUser(trx, id);
      if (!before) throw new NotFoundError();
      await this.checkMemberships(trx, input);
      const teams = teamMemberships(input.teams, input.managedTeams);
      await repo.updateUserDetails(trx, id, { ...input, now: actx.at });
      await repo.replaceMemberships(trx, id, { roles: input.roles, areaIds: input.areas, teams });
      const after = {
        teams: teams.map((t) => t.teamId),
        name: input.name,
        jobTitle: input.jobTitle,
        phone: input.phone,
        organisationId: input.organisationId,
        roles: input.roles,
        areas: input.areas,
        managedTeams: input.managedTeams,
      };
      await recordAudit(trx, actx, {
        action: 'admin.user.updated',
        recordType: 'user',
        recordId: id,
        details: {
          changed: changed(
            {
              name: before.name,
              jobTitle: before.job_title,
              phone: before.phone,
              organisationId: before.organisation_id,
              roles: before.roles,
              areas: before.areas.map((a) => a.id),
              teams: before.teams.map((t) => t.id),
              managedTeams: before.teams.filter((t) => t.is_manager).map((t) => t.id),
            },
            after,
          ),
          organisationId: input.organisationId,
          roles: input.roles,
          areaIds: input.areas,
          teams,
        },
      });
    });
  }

  private async checkMemberships(
    trx: Trx,
    input: { organisationId: string; areas: string[]; teams: string[]; managedTeams: string[] },
  ) {
    const errors: FieldError[] = [];
    if (!(await repo.findOrganisation(trx, input.organisationId))) {
      errors.push({ field: 'organisationId', message: 'Select an organisation' });
    }
    const areas = [...new Set(input.areas)];
    if ((await repo.countExisting(trx, 'area', areas)) !== areas.length) {
      errors.push({ field: 'areas', message: 'Select areas from the list' });
    }
    const teams = [...new Set([...input.teams, ...input.managedTeams])];
    const found = teams.length
      ? await trx.selectFrom('team').select(['id', 'organisation_id']).where('id', 'in', teams).execute()
      : [];
    if (found.length !== teams.length) {
      errors.push({ field: 'teams', message: 'Select teams from the list' });
    } else if (found.some((t) => t.organisation_id !== input.organisationId)) {
      errors.push({ field: 'teams', message: 'Select teams of the user’s own organisation' });
    }
    if (errors.length) throw new ValidationError(errors);
  }

  /** Disabling ends every session at once: a disabled person must not keep a signed-in browser. */
  async disableUser(ctx: RequestContext, id: string): Promise<void> {
    this.admin(ctx);
    if (id === ctx.actor?.userId) {
      throw new ValidationError([{ field: 'disable', message: 'You cannot disable your own account' }]);
    }
    await this.userChange(ctx, id, 'admin.user.disabled', async (trx, at) => {
      await repo.setUserFields(trx, id, { disabled_at: at, updated_at: at });
      return { sessionsEnded: await repo.deleteSessions(trx, id) };
    });
  }

  async enableUser(ctx: RequestContext, id: string): Promise<void> {
    await this.userChange(ctx, id, 'admin.user.enabled', async (trx, at) => {
      await repo.setUserFields(trx, id, { disabled_at: null, updated_at: at });
      return {};
    });
  }

  async unlockUser(ctx: RequestContext, id: string): Promise<void> {
    await this.userChange(ctx, id, 'admin.user.unlocked', async (trx, at) => {
      await repo.setUserFields(trx, id, { locked_until: null, failed_sign_ins: 0, updated_at: at });
      return {};
    });
  }

  /**
   * The person sets up their authenticator again at their next sign-in; old recovery codes stop working,
   * and their sessions and API tokens end, since whoever had the lost phone may have made one.
   */
  async resetTwoFactor(ctx: RequestContext, id: string): Promise<void> {
    await this.userChange(ctx, id, 'admin.user.two-factor-reset', async (trx, at) => {
      await repo.setUserFields(trx, id, {
        totp_secret: null,
        totp_enrolled_at: null,
        recovery_code_hashes: '[]',
        updated_at: at,
      });
      return {
        sessionsEnded: await repo.deleteSessions(trx, id),
        apiTokensRevoked: await revokeApiTokens(trx, id, at),
      };
    });
  }

  /** A temporary password ends existing sessions and API tokens too: whoever knew the old one is shut out. */
  async setTemporaryPassword(ctx: RequestContext, id: string, body: unknown): Promise<void> {
    this.admin(ctx);
    const { password } = validate(PasswordForm, body);
    const hash = await hashPassword(password);
    await this.userChange(ctx, id, 'admin.user.password-set', async (trx, at) => {
      await repo.setUserFields(trx, id, {
        password_hash: hash,
        failed_sign_ins: 0,
        locked_until: null,
        updated_at: at,
      });
      return {
        sessionsEnded: await repo.deleteSessions(trx, id),
        apiTokensRevoked: await revokeApiTokens(trx, id, at),
      };
    });
  }

  private async userChange(
    ctx: RequestContext,
    id: string,
    action: string,
    fn: (trx: Trx, at: Date) => Promise<Record<string, unknown>>,
  ) {
    await this.change(ctx, async (trx, actx) => {
      if (!(await repo.findUser(trx, id))) throw new NotFoundError();
      const details = await fn(trx, actx.at);
      await recordAudit(trx, actx, { action, recordType: 'user', recordId: id, details });
    });
  }
}

/** A sensitive service's category must be one on the list. */
async function checkCategory(trx: Trx, code: string | null) {
  if (code && !(await repo.sensitiveCategoryExists(trx, code))) {
    throw new ValidationError([
      { field: 'sensitiveCategory', message: 'Select a kind of sensitive service from the list' },
    ]);
  }
}
