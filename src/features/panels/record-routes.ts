/**
 * The record of a panel meeting (docs/decisions/0034): attendance, each case's decisions and recommendations, the
 * chair's approval, and a case's approved decisions from the child's record.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { LEAD_CRITERIA, type LeadCriterion, PANEL_OUTCOMES, type PanelOutcome } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { londonToday } from '../../platform/calendar.ts';
import { asArray, dateFromParts, type FormProblem, orderedForm, submitForm } from '../../platform/forms.ts';
import { checkId, isUuid } from '../../platform/ids.ts';
import { LETTER_METHOD_WORDS, mayReadLetter } from './decision-letter-service.ts';
import { PanelImplementationService } from './implementation.ts';
import { MAX, tooLong } from './implementation-routes.ts';
import {
  type AttendanceInput,
  type CaseInput,
  LEAD_CRITERIA_WORDS,
  OUTCOME_WORDS,
  PanelRecordService,
  type RecommendationInput,
} from './record.ts';

type Meeting = { Params: { id: string; meetingId: string } };
type Case = { Params: { id: string; meetingId: string; requestId: string } };
type Rec = { Params: { id: string; meetingId: string; requestId: string; recommendationId: string } };
type ChildRequest = { Params: { id: string; requestId: string } };
type Consider = { Params: { id: string; meetingId: string; requestId: string; reportId: string } };

const text = (what: string, max = 5000) =>
  z
    .string({ message: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(
      max,
      `${what.charAt(0).toUpperCase()}${what.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    );
const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .optional()
    .transform((v) => v || null);
const optionalId = (message: string) =>
  z
    .string()
    .optional()
    .refine((v) => !v || isUuid(v), message)
    .transform((v) => v || null);

/** A date from the three GOV.UK fields that must be after today (or from today, when `today` is allowed). */
function futureDate(
  body: Record<string, unknown>,
  name: string,
  label: string,
  at: Date,
  problem: (f: string, m: string) => void,
  allowToday: boolean,
) {
  const d = dateFromParts(
    String(body[`${name}-day`] ?? '').trim(),
    String(body[`${name}-month`] ?? '').trim(),
    String(body[`${name}-year`] ?? '').trim(),
    label,
  );
  if (d.error) problem(name, d.error);
  else if (!d.iso) problem(name, `Enter the ${label.toLowerCase()}`);
  else {
    const today = londonToday(at);
    if (allowToday ? d.iso < today : d.iso <= today) {
      problem(name, `${label} must be ${allowToday ? 'today or' : ''} in the future`.replace('  ', ' '));
    } else return d.iso;
  }
  return undefined;
}

export const attendanceForm = (memberIds: string[], requestIds: string[]) =>
  orderedForm<AttendanceInput>((_body, field) => {
    const members = [];
    for (const id of memberIds) {
      const status = field(
        `attendance-${id}`,
        z.enum(['present', 'apologies', 'deputy_sent'], {
          message: 'Select whether they came, sent apologies or a deputy',
        }),
      );
      const deputy = field(`deputy-${id}`, optionalId('Select the deputy from the list'));
      if (status) members.push({ memberId: id, status, deputyMemberId: deputy ?? null });
    }
    const referrers = [];
    for (const id of requestIds) {
      const status = field(
        `referrer-${id}`,
        z.enum(['present', 'absent'], { message: 'Select whether the referrer came' }),
      );
      if (status) referrers.push({ requestId: id, status });
    }
    return { members, referrers };
  });

export const caseForm = (at: Date) =>
  orderedForm<CaseInput>((body, field, problem) => {
    const discussion = field('discussion', text('a summary of the discussion'));
    const outcomes = asArray(body.outcomes);
    if (!outcomes.length) problem('outcomes', 'Select at least one outcome of the discussion');
    else if (!outcomes.every((o) => (PANEL_OUTCOMES as readonly string[]).includes(o))) {
      problem('outcomes', 'Select outcomes from the list');
    }
    const schoolOrganisationId = field('schoolOrganisationId', optionalId('Select the school from the list'));
    const schoolContact = field(
      'schoolContact',
      z.enum(['head_teacher', 'senco', ''], { message: 'Select the head teacher or the SENCO' }).optional(),
    );
    const schoolNote = field('schoolNote', optionalText('How the family worker could help', 2000));
    if (schoolOrganisationId && !schoolContact) {
      problem('schoolContact', 'Select whether to go through the head teacher or the SENCO');
    }
    const leadKind = field(
      'leadKind',
      z.enum(['none', 'person', 'agency'], { message: 'Select whether the panel agreed a lead professional' }),
    );
    let lead: CaseInput['lead'] = null;
    if (leadKind === 'none' && outcomes.includes('lead_professional')) {
      problem('leadKind', 'Record the lead professional or lead agency: the outcomes say the panel agreed one');
    }
    if (leadKind === 'person' || leadKind === 'agency') {
      if (!outcomes.includes('lead_professional')) {
        problem('outcomes', `Select “${OUTCOME_WORDS.lead_professional}” when the panel agrees a lead professional`);
      }
      const userId =
        leadKind === 'person'
          ? field(
              'leadUserId',
              z.string({ message: 'Select the lead professional' }).refine(isUuid, 'Select the lead professional'),
            )
          : null;
      const organisationId =
        leadKind === 'agency'
          ? field(
              'leadOrganisationId',
              z.string({ message: 'Select the lead agency' }).refine(isUuid, 'Select the lead agency'),
            )
          : null;
      const criteria = asArray(body.leadCriteria);
      if (!criteria.every((c) => (LEAD_CRITERIA as readonly string[]).includes(c))) {
        problem('leadCriteria', 'Select the criteria from the list');
      } else if (criteria.length < LEAD_CRITERIA.length) {
        problem(
          'leadCriteria',
          'A lead professional is appointed only when the panel agrees all three criteria: select each one it agreed',
        );
      }
      const objectives = field('leadObjectives', text('the lead professional’s objectives'));
      const reviewOn = futureDate(body, 'leadReviewOn', 'Review date', at, problem, false);
      const informFamily = field('leadInformFamily', text('how the young person and family will be told', 2000));
      lead = {
        kind: leadKind,
        userId: userId ?? null,
        organisationId: organisationId ?? null,
        criteria: criteria as LeadCriterion[],
        objectives: objectives!,
        reviewOn: reviewOn!,
        informFamily: informFamily!,
      };
    }
    const dissentUserId = field('dissentUserId', optionalId('Select who disagreed from the list'));
    const dissentReason = field('dissentReason', optionalText('Why they disagreed', 2000));
    if (dissentUserId && !dissentReason) problem('dissentReason', 'Enter why they disagreed');
    if (dissentReason && !dissentUserId) problem('dissentUserId', 'Select who disagreed');
    return {
      discussion: discussion!,
      outcomes: outcomes as PanelOutcome[],
      schoolOrganisationId: schoolOrganisationId ?? null,
      schoolContact: schoolOrganisationId ? ((schoolContact || null) as CaseInput['schoolContact']) : null,
      schoolNote: schoolNote ?? null,
      lead,
      dissent: dissentUserId && dissentReason ? { userId: dissentUserId, reason: dissentReason } : null,
    };
  });

export const recommendationForm = (at: Date) =>
  orderedForm<RecommendationInput>((body, field, problem) => {
    const what = field('what', text('what is to be done', 2000));
    const teamId = field(
      'teamId',
      z.string({ message: 'Select the agency that will do it' }).refine(isUuid, 'Select the agency that will do it'),
    );
    const dueOn = futureDate(body, 'dueOn', 'Date it is to be done by', at, problem, true);
    return { what: what!, teamId: teamId!, dueOn: dueOn! };
  });

const FLASH: Record<string, string> = {
  attendance: 'Attendance recorded',
  case: 'The case’s decisions are recorded',
  recommendation: 'Recommendation added',
  removed: 'Recommendation removed',
  approved:
    'Record approved: the decisions are on the children’s records and the recommendations on the agencies’ work lists',
  circulated: 'Decisions circulated: the referrers, agencies and lead professionals have been notified',
  considered: 'Recorded that the report of non-implementation was considered',
  reported: 'Report sent: the recommendation is off your team’s work list',
  corrected: 'Report corrected: the earlier report is kept, marked corrected',
};

/** The form's values from a saved case record, in the form's field names. */
function caseValues(rec: Record<string, unknown> | null): Record<string, string | string[]> {
  if (!rec) return { leadKind: '' };
  const review = typeof rec.lead_review_on === 'string' ? rec.lead_review_on.split('-') : [];
  return {
    discussion: String(rec.discussion ?? ''),
    outcomes: (rec.outcomes as string[]) ?? [],
    schoolOrganisationId: String(rec.school_organisation_id ?? ''),
    schoolContact: String(rec.school_contact ?? ''),
    schoolNote: String(rec.school_note ?? ''),
    leadKind: rec.lead_kind ? String(rec.lead_kind) : 'none',
    leadUserId: String(rec.lead_user_id ?? ''),
    leadOrganisationId: rec.lead_kind === 'agency' ? String(rec.lead_organisation_id ?? '') : '',
    leadCriteria: (rec.lead_criteria as string[]) ?? [],
    leadObjectives: String(rec.lead_objectives ?? ''),
    'leadReviewOn-day': review[2] ? String(Number(review[2])) : '',
    'leadReviewOn-month': review[1] ? String(Number(review[1])) : '',
    'leadReviewOn-year': review[0] ?? '',
    leadInformFamily: String(rec.lead_inform_family ?? ''),
    dissentUserId: String(rec.dissent_user_id ?? ''),
    dissentReason: String(rec.dissent_reason ?? ''),
  };
}

export function registerPanelRecordRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new PanelRecordService(deps.database.db, deps.config.baseUrl);
  const implementation = new PanelImplementationService(deps.database.db);

  const recordPage = async (
    reply: FastifyReply,
    id: string,
    meetingId: string,
    extra: Record<string, unknown> = {},
  ) => {
    const view = await service.view(reply.request.ctx(), id, meetingId);
    const problem = extra as Partial<FormProblem>;
    return reply.page('panels/views/record-meeting.njk', {
      ...view,
      letterMethodWords: LETTER_METHOD_WORDS,
      values: problem.values ?? {},
      errors: problem.errors ?? [],
      ...extra,
    });
  };

  app.get<Meeting & { Querystring: { done?: string } }>(
    '/panels/:id/meetings/:meetingId/record',
    async (request, reply) => {
      const { id, meetingId } = request.params;
      checkId(id, meetingId);
      return recordPage(reply, id, meetingId, { flash: FLASH[request.query.done ?? ''] });
    },
  );

  app.post<Meeting>('/panels/:id/meetings/:meetingId/record/attendance', async (request, reply) => {
    const { id, meetingId } = request.params;
    checkId(id, meetingId);
    const view = await service.view(request.ctx(), id, meetingId);
    return submitForm(
      reply,
      attendanceForm(
        view.members.map((m) => m.id),
        view.cases.map((c) => c.id),
      ),
      async (data) => {
        await service.saveAttendance(request.ctx(), id, meetingId, data);
        return reply.redirect(`/panels/${id}/meetings/${meetingId}/record?done=attendance`, 303);
      },
      (problem) => recordPage(reply, id, meetingId, { ...problem }),
    );
  });

  app.post<Meeting>('/panels/:id/meetings/:meetingId/record/approve', async (request, reply) => {
    const { id, meetingId } = request.params;
    checkId(id, meetingId);
    return submitForm(
      reply,
      z.object({}),
      async () => {
        await service.approve(request.ctx(), id, meetingId);
        return reply.redirect(`/panels/${id}/meetings/${meetingId}/record?done=approved`, 303);
      },
      (problem) => recordPage(reply, id, meetingId, { ...problem }),
    );
  });

  app.post<Meeting>('/panels/:id/meetings/:meetingId/record/circulate', async (request, reply) => {
    const { id, meetingId } = request.params;
    checkId(id, meetingId);
    return submitForm(
      reply,
      z.object({}),
      async () => {
        await service.circulate(request.ctx(), id, meetingId);
        return reply.redirect(`/panels/${id}/meetings/${meetingId}/record?done=circulated`, 303);
      },
      (problem) => recordPage(reply, id, meetingId, { ...problem }),
    );
  });

  const casePage = async (
    reply: FastifyReply,
    id: string,
    meetingId: string,
    requestId: string,
    extra: {
      problem?: FormProblem;
      recommendationProblem?: FormProblem;
      considerProblem?: FormProblem;
      flash?: string;
    } = {},
  ) => {
    const view = await service.caseView(reply.request.ctx(), id, meetingId, requestId);
    const values = extra.problem?.values ?? caseValues(view.record as Record<string, unknown> | null);
    const picked = (name: string) => new Set(asArray(values[name]));
    const outcomes = picked('outcomes');
    const criteria = picked('leadCriteria');
    const choose = (items: { id: string; text: string }[], value: unknown, first: string) => [
      { value: '', text: first },
      ...items.map((i) => ({ value: i.id, text: i.text, selected: value === i.id })),
    ];
    const peopleItems = view.people.map((p) => ({ id: p.id, text: `${p.name} (${p.organisation})` }));
    const recValues = extra.recommendationProblem?.values ?? {};
    return reply.page('panels/views/record-case.njk', {
      ...view,
      flash: extra.flash,
      values,
      recValues,
      considerValues: extra.considerProblem?.values ?? {},
      errors: extra.problem?.errors ?? extra.recommendationProblem?.errors ?? extra.considerProblem?.errors ?? [],
      outcomeItems: Object.entries(OUTCOME_WORDS).map(([value, t], i) => ({
        value,
        text: `${i + 1}. ${t}`,
        checked: outcomes.has(value),
      })),
      criteriaItems: Object.entries(LEAD_CRITERIA_WORDS).map(([value, t]) => ({
        value,
        text: t,
        checked: criteria.has(value),
      })),
      peopleItems: choose(peopleItems, values.leadUserId, 'Choose the person'),
      dissentItems: choose(peopleItems, values.dissentUserId, 'No one: the decisions were by consensus'),
      organisationItems: choose(
        view.organisations.map((o) => ({ id: o.id, text: o.name })),
        values.leadOrganisationId,
        'Choose the agency',
      ),
      schoolItems: choose(
        view.schools.map((o) => ({ id: o.id, text: o.name })),
        values.schoolOrganisationId,
        'No school recommendation',
      ),
      teamItems: choose(
        view.teams.map((t) => ({ id: t.id, text: `${t.organisation}: ${t.name}` })),
        recValues.teamId,
        'Choose the agency and team',
      ),
    });
  };

  app.get<Case & { Querystring: { done?: string } }>(
    '/panels/:id/meetings/:meetingId/record/:requestId',
    async (request, reply) => {
      const { id, meetingId, requestId } = request.params;
      checkId(id, meetingId, requestId);
      return casePage(reply, id, meetingId, requestId, { flash: FLASH[request.query.done ?? ''] });
    },
  );

  app.post<Case>('/panels/:id/meetings/:meetingId/record/:requestId', async (request, reply) => {
    const { id, meetingId, requestId } = request.params;
    checkId(id, meetingId, requestId);
    return submitForm(
      reply,
      caseForm(request.ctx().at),
      async (data) => {
        await service.saveCase(request.ctx(), id, meetingId, requestId, data);
        return reply.redirect(`/panels/${id}/meetings/${meetingId}/record/${requestId}?done=case`, 303);
      },
      (problem) => casePage(reply, id, meetingId, requestId, { problem }),
    );
  });

  app.post<Case>('/panels/:id/meetings/:meetingId/record/:requestId/recommendations', async (request, reply) => {
    const { id, meetingId, requestId } = request.params;
    checkId(id, meetingId, requestId);
    return submitForm(
      reply,
      recommendationForm(request.ctx().at),
      async (data) => {
        await service.addRecommendation(request.ctx(), id, meetingId, requestId, data);
        return reply.redirect(
          `/panels/${id}/meetings/${meetingId}/record/${requestId}?done=recommendation#recommendations`,
          303,
        );
      },
      (problem) => casePage(reply, id, meetingId, requestId, { recommendationProblem: problem }),
    );
  });

  app.post<Rec>(
    '/panels/:id/meetings/:meetingId/record/:requestId/recommendations/:recommendationId/remove',
    async (request, reply) => {
      const { id, meetingId, requestId, recommendationId } = request.params;
      checkId(id, meetingId, requestId, recommendationId);
      return submitForm(
        reply,
        z.object({}),
        async () => {
          await service.removeRecommendation(request.ctx(), id, meetingId, requestId, recommendationId);
          return reply.redirect(
            `/panels/${id}/meetings/${meetingId}/record/${requestId}?done=removed#recommendations`,
            303,
          );
        },
        (problem) => casePage(reply, id, meetingId, requestId, { recommendationProblem: problem }),
      );
    },
  );

  // The chair or a deputy chair records that a report of non-implementation was considered (docs/decisions/0036).
  app.post<Consider>(
    '/panels/:id/meetings/:meetingId/record/:requestId/reports/:reportId/consider',
    async (request, reply) => {
      const { id, meetingId, requestId, reportId } = request.params;
      checkId(id, meetingId, requestId, reportId);
      const field = `considered-${reportId}`;
      return submitForm(
        reply,
        z.object({
          [field]: z
            .string({ message: 'Enter what you did about it' })
            .trim()
            .min(1, 'Enter what you did about it')
            .max(MAX, tooLong('What you did about it')),
        }),
        async (data) => {
          await implementation.consider(request.ctx(), id, meetingId, requestId, reportId, String(data[field]));
          return reply.redirect(
            `/panels/${id}/meetings/${meetingId}/record/${requestId}?done=considered#implementation`,
            303,
          );
        },
        (problem) => casePage(reply, id, meetingId, requestId, { considerProblem: problem }),
      );
    },
  );

  app.get<ChildRequest & { Querystring: { done?: string } }>(
    '/people/:id/panel-requests/:requestId/decisions',
    async (request, reply) => {
      const { id, requestId } = request.params;
      checkId(id, requestId);
      const ctx = request.ctx();
      const view = await service.decisionsForChild(ctx, id, requestId);
      const letter = ctx.actor ? await mayReadLetter(deps.database.db, ctx.actor.userId, requestId, ctx.at) : false;
      return reply.page('panels/views/record-decisions.njk', {
        ...view,
        requestId,
        mayReadLetter: letter,
        flash: FLASH[request.query.done ?? ''],
      });
    },
  );
}
