import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NOTIFICATION_EMAIL } from '../../db/schema.ts';
import { defineApiRoute } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { formValues, parseForm } from '../../platform/forms.ts';
import { UUID } from '../../platform/ids.ts';
import { NOTIFICATION_EMAIL_WORDS } from '../../platform/notifications.ts';
import type { WorkListItem } from '../../platform/work.ts';
import { NotificationService } from './service.ts';

type IdRoute = { Params: { id: string } };

const PreferenceForm = z.object({
  notificationEmail: z.enum(NOTIFICATION_EMAIL, { error: 'Select how you want to hear about new notifications' }),
});

const FLASH: Record<string, string> = {
  read: 'Notification marked as read',
  'all-read': 'All notifications marked as read',
  saved: 'Your email preference has been saved',
  unchanged: 'Your email preference was already set to that. Nothing was changed',
};

const WorkItem = z.object({
  id: z.guid(),
  kind: z.string().describe('What the work is, as a code, e.g. `shielding.lift-request`.'),
  title: z.string().describe('What to do, in words with no personal data.'),
  href: z.string().describe('The page in the web service where the work is done.'),
  personId: z.guid().nullable().describe('The child or adult the work is about, when it is about one.'),
  assignedTo: z.object({
    type: z.enum(['user', 'team']),
    id: z.guid(),
    name: z.string(),
  }),
  due: z
    .object({
      at: z.string().describe('The instant it is due (ISO 8601).'),
      state: z.enum(['overdue', 'soon', 'due']),
      words: z.string().describe('E.g. "due tomorrow", "2 working days overdue".'),
    })
    .nullable()
    .describe('Null for undated work.'),
  createdAt: z.string(),
});
const WorkList = z.object({ items: z.array(WorkItem) });

const toApi = (w: WorkListItem) => ({
  id: w.id,
  kind: w.kind,
  title: w.title,
  href: w.href,
  personId: w.personId,
  assignedTo: { type: w.assignee.type, id: w.assignee.id, name: w.assignee.name },
  due: w.due ? { at: w.due.at.toISOString(), state: w.due.state, words: w.due.words } : null,
  createdAt: w.createdAt.toISOString(),
});

export function registerNotificationRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new NotificationService(deps.database.db);
  const flash = (q: unknown) => FLASH[(q as Record<string, string> | undefined)?.done ?? ''];
  const id = (raw: string) => {
    if (!UUID.test(raw)) throw new NotFoundError();
    return raw;
  };

  app.get('/notifications', async (request, reply) =>
    reply.page('notifications/views/notifications.njk', {
      ...(await service.list(request.ctx())),
      flash: flash(request.query),
    }),
  );

  // Opening one marks it read and follows its link: a POST, so the link carries nothing and a prefetch reads nothing.
  app.post<IdRoute>('/notifications/:id/open', async (request, reply) => {
    const href = await service.open(request.ctx(), id(request.params.id));
    return reply.redirect(href, 303);
  });

  app.post<IdRoute>('/notifications/:id/read', async (request, reply) => {
    await service.markRead(request.ctx(), id(request.params.id));
    return reply.redirect('/notifications?done=read', 303);
  });

  app.post('/notifications/read-all', async (request, reply) => {
    await service.markAllRead(request.ctx());
    return reply.redirect('/notifications?done=all-read', 303);
  });

  app.get('/account/notifications', async (request, reply) =>
    reply.page('notifications/views/preference.njk', {
      values: { notificationEmail: await service.emailPreference(request.ctx()) },
      choices: NOTIFICATION_EMAIL_WORDS,
      flash: flash(request.query),
    }),
  );

  app.post('/account/notifications', async (request, reply) => {
    const form = parseForm(PreferenceForm, request.body);
    if (!form.ok) {
      await service.emailPreference(request.ctx());
      return reply.code(400).page('notifications/views/preference.njk', {
        errors: form.errors,
        values: formValues(request.body),
        choices: NOTIFICATION_EMAIL_WORDS,
      });
    }
    const changed = await service.setEmailPreference(request.ctx(), form.data.notificationEmail);
    return reply.redirect(`/account/notifications?done=${changed ? 'saved' : 'unchanged'}`, 303);
  });

  app.get('/work', async (request, reply) => {
    const ctx = request.ctx();
    const team = (request.query as Record<string, string> | undefined)?.view === 'team';
    return reply.page('notifications/views/work.njk', {
      items: await service.work(ctx, team ? 'team' : 'mine'),
      view: team ? 'team' : 'mine',
      managesTeams: service.managesTeams(ctx),
    });
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/me/work',
    summary: 'The open work assigned to the token’s user or their teams',
    description:
      'Overdue first, then due soonest, then undated. Work about a child is listed only while the user still has a ' +
      'relationship with the child.',
    tags: ['Account'],
    auth: true,
    response: WorkList,
    handler: async (ctx) => ({ items: (await service.work(ctx, 'mine')).map(toApi) }),
  });
}
