/**
 * An agency's own assessment, attached in the child's early help episode instead of an Early Help Assessment: the
 * form (with the document, read as every upload is), and its page. See
 * docs/decisions/0033-an-agencys-own-assessment.md.
 */
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../platform/app-deps.ts';
import { ALLOWED_IN_WORDS, FILE_FIELD, formatBytes, readUpload, uploadError } from '../../platform/attachments.ts';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import { asArray, dateParts, type FormProblem, orderedForm, parseForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import type { AgencyAssessmentInput, AssessmentService } from './service.ts';

/** How many unmet needs the form offers at once (each optional). */
export const NEED_ROWS = 5;

type Child = { Params: { id: string } };
type One = { Params: { id: string; assessmentId: string } };

const text = (missing: string, label: string, max: number) =>
  z
    .string({ message: missing })
    .trim()
    .min(1, missing)
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`);

const optional = z.string().trim().optional().default('');

/** The form's fields, in the order of the page; the API sends the same fields. */
export const AgencyAssessmentForm = orderedForm((body, field, problem, found): AgencyAssessmentInput => {
  const tool = field('tool', text('Enter the name of the assessment or the tool used', 'The name', 200));
  const date = (prefix: string, label: string, missing: string) => {
    const iso = field(prefix, dateParts(prefix, label), body);
    if (iso === undefined && !found().some((e) => e.field === prefix)) problem(prefix, missing);
    return iso;
  };
  const completedOn = date('completedOn', 'The date it was completed', 'Enter the date it was completed');
  const signedOffBy = field('signedOffBy', text('Enter who signed it off in your agency', 'Who signed it off', 200));
  const signedOffOn = date('signedOffOn', 'The date it was signed off', 'Enter the date it was signed off');
  const level = field('level', text('Select the level of need the assessment found', 'The level', 100));
  const summary = field('summary', text('Enter a summary of what the assessment found', 'The summary', 10000));
  const needs: AgencyAssessmentInput['needs'] = [];
  for (let i = 1; i <= NEED_ROWS; i++) {
    const subArea = field(`need-${i}-subArea`, optional) ?? '';
    const personId = field(`need-${i}-personId`, optional) ?? '';
    const description = field(`need-${i}-description`, optional) ?? '';
    if (!subArea && !description) continue;
    if (!subArea) problem(`need-${i}-subArea`, `Select the area of need ${i}`);
    if (!description) problem(`need-${i}-description`, `Describe need ${i}`);
    else if (description.length > 2000) {
      problem(`need-${i}-description`, `Need ${i} must be 2,000 characters or fewer`);
    }
    if (!personId) problem(`need-${i}-personId`, `Select who need ${i} is about`);
    needs.push({ subArea, description, personId: personId === 'family' ? null : personId });
  }
  return {
    personIds: asArray(body.personIds),
    tool: tool ?? '',
    completedOn: completedOn ?? '',
    signedOffBy: signedOffBy ?? '',
    signedOffOn: signedOffOn ?? '',
    level: level ?? '',
    summary: summary ?? '',
    needs,
  };
});

const FLASH: Record<string, string> = {
  attached: 'The agency’s assessment has been attached. It counts as the child’s assessment.',
};

export async function registerAgencyAssessmentRoutes(app: FastifyInstance, deps: AppDeps, service: AssessmentService) {
  const maxBytes = deps.config.attachments.maxBytes;

  const formPage = async (reply: FastifyReply, id: string, problem?: FormProblem) => {
    const form = await service.attachForm(reply.request.ctx(), id);
    const values = problem?.values ?? { personIds: [id] };
    const picked = new Set(asArray(values.personIds));
    const value = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : '');
    const subAreas = form.guidance.domains.flatMap((d) =>
      d.subAreas.map((s) => ({ value: s.id, text: `${d.name}: ${s.name}` })),
    );
    return reply.page('assessments/views/attach.njk', {
      ...form,
      values,
      childItems: form.children.map((c) => ({ value: c.id, text: c.name, checked: picked.has(c.id) })),
      levelItems: form.guidance.levels.map((l) => ({
        value: l.id,
        text: l.name,
        hint: { text: l.summary },
        checked: value('level') === l.id,
      })),
      needRows: Array.from({ length: NEED_ROWS }, (_, k) => {
        const n = k + 1;
        return {
          n,
          subAreaItems: [
            { value: '', text: 'Choose an area' },
            ...subAreas.map((s) => ({ ...s, selected: value(`need-${n}-subArea`) === s.value })),
          ],
          personItems: [
            { value: '', text: 'Choose who it is about' },
            { value: 'family', text: 'The whole family', selected: value(`need-${n}-personId`) === 'family' },
            ...form.children.map((c) => ({
              value: c.id,
              text: c.name,
              selected: value(`need-${n}-personId`) === c.id,
            })),
          ],
          description: value(`need-${n}-description`),
        };
      }),
      allowed: ALLOWED_IN_WORDS,
      maxSize: formatBytes(maxBytes),
      fileField: FILE_FIELD,
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<Child>('/people/:id/agency-assessments/new', async (request, reply) => {
    checkId(request.params.id);
    return formPage(reply, request.params.id);
  });

  app.get<One>('/people/:id/agency-assessments/:assessmentId', async (request, reply) => {
    const { id, assessmentId } = request.params;
    checkId(id, assessmentId);
    const view = await service.agencyView(request.ctx(), id, assessmentId);
    const done = (request.query as Record<string, unknown> | undefined)?.done;
    return reply.page('assessments/views/agency.njk', {
      ...view,
      ...(typeof done === 'string' && FLASH[done] ? { flash: FLASH[done] } : {}),
    });
  });

  // The attach form is an upload: the multipart parser is registered for it alone, as for the record's files.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      limits: { fileSize: maxBytes, files: 1, parts: 64 },
      throwFileSizeLimit: false,
    });
    scope.addHook('onSend', async (request, reply) => {
      if (request.isMultipart() && !request.raw.readableEnded) reply.header('Connection', 'close');
    });

    scope.post<Child>('/people/:id/agency-assessments', { config: { multipartCsrf: true } }, async (request, reply) => {
      const { id } = request.params;
      checkId(id);
      const ctx = request.ctx();
      // Role and relationship first: nothing of the file is read for someone who may not attach it.
      await service.mayAttach(ctx, id);
      const upload = await readUpload(scope, request, reply, maxBytes, { fields: 48 });
      const body: Record<string, string | string[]> = {
        ...upload.fields,
        personIds: upload.lists.personIds ?? asArray(upload.fields.personIds),
      };
      const again = (errors: FieldError[]) => {
        reply.code(upload.refusal === 'too-large' ? 413 : 400);
        return formPage(reply, id, { errors, values: body });
      };
      const form = parseForm(AgencyAssessmentForm, body);
      if (!form.ok) {
        return again([...form.errors, ...(upload.refusal ? [uploadError(upload.refusal, maxBytes)] : [])]);
      }
      try {
        const r = await service.attach(
          ctx,
          id,
          form.data,
          upload.file ? { fileName: upload.file.name, content: upload.file.content } : { refusal: upload.refusal! },
          maxBytes,
        );
        return reply.redirect(`/people/${id}/agency-assessments/${r.id}?done=attached`, 303);
      } catch (err) {
        if (err instanceof ValidationError) return again(err.errors);
        throw err;
      }
    });
  });
}
