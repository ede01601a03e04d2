/**
 * Early Help Assessments under the child's record: start (pre-filled), the task list, each section with "Save and
 * continue" and "Save and come back later" (and an autosave for pages with JavaScript), unmet needs, the versions,
 * submitting to a manager, the manager's sign-off or return, and the printable page and PDF of the signed-off version.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../platform/app-deps.ts';
import { londonNow } from '../../platform/calendar.ts';
import { pdfFileName, pdfHeaders, renderPdf } from '../../platform/documents.ts';
import { ValidationError } from '../../platform/errors.ts';
import { asArray, type FormProblem, formValues, parseForm, submitForm } from '../../platform/forms.ts';
import { checkId, isUuid } from '../../platform/ids.ts';
import { registerAgencyAssessmentRoutes } from './agency-routes.ts';
import { registerAssessmentApi } from './api.ts';
import { sectionState } from './sections.ts';
import { AssessmentService, type Conflict, type Prefill, STATUS_WORDS } from './service.ts';

type Child = { Params: { id: string } };
type One = { Params: { id: string; assessmentId: string } };
type Section = { Params: { id: string; assessmentId: string; section: string } };
type Need = { Params: { id: string; assessmentId: string; needId: string } };

const SECTION_KEY = /^[a-z][a-z0-9-]{0,60}$/;

export const StartForm = z.object({ personIds: z.preprocess(asArray, z.array(z.string())) });

const version = z.coerce
  .number({ message: 'This page is out of date: open the section again' })
  .int('This page is out of date: open the section again')
  .positive('This page is out of date: open the section again');

export const NeedForm = z.object({
  version,
  subArea: z.string({ message: 'Select the area of the need' }).trim().min(1, 'Select the area of the need'),
  personId: z.string({ message: 'Select who the need is about' }).trim().min(1, 'Select who the need is about'),
  description: z
    .string({ message: 'Describe the need' })
    .trim()
    .min(1, 'Describe the need')
    .max(2000, 'The need must be 2,000 characters or fewer'),
});

export const SubmitForm = z.object({
  managerId: z.string({ message: 'Select a manager' }).regex(/^[0-9a-f-]{36}$/i, 'Select a manager'),
});

export const DecisionForm = z
  .object({
    decision: z.enum(['signed_off', 'returned'], { message: 'Select whether you sign it off or return it' }),
    reason: z.string().trim().max(5000, 'The reason must be 5,000 characters or fewer').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'returned' && !v.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Enter what needs to change' });
    }
  })
  .transform((v) => ({ decision: v.decision, reason: v.decision === 'returned' ? v.reason! : null }));

const FLASH: Record<string, string> = {
  started: 'Assessment started. What the record already holds has been copied in: check it.',
  later: 'Your changes have been saved. You can come back to this assessment later.',
  saved: 'Your changes have been saved.',
  submitted: 'Submitted to your manager for sign-off. They have been told.',
  signed_off: 'Assessment signed off. The author has been told.',
  returned: 'Assessment returned for changes. The author has been told.',
};

/** The fields of a section as a zod schema: text as typed (trimmed, within its length), and the version. */
export function sectionSchema(fields: { name: string; label: string; max: number }[]) {
  return z.object({
    version,
    ...Object.fromEntries(
      fields.map((f) => [
        f.name,
        z
          .string()
          .trim()
          .max(f.max, `${f.label} must be ${f.max.toLocaleString('en-GB')} characters or fewer`)
          .optional()
          .default(''),
      ]),
    ),
  });
}

export async function registerAssessmentRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new AssessmentService(deps.database.db);
  registerAssessmentApi(app, deps, service);
  await registerAgencyAssessmentRoutes(app, deps, service);
  const base = (id: string, assessmentId: string) => `/people/${id}/assessments/${assessmentId}`;
  const doneOf = (q: unknown) => {
    const d = (q as Record<string, unknown> | undefined)?.done;
    return typeof d === 'string' && FLASH[d] ? { flash: FLASH[d] } : {};
  };

  const startPage = async (reply: FastifyReply, id: string, problem?: FormProblem) => {
    const form = await service.startForm(reply.request.ctx(), id);
    const picked = new Set(asArray(problem?.values.personIds ?? [id]));
    return reply.page('assessments/views/start.njk', {
      ...form,
      childItems: form.children.map((c) => ({ value: c.id, text: c.name, checked: picked.has(c.id) })),
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<Child>('/people/:id/assessments', async (request, reply) => {
    checkId(request.params.id);
    const list = await service.list(request.ctx(), request.params.id);
    return reply.page('assessments/views/list.njk', { ...list, statuses: STATUS_WORDS });
  });

  app.get<Child>('/people/:id/assessments/new', async (request, reply) => {
    checkId(request.params.id);
    return startPage(reply, request.params.id);
  });

  app.post<Child>('/people/:id/assessments', async (request, reply) => {
    const { id } = request.params;
    checkId(id);
    return submitForm(
      reply,
      StartForm,
      async (data) => {
        const r = await service.start(request.ctx(), id, data);
        return reply.redirect(`${base(id, r.id)}?done=started`, 303);
      },
      (problem) => startPage(reply, id, problem),
    );
  });

  app.get<One>('/people/:id/assessments/:assessmentId', async (request, reply) => {
    const { id, assessmentId } = request.params;
    checkId(id, assessmentId);
    const view = await service.overview(request.ctx(), id, assessmentId);
    if (view.a.kind === 'agency') return reply.redirect(`/people/${id}/agency-assessments/${assessmentId}`, 303);
    return reply.page('assessments/views/overview.njk', {
      ...view,
      status: STATUS_WORDS[view.a.status],
      tasks: view.sections.map((s) => ({ ...s, state: sectionState(s, view.a.content, view.needs.length) })),
      ...doneOf(request.query),
    });
  });

  const sectionPage = async (
    reply: FastifyReply,
    id: string,
    assessmentId: string,
    key: string,
    problem?: FormProblem,
    conflict?: Conflict,
    suggest?: number,
  ) => {
    const view = await service.section(reply.request.ctx(), id, assessmentId, key);
    const suggestions = view.section.needs
      ? ((view.a.content.prefill as Prefill | undefined)?.conversationConcerns ?? [])
      : [];
    // A concern from a conversation the practitioner chose: its words in the need's box, the area still to choose.
    const suggested = suggest === undefined ? undefined : suggestions[suggest];
    const values: Record<string, unknown> =
      problem?.values ?? (suggested ? { subArea: '', description: suggested.text } : { ...view.a.content });
    const versionNow = conflict ? conflict.current : problem ? Number(problem.values.version) : view.a.version;
    const template = view.section.needs ? 'assessments/views/needs.njk' : 'assessments/views/section.njk';
    const subAreas = view.guidance.domains.flatMap((d) =>
      d.subAreas.map((s) => ({ value: s.id, text: `${d.name}: ${s.name}` })),
    );
    const subAreaName = new Map(subAreas.map((s) => [s.value, s.text]));
    return reply.page(template, {
      ...view,
      values,
      version: Number.isFinite(versionNow) && versionNow > 0 ? versionNow : view.a.version,
      conflict: conflict ?? null,
      levelItems: view.guidance.levels.map((l) => ({
        value: l.id,
        text: l.name,
        hint: { text: l.summary },
        checked: values.level === l.id,
      })),
      subAreaItems: [
        { value: '', text: 'Choose an area' },
        ...subAreas.map((s) => ({ ...s, selected: values.subArea === s.value })),
      ],
      personItems: [
        { value: 'family', text: 'The whole family', checked: values.personId === 'family' },
        ...view.children.map((c) => ({
          value: c.id,
          text: `${c.given_name} ${c.family_name}`,
          checked: values.personId === c.id,
        })),
      ],
      needRows: view.needs.map((n) => ({
        ...n,
        area: subAreaName.get(n.sub_area) ?? n.sub_area,
        about: n.person_id ? `${n.given_name} ${n.family_name}` : 'The whole family',
      })),
      suggestions,
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<Section>('/people/:id/assessments/:assessmentId/sections/:section', async (request, reply) => {
    const { id, assessmentId, section } = request.params;
    checkId(id, assessmentId);
    if (!SECTION_KEY.test(section)) return reply.callNotFound();
    const suggest = (request.query as Record<string, unknown> | undefined)?.suggest;
    const index = typeof suggest === 'string' && /^\d{1,3}$/.test(suggest) ? Number(suggest) : undefined;
    return sectionPage(reply, id, assessmentId, section, undefined, undefined, index);
  });

  /** Reads and saves a section's fields; the answer is the conflict when the assessment changed meanwhile. */
  const saveSection = async (id: string, assessmentId: string, key: string, body: unknown, reply: FastifyReply) => {
    const view = await service.section(reply.request.ctx(), id, assessmentId, key);
    if (view.section.needs) throw new ValidationError([{ field: 'section', message: 'There is no such section' }]);
    const form = parseForm(sectionSchema(view.section.fields), body);
    if (!form.ok) throw new ValidationError(form.errors);
    const { version: from, ...values } = form.data as { version: number } & Record<string, string>;
    return service.save(reply.request.ctx(), id, assessmentId, key, values, from);
  };

  app.post<Section>('/people/:id/assessments/:assessmentId/sections/:section', async (request, reply) => {
    const { id, assessmentId, section } = request.params;
    checkId(id, assessmentId);
    if (!SECTION_KEY.test(section)) return reply.callNotFound();
    const body = (request.body ?? {}) as Record<string, unknown>;
    return submitForm(
      reply,
      z.unknown(),
      async () => {
        const r = await saveSection(id, assessmentId, section, body, reply);
        if ('conflict' in r) {
          reply.code(409);
          return sectionPage(reply, id, assessmentId, section, { errors: [], values: formValues(body) }, r);
        }
        if (body.action === 'continue') {
          const view = await service.section(request.ctx(), id, assessmentId, section);
          if (view.next) return reply.redirect(`${base(id, assessmentId)}/sections/${view.next.key}`, 303);
          return reply.redirect(`${base(id, assessmentId)}?done=saved`, 303);
        }
        return reply.redirect(`${base(id, assessmentId)}?done=later`, 303);
      },
      (problem) => sectionPage(reply, id, assessmentId, section, problem),
    );
  });

  // The autosave behind a section page with JavaScript: the same fields and version check, answered in JSON.
  app.post<Section>('/people/:id/assessments/:assessmentId/sections/:section/autosave', async (request, reply) => {
    const { id, assessmentId, section } = request.params;
    checkId(id, assessmentId);
    if (!SECTION_KEY.test(section)) return reply.callNotFound();
    try {
      const r = await saveSection(id, assessmentId, section, request.body, reply);
      if ('conflict' in r) {
        const last = r.since.at(-1);
        return reply.code(409).send({
          saved: false,
          conflict: true,
          version: r.current,
          message: `Not saved: ${last?.by ?? 'someone else'} changed this assessment at ${last ? londonNow(last.at).time : 'the same time'}. Use “Save and come back later” to see both versions.`,
        });
      }
      return reply.send({ saved: r.saved, version: r.version, savedAt: londonNow(request.ctx().at).time });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).send({ saved: false, errors: err.errors });
    }
  });

  app.post<One>('/people/:id/assessments/:assessmentId/needs', async (request, reply) => {
    const { id, assessmentId } = request.params;
    checkId(id, assessmentId);
    return submitForm(
      reply,
      NeedForm,
      async (data) => {
        const personId = data.personId === 'family' ? null : data.personId;
        if (personId !== null && !isUuid(personId)) {
          throw new ValidationError([{ field: 'personId', message: 'Select who the need is about' }]);
        }
        const r = await service.addNeed(
          request.ctx(),
          id,
          assessmentId,
          { personId, subArea: data.subArea, description: data.description },
          data.version,
        );
        if ('conflict' in r) {
          reply.code(409);
          return sectionPage(reply, id, assessmentId, 'needs', { errors: [], values: formValues(request.body) }, r);
        }
        return reply.redirect(`${base(id, assessmentId)}/sections/needs`, 303);
      },
      (problem) => sectionPage(reply, id, assessmentId, 'needs', problem),
    );
  });

  app.post<Need>('/people/:id/assessments/:assessmentId/needs/:needId/remove', async (request, reply) => {
    const { id, assessmentId, needId } = request.params;
    checkId(id, assessmentId, needId);
    return submitForm(
      reply,
      z.object({ version }),
      async (data) => {
        const r = await service.removeNeed(request.ctx(), id, assessmentId, needId, data.version);
        if ('conflict' in r) {
          reply.code(409);
          return sectionPage(reply, id, assessmentId, 'needs', { errors: [], values: {} }, r);
        }
        return reply.redirect(`${base(id, assessmentId)}/sections/needs`, 303);
      },
      (problem) => sectionPage(reply, id, assessmentId, 'needs', problem),
    );
  });

  app.get<One>('/people/:id/assessments/:assessmentId/versions', async (request, reply) => {
    const { id, assessmentId } = request.params;
    checkId(id, assessmentId);
    return reply.page('assessments/views/versions.njk', await service.versions(request.ctx(), id, assessmentId));
  });

  const submitPage = async (reply: FastifyReply, id: string, assessmentId: string, problem?: FormProblem) => {
    const view = await service.submitForm(reply.request.ctx(), id, assessmentId);
    const chosen = problem?.values.managerId;
    return reply.page('assessments/views/submit.njk', {
      ...view,
      managerItems: [
        { value: '', text: 'Choose a manager' },
        ...view.managers.map((m) => ({ value: m.id, text: `${m.name} (${m.team_name})`, selected: chosen === m.id })),
      ],
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<One>('/people/:id/assessments/:assessmentId/submit', async (request, reply) => {
    const { id, assessmentId } = request.params;
    checkId(id, assessmentId);
    return submitPage(reply, id, assessmentId);
  });

  app.post<One>('/people/:id/assessments/:assessmentId/submit', async (request, reply) => {
    const { id, assessmentId } = request.params;
    checkId(id, assessmentId);
    return submitForm(
      reply,
      SubmitForm,
      async (data) => {
        await service.submit(request.ctx(), id, assessmentId, data.managerId);
        return reply.redirect(`${base(id, assessmentId)}?done=submitted`, 303);
      },
      (problem) => submitPage(reply, id, assessmentId, problem),
    );
  });

  const signOffPage = async (reply: FastifyReply, id: string, assessmentId: string, problem?: FormProblem) => {
    const view = await service.signOffForm(reply.request.ctx(), id, assessmentId);
    const values = problem?.values ?? {};
    return reply.page('assessments/views/sign-off.njk', {
      ...view,
      values,
      decisionItems: [
        { value: 'signed_off', text: 'Sign it off', checked: values.decision === 'signed_off' },
        { value: 'returned', text: 'Return it for changes', checked: values.decision === 'returned' },
      ],
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<One>('/people/:id/assessments/:assessmentId/sign-off', async (request, reply) => {
    const { id, assessmentId } = request.params;
    checkId(id, assessmentId);
    return signOffPage(reply, id, assessmentId);
  });

  app.post<One>('/people/:id/assessments/:assessmentId/sign-off', async (request, reply) => {
    const { id, assessmentId } = request.params;
    checkId(id, assessmentId);
    return submitForm(
      reply,
      DecisionForm,
      async (data) => {
        await service.decide(request.ctx(), id, assessmentId, data);
        return reply.redirect(`${base(id, assessmentId)}?done=${data.decision}`, 303);
      },
      (problem) => signOffPage(reply, id, assessmentId, problem),
    );
  });

  app.get<One>('/people/:id/assessments/:assessmentId/print', async (request, reply) => {
    const { id, assessmentId } = request.params;
    checkId(id, assessmentId);
    const r = await service.printable(request.ctx(), id, assessmentId, 'print');
    return reply.page('assessments/views/print.njk', { document: r.document, backHref: base(id, assessmentId) });
  });

  app.get<One>('/people/:id/assessments/:assessmentId/pdf', async (request, reply) => {
    const { id, assessmentId } = request.params;
    checkId(id, assessmentId);
    const ctx = request.ctx();
    const r = await service.printable(ctx, id, assessmentId, 'download');
    const pdf = await renderPdf(r.document);
    return reply.headers(pdfHeaders(pdfFileName('early-help-assessment', ctx.at))).send(pdf);
  });
}
