import { type ApiDeps, buildApiApp, createApiContext, requestLogRoutes } from '@mypay/http';
import type { Express } from 'express';
import { checkoutRoutes } from './checkouts/routes.ts';
import type { PaymentApiConfig } from './config.ts';
import { type ApiContext, AUTHENTICATED_PREFIXES, type RouteModule } from './context.ts';
import { hostedPageRouter } from './hosted-page/routes.ts';
import { paymentRoutes } from './payments/routes.ts';
import { platformRoutes } from './platform/routes.ts';
import { refundRoutes } from './refunds/routes.ts';
import { sandboxRoutes } from './sandbox/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';

export type AppDeps = ApiDeps;

const ROUTE_MODULES: RouteModule[] = [
  checkoutRoutes,
  paymentRoutes,
  refundRoutes,
  sandboxRoutes,
  webhookRoutes,
  requestLogRoutes(''),
];

export function createContext(config: PaymentApiConfig, deps: AppDeps): ApiContext {
  return createApiContext('payment-api', config, deps, {
    title: 'MyPay Sandbox — Payment API',
    description:
      'Take payments from Pakistani mobile wallets, in a sandbox: open a checkout, send the customer to its hosted page (or call `/payment/complete` yourself), get `checkout.*` and `payment.*` webhooks. Authenticate with `Authorization: Bearer <key>` (or `X-API-Key`). Amounts are integers in paisa; currency is `PKR`. Wire conventions, errors and scenarios: docs/conventions.md, docs/errors.md, docs/scenarios.md in the repository.',
    tags: {
      Checkouts: 'Checkout sessions: open one, send the customer to its hosted page.',
      Payments: 'Payment transactions: the attempts to pay a checkout.',
      Refunds: 'Refunds of payments, in full or in part; their outcome follows the payer number.',
      'Hosted page': 'The page your customer pays on (HTML, no API key).',
      Sandbox: 'Sandbox controls: force the next status of a payment.',
    },
  });
}

/** Builds the Payment API; never listens (server.ts does). */
export function buildApp(config: PaymentApiConfig, deps: AppDeps): Express {
  const ctx = createContext(config, deps);
  return buildApiApp(ctx, deps, {
    api: 'payment',
    authenticatedPrefixes: AUTHENTICATED_PREFIXES,
    platform: platformRoutes,
    // The hosted page: no API key, HTML, its own CSRF protection.
    publicRouters: [hostedPageRouter(ctx)],
    routes: ROUTE_MODULES,
  });
}
