import { idParams, payoutWithEvents, simulatePayoutBody } from '@mypay/contracts';
import { simulatePayoutTransition } from '@mypay/core';
import { auditContextOf, idempotencyOf, parseBody, parseParams, principalOf } from '@mypay/http';
import { API_BASE, type RouteModule } from '../context.ts';

export const sandboxRoutes: RouteModule = (router, ctx) => {
  const deps = { db: ctx.db, scenarios: ctx.scenarios, directory: ctx.directory };
  ctx.docs.add({
    operationId: 'simulatePayout',
    method: 'post',
    path: `${API_BASE}/sandbox/payouts/:id/simulate`,
    tags: ['Sandbox'],
    summary: 'Force the next status of a payout now',
    description:
      'Legal: PENDING→PROCESSING, PROCESSING→COMPLETED|FAILED, COMPLETED→REVERSED. FAILED and REVERSED refund the amount. The scenario then carries on from the new status.',
    params: idParams,
    body: simulatePayoutBody,
    idempotent: true,
    responses: { 200: { description: 'The payout after the transition', schema: payoutWithEvents } },
    errors: ['NOT_FOUND', 'INVALID_STATE'],
  });
  router.post('/sandbox/payouts/:id/simulate', ctx.idempotent, async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    const body = parseBody(simulatePayoutBody, req.body);
    const payout = await simulatePayoutTransition(
      deps,
      {
        merchantId: principalOf(req).merchantId,
        payoutId: id,
        status: body.status,
        reason: body.reason,
      },
      auditContextOf(req),
      { idempotency: idempotencyOf(req) },
    );
    res.json(payout);
  });
};
