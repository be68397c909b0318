import {
  createdWebhookEndpointSchema,
  createWebhookEndpointBody,
  deletedWebhookEndpoint,
  emptyQuery,
  eventDetailSchema,
  eventList,
  idParams,
  listEventsQuery,
  redeliverBody,
  redeliveryResult,
  rotatedWebhookEndpointSchema,
  rotateWebhookSecretBody,
  updateWebhookEndpointBody,
  webhookEndpointDetailSchema,
  webhookEndpointList,
  webhookEndpointSchema,
} from '@mypay/contracts';
import {
  createWebhookEndpoint,
  DEFAULT_WEBHOOK_SETTINGS,
  deleteWebhookEndpoint,
  getEventOrThrow,
  getWebhookEndpointDetail,
  listEvents,
  listWebhookEndpoints,
  redeliverEvent,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  type WebhookSettings,
} from '@mypay/core';
import { auditContextOf, idempotencyOf, parseBody, parseParams, parseQuery, principalOf } from '@mypay/http';
import { API_BASE, type ApiContext, type RouteModule } from '../context.ts';

/**
 * Webhook settings from the process config when it carries them (`config.webhooks`), else the
 * documented defaults: private targets allowed everywhere but production.
 */
export function webhookSettingsOf(ctx: Pick<ApiContext, 'config'>): WebhookSettings {
  const fromConfig = (ctx.config as { webhooks?: WebhookSettings }).webhooks;
  return fromConfig ?? { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivateTargets: ctx.config.nodeEnv !== 'production' };
}

/** `/webhook-endpoints` and `/events` of the Payout API (mounted at /api/v1 behind API-key auth). */
export const webhookRoutes: RouteModule = (router, ctx) => {
  const settings = webhookSettingsOf(ctx);
  const tags: [string] = ['Webhooks'];

  ctx.docs.add({
    operationId: 'createWebhookEndpoint',
    method: 'post',
    path: `${API_BASE}/webhook-endpoints`,
    tags,
    summary: 'Register a webhook endpoint',
    description:
      'Events are POSTed to `url`, signed with `MyPay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The `secret` appears only in this response.',
    idempotent: true,
    body: createWebhookEndpointBody,
    responses: { 201: { description: 'The endpoint, with its signing secret', schema: createdWebhookEndpointSchema } },
    errors: ['INVALID_STATE'],
  });
  router.post('/webhook-endpoints', ctx.idempotent, async (req, res) => {
    const body = parseBody(createWebhookEndpointBody, req.body);
    const endpoint = await createWebhookEndpoint(
      ctx.db,
      { merchantId: principalOf(req).merchantId, url: body.url, events: body.events, description: body.description },
      { allowPrivateTargets: settings.allowPrivateTargets },
      auditContextOf(req),
      { idempotency: idempotencyOf(req) },
    );
    res.status(201).json(endpoint);
  });

  ctx.docs.add({
    operationId: 'listWebhookEndpoints',
    method: 'get',
    path: `${API_BASE}/webhook-endpoints`,
    tags,
    summary: "The merchant's webhook endpoints (without secrets)",
    query: emptyQuery,
    responses: { 200: { description: 'Every endpoint, newest first', schema: webhookEndpointList } },
  });
  router.get('/webhook-endpoints', async (req, res) => {
    parseQuery(emptyQuery, req.query);
    res.json(await listWebhookEndpoints(ctx.db, principalOf(req).merchantId));
  });

  ctx.docs.add({
    operationId: 'getWebhookEndpoint',
    method: 'get',
    path: `${API_BASE}/webhook-endpoints/:id`,
    tags,
    summary: 'A webhook endpoint with its delivery success over the last 24 h',
    description:
      '`deliveryStats` counts the delivery attempts of the last 24 hours: `succeeded` (your endpoint answered 2xx), `failed` (any other status, a timeout, no connection), `total` and `successRate` (null without attempts). Never the secret.',
    params: idParams,
    query: emptyQuery,
    responses: { 200: { description: 'The endpoint', schema: webhookEndpointDetailSchema } },
    errors: ['NOT_FOUND'],
  });
  router.get('/webhook-endpoints/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    parseQuery(emptyQuery, req.query);
    res.json(await getWebhookEndpointDetail(ctx.db, principalOf(req).merchantId, id));
  });

  ctx.docs.add({
    operationId: 'updateWebhookEndpoint',
    method: 'patch',
    path: `${API_BASE}/webhook-endpoints/:id`,
    tags,
    summary: 'Change, disable or enable a webhook endpoint',
    description:
      'Only the fields given change (none: nothing changes). `url` passes the same checks as at registration (the network rule included); `events` null means every type. `enabled: false` stops deliveries to it — events written meanwhile are not sent to it, and pending retries are given up when they come due; `enabled: true` enables it again, also one disabled for failing. Audited (`webhook_endpoint.updated`).',
    params: idParams,
    body: updateWebhookEndpointBody,
    bodyRequired: false,
    responses: { 200: { description: 'The endpoint as it is now', schema: webhookEndpointSchema } },
    errors: ['NOT_FOUND'],
  });
  router.patch('/webhook-endpoints/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    // Every field is optional: an empty body changes nothing and answers the endpoint as it is.
    const body = parseBody(updateWebhookEndpointBody, req.body ?? {});
    res.json(
      await updateWebhookEndpoint(
        ctx.db,
        principalOf(req).merchantId,
        id,
        body,
        { allowPrivateTargets: settings.allowPrivateTargets },
        auditContextOf(req),
      ),
    );
  });

  ctx.docs.add({
    operationId: 'rotateWebhookSecret',
    method: 'post',
    path: `${API_BASE}/webhook-endpoints/:id/rotate-secret`,
    tags,
    summary: "Roll an endpoint's signing secret, with an overlap",
    description:
      'Returns the new `secret` — the only time it is shown (an `Idempotency-Key` replay shows it again). For `overlapSeconds` (default 86400 = 24 h, at most 604800 = 7 days; 0: none) every delivery carries two `v1` signatures in `MyPay-Signature`, the new secret’s first and the old one’s second, so a receiver checking either secret accepts it; after that only the new one. Rotating again during an overlap drops the oldest secret. Audited (`webhook_endpoint.secret_rotated`, without the secrets).',
    idempotent: true,
    params: idParams,
    body: rotateWebhookSecretBody,
    bodyRequired: false,
    responses: {
      200: { description: 'The endpoint with its new signing secret', schema: rotatedWebhookEndpointSchema },
    },
    errors: ['NOT_FOUND'],
  });
  router.post('/webhook-endpoints/:id/rotate-secret', ctx.idempotent, async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    const body = parseBody(rotateWebhookSecretBody, req.body ?? {});
    res.json(
      await rotateWebhookSecret(ctx.db, principalOf(req).merchantId, id, body, auditContextOf(req), {
        idempotency: idempotencyOf(req),
      }),
    );
  });

  ctx.docs.add({
    operationId: 'deleteWebhookEndpoint',
    method: 'delete',
    path: `${API_BASE}/webhook-endpoints/:id`,
    tags,
    summary: 'Delete a webhook endpoint',
    description: 'It receives nothing more; pending deliveries to it stop. Its delivery history stays visible.',
    params: idParams,
    responses: { 200: { description: 'Deleted', schema: deletedWebhookEndpoint } },
    errors: ['NOT_FOUND'],
  });
  router.delete('/webhook-endpoints/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    res.json(await deleteWebhookEndpoint(ctx.db, principalOf(req).merchantId, id, auditContextOf(req)));
  });

  ctx.docs.add({
    operationId: 'listEvents',
    method: 'get',
    path: `${API_BASE}/events`,
    tags,
    summary: "The merchant's events, newest first",
    query: listEventsQuery,
    responses: { 200: { description: 'A page of events', schema: eventList } },
  });
  router.get('/events', async (req, res) => {
    const query = parseQuery(listEventsQuery, req.query);
    res.json(
      await listEvents(ctx.db, {
        merchantId: principalOf(req).merchantId,
        limit: query.limit,
        cursor: query.cursor,
        type: query.type,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      }),
    );
  });

  ctx.docs.add({
    operationId: 'getEvent',
    method: 'get',
    path: `${API_BASE}/events/:id`,
    tags,
    summary: 'An event with its deliveries and every attempt',
    params: idParams,
    query: emptyQuery,
    responses: { 200: { description: 'The event', schema: eventDetailSchema } },
    errors: ['NOT_FOUND'],
  });
  router.get('/events/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    parseQuery(emptyQuery, req.query);
    res.json(await getEventOrThrow(ctx.db, principalOf(req).merchantId, id));
  });

  ctx.docs.add({
    operationId: 'redeliverEvent',
    method: 'post',
    path: `${API_BASE}/events/:id/redeliver`,
    tags,
    summary: 'Send an event again',
    description:
      'Creates a new delivery, due now, to one endpoint (`endpointId`) or to every enabled endpoint subscribed to the event type. It gets the full retry schedule.',
    idempotent: true,
    params: idParams,
    body: redeliverBody,
    bodyRequired: false,
    responses: { 202: { description: 'Deliveries scheduled', schema: redeliveryResult } },
    errors: ['NOT_FOUND', 'INVALID_STATE'],
  });
  router.post('/events/:id/redeliver', ctx.idempotent, async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    // The body is optional here: no body means "every subscribed endpoint".
    const body = parseBody(redeliverBody, req.body ?? {});
    const result = await redeliverEvent(
      ctx.db,
      { merchantId: principalOf(req).merchantId, eventId: id, endpointId: body.endpointId },
      auditContextOf(req),
      { idempotency: idempotencyOf(req) },
    );
    res.status(202).json(result);
  });
};
