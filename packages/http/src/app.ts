import type { Logger, TrustProxySetting } from '@mypay/core';
import express, { type Express } from 'express';
import { errorHandler, notFoundHandler } from './errors.ts';
import { requestLogger } from './logging.ts';
import { type AppMetrics, httpMetrics, metricsHandler } from './metrics.ts';
import { requestId } from './request-id.ts';

export interface BaseAppOptions {
  logger: Logger;
  /** Express `trust proxy`, from TRUST_PROXY (trustProxyField; behind one nginx: 1). */
  trustProxy?: TrustProxySetting;
  /** Paths not logged per request (e.g. health probes). */
  quietPaths?: string[];
  /** Counts and times every request; `/metrics` is served here unless `metricsOnOwnPort`. */
  metrics?: AppMetrics;
  /** METRICS_PORT is set: server.ts serves `/metrics` on its own listener instead. */
  metricsOnOwnPort?: boolean;
}

/** An Express app with the pieces every API starts with: request id, request logs, no fingerprinting. */
export function createBaseApp(options: BaseAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', options.trustProxy ?? 'loopback');
  if (options.metrics) {
    app.use(httpMetrics(options.metrics));
    if (!options.metricsOnOwnPort) app.get('/metrics', metricsHandler(options.metrics));
  }
  app.use(requestId());
  app.use(requestLogger(options.logger, { ignorePaths: [...(options.quietPaths ?? []), '/metrics'] }));
  return app;
}

/** Call last: JSON 404 for unknown routes and the single error handler. */
export function finishApp(app: Express, logger: Logger): Express {
  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}
