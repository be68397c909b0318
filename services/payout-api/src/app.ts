import { type ApiDeps, buildApiApp, createApiContext, requestLogRoutes } from '@mypay/http';
import type { Express } from 'express';
import { balanceRoutes } from './balance/routes.ts';
import type { PayoutApiConfig } from './config.ts';
import { API_BASE, type ApiContext, type RouteModule } from './context.ts';
import { directoryRoutes } from './directory/routes.ts';
import { eventStreamRoutes } from './events-stream/routes.ts';
import { payoutRoutes } from './payouts/routes.ts';
import { platformRoutes } from './platform/routes.ts';
import { sandboxRoutes } from './sandbox/routes.ts';
import { scenarioRoutes } from './scenarios/routes.ts';
import { testClockRoutes } from './test-clocks/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';

export type AppDeps = ApiDeps;

const ROUTE_MODULES: RouteModule[] = [
  payoutRoutes,
  balanceRoutes,
  directoryRoutes,
  scenarioRoutes,
  sandboxRoutes,
  testClockRoutes,
  // Before webhookRoutes: `/events/stream` must not be taken for `/events/:id`.
  eventStreamRoutes(),
  webhookRoutes,
  requestLogRoutes(API_BASE),
];

export function createContext(config: PayoutApiConfig, deps: AppDeps): ApiContext {
  return createApiContext('payout-api', config, deps, {
    title: 'MyPay Sandbox — Payout API',
    description:
      'Send money to Pakistani mobile wallets and bank accounts, in a sandbox. Authenticate with `Authorization: Bearer <key>` (or `X-API-Key`). Amounts are integers in paisa; currency is `PKR`. Wire conventions, errors and scenarios: docs/conventions.md, docs/errors.md, docs/scenarios.md in the repository.',
    tags: {
      Payouts: 'Send money; every payout debits the balance at once and follows its scenario.',
      Balance: 'What you can pay out.',
      Directory: 'Banks and wallets you can pay out to, and account checks.',
      Sandbox: 'Scenario numbers and forced transitions: the parts a real provider does not have.',
      'Test clocks':
        'Sandbox time of your own: objects bound to a clock move only when you advance it (timeouts, reversals, expiries, webhook retries — now).',
    },
  });
}

/** Builds the Payout API; never listens (server.ts does). */
export function buildApp(config: PayoutApiConfig, deps: AppDeps): Express {
  return buildApiApp(createContext(config, deps), deps, {
    api: 'payout',
    routeBase: API_BASE,
    platform: platformRoutes,
    routes: ROUTE_MODULES,
  });
}
