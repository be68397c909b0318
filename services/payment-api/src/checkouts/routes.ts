import { createCheckout, getCheckoutOrThrow } from '@mypay/core';
import { idempotencyOf, parseBody, parseParams, principalOf } from '@mypay/http';
import type { RouteModule } from '../context.ts';
import { checkoutIdParams, checkoutSchema, checkoutWithTransaction, createCheckoutBody } from './schemas.ts';

export const checkoutRoutes: RouteModule = (router, ctx) => {
  const deps = { db: ctx.db, publicUrl: ctx.config.publicUrl };

  ctx.docs.add({
    method: 'post',
    path: '/api/checkout/create',
    tags: ['Checkouts'],
    summary: 'Open a checkout session',
    description:
      'Returns `checkoutUrl`, the hosted payment page to send the customer to. The checkout is `OPEN` until it is paid (`COMPLETED`), cancelled on the page (`CANCELLED`) or expires (`EXPIRED`).',
    idempotent: true,
    body: createCheckoutBody,
    responses: { 201: { description: 'The checkout', schema: checkoutSchema } },
    errors: ['UNSUPPORTED_CURRENCY'],
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
    method: 'get',
    path: '/checkouts/:id',
    tags: ['Checkouts'],
    summary: 'A checkout and its latest payment attempt',
    params: checkoutIdParams,
    responses: { 200: { description: 'The checkout', schema: checkoutWithTransaction } },
    errors: ['NOT_FOUND'],
  });
  router.get('/checkouts/:id', async (req, res) => {
    const { id } = parseParams(checkoutIdParams, req.params);
    res.json(await getCheckoutOrThrow(ctx.db, ctx.config.publicUrl, principalOf(req).merchantId, id));
  });
};
