import type { RouteModule } from '../context.ts';

/**
 * Mount point for the webhooks issue: `POST/GET /webhook-endpoints`, `DELETE /webhook-endpoints/:id`,
 * `GET /events`, `GET /events/:id`, `POST /events/:id/redeliver`. Register handlers on `router`
 * (already behind API-key auth, rate limit and the JSON body parser, mounted at /api/v1) and
 * their OpenAPI entries with `ctx.docs.add(…)`; use `ctx.idempotent` on creating POSTs.
 * This directory belongs to the webhooks work; the payout API only calls this function.
 */
export const webhookRoutes: RouteModule = (_router, _ctx) => {};
