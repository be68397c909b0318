import { idParams, paymentSchema, simulatePaymentBody } from '@mypay/contracts';
import { simulatePaymentTransition } from '@mypay/core';
import { auditContextOf, idempotencyOf, parseBody, parseParams, principalOf } from '@mypay/http';
import type { RouteModule } from '../context.ts';

export const sandboxRoutes: RouteModule = (router, ctx) => {
  const deps = { db: ctx.db, scenarios: ctx.scenarios, publicUrl: ctx.config.publicUrl };
  ctx.docs.add({
    operationId: 'simulatePayment',
    method: 'post',
    path: '/sandbox/payments/:id/simulate',
    tags: ['Sandbox'],
    summary: 'Force the next status of a payment now',
    description:
      'Legal: PENDING→SUCCEEDED (credited, checkout `COMPLETED`; 422 when the checkout is no longer `OPEN`), PENDING→FAILED (`reason`, default SIMULATED_FAILURE), SUCCEEDED|PARTIALLY_REFUNDED→REFUNDED (a refund of what remains, succeeding at once). The same money and events as the scenario would write; audited. The scenario then carries on from the new status.',
    params: idParams,
    body: simulatePaymentBody,
    idempotent: true,
    responses: { 200: { description: 'The payment after the transition', schema: paymentSchema } },
    errors: ['NOT_FOUND', 'INVALID_STATE'],
  });
  router.post('/sandbox/payments/:id/simulate', ctx.idempotent, async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    const body = parseBody(simulatePaymentBody, req.body);
    const payment = await simulatePaymentTransition(
      deps,
      { merchantId: principalOf(req).merchantId, transactionId: id, status: body.status, reason: body.reason },
      auditContextOf(req),
      { idempotency: idempotencyOf(req) },
    );
    res.json(payment);
  });
};
