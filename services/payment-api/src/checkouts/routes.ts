import {
  cancelCheckoutBody,
  checkoutList,
  checkoutSchema,
  checkoutWithTransaction,
  createCheckoutBody,
  emptyQuery,
  idParams,
  listCheckoutsQuery,
} from '@mypay/contracts';
import { cancelCheckout, createCheckout, getCheckoutOrThrow, listCheckouts } from '@mypay/core';
import { idempotencyOf, parseBody, parseParams, parseQuery, principalOf } from '@mypay/http';
import type { RouteModule } from '../context.ts';

export const checkoutRoutes: RouteModule = (router, ctx) => {
  const deps = { db: ctx.db, publicUrl: ctx.config.publicUrl };

  ctx.docs.add({
    operationId: 'createCheckout',
    method: 'post',
    path: '/api/checkout/create',
    tags: ['Checkouts'],
    summary: 'Open a checkout session',
    description:
      'Returns `checkoutUrl`, the hosted payment page to send the customer to. The checkout is `OPEN` until it is paid (`COMPLETED`), cancelled on the page (`CANCELLED`) or expires (`EXPIRED`).',
    idempotent: true,
    body: createCheckoutBody,
    responses: { 201: { description: 'The checkout', schema: checkoutSchema } },
    errors: ['UNSUPPORTED_CURRENCY', 'NOT_FOUND'],
  });
  router.post('/api/checkout/create', ctx.idempotent, async (req, res) => {
    const body = parseBody(createCheckoutBody, req.body);
    const checkout = await createCheckout(
      deps,
      { merchantId: principalOf(req).merchantId, ...body },
      { idempotency: idempotencyOf(req) },
    );
    res.status(201).json(checkout);
  });

  ctx.docs.add({
    operationId: 'listCheckouts',
    method: 'get',
    path: '/checkouts',
    tags: ['Checkouts'],
    summary: 'List checkouts, newest first',
    description:
      'Filters: `status`, `from`/`to` (creation time), `orderId` (exact). Unknown parameters are 400 `VALIDATION_ERROR`.',
    query: listCheckoutsQuery,
    responses: { 200: { description: 'A page of checkouts', schema: checkoutList } },
  });
  router.get('/checkouts', async (req, res) => {
    const query = parseQuery(listCheckoutsQuery, req.query);
    const page = await listCheckouts(
      ctx.db,
      {
        merchantId: principalOf(req).merchantId,
        limit: query.limit,
        cursor: query.cursor,
        status: query.status,
        orderId: query.orderId,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      ctx.config.publicUrl,
    );
    res.json(page);
  });

  ctx.docs.add({
    operationId: 'getCheckout',
    method: 'get',
    path: '/checkouts/:id',
    tags: ['Checkouts'],
    summary: 'A checkout and its latest payment attempt',
    params: idParams,
    query: emptyQuery,
    responses: { 200: { description: 'The checkout', schema: checkoutWithTransaction } },
    errors: ['NOT_FOUND'],
  });
  router.get('/checkouts/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    parseQuery(emptyQuery, req.query);
    res.json(await getCheckoutOrThrow(ctx.db, ctx.config.publicUrl, principalOf(req).merchantId, id));
  });

  ctx.docs.add({
    operationId: 'cancelCheckout',
    method: 'post',
    path: '/checkouts/:id/cancel',
    tags: ['Checkouts'],
    summary: 'Cancel an open checkout',
    description:
      'Only an `OPEN` checkout, not past `expiresAt` and with no `PENDING` payment attempt: it becomes `CANCELLED` and `checkout.cancelled` is sent. Otherwise 422 `INVALID_STATE` naming the current state. Its hosted page then answers 410.',
    idempotent: true,
    params: idParams,
    body: cancelCheckoutBody,
    bodyRequired: false,
    responses: { 200: { description: 'The cancelled checkout', schema: checkoutSchema } },
    errors: ['NOT_FOUND', 'INVALID_STATE'],
  });
  router.post('/checkouts/:id/cancel', ctx.idempotent, async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    parseBody(cancelCheckoutBody, req.body ?? {});
    const checkout = await cancelCheckout(
      deps,
      { checkoutId: id, merchantId: principalOf(req).merchantId },
      { idempotency: idempotencyOf(req) },
    );
    res.json(checkout);
  });
};
