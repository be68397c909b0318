import { createPayout, getPayoutOrThrow, listPayouts, type PayoutStatus } from '@mypay/core';
import { idempotencyOf, parseBody, parseParams, parseQuery, principalOf } from '@mypay/http';
import type { RouteModule } from '../context.ts';
import { API_BASE } from '../context.ts';
import { createPayoutBody, listPayoutsQuery, payoutIdParams, payoutList, payoutWithEvents } from './schemas.ts';

export const payoutRoutes: RouteModule = (router, ctx) => {
  const deps = { db: ctx.db, scenarios: ctx.scenarios, directory: ctx.directory };

  ctx.docs.add({
    method: 'post',
    path: `${API_BASE}/payouts`,
    tags: ['Payouts'],
    summary: 'Create a payout',
    description:
      'Debits the balance in the same transaction. The outcome follows the scenario of the destination account number (see `/scenarios`).',
    idempotent: true,
    body: createPayoutBody,
    responses: { 201: { description: 'The payout', schema: payoutWithEvents } },
    errors: [
      'DUPLICATE_REFERENCE',
      'INSUFFICIENT_BALANCE',
      'ACCOUNT_NOT_FOUND',
      'UNSUPPORTED_CURRENCY',
      'PROVIDER_UNAVAILABLE',
    ],
  });
  router.post('/payouts', ctx.idempotent, async (req, res) => {
    const body = parseBody(createPayoutBody, req.body);
    const payout = await createPayout(
      deps,
      { merchantId: principalOf(req).merchantId, ...body },
      { idempotency: idempotencyOf(req) },
    );
    res.status(201).json(payout);
  });

  ctx.docs.add({
    method: 'get',
    path: `${API_BASE}/payouts`,
    tags: ['Payouts'],
    summary: 'List payouts, newest first',
    query: listPayoutsQuery,
    responses: { 200: { description: 'A page of payouts', schema: payoutList } },
  });
  router.get('/payouts', async (req, res) => {
    const query = parseQuery(listPayoutsQuery, req.query);
    const page = await listPayouts(ctx.db, {
      merchantId: principalOf(req).merchantId,
      limit: query.limit,
      cursor: query.cursor,
      status: query.status as PayoutStatus | undefined,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    res.json(page);
  });

  ctx.docs.add({
    method: 'get',
    path: `${API_BASE}/payouts/:id`,
    tags: ['Payouts'],
    summary: 'A payout with its status history',
    params: payoutIdParams,
    responses: { 200: { description: 'The payout', schema: payoutWithEvents } },
    errors: ['NOT_FOUND'],
  });
  router.get('/payouts/:id', async (req, res) => {
    const { id } = parseParams(payoutIdParams, req.params);
    res.json(await getPayoutOrThrow(ctx.db, principalOf(req).merchantId, id));
  });
};
