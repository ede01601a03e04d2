/**
 * The team around the family meeting's side of "the same child at two forums" (issue 11; docs/decisions/0039): the
 * lead practitioner or a team member records, from the meeting's page, that they know a child of the meeting is also
 * on a panel's agenda in the same period. The panel's side is on its agenda and requests (docs/decisions/0030).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../platform/app-deps.ts';
import { submitForm } from '../../platform/forms.ts';
import { checkId, isUuid } from '../../platform/ids.ts';
import { PanelRequestService } from '../panels/requests.ts';
import { ATTENDANCE_WORDS, FORMAT_WORDS, type TafService } from './service.ts';

type Meeting = { Params: { id: string; episodeId: string; meetingId: string } };

export const TafAcknowledgeForm = z.object({
  requestId: z.string().refine(isUuid, 'Select the panel'),
  personId: z.string().refine(isUuid, 'Select the child'),
});

export function registerTafForumRoutes(app: FastifyInstance, deps: AppDeps, service: TafService) {
  const panelRequests = new PanelRequestService(deps.database.db, deps.config.baseUrl);

  app.post<Meeting>('/people/:id/episodes/:episodeId/taf-meetings/:meetingId/acknowledge', async (request, reply) => {
    const { id, episodeId, meetingId } = request.params;
    checkId(id, episodeId, meetingId);
    const page = `/people/${id}/episodes/${episodeId}/taf-meetings/${meetingId}`;
    return submitForm(
      reply,
      TafAcknowledgeForm,
      async (data) => {
        await service.asOrganiser(request.ctx(), id, episodeId, meetingId, (trx) =>
          panelRequests.acknowledgeFromTafMeeting(trx, request.ctx(), meetingId, data.requestId, data.personId),
        );
        return reply.redirect(`${page}?done=acknowledged`, 303);
      },
      // Only hidden fields: a malformed post shows the meeting's page again with the problem.
      async (problem) => {
        const detail = await service.view(request.ctx(), id, episodeId, meetingId);
        return reply.page('taf/views/meeting.njk', {
          ...detail,
          forums: await panelRequests.panelsClashingWithTafMeeting(deps.database.db, meetingId),
          formats: FORMAT_WORDS,
          attendanceWords: ATTENDANCE_WORDS,
          errors: problem.errors,
        });
      },
    );
  });
}
