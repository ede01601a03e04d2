/**
 * Recorded conversations: recording one from a child's record (or from the threshold helper and "who can I talk
 * to"), reading it, marking its actions done, answering the follow-up question, and the follow-up report.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../platform/app-deps.ts';
import { londonToday } from '../../platform/calendar.ts';
import { formValues, parseForm, submitForm } from '../../platform/forms.ts';
import { checkId, isUuid } from '../../platform/ids.ts';
import { registerAreaSetting } from '../admin/area-setting.ts';
import { LABELS } from '../consent/routes.ts';
import { ChangeRefusedError } from '../consent/service.ts';
import { registerConversationApi } from './api.ts';
import { CaseNoteService } from './notes-service.ts';
import {
  conversationForm,
  FOLLOW_UP_LABELS,
  FollowUpForm,
  KIND_LABELS,
  MAX_ROWS,
  NoteForm,
  ROW_KINDS,
  type RowKind,
  rowsToShow,
} from './schemas.ts';
import { askFollowUps, ConversationService, FOLLOW_UP_JOB } from './service.ts';

type P = { Params: { id: string } };
type PC = { Params: { id: string; conversationId: string } };

const FLASH: Record<string, string> = {
  recorded: 'Conversation recorded',
  done: 'Action marked as done',
  note: 'Note added',
};

export function registerConversationRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new ConversationService(deps.database.db);
  const notes = new CaseNoteService(deps.database.db);
  deps.jobs.register(FOLLOW_UP_JOB, askFollowUps);
  registerConversationApi(app, deps, service);
  // The follow-up interval: how many working days after a conversation its participants are asked whether it
  // helped. Set for each partnership; the default is 10.
  registerAreaSetting(app, deps, {
    column: 'conversation_follow_up_working_days',
    field: 'workingDays',
    min: 1,
    max: 60,
    path: '/admin/conversation-follow-up',
    action: 'admin.conversation-follow-up.changed',
    words: {
      title: 'Conversation follow-up',
      intro:
        'After a conversation about a child is recorded, the people who took part are asked whether it helped. Each partnership sets how many working days later they are asked (10 unless changed). The child’s partnership’s setting is used; for a child in no partnership, the setting of the partnership of the person who recorded it.',
      table: 'follow-up-settings',
      column: 'Ask after',
      value: (n) => `${n} working ${n === 1 ? 'day' : 'days'}`,
      change: 'the follow-up for',
      question:
        'How many working days after a conversation should the people who took part be asked whether it helped?',
      hint: 'From 1 to 60. Weekends, bank holidays and closure days are not counted.',
      suffix: 'working days',
      invalid: 'Enter a whole number of working days from 1 to 60',
      saved: 'Follow-up setting saved',
    },
  });

  // ---- Notes and conversations: the child's case notes and recorded conversations on one page -------------------

  const notesPage = async (reply: FastifyReply, id: string, extra: Record<string, unknown> = {}) => {
    const data = await notes.notes(reply.request.ctx(), id);
    return reply.page('conversations/views/notes.njk', {
      ...data,
      labels: LABELS,
      kindLabels: KIND_LABELS,
      values: {},
      ...extra,
    });
  };
  app.get<P & { Querystring: { done?: string } }>('/people/:id/notes', async (request, reply) => {
    checkId(request.params.id);
    return notesPage(reply, request.params.id, { flash: FLASH[request.query.done ?? ''] });
  });
  app.post<P>('/people/:id/notes', async (request, reply) => {
    const id = request.params.id;
    checkId(id);
    try {
      return await submitForm(
        reply,
        NoteForm,
        async (data) => {
          await notes.addNote(request.ctx(), id, data);
          return reply.redirect(`/people/${id}/notes?done=note`, 303);
        },
        (problem) => notesPage(reply, id, { ...problem }),
      );
    } catch (err) {
      if (err instanceof ChangeRefusedError) {
        return reply.code(403).page('consent/views/refused.njk', { message: err.message });
      }
      throw err;
    }
  });
  app.get<{ Params: { id: string; noteId: string } }>('/people/:id/notes/:noteId', async (request, reply) => {
    checkId(request.params.id, request.params.noteId);
    const data = await notes.note(request.ctx(), request.params.id, request.params.noteId);
    return reply.page('conversations/views/note.njk', data);
  });

  // ---- Recording and reading conversations ---------------------------------------------------------------------

  const formPage = async (
    reply: FastifyReply,
    id: string,
    extra: { values?: Record<string, string | string[]>; rows?: Record<RowKind, number>; errors?: unknown } = {},
  ) => {
    const values0 = extra.values ?? {};
    // The people picker: a search (by name, job title or organisation), keeping everyone already chosen.
    const search = typeof values0.peopleSearch === 'string' ? values0.peopleSearch.trim().slice(0, 100) : '';
    const chosen = Object.entries(values0)
      .filter(([k, v]) => /^(participant-\d+|action-\d+-owner|recipient-\d+)$/.test(k) && typeof v === 'string')
      .map(([, v]) => v as string)
      .filter(isUuid);
    const data = await service.form(reply.request.ctx(), id, { search, chosen: [...new Set(chosen)] });
    const rows = extra.rows ?? (Object.fromEntries(ROW_KINDS.map((k) => [k, 1])) as Record<RowKind, number>);
    const values = extra.values ?? {};
    const picked = new Set(Array.isArray(values.children) ? values.children : values.children ? [values.children] : []);
    return reply.page('conversations/views/new.njk', {
      ...data,
      ...extra,
      values,
      rows: Object.fromEntries(ROW_KINDS.map((k) => [k, Array.from({ length: rows[k] }, (_, i) => i)])),
      canAddRow: Object.fromEntries(ROW_KINDS.map((k) => [k, rows[k] < MAX_ROWS])),
      kindLabels: KIND_LABELS,
      userItems: (field: string) => [
        { value: '', text: 'Select a person' },
        ...data.users.map((u) => ({
          value: u.id,
          text: `${u.name}${u.job_title ? `, ${u.job_title}` : ''} (${u.organisation_name})`,
          selected: values[field] === u.id,
        })),
      ],
      childItems: data.others.map((c) => ({
        value: c.id,
        text: `${c.given_name} ${c.family_name}`,
        hint: { text: c.how },
        checked: picked.has(c.id),
      })),
    });
  };

  app.get<P>('/people/:id/conversations/new', async (request, reply) => {
    checkId(request.params.id);
    return formPage(reply, request.params.id);
  });

  app.post<P>('/people/:id/conversations', async (request, reply) => {
    const id = request.params.id;
    checkId(id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = formValues(body);
    const rows = rowsToShow(body);
    // "Add another …": the form again with one more row, keeping everything typed.
    if (typeof body.add === 'string' && body.add) return formPage(reply, id, { values, rows });
    return submitForm(
      reply,
      conversationForm(londonToday(request.ctx().at)),
      async (data) => {
        const conversationId = await service.record(request.ctx(), id, data);
        return reply.redirect(`/people/${id}/conversations/${conversationId}?done=recorded`, 303);
      },
      ({ errors }) => formPage(reply, id, { values, rows, errors }),
    );
  });

  app.get<PC & { Querystring: { done?: string } }>(
    '/people/:id/conversations/:conversationId',
    async (request, reply) => {
      checkId(request.params.id, request.params.conversationId);
      const data = await service.conversation(request.ctx(), request.params.id, request.params.conversationId);
      return reply.page('conversations/views/conversation.njk', {
        ...data,
        kindLabels: KIND_LABELS,
        flash: FLASH[request.query.done ?? ''],
      });
    },
  );

  app.post<{ Params: { id: string; conversationId: string; actionId: string } }>(
    '/people/:id/conversations/:conversationId/actions/:actionId/done',
    async (request, reply) => {
      const { id, conversationId, actionId } = request.params;
      checkId(id, conversationId, actionId);
      await service.completeAction(request.ctx(), id, conversationId, actionId);
      return reply.redirect(`/people/${id}/conversations/${conversationId}?done=done#action-${actionId}`, 303);
    },
  );

  const followUpPage = async (reply: FastifyReply, conversationId: string, extra: Record<string, unknown> = {}) => {
    const data = await service.followUp(reply.request.ctx(), conversationId);
    return reply.page('conversations/views/follow-up.njk', {
      ...data,
      kindLabels: KIND_LABELS,
      answerLabels: FOLLOW_UP_LABELS,
      values: { answer: data.question.answer ?? '', comment: data.question.comment ?? '' },
      ...extra,
    });
  };
  app.get<{ Params: { conversationId: string }; Querystring: { done?: string } }>(
    '/conversations/:conversationId/follow-up',
    async (request, reply) => {
      checkId(request.params.conversationId);
      return followUpPage(reply, request.params.conversationId, { saved: request.query.done === 'answered' });
    },
  );
  app.post<{ Params: { conversationId: string } }>(
    '/conversations/:conversationId/follow-up',
    async (request, reply) => {
      const conversationId = request.params.conversationId;
      checkId(conversationId);
      const form = parseForm(FollowUpForm, request.body);
      if (!form.ok) {
        reply.code(400);
        return followUpPage(reply, conversationId, { errors: form.errors, values: formValues(request.body) });
      }
      await service.answerFollowUp(request.ctx(), conversationId, form.data);
      return reply.redirect(`/conversations/${conversationId}/follow-up?done=answered`, 303);
    },
  );

  app.get('/conversations/report', async (request, reply) => {
    const data = await service.report(request.ctx());
    return reply.page('conversations/views/report.njk', data);
  });
}
