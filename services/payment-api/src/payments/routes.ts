import { completePaymentBody, listTransactionsQuery, paymentSchema, transactionList } from '@mypay/contracts';
import { completePayment, listTransactions } from '@mypay/core';
import { idempotencyOf, parseBody, parseQuery, principalOf } from '@mypay/http';
import type { RouteModule } from '../context.ts';

export const paymentRoutes: RouteModule = (router, ctx) => {
  const deps = { db: ctx.db, scenarios: ctx.scenarios, directory: ctx.directory, publicUrl: ctx.config.publicUrl };

  ctx.docs.add({
    operationId: 'completePayment',
    method: 'post',
    path: '/payment/complete',
    tags: ['Payments'],
    summary: 'Pay a checkout (what the hosted page does)',
    description:
      'Creates a payment transaction; the outcome follows the scenario of the payer `mobile` (see `GET /api/v1/scenarios`). `201` also for a `FAILED` or `PENDING` attempt: read `status`. Success credits your balance and completes the checkout. A failed attempt leaves the checkout `OPEN` for another try; while one is `PENDING`, further attempts are 422 `INVALID_STATE`.',
    idempotent: true,
    body: completePaymentBody,
    responses: { 201: { description: 'The payment transaction', schema: paymentSchema } },
    errors: ['NOT_FOUND', 'INVALID_STATE', 'PROVIDER_UNAVAILABLE'],
  });
  router.post('/payment/complete', ctx.idempotent, async (req, res) => {
    const body = parseBody(completePaymentBody, req.body);
    const payment = await completePayment(
      deps,
      { merchantId: principalOf(req).merchantId, ...body },
      { idempotency: idempotencyOf(req) },
    );
    res.status(201).json(payment);
  });

  ctx.docs.add({
    operationId: 'listTransactions',
    method: 'get',
    path: '/transactions',
    tags: ['Payments'],
    summary: 'List payment transactions, newest first',
    query: listTransactionsQuery,
    responses: { 200: { description: 'A page of transactions', schema: transactionList } },
  });
  router.get('/transactions', async (req, res) => {
    const query = parseQuery(listTransactionsQuery, req.query);
    const page = await listTransactions(ctx.db, {
      merchantId: principalOf(req).merchantId,
      limit: query.limit,
      cursor: query.cursor,
      status: query.status,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    res.json(page);
  });
};
