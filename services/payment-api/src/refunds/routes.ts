import { createRefundBody, emptyQuery, idParams, listRefundsQuery, refundList, refundSchema } from '@mypay/contracts';
import { createRefund, getRefundOrThrow, listRefunds } from '@mypay/core';
import { auditContextOf, idempotencyOf, parseBody, parseParams, parseQuery, principalOf } from '@mypay/http';
import type { RouteModule } from '../context.ts';

export const refundRoutes: RouteModule = (router, ctx) => {
  const deps = { db: ctx.db, scenarios: ctx.scenarios };

  ctx.docs.add({
    operationId: 'createRefund',
    method: 'post',
    path: '/refunds',
    tags: ['Refunds'],
    summary: 'Refund a payment, in full or in part',
    description:
      'Refunds of one payment add up to at most its amount (422 `REFUND_EXCEEDS_PAYMENT` past it, nothing debited); `amount` defaults to all that remains. Only a `SUCCEEDED` (or partly refunded) payment: otherwise 422 `INVALID_STATE`. The amount is debited from your balance at once, through the ledger, even below zero if you paid it out meanwhile. The payer number decides the outcome: most succeed at once; scenario 2 after ~5 s, scenario 9 fails (the amount comes back). Events `refund.created`, then `refund.succeeded` or `refund.failed`, and `payment.refunded` once the payment is refunded in full.',
    idempotent: true,
    body: createRefundBody,
    responses: { 201: { description: 'The refund (`PENDING` or already `SUCCEEDED`)', schema: refundSchema } },
    errors: ['NOT_FOUND', 'INVALID_STATE', 'REFUND_EXCEEDS_PAYMENT'],
  });
  router.post('/refunds', ctx.idempotent, async (req, res) => {
    const body = parseBody(createRefundBody, req.body);
    const refund = await createRefund(
      deps,
      { merchantId: principalOf(req).merchantId, ...body },
      { idempotency: idempotencyOf(req), audit: auditContextOf(req) },
    );
    res.status(201).json(refund);
  });

  ctx.docs.add({
    operationId: 'listRefunds',
    method: 'get',
    path: '/refunds',
    tags: ['Refunds'],
    summary: 'List refunds, newest first',
    description:
      'Filters: `transactionId`, `status`, `from`/`to` (creation time). Unknown parameters are 400 `VALIDATION_ERROR`.',
    query: listRefundsQuery,
    responses: { 200: { description: 'A page of refunds', schema: refundList } },
  });
  router.get('/refunds', async (req, res) => {
    const query = parseQuery(listRefundsQuery, req.query);
    res.json(
      await listRefunds(ctx.db, {
        merchantId: principalOf(req).merchantId,
        limit: query.limit,
        cursor: query.cursor,
        status: query.status,
        transactionId: query.transactionId,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      }),
    );
  });

  ctx.docs.add({
    operationId: 'getRefund',
    method: 'get',
    path: '/refunds/:id',
    tags: ['Refunds'],
    summary: 'A refund',
    params: idParams,
    query: emptyQuery,
    responses: { 200: { description: 'The refund', schema: refundSchema } },
    errors: ['NOT_FOUND'],
  });
  router.get('/refunds/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    parseQuery(emptyQuery, req.query);
    res.json(await getRefundOrThrow(ctx.db, principalOf(req).merchantId, id));
  });
};
