/**
 * Withdrawing a request to a panel (docs/decisions/0037): a page with the reason, from the child's request.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../platform/app-deps.ts';
import { type FormProblem, submitForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { WithdrawForm, WithdrawService } from './withdraw.ts';

type ChildRequest = { Params: { id: string; requestId: string } };

export function registerWithdrawRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new WithdrawService(deps.database.db);

  const withdrawPage = async (reply: FastifyReply, id: string, requestId: string, problem?: FormProblem) => {
    const view = await service.page(reply.request.ctx(), id, requestId);
    return reply.page('panels/views/withdraw.njk', {
      ...view,
      values: problem?.values ?? {},
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  app.get<ChildRequest>('/people/:id/panel-requests/:requestId/withdraw', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return withdrawPage(reply, id, requestId);
  });

  app.post<ChildRequest>('/people/:id/panel-requests/:requestId/withdraw', async (request, reply) => {
    const { id, requestId } = request.params;
    checkId(id, requestId);
    return submitForm(
      reply,
      WithdrawForm,
      async (data) => {
        await service.withdraw(request.ctx(), id, requestId, data.reason);
        return reply.redirect(`/people/${id}/panel-requests/${requestId}?done=withdrawn`, 303);
      },
      (problem) => withdrawPage(reply, id, requestId, problem),
    );
  });
}
