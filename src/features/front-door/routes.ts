/**
 * The front door's pages: a request for support (risk of significant harm asked first), the queue, a contact,
 * assigning it and recording the decision.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { LAWFUL_BASES, NEED_LEVELS } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { ALLOWED_IN_WORDS, FILE_FIELD, formatBytes } from '../../platform/attachments.ts';
import { ConflictError, type FieldError, ValidationError } from '../../platform/errors.ts';
import { asArray, formValues } from '../../platform/forms.ts';
import { checkId, isUuid } from '../../platform/ids.ts';
import { LAWFUL_BASIS_LABELS } from '../../platform/sharing.ts';
import { PanelRedirectInService } from '../panels/redirect-in.ts';
import { modelWith } from '../people/search.ts';
import { indicators, LEVEL_NAMES } from '../threshold/guidance.ts';
import type { GuidanceVersion } from '../threshold/repository.ts';
import { registerFrontDoorApi } from './api.ts';
import { OUTCOME_LABELS, REFERRAL_SOURCE_CODES, REFERRAL_SOURCES } from './codes.ts';
import { FrontDoorService, parseContact, parseDecision } from './service.ts';

type P = { Params: { id: string } };
type Values = Record<string, string | string[]>;

/** The guidance's indicators as checkbox groups, by domain and sub-area, the picked ones ticked. */
export function indicatorGroups(g: GuidanceVersion, picked: readonly string[], withLevels = true) {
  const ticked = new Set(picked);
  const all = indicators(g.content);
  return g.content.domains.map((d) => ({
    ...d,
    subAreas: d.subAreas.map((s) => {
      const items = all
        .filter((i) => i.subAreaId === s.id && i.level !== 'universal')
        .map((i) => ({
          value: i.id,
          text: i.text,
          checked: ticked.has(i.id),
          ...(withLevels ? { hint: { text: LEVEL_NAMES[i.level] } } : {}),
        }));
      return { ...s, items, open: items.some((i) => i.checked), picked: items.filter((i) => i.checked).length };
    }),
  }));
}

const permissionItems = (values: Values) => [
  {
    value: 'consent',
    text: 'The family agreed: a consent recorded on the child’s record covers sharing with the front door',
    checked: values.permission === 'consent',
  },
  { divider: 'or, without the family’s agreement' },
  ...LAWFUL_BASES.map((b) => ({ value: b, text: LAWFUL_BASIS_LABELS[b], checked: values.permission === b })),
];

export function registerFrontDoorRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new FrontDoorService(
    deps.database.db,
    modelWith(deps.config.matching),
    deps.config.attachments.maxBytes,
  );
  registerFrontDoorApi(app, deps);

  const startPage = (reply: FastifyReply, childIds: string[], errors?: FieldError[]) =>
    reply.page('front-door/views/request-start.njk', { childIds, ...(errors ? { errors } : {}) });

  const formPage = async (reply: FastifyReply, values: Values, errors?: FieldError[]) => {
    const childIds = asArray(values.child);
    const data = await service.requestForm(reply.request.ctx(), childIds);
    const urgent = values.harm === 'yes';
    const picked = new Set(childIds);
    return reply.page('front-door/views/request-form.njk', {
      ...data,
      urgent,
      values: { referralSource: data.defaultSource, ...values },
      childItems: data.children.map((c) => ({
        value: c.id,
        text: `${c.given_name} ${c.family_name}`,
        hint: c.date_of_birth ? { text: `Born ${String(c.date_of_birth).slice(0, 10)}` } : undefined,
        checked: picked.has(c.id),
      })),
      sourceItems: REFERRAL_SOURCE_CODES.map((code) => ({
        value: code,
        text: `${REFERRAL_SOURCES[code]} (${code})`,
        selected: (values.referralSource ?? data.defaultSource) === code,
      })),
      domains: indicatorGroups(data.guidance, asArray(values.indicator), !urgent),
      permissionItems: permissionItems(values),
      ...(errors ? { errors } : {}),
    });
  };

  app.get('/front-door/requests/new', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    return startPage(reply, asArray(q.child).filter(isUuid).slice(0, 10));
  });

  // The first question, always: risk of significant harm. "Yes" shows the front door's numbers at once.
  app.post('/front-door/requests/new', async (request, reply) => {
    const values = formValues(request.body);
    if (values.harm !== 'yes' && values.harm !== 'no') {
      reply.code(400);
      return startPage(reply, asArray(values.child).filter(isUuid).slice(0, 10), [
        { field: 'harm', message: 'Select yes if you believe a child is at risk of significant harm' },
      ]);
    }
    // What was typed elsewhere (a request to a panel that must go to the front door instead) is carried over.
    const carried = Object.fromEntries(
      (['circumstances', 'needsToHappen', 'tried'] as const)
        .filter((k) => typeof values[k] === 'string' && values[k] !== '')
        .map((k) => [k, String(values[k]).slice(0, 10000)]),
    );
    return formPage(reply, {
      ...carried,
      harm: values.harm,
      child: asArray(values.child).filter(isUuid).slice(0, 10),
    });
  });

  app.post('/front-door/requests', async (request, reply) => {
    const values = formValues(request.body);
    try {
      const form = parseContact(values);
      if (!form.ok) throw new ValidationError(form.errors);
      const made = await service.create(request.ctx(), form.data, 'web');
      return reply.redirect(`/front-door/contacts/${made.id}?done=made`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      reply.code(400);
      if (values.harm !== 'yes' && values.harm !== 'no') return startPage(reply, asArray(values.child), err.errors);
      return formPage(reply, values, err.errors);
    }
  });

  app.get('/front-door', async (request, reply) => {
    const rows = await service.queue(request.ctx());
    return reply.page('front-door/views/queue.njk', { rows, me: request.actor?.userId });
  });

  const redirectIn = new PanelRedirectInService(deps.database.db, deps.config.baseUrl);
  const contactPage = async (reply: FastifyReply, id: string, extra: Record<string, unknown> = {}) => {
    const ctx = reply.request.ctx();
    const view = await service.view(ctx, id);
    const frontDoor =
      view.referrer && view.contact.urgency === 'urgent'
        ? await service.frontDoorNumbers(ctx, view.personIds[0] ?? null)
        : [];
    return reply.page('front-door/views/contact.njk', {
      ...view,
      frontDoorNumbers: frontDoor,
      me: ctx.actor?.userId,
      attachmentRows: view.attachments.map((f) => ({ ...f, size: formatBytes(f.size_bytes) })),
      typedChildren: view.typedChildren.map((t) => {
        const [year = '', month = '', day = ''] = t.date_of_birth
          ? String(t.date_of_birth).slice(0, 10).split('-')
          : [];
        return { ...t, dob: { day: day.replace(/^0/, ''), month: month.replace(/^0/, ''), year } };
      }),
      allowed: ALLOWED_IN_WORDS,
      maxSize: formatBytes(deps.config.attachments.maxBytes),
      fileField: FILE_FIELD,
      values: {},
      redirectToPanel: await redirectIn.mayRedirect(ctx, 'contact', id),
      ...extra,
    });
  };

  app.get<P>('/front-door/contacts/:id', async (request, reply) => {
    checkId(request.params.id);
    const q = request.query as Record<string, unknown>;
    const flash =
      q.done === 'assigned'
        ? 'Contact assigned'
        : q.done === 'decided'
          ? 'Decision recorded: the practitioner who asked has been told'
          : q.done === 'attached'
            ? 'File attached'
            : q.done === 'matched'
              ? 'Child matched to the index'
              : q.done === 'redirected-to-panel'
                ? 'Request redirected to the panel: its administrator has been told'
                : undefined;
    return contactPage(reply, request.params.id, { flash, made: q.done === 'made' });
  });

  app.post<P>('/front-door/contacts/:id/assign', async (request, reply) => {
    checkId(request.params.id);
    const values = formValues(request.body);
    const worker = values.workerId === 'me' ? (request.actor?.userId ?? '') : String(values.workerId ?? '');
    try {
      await service.assign(request.ctx(), request.params.id, worker);
      return reply.redirect(`/front-door/contacts/${request.params.id}?done=assigned`, 303);
    } catch (err) {
      if (err instanceof ValidationError) {
        reply.code(400);
        return contactPage(reply, request.params.id, { errors: err.errors });
      }
      if (err instanceof ConflictError) {
        reply.code(409);
        return contactPage(reply, request.params.id, { conflict: err.message });
      }
      throw err;
    }
  });

  // The front door matches a child typed on a public request to a record on the child index.
  app.post<{ Params: { id: string; typedId: string } }>(
    '/front-door/contacts/:id/children/:typedId/match',
    async (request, reply) => {
      const { id, typedId } = request.params;
      checkId(id, typedId);
      const values = formValues(request.body);
      try {
        await service.matchChild(request.ctx(), id, typedId, String(values.personId ?? ''));
        return reply.redirect(`/front-door/contacts/${id}?done=matched`, 303);
      } catch (err) {
        if (err instanceof ValidationError) {
          reply.code(400);
          return contactPage(reply, id, { errors: err.errors });
        }
        if (err instanceof ConflictError) {
          reply.code(409);
          return contactPage(reply, id, { conflict: err.message });
        }
        throw err;
      }
    },
  );

  const decisionPage = async (reply: FastifyReply, id: string, values: Values, errors?: FieldError[]) => {
    const data = await service.decisionForm(reply.request.ctx(), id);
    const picked = asArray(values.indicator);
    return reply.page('front-door/views/decision.njk', {
      ...data,
      values,
      outcomeItems: Object.entries(OUTCOME_LABELS).map(([value, text]) => ({
        value,
        text,
        checked: values.outcome === value,
        ...(value === 'targeted_support' && data.leader
          ? { hint: { text: `It goes to ${data.leader.name} (${data.leader.team_name}), on their work list.` } }
          : {}),
      })),
      levelItems: [
        { value: '', text: 'Not recorded', checked: !values.level },
        ...NEED_LEVELS.map((l) => ({ value: l, text: LEVEL_NAMES[l], checked: values.level === l })),
      ],
      serviceItems: [
        { value: '', text: 'Choose a service' },
        ...data.services.map((s) => ({
          value: s.id,
          text: `${s.name} (${s.organisation_name})`,
          selected: values.directoryServiceId === s.id,
        })),
      ],
      managerItems: [
        { value: '', text: 'Choose the manager' },
        ...data.managers.map((m) => ({
          value: m.id,
          text: `${m.name} (${m.organisation_name})`,
          selected: values.managerId === m.id,
        })),
      ],
      domains: indicatorGroups(data.guidance, picked.length ? picked : data.contact.indicators.map((i) => i.id)),
      ...(errors ? { errors } : {}),
    });
  };

  app.get<P>('/front-door/contacts/:id/decision', async (request, reply) => {
    checkId(request.params.id);
    return decisionPage(reply, request.params.id, {});
  });

  app.post<P>('/front-door/contacts/:id/decision', async (request, reply) => {
    checkId(request.params.id);
    const values = formValues(request.body);
    try {
      const form = parseDecision(values);
      if (!form.ok) throw new ValidationError(form.errors);
      await service.decide(request.ctx(), request.params.id, form.data);
      return reply.redirect(`/front-door/contacts/${request.params.id}?done=decided`, 303);
    } catch (err) {
      if (err instanceof ValidationError) {
        reply.code(400);
        return decisionPage(reply, request.params.id, values, err.errors);
      }
      if (err instanceof ConflictError) {
        reply.code(409);
        return contactPage(reply, request.params.id, { conflict: err.message });
      }
      throw err;
    }
  });
}
