import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AGENCY_TYPES, CONSENT_METHODS, CONSENT_PURPOSES, LAWFUL_BASES } from '../../db/schema.ts';
import { type Actor, hasRole } from '../../platform/access.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { documentText, fontCovers, pdfFileName, pdfHeaders, renderPdf } from '../../platform/documents.ts';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { formValues, parseForm } from '../../platform/forms.ts';
import { checkId as check } from '../../platform/ids.ts';
import { ConsentRequiredError, LAWFUL_BASIS_LABELS, OVERRIDE_ROLES } from '../../platform/sharing.ts';
import { MergedRecordError } from '../people/service.ts';
import { explanationDocument } from './explanation.ts';
import {
  CategoryForm,
  EndForm,
  MarkerForm,
  parseConsent,
  parseDecision,
  parseWithdrawal,
  WishForm,
} from './schemas.ts';
import { ChangeRefusedError, ConsentService } from './service.ts';

type P = { Params: { id: string } };
type PC = { Params: { id: string; consentId: string } };

const PRINT_CSS = readFileSync(new URL('./assets/print.css', import.meta.url), 'utf8');

const FLASH: Record<string, string> = {
  consent: 'Consent recorded',
  refusal: 'Refusal of consent recorded',
  withdrawn: 'Withdrawal recorded. Sharing on the basis of this consent stopped at once',
  wish: 'Confidentiality wish recorded',
  'wish-ended': 'Confidentiality wish ended',
  decision: 'Sharing decision recorded',
  override: 'Sharing without consent recorded, with its lawful basis and reason',
  marker: 'Withhold marker recorded',
  'marker-ended': 'Withhold marker ended',
};

/** Labels the forms and pages use for the fixed lists. */
export const LABELS = {
  purposes: {
    assessment: 'Early help assessment',
    team_around_family: 'Team around the family: planning and working together',
    panel_discussion: 'Discussion at a multi-agency panel',
    service_referral: 'Referral to a named service',
    information_sharing: 'Sharing information between the services involved',
  } as Record<(typeof CONSENT_PURPOSES)[number], string>,
  methods: {
    in_person: 'In person',
    phone: 'By phone',
    signed_form: 'Signed form',
    video: 'Video call',
    letter: 'Letter',
  } as Record<(typeof CONSENT_METHODS)[number], string>,
  agencyTypes: Object.fromEntries(
    AGENCY_TYPES.map((t) => [t, t.charAt(0).toUpperCase() + t.slice(1).replace(/_/g, ' ')]),
  ),
  bases: { consent: 'Consent in scope', ...LAWFUL_BASIS_LABELS } as Record<string, string>,
  givenByKinds: { young_person: 'The young person', parent_carer: 'Parent or carer', self: 'The person themself' },
};

/** For any feature: the page shown when information may not leave the agency without consent or a lawful basis. */
export function replyConsentRequired(reply: FastifyReply, error: ConsentRequiredError, actor: Actor | null) {
  return reply.code(409).page('consent/views/consent-required.njk', {
    personId: error.personId,
    reasons: error.reasons,
    purpose: LABELS.purposes[error.purpose],
    canOverride: !!actor && !!hasRole(actor, ...OVERRIDE_ROLES),
  });
}

export function registerConsentRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new ConsentService(deps.database.db, {
    minAge: deps.config.consent.minAge,
    baseUrl: deps.config.baseUrl,
  });

  /** Runs a change; turns refusals into their pages and rule problems into the form again, with what was typed. */
  async function change(
    reply: FastifyReply,
    body: unknown,
    run: () => Promise<string>,
    form: (errors: FieldError[], values: Record<string, string | string[]>) => Promise<unknown>,
  ) {
    try {
      return reply.redirect(await run(), 303);
    } catch (err) {
      if (err instanceof ValidationError) {
        reply.code(400);
        return form(err.errors, formValues(body));
      }
      if (err instanceof ChangeRefusedError) {
        return reply.code(403).page('consent/views/refused.njk', { message: err.message });
      }
      if (err instanceof ConsentRequiredError) return replyConsentRequired(reply, err, reply.request.actor);
      throw err;
    }
  }
  async function refusedPage(reply: FastifyReply, fn: () => Promise<unknown>) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ChangeRefusedError) {
        return reply.code(403).page('consent/views/refused.njk', { message: err.message });
      }
      throw err;
    }
  }

  app.get('/consent-assets/print.css', { config: { public: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(PRINT_CSS),
  );

  app.get<P & { Querystring: { done?: string } }>('/people/:id/consent', async (request, reply) => {
    check(request.params.id);
    const data = await service.overview(request.ctx(), request.params.id).catch((err) => {
      if (err instanceof MergedRecordError) return err;
      throw err;
    });
    if (data instanceof MergedRecordError) return reply.redirect(`/people/${data.keptId}/consent`, 303);
    return reply.page('consent/views/consent.njk', {
      ...data,
      labels: LABELS,
      flash: FLASH[request.query.done ?? ''],
    });
  });

  const consentForm = async (reply: FastifyReply, id: string, extra: Record<string, unknown> = {}) => {
    const data = await service.consentForm(reply.request.ctx(), id);
    return reply.page('consent/views/record.njk', {
      ...data,
      labels: LABELS,
      purposes: CONSENT_PURPOSES,
      methods: CONSENT_METHODS,
      agencyTypes: AGENCY_TYPES,
      values: {},
      ...extra,
    });
  };
  app.get<P>('/people/:id/consent/new', async (request, reply) => {
    check(request.params.id);
    return refusedPage(reply, () => consentForm(reply, request.params.id));
  });
  app.post<P>('/people/:id/consent', async (request, reply) => {
    const id = request.params.id;
    check(id);
    const form = parseConsent(request.body);
    if (!form.ok) {
      reply.code(400);
      return refusedPage(reply, () =>
        consentForm(reply, id, { errors: form.errors, values: formValues(request.body) }),
      );
    }
    return change(
      reply,
      request.body,
      async () => {
        const r = await service.recordConsent(request.ctx(), id, form.data);
        return `/people/${id}/consent?done=${r.decision === 'given' ? 'consent' : 'refusal'}`;
      },
      (errors, values) => consentForm(reply, id, { errors, values }),
    );
  });

  const withdrawForm = async (
    reply: FastifyReply,
    id: string,
    consentId: string,
    extra: Record<string, unknown> = {},
  ) => {
    const data = await service.consentFor(reply.request.ctx(), id, consentId, 'consent.withdraw-form');
    return reply.page('consent/views/withdraw.njk', { ...data, labels: LABELS, values: {}, ...extra });
  };
  app.get<PC>('/people/:id/consent/:consentId/withdraw', async (request, reply) => {
    check(request.params.id, request.params.consentId);
    return refusedPage(reply, () => withdrawForm(reply, request.params.id, request.params.consentId));
  });
  app.post<PC>('/people/:id/consent/:consentId/withdraw', async (request, reply) => {
    const { id, consentId } = request.params;
    check(id, consentId);
    const form = parseWithdrawal(request.body);
    if (!form.ok) {
      reply.code(400);
      return refusedPage(reply, () =>
        withdrawForm(reply, id, consentId, { errors: form.errors, values: formValues(request.body) }),
      );
    }
    return change(
      reply,
      request.body,
      async () => {
        await service.withdraw(request.ctx(), id, consentId, form.data);
        return `/people/${id}/consent?done=withdrawn`;
      },
      (errors, values) => withdrawForm(reply, id, consentId, { errors, values }),
    );
  });

  app.get<PC & { Querystring: { lang?: string } }>(
    '/people/:id/consent/:consentId/explanation',
    async (request, reply) => {
      check(request.params.id, request.params.consentId);
      const lang = typeof request.query.lang === 'string' ? request.query.lang.slice(0, 20) : 'en';
      const data = await service.explanation(request.ctx(), request.params.id, request.params.consentId, lang);
      // A PDF is offered in a left-to-right language an embedded font can show; others are printed from the browser.
      const pdfAvailable = data.dir === 'ltr' && fontCovers(documentText(explanationDocument(data)));
      return reply.page('consent/views/explanation.njk', { ...data, pdfAvailable });
    },
  );

  app.get<PC & { Querystring: { lang?: string } }>(
    '/people/:id/consent/:consentId/explanation/pdf',
    async (request, reply) => {
      check(request.params.id, request.params.consentId);
      const ctx = request.ctx();
      const lang = typeof request.query.lang === 'string' ? request.query.lang.slice(0, 20) : 'en';
      const model = await service.explanationDocument(ctx, request.params.id, request.params.consentId, lang);
      const pdf = await renderPdf(model);
      return reply.headers(pdfHeaders(pdfFileName('consent-explanation', ctx.at))).send(pdf);
    },
  );

  // Confidentiality wishes, sharing decisions and withhold markers share one set of family data.
  const familyForm = async (
    reply: FastifyReply,
    id: string,
    template: string,
    attempted: string,
    extra: Record<string, unknown> = {},
  ) => {
    const data = await service.familyPeople(reply.request.ctx(), id, attempted);
    return reply.page(`consent/views/${template}.njk`, {
      ...data,
      labels: LABELS,
      agencyTypes: AGENCY_TYPES,
      lawfulBases: LAWFUL_BASES,
      values: {},
      ...extra,
    });
  };

  app.get<P>('/people/:id/consent/wishes/new', async (request, reply) => {
    check(request.params.id);
    return refusedPage(reply, () => familyForm(reply, request.params.id, 'wish', 'confidentiality-wish.form'));
  });
  app.post<P>('/people/:id/consent/wishes', async (request, reply) => {
    const id = request.params.id;
    check(id);
    const again = (errors: FieldError[], values: Record<string, string | string[]>) =>
      familyForm(reply, id, 'wish', 'confidentiality-wish.form', { errors, values });
    const form = parseForm(WishForm, request.body);
    if (!form.ok) {
      reply.code(400);
      return refusedPage(reply, () => again(form.errors, formValues(request.body)));
    }
    return change(
      reply,
      request.body,
      async () => {
        await service.recordWish(request.ctx(), id, form.data);
        return `/people/${id}/consent?done=wish`;
      },
      again,
    );
  });
  // Ending a wish or a marker: a confirmation page that asks why; the recorder is told.
  type PW = { Params: { id: string; wishId: string } };
  const endWishPage = async (reply: FastifyReply, id: string, wishId: string, extra: Record<string, unknown> = {}) => {
    const data = await service.wishToEnd(reply.request.ctx(), id, wishId);
    return reply.page('consent/views/end.njk', { ...data, values: {}, ...extra });
  };
  app.get<PW>('/people/:id/consent/wishes/:wishId/end', async (request, reply) => {
    const { id, wishId } = request.params;
    check(id, wishId);
    return refusedPage(reply, () => endWishPage(reply, id, wishId));
  });
  app.post<PW>('/people/:id/consent/wishes/:wishId/end', async (request, reply) => {
    const { id, wishId } = request.params;
    check(id, wishId);
    const form = parseForm(EndForm, request.body);
    if (!form.ok) {
      reply.code(400);
      return refusedPage(reply, () =>
        endWishPage(reply, id, wishId, { errors: form.errors, values: formValues(request.body) }),
      );
    }
    return change(
      reply,
      request.body,
      async () => {
        await service.endWish(request.ctx(), id, wishId, form.data.reason);
        return `/people/${id}/consent?done=wish-ended`;
      },
      (errors, values) => endWishPage(reply, id, wishId, { errors, values }),
    );
  });

  app.get<P & { Querystring: { lawful?: string } }>('/people/:id/consent/decisions/new', async (request, reply) => {
    check(request.params.id);
    const values = request.query.lawful === '1' ? { decision: 'share', basis: 'child_at_risk_of_harm' } : {};
    return refusedPage(reply, () =>
      familyForm(reply, request.params.id, 'decision', 'sharing.decision-form', { values }),
    );
  });
  app.post<P>('/people/:id/consent/decisions', async (request, reply) => {
    const id = request.params.id;
    check(id);
    const again = (errors: FieldError[], values: Record<string, string | string[]>) =>
      familyForm(reply, id, 'decision', 'sharing.decision-form', { errors, values });
    const form = parseDecision(request.body);
    if (!form.ok) {
      reply.code(400);
      return refusedPage(reply, () => again(form.errors, formValues(request.body)));
    }
    return change(
      reply,
      request.body,
      async () => {
        const r = await service.recordDecision(request.ctx(), id, form.data);
        return `/people/${id}/consent?done=${r.lawful ? 'override' : 'decision'}`;
      },
      again,
    );
  });

  app.get<P>('/people/:id/consent/markers/new', async (request, reply) => {
    check(request.params.id);
    return refusedPage(reply, () => familyForm(reply, request.params.id, 'marker', 'withhold-marker.form'));
  });
  app.post<P>('/people/:id/consent/markers', async (request, reply) => {
    const id = request.params.id;
    check(id);
    const again = (errors: FieldError[], values: Record<string, string | string[]>) =>
      familyForm(reply, id, 'marker', 'withhold-marker.form', { errors, values });
    const form = parseForm(MarkerForm, request.body);
    if (!form.ok) {
      reply.code(400);
      return refusedPage(reply, () => again(form.errors, formValues(request.body)));
    }
    return change(
      reply,
      request.body,
      async () => {
        await service.recordMarker(request.ctx(), id, form.data);
        return `/people/${id}/consent?done=marker`;
      },
      again,
    );
  });
  type PM = { Params: { id: string; markerId: string } };
  const endMarkerPage = async (
    reply: FastifyReply,
    id: string,
    markerId: string,
    extra: Record<string, unknown> = {},
  ) => {
    const data = await service.markerToEnd(reply.request.ctx(), id, markerId);
    return reply.page('consent/views/end.njk', { ...data, values: {}, ...extra });
  };
  app.get<PM>('/people/:id/consent/markers/:markerId/end', async (request, reply) => {
    const { id, markerId } = request.params;
    check(id, markerId);
    return refusedPage(reply, () => endMarkerPage(reply, id, markerId));
  });
  app.post<PM>('/people/:id/consent/markers/:markerId/end', async (request, reply) => {
    const { id, markerId } = request.params;
    check(id, markerId);
    const form = parseForm(EndForm, request.body);
    if (!form.ok) {
      reply.code(400);
      return refusedPage(reply, () =>
        endMarkerPage(reply, id, markerId, { errors: form.errors, values: formValues(request.body) }),
      );
    }
    return change(
      reply,
      request.body,
      async () => {
        await service.endMarker(request.ctx(), id, markerId, form.data.reason);
        return `/people/${id}/consent?done=marker-ended`;
      },
      (errors, values) => endMarkerPage(reply, id, markerId, { errors, values }),
    );
  });

  const categoriesPage = async (reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    const categories = await service.categories(reply.request.ctx());
    return reply.page('consent/views/sensitive-categories.njk', { categories, values: {}, ...extra });
  };
  app.get<{ Querystring: { done?: string } }>('/admin/sensitive-categories', async (request, reply) =>
    categoriesPage(reply, {
      flash: { added: 'Category added', retired: 'Category retired' }[request.query.done ?? ''],
    }),
  );
  app.post('/admin/sensitive-categories', async (request, reply) => {
    const form = parseForm(CategoryForm, request.body);
    if (!form.ok) {
      reply.code(400);
      return categoriesPage(reply, { errors: form.errors, values: formValues(request.body) });
    }
    return change(
      reply,
      request.body,
      async () => {
        await service.addCategory(request.ctx(), form.data);
        return '/admin/sensitive-categories?done=added';
      },
      (errors, values) => categoriesPage(reply, { errors, values }),
    );
  });
  app.post<{ Params: { code: string } }>('/admin/sensitive-categories/:code/retire', async (request, reply) => {
    if (!/^[a-z][a-z0-9_]{1,39}$/.test(request.params.code)) throw new NotFoundError();
    await service.retireCategory(request.ctx(), request.params.code);
    return reply.redirect('/admin/sensitive-categories?done=retired', 303);
  });
}
