/**
 * The threshold helper and levels of need: the guidance as the partnership publishes it, the helper that suggests
 * a level with reasons, a child's recorded judgements, and the administrators' editing of the guidance.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NEED_LEVELS, type NeedLevel } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { formValues } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { type GuidanceContent, indicators, LEVEL_NAMES } from './guidance.ts';
import type { GuidanceVersion } from './repository.ts';
import { type HelperResult, pickedIds, ThresholdService } from './service.ts';

type P = { Params: { id: string } };
const levelItems = NEED_LEVELS.map((l) => ({ value: l, text: LEVEL_NAMES[l] }));

/** The helper's form: for each domain and sub-area, its indicators with their level, the picked ones ticked. */
function helperView(g: GuidanceVersion, picked: readonly string[]) {
  const ticked = new Set(picked);
  const all = indicators(g.content);
  return {
    guidance: g,
    domains: g.content.domains.map((d) => ({
      ...d,
      subAreas: d.subAreas.map((s) => {
        const items = all
          .filter((i) => i.subAreaId === s.id)
          .map((i) => ({
            value: i.id,
            text: i.text,
            checked: ticked.has(i.id),
            hint: { text: i.level === 'universal' ? 'Strength' : LEVEL_NAMES[i.level] },
          }));
        return { ...s, items, open: items.some((i) => i.checked), picked: items.filter((i) => i.checked).length };
      }),
    })),
  };
}

function resultView(r: HelperResult) {
  const level = r.suggestion.overall ? r.guidance.content.levels.find((l) => l.id === r.suggestion.overall) : null;
  return {
    guidance: r.guidance,
    suggestion: r.suggestion,
    overallName: r.suggestion.overall ? LEVEL_NAMES[r.suggestion.overall] : null,
    level,
    services: r.services,
    directoryHref: `/directory?${r.tiers.map((t) => `tier=${t}`).join('&')}`,
    domains: r.suggestion.domains.map((d) => ({ ...d, levelName: d.level ? LEVEL_NAMES[d.level] : null })),
    pickedIds: r.suggestion.chosen.map((i) => i.id),
    levelItems,
  };
}

export function registerThresholdRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new ThresholdService(deps.database.db);

  const helperPage = async (reply: FastifyReply, picked: string[], person?: { id: string; name: string }) => {
    const g = await service.guidance(reply.request.ctx());
    return reply.page('threshold/views/helper.njk', {
      ...helperView(g, picked),
      person,
      action: person ? `/people/${person.id}/need-level/suggest` : '/threshold/suggest',
    });
  };

  const resultPage = async (
    reply: FastifyReply,
    body: unknown,
    person?: { id: string; name: string },
    extra: { errors?: ValidationError['errors']; values?: Record<string, unknown> } = {},
  ) => {
    const result = await service.suggest(reply.request.ctx(), body);
    const view = resultView(result);
    const frontDoor = result.suggestion.possibleSignificantHarm
      ? (await service.contacts(reply.request.ctx())).frontDoor
      : [];
    return reply.page('threshold/views/result.njk', {
      ...view,
      person,
      frontDoor,
      values: { level: result.suggestion.overall ?? '', ...(extra.values ?? {}) },
      ...(extra.errors ? { errors: extra.errors } : {}),
    });
  };

  const childFor = async (reply: FastifyReply, id: string) => {
    checkId(id);
    const rights = await service.childForHelper(reply.request.ctx(), id);
    if (rights.kind === 'moved') return { moved: rights.to } as const;
    return { person: { id, name: `${rights.person.given_name} ${rights.person.family_name}` } } as const;
  };

  // ---- The helper and the guidance, for anyone signed in ------------------------------------------------------

  app.get('/threshold', async (_request, reply) => helperPage(reply, []));

  app.post('/threshold/suggest', async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (body?.edit) return helperPage(reply, pickedIds(body));
    return resultPage(reply, body);
  });

  app.get('/threshold/guidance', async (request, reply) => {
    const g = await service.guidance(request.ctx());
    const all = indicators(g.content);
    return reply.page('threshold/views/guidance.njk', {
      guidance: g,
      levels: g.content.levels.map((l) => ({
        ...l,
        domains: g.content.domains.map((d) => ({
          ...d,
          subAreas: d.subAreas.map((s) => ({
            ...s,
            indicators: all.filter((i) => i.subAreaId === s.id && i.level === l.id).map((i) => i.text),
          })),
        })),
      })),
    });
  });

  // ---- Who can I talk to about this child, now? -----------------------------------------------------------------

  app.get('/who-to-talk-to', async (request, reply) => {
    const found = await service.contacts(request.ctx());
    return reply.page('threshold/views/who-to-talk-to.njk', { ...found, person: null, name: null });
  });

  app.get<P>('/people/:id/who-to-talk-to', async (request, reply) => {
    checkId(request.params.id);
    const found = await service.childContacts(request.ctx(), request.params.id);
    if (found.kind === 'moved') return reply.redirect(`/people/${found.to}/who-to-talk-to`, 303);
    return reply.page('threshold/views/who-to-talk-to.njk', {
      ...found,
      name: `${found.person.given_name} ${found.person.family_name}`,
    });
  });

  // ---- A child's level of need --------------------------------------------------------------------------------

  app.get<P>('/people/:id/need-level', async (request, reply) => {
    checkId(request.params.id);
    const found = await service.forChild(request.ctx(), request.params.id);
    if (found.kind === 'moved') return reply.redirect(`/people/${found.to}/need-level`, 303);
    const q = request.query as Record<string, unknown>;
    return reply.page('threshold/views/child.njk', {
      ...found,
      name: `${found.person.given_name} ${found.person.family_name}`,
      flash: q.done === 'recorded' ? 'Level of need recorded' : undefined,
    });
  });

  app.get<P>('/people/:id/need-level/new', async (request, reply) => {
    const child = await childFor(reply, request.params.id);
    if ('moved' in child) return reply.redirect(`/people/${child.moved}/need-level/new`, 303);
    return helperPage(reply, [], child.person);
  });

  app.post<P>('/people/:id/need-level/suggest', async (request, reply) => {
    const child = await childFor(reply, request.params.id);
    if ('moved' in child) return reply.redirect(`/people/${child.moved}/need-level/new`, 303);
    const body = request.body as Record<string, unknown> | undefined;
    if (body?.edit) return helperPage(reply, pickedIds(body), child.person);
    return resultPage(reply, body, child.person);
  });

  app.post<P>('/people/:id/need-level', async (request, reply) => {
    checkId(request.params.id);
    try {
      await service.record(request.ctx(), request.params.id, request.body);
      return reply.redirect(`/people/${request.params.id}/need-level?done=recorded`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const child = await childFor(reply, request.params.id);
      if ('moved' in child) return reply.redirect(`/people/${child.moved}/need-level/new`, 303);
      reply.code(400);
      return resultPage(reply, request.body, child.person, { errors: err.errors, values: formValues(request.body) });
    }
  });

  // ---- Administrators edit the guidance, a level at a time; each edit is a new version ------------------------

  app.get('/admin/threshold-guidance', async (request, reply) => {
    const ctx = request.ctx();
    const versions = await service.versions(ctx);
    const current = await service.guidance(ctx);
    const q = request.query as Record<string, unknown>;
    return reply.page('threshold/views/admin-versions.njk', {
      versions,
      current,
      levels: current.content.levels,
      flash: q.done === 'published' ? `Version ${current.version} published` : undefined,
    });
  });

  const editPage = (
    reply: FastifyReply,
    g: GuidanceVersion,
    level: NeedLevel,
    values: Record<string, unknown>,
    errors?: ValidationError['errors'],
  ) =>
    reply.page('threshold/views/admin-edit.njk', {
      guidance: g,
      level: g.content.levels.find((l) => l.id === level),
      subAreas: g.content.domains.flatMap((d) => d.subAreas.map((s) => ({ ...s, domain: d.name }))),
      values,
      ...(errors ? { errors } : {}),
    });

  const levelParam = (raw: string): NeedLevel => {
    if (!(NEED_LEVELS as readonly string[]).includes(raw)) throw new NotFoundError();
    return raw as NeedLevel;
  };

  app.get<{ Params: { level: string } }>('/admin/threshold-guidance/:level', async (request, reply) => {
    const level = levelParam(request.params.level);
    await service.versions(request.ctx());
    const g = await service.guidance(request.ctx());
    const l = g.content.levels.find((x) => x.id === level)!;
    const values: Record<string, unknown> = {
      basedOn: String(g.version),
      summary: l.summary,
      assessment: l.assessment,
      keyServices: l.keyServices.join('\n'),
    };
    for (const d of g.content.domains) {
      for (const s of d.subAreas) values[`indicators-${s.id}`] = (g.content.indicators[s.id]?.[level] ?? []).join('\n');
    }
    return editPage(reply, g, level, values);
  });

  app.post<{ Params: { level: string } }>('/admin/threshold-guidance/:level', async (request, reply) => {
    const level = levelParam(request.params.level);
    const ctx = request.ctx();
    await service.versions(ctx);
    const g = await service.guidance(ctx);
    const body = formValues(request.body);
    const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const lines = (k: string) =>
      text(k)
        .split(/\r?\n/)
        .map((x) => x.trim())
        .filter(Boolean);
    const errors: ValidationError['errors'] = [];
    if (!text('summary').trim()) errors.push({ field: 'summary', message: 'Enter a summary of this level' });
    if (!text('assessment').trim())
      errors.push({ field: 'assessment', message: 'Enter the assessment process at this level' });
    const content: GuidanceContent = structuredClone(g.content);
    const l = content.levels.find((x) => x.id === level)!;
    l.summary = text('summary').trim();
    l.assessment = text('assessment').trim();
    l.keyServices = lines('keyServices');
    for (const d of content.domains) {
      for (const s of d.subAreas) {
        content.indicators[s.id] = { ...(content.indicators[s.id] ?? {}), [level]: lines(`indicators-${s.id}`) };
      }
    }
    const basedOn = Number(text('basedOn'));
    try {
      if (errors.length) throw new ValidationError(errors);
      await service.publish(ctx, Number.isInteger(basedOn) ? basedOn : -1, content, text('note'));
      return reply.redirect('/admin/threshold-guidance?done=published', 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      reply.code(400);
      return editPage(reply, g, level, body, err.errors);
    }
  });
}
