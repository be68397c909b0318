import {
  createPayoutBody,
  emptyQuery,
  idParams,
  listPayoutsQuery,
  payoutList,
  payoutWithEvents,
} from '@mypay/contracts';
import { createPayout, getPayoutOrThrow, listPayouts } from '@mypay/core';
import { idempotencyOf, parseBody, parseParams, parseQuery, principalOf } from '@mypay/http';
import type { RouteModule } from '../context.ts';
import { API_BASE } from '../context.ts';

export const payoutRoutes: RouteModule = (router, ctx) => {
  const deps = { db: ctx.db, scenarios: ctx.scenarios, directory: ctx.directory, limits: ctx.config.payoutLimits };

  ctx.docs.add({
    operationId: 'createPayout',
    method: 'post',
    path: `${API_BASE}/payouts`,
    tags: ['Payouts'],
    summary: 'Create a payout',
    description:
      'Debits the balance in the same transaction. The outcome follows the scenario of the destination account number (see `/scenarios`; for an IBAN, the last 10 digits of its account part). Each rail has a per-transaction limit (wallet PKR 250,000, Raast PKR 1,000,000, bank/IBFT PKR 5,000,000 by default): above it, 422 `AMOUNT_OVER_LIMIT`.',
    idempotent: true,
    body: createPayoutBody,
    responses: { 201: { description: 'The payout', schema: payoutWithEvents } },
    errors: [
      'DUPLICATE_REFERENCE',
      'INSUFFICIENT_BALANCE',
      'AMOUNT_OVER_LIMIT',
      'ACCOUNT_NOT_FOUND',
      'UNSUPPORTED_CURRENCY',
      'PROVIDER_UNAVAILABLE',
      'NOT_FOUND',
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
    operationId: 'listPayouts',
    method: 'get',
    path: `${API_BASE}/payouts`,
    tags: ['Payouts'],
    summary: 'List payouts, newest first',
    description:
      'Filters: `status`, `from`/`to` (creation time), `reference` (exact: finds the payout of a create whose response was lost). Unknown parameters are 400 `VALIDATION_ERROR`.',
    query: listPayoutsQuery,
    responses: { 200: { description: 'A page of payouts', schema: payoutList } },
  });
  router.get('/payouts', async (req, res) => {
    const query = parseQuery(listPayoutsQuery, req.query);
    const page = await listPayouts(ctx.db, {
      merchantId: principalOf(req).merchantId,
      limit: query.limit,
      cursor: query.cursor,
      status: query.status,
      reference: query.reference,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    res.json(page);
  });

  ctx.docs.add({
    operationId: 'getPayout',
    method: 'get',
    path: `${API_BASE}/payouts/:id`,
    tags: ['Payouts'],
    summary: 'A payout with its status history',
    params: idParams,
    query: emptyQuery,
    responses: { 200: { description: 'The payout', schema: payoutWithEvents } },
    errors: ['NOT_FOUND'],
  });
  router.get('/payouts/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    parseQuery(emptyQuery, req.query);
    res.json(await getPayoutOrThrow(ctx.db, principalOf(req).merchantId, id));
  });
};
