import type { FastifyInstance } from 'fastify';
import { ACCESS_ROUTES, AGENCY_TYPES, SERVICE_STATUSES, TIERS } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { formValues, parseForm, submitForm } from '../../platform/forms.ts';
import {
  AREA_QUESTION_ID,
  ageRangeText,
  areaQuestion,
  type Evaluation,
  OUTCOME_LABELS,
  type Rules,
  type ServedAreas,
} from './eligibility.ts';
import { registerOpenReferralRoutes } from './openreferral-routes.ts';
import { UUID } from './oruk.ts';
import {
  DirectorySearchForm,
  directorySearchValues,
  eligibilityForm,
  RulesForm,
  ServiceFormWithReview,
  SPARE_ROWS,
} from './schemas.ts';
import { DirectoryService, editScope, PAGE_SIZE } from './service.ts';
import { describeSelection, hoursText, serviceDisplay } from './view-model.ts';

const SHARED = {
  tiers: TIERS,
  accessRoutes: ACCESS_ROUTES,
  statuses: SERVICE_STATUSES,
  agencyTypes: AGENCY_TYPES,
  outcomeLabels: OUTCOME_LABELS,
};

function serviceId(raw: string): string {
  if (!UUID.test(raw)) throw new NotFoundError();
  return raw.toLowerCase();
}

export async function registerDirectoryRoutes(app: FastifyInstance, deps: AppDeps) {
  const directory = new DirectoryService(deps.database.db);

  app.get('/directory', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    // A GET form: read from the query with the form's schema (submitForm reads a posted body).
    const parsed = { ...parseForm(DirectorySearchForm, query), values: directorySearchValues(query) };
    const options = await directory.filterOptions();
    const data = {
      ...SHARED,
      options,
      values: parsed.values,
      canManage: Boolean(editScope(request.actor)),
      yourAreas: request.actor?.areaIds ?? [],
    };
    if (!parsed.ok) return reply.code(400).page('directory/views/search.njk', { ...data, errors: parsed.errors });
    const found = await directory.search(request.ctx(), parsed.data);
    const selected = describeSelection(parsed.data, options);
    const pages = Math.ceil(found.total / PAGE_SIZE);
    const pageLink = (n: number) => {
      const params = new URLSearchParams();
      // Only the postcode's first part travels in the page links.
      const values = {
        ...parsed.values,
        postcode: parsed.data.district && parsed.values.postcode ? parsed.data.district : '',
      };
      for (const [k, v] of Object.entries(values))
        for (const x of Array.isArray(v) ? v : [v]) if (x) params.append(k, x);
      params.set('page', String(n));
      return `/directory?${params}`;
    };
    return reply.page('directory/views/search.njk', {
      ...data,
      results: found.rows.map((r) => serviceDisplay(r, found.details, found.today)),
      alternatives: found.alternatives,
      district: found.district,
      districtKnown: found.districtKnown,
      total: found.total,
      page: parsed.data.page,
      pagination:
        pages > 1
          ? {
              ...(parsed.data.page > 1 ? { previous: { href: pageLink(parsed.data.page - 1) } } : {}),
              ...(parsed.data.page < pages ? { next: { href: pageLink(parsed.data.page + 1) } } : {}),
              items: Array.from({ length: Math.min(pages, 20) }, (_, i) => ({
                number: i + 1,
                href: pageLink(i + 1),
                current: i + 1 === parsed.data.page,
              })),
            }
          : undefined,
      selected,
    });
  });

  app.get<{ Params: { id: string } }>('/directory/services/:id', async (request, reply) => {
    const view = await directory.serviceView(request.ctx(), serviceId(request.params.id));
    const q = request.query as Record<string, unknown>;
    return reply.page('directory/views/service.njk', {
      ...SHARED,
      flash: q.created ? 'Entry created' : q.updated ? 'Entry updated' : undefined,
      ...view,
      entry: serviceDisplay(view.service, view.details, view.today),
      hours: hoursText(view.details.schedules),
      ageRange: ageRangeText(view.service.minimum_age, view.service.maximum_age),
    });
  });

  const eligibilityPage = (
    data: Record<string, unknown> & { rules: Rules; served: ServedAreas; evaluation?: Evaluation },
  ) => {
    // A criterion the chosen child's record answered is shown as answered, not asked again as "Not known".
    const fromRecord = new Set(data.evaluation?.questions.filter((q) => q.known).map((q) => q.id));
    // Where the child lives is asked unless the chosen child's record answered it.
    const areaAnswered = data.evaluation?.reasons.some((r) => r.kind === 'area' && r.source === 'record');
    const area =
      data.served.ids.length && !areaAnswered
        ? [
            {
              id: AREA_QUESTION_ID,
              kind: 'area',
              question: areaQuestion(data.served),
              wording: 'where the child lives',
              fromRecord: false,
            },
          ]
        : [];
    return {
      ...SHARED,
      ...data,
      ageRange: ageRangeText(data.rules.minimumAge, data.rules.maximumAge),
      questions: [
        ...area,
        ...data.rules.criteria.map((c) => ({ ...c, kind: 'criterion', fromRecord: fromRecord.has(c.id) })),
        ...data.rules.exclusions.map((e) => ({ ...e, kind: 'exclusion', fromRecord: false })),
      ],
    };
  };

  app.get<{ Params: { id: string } }>('/directory/services/:id/eligibility', async (request, reply) => {
    const found = await directory.eligibilityForm(request.ctx(), serviceId(request.params.id));
    return reply.page('directory/views/eligibility.njk', eligibilityPage({ ...found, values: {} }));
  });

  app.post<{ Params: { id: string } }>('/directory/services/:id/eligibility', async (request, reply) => {
    const id = serviceId(request.params.id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = formValues(body);
    const base = await directory.eligibilityForm(request.ctx(), id);
    return submitForm(
      reply,
      eligibilityForm(base.rules),
      async (form) => {
        if (form.subject === 'child') {
          const result = await directory.evaluateForChild(request.ctx(), id, form.childId, form.answers);
          // The age came from the record: an age typed as well was not used, so it is not shown as if it were.
          return reply.page(
            'directory/views/eligibility.njk',
            eligibilityPage({ ...result, values: { ...values, age: '' } }),
          );
        }
        const result = await directory.evaluateHypothetical(request.ctx(), id, form.age, form.answers);
        return reply.page('directory/views/eligibility.njk', eligibilityPage({ ...result, values }));
      },
      (problem) => reply.page('directory/views/eligibility.njk', eligibilityPage({ ...base, ...problem })),
    );
  });

  app.get('/directory/manage', async (request, reply) => {
    const overview = await directory.adminOverview(request.ctx());
    return reply.page('directory/views/manage.njk', { ...SHARED, ...overview });
  });

  app.get('/directory/services/new', async (request, reply) => {
    const form = await directory.newForm(request.ctx());
    return reply.page('directory/views/edit.njk', { ...SHARED, ...form, isNew: true, values: { status: 'active' } });
  });

  app.post('/directory/services/new', async (request, reply) =>
    submitForm(
      reply,
      ServiceFormWithReview,
      async (data) => {
        const id = await directory.createService(request.ctx(), data);
        return reply.redirect(`/directory/services/${id}?created=1`, 303);
      },
      async (problem) =>
        reply.page('directory/views/edit.njk', {
          ...SHARED,
          ...(await directory.newForm(request.ctx())),
          isNew: true,
          ...problem,
        }),
    ),
  );

  app.get<{ Params: { id: string } }>('/directory/services/:id/edit', async (request, reply) => {
    const form = await directory.editForm(request.ctx(), serviceId(request.params.id));
    const s = form.service;
    const [y, m, d] = s.review_date.split('-');
    const values = {
      name: s.name,
      description: s.description,
      status: s.status,
      tier: s.tier ?? '',
      accessRoute: s.access_route ?? '',
      accessPanel: s.access_panel ?? '',
      howToRefer: s.how_to_refer ?? '',
      startConversation: s.start_conversation ?? '',
      startConversationPhone: s.start_conversation_phone ?? '',
      url: s.url ?? '',
      email: s.email ?? '',
      fees: s.fees ?? '',
      alert: s.alert ?? '',
      needs: form.details.terms.map((t) => t.id),
      areas: form.details.areas.map((a) => a.area_id ?? ''),
      'reviewDate-day': String(Number(d)),
      'reviewDate-month': String(Number(m)),
      'reviewDate-year': y ?? '',
    };
    return reply.page('directory/views/edit.njk', { ...SHARED, ...form, values });
  });

  app.post<{ Params: { id: string } }>('/directory/services/:id/edit', async (request, reply) => {
    const id = serviceId(request.params.id);
    return submitForm(
      reply,
      ServiceFormWithReview,
      async (data) => {
        await directory.updateService(request.ctx(), id, data);
        return reply.redirect(`/directory/services/${id}?updated=1`, 303);
      },
      async (problem) =>
        reply.page('directory/views/edit.njk', {
          ...SHARED,
          ...(await directory.editForm(request.ctx(), id)),
          ...problem,
        }),
    );
  });

  app.post<{ Params: { id: string } }>('/directory/services/:id/reviewed', async (request, reply) => {
    const id = serviceId(request.params.id);
    await directory.markReviewed(request.ctx(), id);
    return reply.redirect('/directory/manage?reviewed=1', 303);
  });

  app.get<{ Params: { id: string } }>('/directory/services/:id/rules', async (request, reply) => {
    const found = await directory.rulesForm(request.ctx(), serviceId(request.params.id));
    return reply.page('directory/views/rules.njk', { ...SHARED, ...found, ...rulesRows(found.rules), values: {} });
  });

  app.post<{ Params: { id: string } }>('/directory/services/:id/rules', async (request, reply) => {
    const id = serviceId(request.params.id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    return submitForm(
      reply,
      RulesForm,
      async ({ rules, note }) => {
        const version = await directory.saveRules(request.ctx(), id, rules, note);
        return reply.redirect(`/directory/services/${id}/history?version=${version}`, 303);
      },
      async (problem) =>
        reply.page('directory/views/rules.njk', {
          ...SHARED,
          ...(await directory.rulesForm(request.ctx(), id)),
          ...rulesRowsFromBody(body),
          ...problem,
        }),
    );
  });

  app.get<{ Params: { id: string } }>('/directory/services/:id/history', async (request, reply) => {
    const history = await directory.history(request.ctx(), serviceId(request.params.id));
    const q = request.query as Record<string, unknown>;
    return reply.page('directory/views/history.njk', {
      ...SHARED,
      ...history,
      flash:
        typeof q.version === 'string' && /^\d{1,6}$/.test(q.version)
          ? `Eligibility rules version ${q.version} saved`
          : undefined,
    });
  });

  await registerOpenReferralRoutes(app, deps);
}

/** The rule editor's rows: every existing criterion and exclusion, plus spare empty rows. */
function rulesRows(rules: Rules) {
  const pad = <T>(xs: T[], blank: T) => [...xs, ...Array.from({ length: SPARE_ROWS }, () => blank)];
  return {
    rows: {
      minimumAge: rules.minimumAge ?? '',
      maximumAge: rules.maximumAge ?? '',
      ageWording: rules.ageWording,
      criteriaMode: rules.criteriaMode,
      guidance: rules.guidance,
      criteria: pad(
        rules.criteria.map((c) => ({
          id: c.id,
          question: c.question,
          wording: c.wording,
          fact: c.fact?.agencyType ?? '',
        })),
        { id: '', question: '', wording: '', fact: '' },
      ),
      exclusions: pad(
        rules.exclusions.map((e) => ({ id: e.id, question: e.question, wording: e.wording })),
        { id: '', question: '', wording: '' },
      ),
    },
  };
}

function rulesRowsFromBody(body: Record<string, unknown>) {
  const s = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  const collect = (prefix: string) => {
    const out: Record<string, string>[] = [];
    for (let i = 0; i < 40; i++) {
      if (body[`${prefix}-${i}-question`] === undefined && body[`${prefix}-${i}-wording`] === undefined) continue;
      out.push({
        id: s(`${prefix}-${i}-id`),
        question: s(`${prefix}-${i}-question`),
        wording: s(`${prefix}-${i}-wording`),
        fact: s(`${prefix}-${i}-fact`),
      });
    }
    return out;
  };
  return {
    rows: {
      minimumAge: s('minimumAge'),
      maximumAge: s('maximumAge'),
      ageWording: s('ageWording'),
      criteriaMode: s('criteriaMode'),
      guidance: s('guidance'),
      criteria: collect('criteria'),
      exclusions: collect('exclusions'),
    },
  };
}
