/**
 * The pages for closing an episode when things are better and stay better: propose closure (improvement made, the
 * Supporting Families outcomes with their evidence, the monitoring period), the monitoring page (confirm closure or
 * record a relapse), and the family's letter (printable page and PDF, recorded as given or sent).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  EPISODE_LETTER_METHODS,
  SUPPORTING_FAMILIES_OUTCOMES,
  type SupportingFamiliesOutcome,
} from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { documentText, fontCovers, pdfFileName, pdfHeaders, renderPdf } from '../../platform/documents.ts';
import { asArray, type FormProblem, orderedForm, submitForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { ClosureService, type ConfirmInput, MONITORING_ENDS_JOB, type ProposeInput } from './closure.ts';
import { closureLetterDocument, OUTCOME_WORDS } from './closure-letter.ts';
import type { EpisodeService } from './service.ts';

type One = { Params: { id: string; episodeId: string } };

const MAX = 5000;
const tooLong = (what: string) => `${what} must be 5,000 characters or fewer`;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The proposal: improvement made, the period (another than the default needs a reason), outcomes with evidence. */
export const ProposeForm = orderedForm((body, _field, problem): ProposeInput => {
  const improvement = str(body.improvement);
  if (!improvement) problem('improvement', 'Enter the improvement the family has made');
  else if (improvement.length > MAX) problem('improvement', tooLong('The improvement'));
  const weeksText = str(body.weeks);
  const weeks = /^\d{1,3}$/.test(weeksText) ? Number(weeksText) : Number.NaN;
  if (!(weeks >= 1 && weeks <= 104))
    problem('weeks', 'Enter the monitoring period as a whole number of weeks from 1 to 104');
  const periodReason = str(body.periodReason);
  if (periodReason.length > MAX) problem('periodReason', tooLong('The reason for the period'));
  const outcomes: ProposeInput['outcomes'] = [];
  for (const code of SUPPORTING_FAMILIES_OUTCOMES) {
    const claim = str(body[`outcome-${code}`]);
    if (claim && claim !== 'achieved' && claim !== 'not_achieved') {
      problem(`outcome-${code}`, `Select whether “${OUTCOME_WORDS[code]}” was achieved`);
      continue;
    }
    const evidence = str(body[`evidence-${code}`]);
    if (!claim) continue;
    if (!evidence) {
      problem(
        `evidence-${code}`,
        claim === 'achieved'
          ? `Enter the evidence that “${OUTCOME_WORDS[code]}” was achieved`
          : `Enter the evidence of the progress on “${OUTCOME_WORDS[code]}”`,
      );
      continue;
    }
    if (evidence.length > MAX) problem(`evidence-${code}`, tooLong('The evidence'));
    outcomes.push({ outcome: code, achieved: claim === 'achieved', evidence });
  }
  if (!SUPPORTING_FAMILIES_OUTCOMES.some((c) => str(body[`outcome-${c}`]) === 'achieved')) {
    problem(
      `outcome-${SUPPORTING_FAMILIES_OUTCOMES[0]}`,
      'Select at least one Supporting Families outcome the family achieved, with its evidence',
    );
  }
  return { improvement, weeks, periodReason: periodReason || null, outcomes };
});

export const ConfirmForm = z
  .object({
    sustained: z.preprocess(asArray, z.array(z.enum(SUPPORTING_FAMILIES_OUTCOMES, { message: 'Select the outcomes' }))),
    note: z.string().trim().max(MAX, tooLong('The note')).optional(),
  })
  .transform((v): ConfirmInput => ({ sustained: v.sustained, note: v.note || null }));

export const RelapseForm = z.object({
  relapseNote: z
    .string({ message: 'Enter what has changed: why the family needs the support to carry on' })
    .trim()
    .min(1, 'Enter what has changed: why the family needs the support to carry on')
    .max(MAX, tooLong('The note')),
});

export const LetterForm = z.object({
  method: z.enum(EPISODE_LETTER_METHODS, { message: 'Select how the letter was given to the family' }),
});

export const LETTER_METHOD_WORDS = {
  given: 'Given to the family by hand',
  posted: 'Posted to the family',
  emailed: 'Emailed to the family',
} as const;

export function registerClosureRoutes(app: FastifyInstance, deps: AppDeps, episodes: EpisodeService) {
  const service = new ClosureService(deps.database.db, episodes);
  deps.jobs.register<{ monitoringId: string; personId: string }>(MONITORING_ENDS_JOB, async ({ trx, payload, now }) =>
    ClosureService.monitoringEnds(trx, payload, now),
  );
  const base = (id: string, episodeId: string) => `/people/${id}/episodes/${episodeId}`;

  const proposePage = async (reply: FastifyReply, id: string, episodeId: string, problem?: FormProblem) => {
    const form = await service.proposeForm(reply.request.ctx(), id, episodeId);
    const values: Record<string, unknown> = problem?.values ?? { weeks: String(form.defaultWeeks) };
    return reply.page('episodes/views/propose-closure.njk', {
      ...form,
      values,
      outcomes: SUPPORTING_FAMILIES_OUTCOMES.map((code) => ({
        code,
        words: OUTCOME_WORDS[code],
        items: [
          { value: '', text: 'Not claimed', checked: !values[`outcome-${code}`] },
          { value: 'achieved', text: 'Achieved', checked: values[`outcome-${code}`] === 'achieved' },
          {
            value: 'not_achieved',
            text: 'Worked on, not achieved yet',
            checked: values[`outcome-${code}`] === 'not_achieved',
          },
        ],
      })),
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<One>('/people/:id/episodes/:episodeId/propose-closure', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return proposePage(reply, id, episodeId);
  });

  app.post<One>('/people/:id/episodes/:episodeId/propose-closure', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return submitForm(
      reply,
      ProposeForm,
      async (data) => {
        await service.propose(request.ctx(), id, episodeId, data);
        return reply.redirect(`${base(id, episodeId)}?done=proposed`, 303);
      },
      (problem) => proposePage(reply, id, episodeId, problem),
    );
  });

  const monitoringPage = async (reply: FastifyReply, id: string, episodeId: string, problem?: FormProblem) => {
    const page = await service.monitoringPage(reply.request.ctx(), id, episodeId);
    const values: Record<string, unknown> = problem?.values ?? {};
    const picked = problem ? new Set(asArray(values.sustained)) : null;
    return reply.page('episodes/views/monitoring.njk', {
      ...page,
      values,
      outcomeWords: OUTCOME_WORDS,
      sustainedItems: page.outcomes
        .filter((o) => o.achieved)
        .map((o) => ({
          value: o.outcome,
          text: OUTCOME_WORDS[o.outcome as SupportingFamiliesOutcome],
          checked: picked ? picked.has(o.outcome) : true,
        })),
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<One>('/people/:id/episodes/:episodeId/monitoring', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return monitoringPage(reply, id, episodeId);
  });

  app.post<One>('/people/:id/episodes/:episodeId/monitoring/confirm', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return submitForm(
      reply,
      ConfirmForm,
      async (data) => {
        const r = await service.confirm(request.ctx(), id, episodeId, data);
        if (r.stillSees) return reply.redirect(`${base(id, episodeId)}?done=closed`, 303);
        return reply.page('episodes/views/closed.njk', {});
      },
      (problem) => monitoringPage(reply, id, episodeId, problem),
    );
  });

  app.post<One>('/people/:id/episodes/:episodeId/monitoring/relapse', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return submitForm(
      reply,
      RelapseForm,
      async (data) => {
        await service.relapse(request.ctx(), id, episodeId, data.relapseNote);
        return reply.redirect(`${base(id, episodeId)}?done=relapse`, 303);
      },
      (problem) => monitoringPage(reply, id, episodeId, problem),
    );
  });

  const letterPage = async (reply: FastifyReply, id: string, episodeId: string, problem?: FormProblem) => {
    const data = await service.letter(reply.request.ctx(), id, episodeId);
    const values: Record<string, unknown> = problem?.values ?? {};
    const done = (reply.request.query as Record<string, unknown> | undefined)?.done;
    return reply.page('episodes/views/letter.njk', {
      ...data,
      ...data.letter,
      pdfAvailable: data.letter.dir === 'ltr' && fontCovers(documentText(closureLetterDocument(data.letter))),
      methodWords: LETTER_METHOD_WORDS,
      methodItems: EPISODE_LETTER_METHODS.map((m) => ({
        value: m,
        text: LETTER_METHOD_WORDS[m],
        checked: values.method === m,
      })),
      values,
      ...(done === 'recorded' ? { flash: 'Recorded: the family has been given the letter.' } : {}),
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<One>('/people/:id/episodes/:episodeId/letter', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return letterPage(reply, id, episodeId);
  });

  app.get<One>('/people/:id/episodes/:episodeId/letter/pdf', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    const ctx = request.ctx();
    const model = await service.letterDocument(ctx, id, episodeId);
    const pdf = await renderPdf(model);
    return reply.headers(pdfHeaders(pdfFileName('closure-letter', ctx.at))).send(pdf);
  });

  app.post<One>('/people/:id/episodes/:episodeId/letter', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    return submitForm(
      reply,
      LetterForm,
      async (data) => {
        await service.recordLetter(request.ctx(), id, episodeId, data.method);
        return reply.redirect(`${base(id, episodeId)}/letter?done=recorded`, 303);
      },
      (problem) => letterPage(reply, id, episodeId, problem),
    );
  });
}
