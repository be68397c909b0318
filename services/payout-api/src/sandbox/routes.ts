import { type PayoutStatus, simulatePayoutTransition } from '@mypay/core';
import { auditContextOf, idempotencyOf, parseBody, parseParams, principalOf } from '@mypay/http';
import { z } from 'zod';
import { API_BASE, type RouteModule } from '../context.ts';
import { payoutIdParams, payoutWithEvents } from '../payouts/schemas.ts';

export const simulatePayoutBody = z
  .object({
    status: z
      .enum(['PROCESSING', 'COMPLETED', 'FAILED', 'REVERSED'])
      .meta({ description: 'The next status; only legal transitions (else 422 `INVALID_STATE`)' }),
    reason: z
      .string()
      .regex(/^[A-Z0-9_]{1,64}$/, 'UPPER_SNAKE_CASE, up to 64 characters')
      .optional()
      .meta({ description: 'Failure code for FAILED/REVERSED (default SIMULATED_FAILURE / SIMULATED_REVERSAL)' }),
  })
  .meta({ id: 'SimulatePayout' });

export const sandboxRoutes: RouteModule = (router, ctx) => {
  const deps = { db: ctx.db, scenarios: ctx.scenarios, directory: ctx.directory };
  ctx.docs.add({
    method: 'post',
    path: `${API_BASE}/sandbox/payouts/:id/simulate`,
    tags: ['Sandbox'],
    summary: 'Force the next status of a payout now',
    description:
      'Legal: PENDING→PROCESSING, PROCESSING→COMPLETED|FAILED, COMPLETED→REVERSED. FAILED and REVERSED refund the amount. The scenario then carries on from the new status.',
    params: payoutIdParams,
    body: simulatePayoutBody,
    idempotent: true,
    responses: { 200: { description: 'The payout after the transition', schema: payoutWithEvents } },
    errors: ['NOT_FOUND', 'INVALID_STATE'],
  });
  router.post('/sandbox/payouts/:id/simulate', ctx.idempotent, async (req, res) => {
    const { id } = parseParams(payoutIdParams, req.params);
    const body = parseBody(simulatePayoutBody, req.body);
    const payout = await simulatePayoutTransition(
      deps,
      {
        merchantId: principalOf(req).merchantId,
        payoutId: id,
        status: body.status as PayoutStatus,
        reason: body.reason,
      },
      auditContextOf(req),
      { idempotency: idempotencyOf(req) },
    );
    res.json(payout);
  });
};
