import type { Logger, TrustProxySetting } from '@mypay/core';
import express, { type Express } from 'express';
import { errorHandler, notFoundHandler } from './errors.ts';
import { requestLogger } from './logging.ts';
import { requestId } from './request-id.ts';

export interface BaseAppOptions {
  logger: Logger;
  /** Express `trust proxy`, from TRUST_PROXY (trustProxyField; behind one nginx: 1). */
  trustProxy?: TrustProxySetting;
  /** Paths not logged per request (e.g. health probes). */
  quietPaths?: string[];
}

/** An Express app with the pieces every API starts with: request id, request logs, no fingerprinting. */
export function createBaseApp(options: BaseAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', options.trustProxy ?? 'loopback');
  app.use(requestId());
  app.use(requestLogger(options.logger, { ignorePaths: options.quietPaths }));
  return app;
}

/** Call last: JSON 404 for unknown routes and the single error handler. */
export function finishApp(app: Express, logger: Logger): Express {
  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}
