import type { FastifyInstance, FastifyReply } from 'fastify';
import { AGENCY_TYPES, AREA_KINDS, ROLES, TIERS } from '../../db/schema.ts';
import { ROLE_LABELS } from '../../platform/access.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import { formValues } from '../../platform/forms.ts';
import { checkId as check } from '../../platform/ids.ts';
import { registerClosureRoutes } from './closures.ts';
import { registerJobAdminRoutes } from './jobs.ts';
import {
  AGENCY_TYPE_LABELS,
  AREA_KIND_LABELS,
  TEAM_CONTACT_ROLE_LABELS,
  TeamFilter,
  TIER_LABELS,
  UserFilter,
  UUID,
} from './schemas.ts';
import { AdminService, USERS_PAGE_SIZE } from './service.ts';

type P = { Params: { id: string } };
type Q = { Querystring: Record<string, string | undefined> };
type Values = Record<string, string | string[]>;

const FLASH: Record<string, string> = {
  'organisation-added': 'Organisation added',
  'organisation-saved': 'Organisation details saved',
  'area-added': 'Area added',
  'area-saved': 'Area details saved',
  'team-added': 'Team added',
  'team-saved': 'Team details saved',
  'user-added': 'User added',
  'user-saved': 'User details saved',
  disabled: 'Account disabled. They have been signed out everywhere',
  enabled: 'Account re-enabled',
  unlocked: 'Account unlocked. They can sign in again now',
  'two-factor-reset':
    'Two-factor authentication reset. They have been signed out everywhere and their API tokens have been revoked. They will set it up again when they next sign in',
  'password-set':
    'Temporary password set. Give it to them securely; they have been signed out everywhere and their API tokens have been revoked',
};

/** The fixed lists the forms offer, with the labels people read. */
const LISTS = {
  agencyTypes: AGENCY_TYPES.map((value) => ({ value, text: AGENCY_TYPE_LABELS[value] })),
  tiers: TIERS.map((value) => ({ value, text: TIER_LABELS[value] })),
  areaKinds: AREA_KINDS.map((value) => ({ value, text: AREA_KIND_LABELS[value] })),
  roles: ROLES.map((value) => ({ value, text: ROLE_LABELS[value] })),
};
const LABELS = { agencyTypes: AGENCY_TYPE_LABELS, tiers: TIER_LABELS, areaKinds: AREA_KIND_LABELS };

const flash = (q: Record<string, string | undefined>) => FLASH[q.done ?? ''];

export function registerAdminRoutes(app: FastifyInstance, deps: AppDeps) {
  const admin = new AdminService(deps.database.db, deps.clock, !!deps.config.oidc);

  /** Runs a change and redirects; bad input shows the form again with everything typed, never a failure page. */
  async function submit(
    reply: FastifyReply,
    run: () => Promise<string>,
    form: (errors: FieldError[], values: Values) => Promise<FastifyReply>,
  ) {
    try {
      return reply.redirect(await run(), 303);
    } catch (err) {
      if (err instanceof ValidationError) {
        reply.code(400);
        return form(err.errors, formValues(reply.request.body));
      }
      throw err;
    }
  }

  registerClosureRoutes(app, deps);
  registerJobAdminRoutes(app, deps);

  app.get<Q>('/admin', async (request, reply) => {
    const summary = await admin.summary(request.ctx());
    return reply.page('admin/views/index.njk', { summary });
  });

  // Organisations

  app.get<Q>('/admin/organisations', async (request, reply) => {
    const organisations = await admin.organisations(request.ctx());
    return reply.page('admin/views/organisations.njk', { organisations, labels: LABELS, flash: flash(request.query) });
  });

  const organisationForm = async (
    reply: FastifyReply,
    data: { id?: string; values: Values; errors?: FieldError[] },
  ) => {
    const categories = await admin.sensitiveCategoryOptions(reply.request.ctx());
    const people = data.id ? await admin.organisationPeople(reply.request.ctx(), data.id) : [];
    return reply.page('admin/views/organisation-form.njk', { ...data, lists: LISTS, categories, people });
  };

  app.get('/admin/organisations/new', async (request, reply) => {
    admin.requireAdmin(request.ctx());
    return organisationForm(reply, { values: { tier: '' } });
  });

  app.post('/admin/organisations', async (request, reply) =>
    submit(
      reply,
      async () => {
        await admin.createOrganisation(request.ctx(), request.body);
        return '/admin/organisations?done=organisation-added';
      },
      (errors, values) => organisationForm(reply, { values, errors }),
    ),
  );

  app.get<P>('/admin/organisations/:id/edit', async (request, reply) => {
    check(request.params.id);
    const o = await admin.organisation(request.ctx(), request.params.id);
    const values = {
      name: o.name,
      agencyType: o.agency_type,
      tier: o.tier,
      phone: o.phone ?? '',
      email: o.email ?? '',
      sensitiveCategory: o.sensitive_category ?? '',
      safeguardingLeadId: o.safeguarding_lead_user_id ?? '',
    };
    return organisationForm(reply, { id: o.id, values });
  });

  app.post<P>('/admin/organisations/:id', async (request, reply) => {
    check(request.params.id);
    const id = request.params.id;
    return submit(
      reply,
      async () => {
        await admin.updateOrganisation(request.ctx(), id, request.body);
        return '/admin/organisations?done=organisation-saved';
      },
      (errors, values) => organisationForm(reply, { id, values, errors }),
    );
  });

  // Areas and clusters

  app.get<Q>('/admin/areas', async (request, reply) => {
    const areas = await admin.areas(request.ctx());
    return reply.page('admin/views/areas.njk', { areas, labels: LABELS, flash: flash(request.query) });
  });

  const areaForm = async (reply: FastifyReply, data: { id?: string; values: Values; errors?: FieldError[] }) => {
    const areas = await admin.areas(reply.request.ctx());
    const parents = areas.filter((a) => a.id !== data.id);
    return reply.page('admin/views/area-form.njk', { ...data, parents, labels: LABELS, lists: LISTS });
  };

  app.get('/admin/areas/new', async (_request, reply) => areaForm(reply, { values: {} }));

  app.post('/admin/areas', async (request, reply) =>
    submit(
      reply,
      async () => {
        await admin.createArea(request.ctx(), request.body);
        return '/admin/areas?done=area-added';
      },
      (errors, values) => areaForm(reply, { values, errors }),
    ),
  );

  app.get<P>('/admin/areas/:id/edit', async (request, reply) => {
    check(request.params.id);
    const a = await admin.area(request.ctx(), request.params.id);
    return areaForm(reply, { id: a.id, values: { name: a.name, kind: a.kind, parentId: a.parent_id ?? '' } });
  });

  app.post<P>('/admin/areas/:id', async (request, reply) => {
    check(request.params.id);
    const id = request.params.id;
    return submit(
      reply,
      async () => {
        await admin.updateArea(request.ctx(), id, request.body);
        return '/admin/areas?done=area-saved';
      },
      (errors, values) => areaForm(reply, { id, values, errors }),
    );
  });

  // Teams

  app.get<Q>('/admin/teams', async (request, reply) => {
    const { organisation } = TeamFilter.parse(request.query ?? {});
    const data = await admin.teams(request.ctx(), organisation);
    const options = await admin.teamFormOptions(request.ctx());
    return reply.page('admin/views/teams.njk', {
      ...data,
      organisations: options.organisations,
      flash: flash(request.query),
    });
  });

  const teamForm = async (reply: FastifyReply, data: { id?: string; values: Values; errors?: FieldError[] }) => {
    const options = await admin.teamFormOptions(reply.request.ctx());
    const categories = await admin.sensitiveCategoryOptions(reply.request.ctx());
    const contactRoles = Object.entries(TEAM_CONTACT_ROLE_LABELS).map(([value, text]) => ({ value, text }));
    return reply.page('admin/views/team-form.njk', { ...data, ...options, categories, contactRoles, labels: LABELS });
  };

  app.get<Q>('/admin/teams/new', async (request, reply) => {
    const { organisation } = TeamFilter.parse(request.query ?? {});
    return teamForm(reply, { values: { organisationId: organisation ?? '' } });
  });

  const teamsOf = (organisationId: string, done: string) => `/admin/teams?organisation=${organisationId}&done=${done}`;

  app.post('/admin/teams', async (request, reply) =>
    submit(
      reply,
      async () => teamsOf((await admin.createTeam(request.ctx(), request.body)).organisationId, 'team-added'),
      (errors, values) => teamForm(reply, { values, errors }),
    ),
  );

  app.get<P>('/admin/teams/:id/edit', async (request, reply) => {
    check(request.params.id);
    const t = await admin.team(request.ctx(), request.params.id);
    const values = {
      organisationId: t.organisation_id,
      name: t.name,
      areaId: t.area_id ?? '',
      phone: t.phone ?? '',
      email: t.email ?? '',
      sensitiveCategory: t.sensitive_category ?? '',
      contactRole: t.contact_role ?? '',
      hours: t.hours ?? '',
    };
    return teamForm(reply, { id: t.id, values });
  });

  app.post<P>('/admin/teams/:id', async (request, reply) => {
    check(request.params.id);
    const id = request.params.id;
    return submit(
      reply,
      async () => teamsOf((await admin.updateTeam(request.ctx(), id, request.body)).organisationId, 'team-saved'),
      (errors, values) => teamForm(reply, { id, values, errors }),
    );
  });

  // Users

  /**
   * Organisation and role filters may sit in the query string (they are not personal data); the search box
   * is posted, because what is typed there may be someone's email address.
   */
  const userList = async (reply: FastifyReply, query: unknown, extra: Record<string, unknown> = {}) => {
    const filter = UserFilter.parse(query ?? {});
    const data = await admin.users(reply.request.ctx(), filter);
    const pages = Math.max(1, Math.ceil(data.total / USERS_PAGE_SIZE));
    const link = (page: number) => {
      const params = new URLSearchParams();
      if (filter.organisation) params.set('organisation', filter.organisation);
      if (filter.role) params.set('role', filter.role);
      params.set('page', String(page));
      return `/admin/users?${params}`;
    };
    return reply.page('admin/views/users.njk', {
      ...data,
      filter,
      values: { organisation: filter.organisation ?? '', role: filter.role ?? '', q: filter.q ?? '' },
      lists: LISTS,
      page: filter.page,
      pages,
      pageSize: USERS_PAGE_SIZE,
      // A posted search is one page: the search text must not be carried into links.
      previous: !filter.q && filter.page > 1 ? link(filter.page - 1) : undefined,
      next: !filter.q && filter.page < pages ? link(filter.page + 1) : undefined,
      ...extra,
    });
  };

  app.get<Q>('/admin/users', async (request, reply) => {
    const { q: _ignored, ...query } = request.query ?? {};
    return userList(reply, query, { flash: flash(request.query) });
  });

  app.post('/admin/users/search', async (request, reply) => userList(reply, { ...formValues(request.body), page: 1 }));

  const userForm = async (
    reply: FastifyReply,
    data: { id?: string; name?: string; values: Values; errors?: FieldError[] },
  ) => {
    const organisationId = typeof data.values.organisationId === 'string' ? data.values.organisationId : undefined;
    const options = await admin.userFormOptions(reply.request.ctx(), organisationId);
    // A new user's organisation is chosen first: without one (or with one that does not exist), ask for it.
    if (!data.id && !options.organisation) {
      const errors =
        data.errors ??
        (organisationId ? [{ field: 'organisationId', message: 'Select the organisation they work for' }] : undefined);
      return reply.page('admin/views/user-organisation.njk', { ...options, values: data.values, errors });
    }
    return reply.page('admin/views/user-form.njk', { ...data, ...options, lists: LISTS, labels: LABELS });
  };

  app.get<Q>('/admin/users/new', async (request, reply) => {
    const organisationId = request.query.organisationId;
    const errors =
      organisationId !== undefined && !UUID.test(organisationId)
        ? [{ field: 'organisationId', message: 'Select the organisation they work for' }]
        : undefined;
    return userForm(reply, {
      values: { roles: ['practitioner'], ...(organisationId && !errors ? { organisationId } : {}) },
      ...(errors ? { errors } : {}),
    });
  });

  app.post('/admin/users', async (request, reply) =>
    submit(
      reply,
      async () => `/admin/users/${await admin.createUser(request.ctx(), request.body)}?done=user-added`,
      (errors, values) => userForm(reply, { values: { ...values, password: '' }, errors }),
    ),
  );

  const userPage = async (reply: FastifyReply, id: string, extra: Record<string, unknown> = {}) => {
    const user = await admin.user(reply.request.ctx(), id);
    return reply.page('admin/views/user.njk', { user, labels: LABELS, ...extra });
  };

  app.get<P & Q>('/admin/users/:id', async (request, reply) => {
    check(request.params.id);
    return userPage(reply, request.params.id, { flash: flash(request.query) });
  });

  app.get<P>('/admin/users/:id/edit', async (request, reply) => {
    check(request.params.id);
    const u = await admin.user(request.ctx(), request.params.id);
    const values = {
      name: u.name,
      jobTitle: u.job_title ?? '',
      phone: u.phone ?? '',
      organisationId: u.organisation_id,
      roles: u.roles,
      areas: u.areas.map((a) => a.id),
      teams: u.teams.map((t) => t.id),
      managedTeams: u.teams.filter((t) => t.is_manager).map((t) => t.id),
    };
    return userForm(reply, { id: u.id, name: u.name, values });
  });

  app.post<P>('/admin/users/:id', async (request, reply) => {
    check(request.params.id);
    const id = request.params.id;
    return submit(
      reply,
      async () => {
        await admin.updateUser(request.ctx(), id, request.body);
        return `/admin/users/${id}?done=user-saved`;
      },
      async (errors, values) => {
        const u = await admin.user(request.ctx(), id);
        return userForm(reply, { id, name: u.name, values, errors });
      },
    );
  });

  for (const [path, done, run] of [
    ['disable', 'disabled', admin.disableUser],
    ['enable', 'enabled', admin.enableUser],
    ['unlock', 'unlocked', admin.unlockUser],
    ['reset-two-factor', 'two-factor-reset', admin.resetTwoFactor],
  ] as const) {
    app.post<P>(`/admin/users/:id/${path}`, async (request, reply) => {
      check(request.params.id);
      const id = request.params.id;
      return submit(
        reply,
        async () => {
          await run.call(admin, request.ctx(), id);
          return `/admin/users/${id}?done=${done}`;
        },
        (errors) => userPage(reply, id, { errors }),
      );
    });
  }

  app.get<P>('/admin/users/:id/password', async (request, reply) => {
    check(request.params.id);
    const user = await admin.user(request.ctx(), request.params.id);
    return reply.page('admin/views/user-password.njk', { user });
  });

  app.post<P>('/admin/users/:id/password', async (request, reply) => {
    check(request.params.id);
    const id = request.params.id;
    return submit(
      reply,
      async () => {
        await admin.setTemporaryPassword(request.ctx(), id, request.body);
        return `/admin/users/${id}?done=password-set`;
      },
      async (errors) =>
        reply.page('admin/views/user-password.njk', { user: await admin.user(request.ctx(), id), errors }),
    );
  });
}
