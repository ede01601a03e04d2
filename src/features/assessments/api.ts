/**
 * The Early Help Assessments API: a child's assessments, one assessment (its sections, unmet needs and sign-off
 * history, naming people as the printable version does under withhold markers), its versions; starting one, saving
 * a section or adding an unmet need from the version it was read at (a stale version is a 409, never an overwrite),
 * submitting it for sign-off and the manager's sign-off or return. Everything goes through the AssessmentService, so
 * the API refuses what the pages refuse: a rule of the record answers 422 (see `recordRules`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ASSESSMENT_KINDS, ASSESSMENT_STATUSES } from '../../db/schema.ts';
import { defineApiRoute, recordRules } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import type { RequestContext } from '../../platform/context.ts';
import { ConflictError, UnprocessableError } from '../../platform/errors.ts';
import { parseForm } from '../../platform/forms.ts';
import { UUID } from '../../platform/ids.ts';
import { WITHHELD_NAME, withheldPeople } from '../../platform/sharing.ts';
import { AgencyAssessmentForm, NEED_ROWS } from './agency-routes.ts';
import { DecisionForm, sectionSchema } from './routes.ts';
import { assessmentSections } from './sections.ts';
import type { AssessmentService, Conflict } from './service.ts';

const id = (what: string) => z.string().regex(UUID, { error: `${what} must be an id` });
const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** An ISO date as the page's day, month and year boxes, so the API is read with the page's form rules. */
const isoParts = (name: string, date: string | undefined): Record<string, string> => {
  if (!date) return {};
  const [y, m, d] = date.split('-');
  return { [`${name}-day`]: d!, [`${name}-month`]: m!, [`${name}-year`]: y! };
};
const TAGS = ['Early help assessments'];
const version = z
  .number()
  .int()
  .positive()
  .describe('The version you read (`version` of GET /api/v1/assessments/{id}): a newer one on the server is a 409.');

const Summary = z.object({
  id: z.guid(),
  kind: z
    .enum(ASSESSMENT_KINDS)
    .describe('`early_help`, or `agency`: an agency’s own assessment attached in its place (complete when attached).'),
  status: z.enum(ASSESSMENT_STATUSES),
  startedAt: z.string(),
  author: z.string(),
  organisation: z.string(),
  signedOffVersion: z.number().int().nullable(),
});

const Detail = z.object({
  id: z.guid(),
  episodeId: z.guid().nullable(),
  status: z.enum(ASSESSMENT_STATUSES),
  version: z.number().int().describe('The current version: send it back with a change.'),
  signedOffVersion: z.number().int().nullable().describe('The version a manager signed off, if any.'),
  startedAt: z.string(),
  updatedAt: z.string(),
  author: z.object({ userId: z.guid(), name: z.string(), organisation: z.string() }),
  guidanceVersion: z.number().int().describe('The version of the threshold guidance its sections come from.'),
  children: z
    .array(z.object({ id: z.guid(), name: z.string() }))
    .describe('The children it covers; a person a withhold marker protects is not named.'),
  household: z.array(z.object({ name: z.string(), kind: z.string() })).describe('As recorded when it was started.'),
  sections: z.array(
    z.object({
      key: z.string().describe('For PUT /api/v1/assessments/{id}/sections/{section}.'),
      title: z.string(),
      stage: z.string(),
      needs: z.boolean().describe('The unmet needs section: see `needs`, added with POST …/needs.'),
      fields: z.array(
        z.object({
          name: z.string(),
          label: z.string(),
          kind: z.enum(['text', 'level']),
          max: z.number().int(),
          value: z.string().describe('As saved; a level field holds the level’s id, empty when not recorded.'),
        }),
      ),
    }),
  ),
  needs: z.array(
    z.object({
      id: z.guid(),
      personId: z.guid().nullable().describe('The child it is about; null for the whole family.'),
      about: z.string(),
      domain: z.string(),
      domainName: z.string(),
      subArea: z.string(),
      subAreaName: z.string(),
      description: z.string(),
      recordedAt: z.string(),
      recordedBy: z.string(),
    }),
  ),
  signOffs: z
    .array(
      z.object({
        version: z.number().int(),
        submittedAt: z.string(),
        submittedBy: z.string(),
        manager: z.string(),
        outcome: z.enum(['signed_off', 'returned']).nullable().describe('null while the manager decides.'),
        reason: z.string().nullable(),
        decidedAt: z.string().nullable(),
        decidedBy: z.string().nullable(),
      }),
    )
    .describe('The sign-off history, oldest first.'),
});

const Saved = z.object({ version: z.number().int(), saved: z.boolean() });
const Created = z.object({ id: z.guid() });
const Ok = z.object({ id: z.guid() });

/** A save from an older version is not applied: a 409 naming the version now on the server. */
function conflictError(from: number, c: Conflict): ConflictError {
  const who = [...new Set(c.since.map((s) => s.by))].join(', ');
  return new ConflictError(
    `Not saved: this assessment is now at version ${c.current}, newer than version ${from} you sent` +
      `${who ? ` (changed by ${who})` : ''}. Read it again and send your changes with version ${c.current}.`,
  );
}

export function registerAssessmentApi(app: FastifyInstance, deps: AppDeps, service: AssessmentService) {
  const Params = z.object({ id: id('id') });

  const detail = async (ctx: RequestContext, assessmentId: string): Promise<z.input<typeof Detail>> => {
    const personId = await service.personFor(ctx, assessmentId);
    const v = await service.overview(ctx, personId, assessmentId);
    const withheld = await withheldPeople(
      deps.database.db,
      v.children.map((c) => c.id),
    );
    const named = (personId: string | null, name: string) =>
      personId && withheld.has(personId) ? WITHHELD_NAME : name;
    const g = v.a.guidance.content;
    const domainOf = new Map(g.domains.map((d) => [d.id, d.name]));
    const subAreaOf = new Map(g.domains.flatMap((d) => d.subAreas.map((s) => [s.id, s.name] as const)));
    const prefill = v.a.content.prefill as { household?: { id: string; name: string; kind: string }[] } | undefined;
    return {
      id: v.a.id,
      episodeId: v.a.episode_id,
      status: v.a.status,
      version: v.a.version,
      signedOffVersion: v.a.signed_off_version,
      startedAt: v.a.started_at.toISOString(),
      updatedAt: v.a.updated_at.toISOString(),
      author: { userId: v.a.author_id, name: v.a.author_name, organisation: v.a.organisation_name },
      guidanceVersion: v.a.guidance.version,
      children: v.children.map((c) => ({ id: c.id, name: named(c.id, `${c.given_name} ${c.family_name}`) })),
      household: (prefill?.household ?? []).map((h) => ({ name: named(h.id, h.name), kind: h.kind })),
      sections: assessmentSections(g).map((s) => ({
        key: s.key,
        title: s.title,
        stage: s.stage,
        needs: !!s.needs,
        fields: s.fields.map((f) => {
          const value = v.a.content[f.name];
          return {
            name: f.name,
            label: f.group ? `${f.group}: ${f.label.toLowerCase()}` : f.label,
            kind: f.kind,
            max: f.max,
            value: typeof value === 'string' ? value : '',
          };
        }),
      })),
      needs: v.needs.map((n) => ({
        id: n.id,
        personId: n.person_id,
        about: n.person_id ? named(n.person_id, `${n.given_name} ${n.family_name}`) : 'The whole family',
        domain: n.domain,
        domainName: domainOf.get(n.domain) ?? n.domain,
        subArea: n.sub_area,
        subAreaName: subAreaOf.get(n.sub_area) ?? n.sub_area,
        description: n.description,
        recordedAt: n.recorded_at.toISOString(),
        recordedBy: n.recorded_by_name,
      })),
      signOffs: v.history.map((h) => ({
        version: h.version,
        submittedAt: h.submitted_at.toISOString(),
        submittedBy: h.submitted_by_name,
        manager: h.manager_name,
        outcome: h.outcome,
        reason: h.reason,
        decidedAt: iso(h.decided_at),
        decidedBy: h.decided_by_name,
      })),
    };
  };

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/assessments',
    summary: 'A child’s early help assessments, newest first',
    description:
      'For someone who works with the child; another agency’s assessments only with consent or a lawful basis. ' +
      '404 for anyone else (audited on the child).',
    tags: TAGS,
    auth: true,
    query: z.object({ personId: id('personId').describe('The child.') }),
    response: z.object({ items: z.array(Summary) }),
    handler: async (ctx, { query }) => {
      const list = await service.list(ctx, query.personId);
      return {
        items: list.assessments.map((a) => ({
          id: a.id,
          kind: a.kind,
          status: a.status,
          startedAt: a.started_at.toISOString(),
          author: a.author_name,
          organisation: a.organisation_name,
          signedOffVersion: a.signed_off_version,
        })),
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/assessments',
    summary: 'Start an early help assessment for a child (and children living with them), pre-filled from the record',
    tags: TAGS,
    auth: true,
    body: z.object({
      personId: id('personId').describe('The child.'),
      otherPersonIds: z
        .array(id('otherPersonIds'))
        .max(20)
        .optional()
        .describe('Other children living with the child that it also covers.'),
    }),
    response: Created,
    status: 201,
    unprocessable: 'A child named in otherPersonIds does not live with the child.',
    handler: async (ctx, { body }) =>
      recordRules(() => service.start(ctx, body.personId, { personIds: body.otherPersonIds ?? [] })),
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/agency-assessments',
    summary: 'Attach an agency’s own assessment in an open episode, counted as the child’s assessment',
    description:
      'For a practitioner who works with the child (404 for anyone else, audited on the child). The assessment is ' +
      'your agency’s own, signed off under its own arrangements; the document is checked as every attachment is ' +
      '(its type from its content) and kept with the child’s files. Rules of the record (dates in the future or ' +
      'before a child was born, a level or area that is not the guidance’s, a document that is not allowed) ' +
      'answer 422.',
    tags: TAGS,
    auth: true,
    params: z.object({ id: id('id') }),
    body: z.object({
      personId: id('personId').describe('The child, one of the episode’s children.'),
      otherPersonIds: z
        .array(id('otherPersonIds'))
        .max(20)
        .optional()
        .describe('Other children living with the child that it also covers.'),
      tool: z.string().max(200).optional().describe('Required: the assessment’s name or the tool used.'),
      completedOn: z.iso.date({ error: 'completedOn must be a date (YYYY-MM-DD)' }).optional().describe('Required.'),
      signedOffBy: z.string().max(200).optional().describe('Required: who signed it off inside your agency.'),
      signedOffOn: z.iso.date({ error: 'signedOffOn must be a date (YYYY-MM-DD)' }).optional().describe('Required.'),
      level: z.string().max(100).optional().describe('Required: a level id of the threshold guidance.'),
      summary: z.string().max(10_000).optional().describe('Required: what the assessment found.'),
      needs: z
        .array(
          z.object({
            subArea: z.string().max(100).describe('A sub-area id of the threshold guidance.'),
            personId: id('personId').nullable().describe('One of the children it covers; null for the whole family.'),
            description: z.string().max(2000),
          }),
        )
        .max(NEED_ROWS)
        .optional()
        .describe('The unmet needs it found (none is allowed).'),
      document: z.object({
        fileName: z.string().max(300),
        content: z.base64().describe('The file, base64-encoded: a PDF, an image, or a Word or OpenDocument text.'),
      }),
    }),
    response: Created,
    status: 201,
    unprocessable: 'A field is missing or a rule of the record refuses it (see the description).',
    handler: async (ctx, { params, body }) => {
      const form: Record<string, unknown> = {
        personIds: body.otherPersonIds ?? [],
        tool: body.tool,
        signedOffBy: body.signedOffBy,
        level: body.level,
        summary: body.summary,
        ...isoParts('completedOn', body.completedOn),
        ...isoParts('signedOffOn', body.signedOffOn),
      };
      (body.needs ?? []).forEach((n, i) => {
        form[`need-${i + 1}-subArea`] = n.subArea;
        form[`need-${i + 1}-personId`] = n.personId ?? 'family';
        form[`need-${i + 1}-description`] = n.description;
      });
      const rename = (f: string) => {
        const m = /^need-(\d+)-(\w+)$/.exec(f);
        return m ? `needs.${Number(m[1]) - 1}.${m[2]}` : f === 'file' ? 'document' : f;
      };
      const data = parseForm(AgencyAssessmentForm, form);
      if (!data.ok) {
        const errors = data.errors.map((e) => ({ field: rename(e.field), message: e.message }));
        throw new UnprocessableError(errors, errors.map((e) => e.message).join('. '));
      }
      const input = { ...data.data, personIds: body.otherPersonIds ?? [] };
      try {
        return await recordRules(() =>
          service.attach(
            ctx,
            body.personId,
            input,
            { fileName: body.document.fileName, content: Buffer.from(body.document.content, 'base64') },
            deps.config.attachments.maxBytes,
            params.id,
          ),
        ).then((r) => ({ id: r.id }));
      } catch (err) {
        if (err instanceof UnprocessableError) {
          const errors = err.errors.map((e) => ({ field: rename(e.field), message: e.message }));
          throw new UnprocessableError(errors, err.message);
        }
        throw err;
      }
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/assessments/:id',
    summary: 'One assessment: its status, version, sections, unmet needs and sign-off history',
    description:
      'The same people who may see it on the child’s record, and the manager it was submitted to. People a ' +
      'withhold marker on one of its children protects are not named, as on the printable version.',
    tags: TAGS,
    auth: true,
    params: Params,
    response: Detail,
    handler: async (ctx, { params }) => detail(ctx, params.id),
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/assessments/:id/versions',
    summary: 'Every saved version of an assessment, newest first: who changed which fields of which section',
    tags: TAGS,
    auth: true,
    params: Params,
    response: z.object({
      items: z.array(
        z.object({
          number: z.number().int(),
          savedAt: z.string(),
          savedBy: z.string(),
          section: z.string(),
          changed: z.array(z.string()).describe('The labels of the fields changed.'),
          signedOff: z.boolean(),
        }),
      ),
    }),
    handler: async (ctx, { params }) => {
      const personId = await service.personFor(ctx, params.id);
      const v = await service.versions(ctx, personId, params.id);
      return {
        items: v.versions.map((r) => ({
          number: r.number,
          savedAt: r.at.toISOString(),
          savedBy: r.by,
          section: r.section,
          changed: r.changed,
          signedOff: r.signedOff,
        })),
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'PUT',
    path: '/api/v1/assessments/:id/sections/:section',
    summary: 'Save one section of the draft, from the version you read',
    description:
      'Sends every field of the section (a field left out is saved empty). When the assessment has a newer ' +
      'version than `version`, nothing is saved and the answer is 409 naming the newer version. Only practitioners ' +
      'of the agency that wrote it may change it (403 for others), and not while it is with a manager (422).',
    tags: TAGS,
    auth: true,
    params: z.object({
      id: id('id'),
      section: z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,60}$/, 'section must be a section key')
        .describe('A section key from the assessment’s `sections`.'),
    }),
    body: z.object({
      version,
      values: z
        .record(z.string().max(100), z.string().max(20_000))
        .describe('The section’s fields by name: text, or a level’s id for a level field.'),
    }),
    response: Saved,
    unprocessable: 'A field is too long, a level is not one of the guidance’s, or the assessment is with a manager.',
    handler: async (ctx, { params, body }) => {
      const personId = await service.personFor(ctx, params.id);
      const view = await recordRules(() => service.section(ctx, personId, params.id, params.section));
      if (view.section.needs) {
        throw new UnprocessableError([
          { field: 'section', message: 'Add unmet needs with POST /api/v1/assessments/{id}/needs' },
        ]);
      }
      const form = parseForm(sectionSchema(view.section.fields), { ...body.values, version: body.version });
      if (!form.ok) throw new UnprocessableError(form.errors, form.errors.map((e) => e.message).join('. '));
      const { version: from, ...values } = form.data as { version: number } & Record<string, string>;
      const r = await recordRules(() => service.save(ctx, personId, params.id, params.section, values, from));
      if ('conflict' in r) throw conflictError(from, r);
      return r;
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/assessments/:id/needs',
    summary: 'Add an unmet need to the draft, from the version you read',
    description: 'A need is about one of its children or the whole family, in one of the guidance’s sub-areas.',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({
      version,
      subArea: z.string().trim().min(1).max(100).describe('A sub-area id of the threshold guidance.'),
      personId: id('personId').nullable().describe('The child it is about; null for the whole family.'),
      description: z.string().trim().min(1).max(2000),
    }),
    response: Saved,
    status: 201,
    unprocessable: 'The sub-area is not the guidance’s, the child is not one it covers, or it is with a manager.',
    handler: async (ctx, { params, body }) => {
      const personId = await service.personFor(ctx, params.id);
      const r = await recordRules(() =>
        service.addNeed(
          ctx,
          personId,
          params.id,
          { personId: body.personId, subArea: body.subArea, description: body.description },
          body.version,
        ),
      );
      if ('conflict' in r) throw conflictError(body.version, r);
      return r;
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/assessments/:id/submit',
    summary: 'Submit the current version to a manager of one of your teams for sign-off (the author only)',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({ managerId: id('managerId').describe('A manager of one of the author’s teams.') }),
    response: Ok,
    unprocessable: 'You did not write it, it is already signed off, or the manager is not one of your teams’.',
    handler: async (ctx, { params, body }) => {
      const personId = await service.personFor(ctx, params.id);
      await recordRules(() => service.submit(ctx, personId, params.id, body.managerId));
      return { id: params.id };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/assessments/:id/sign-off',
    summary: 'Sign off the submitted version, or return it for changes with a reason (the manager it was sent to)',
    description:
      'The author can never sign off their own (422, with the reason); a manager it was not submitted to gets 403.',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({
      decision: z.enum(['signed_off', 'returned']),
      reason: z.string().max(5000).optional().describe('What needs to change: required to return it.'),
    }),
    response: Ok,
    unprocessable: 'You wrote it, it is not waiting for sign-off, or a return has no reason.',
    handler: async (ctx, { params, body }) => {
      const form = parseForm(DecisionForm, body);
      if (!form.ok) throw new UnprocessableError(form.errors, form.errors.map((e) => e.message).join('. '));
      const personId = await service.personFor(ctx, params.id);
      await recordRules(() => service.decide(ctx, personId, params.id, form.data));
      return { id: params.id };
    },
  });
}
