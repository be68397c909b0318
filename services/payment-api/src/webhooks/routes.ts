import { sendTestEventBody, testEventResult } from '@mypay/contracts';
import { sendTestEvent } from '@mypay/core';
import { parseBody, principalOf } from '@mypay/http';
import type { RouteModule } from '../context.ts';

export const webhookRoutes: RouteModule = (router, ctx) => {
  ctx.docs.add({
    operationId: 'sendTestEvent',
    method: 'post',
    path: '/webhooks/test',
    tags: ['Webhooks'],
    summary: 'Send a signed test event to your endpoints now',
    description:
      'A `webhook.test` event, or with `type` an event of that type carrying a sample object (ids `…_sample…`). Delivers in this request and returns each attempt (status code, latency, response excerpt). A failed test delivery is not retried (`FAILED`; redeliver it by hand). At most `WEBHOOK_TEST_LIMIT_PER_MINUTE` (default 10) test events per minute per merchant, the portal included: past that, 429 `RATE_LIMITED` with `Retry-After`. 422 `INVALID_STATE` when you have no enabled endpoint.',
    body: sendTestEventBody,
    bodyRequired: false,
    responses: { 200: { description: 'The event and its delivery attempts', schema: testEventResult } },
    errors: ['NOT_FOUND', 'INVALID_STATE', 'RATE_LIMITED'],
  });
  router.post('/webhooks/test', async (req, res) => {
    // An empty body is fine here: the only field is optional.
    const body = parseBody(sendTestEventBody, req.body ?? {});
    const result = await sendTestEvent(ctx.db, principalOf(req).merchantId, ctx.config.webhooks, {
      endpointId: body.endpointId,
      type: body.type,
      publicUrl: ctx.config.publicUrl,
      logger: ctx.logger,
      limitPerMinute: ctx.config.webhookTestLimitPerMinute,
    });
    res.json(result);
  });
};
