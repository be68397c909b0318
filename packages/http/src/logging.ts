import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mypay/core';
import type { Request } from 'express';
import { pinoHttp } from 'pino-http';

/**
 * One structured line per request: request id, method, path, status, latency (ms).
 * Headers and bodies are never logged, so a key or secret cannot reach a log line.
 */
export function requestLogger(logger: Logger, options: { ignorePaths?: string[] } = {}) {
  const ignore = new Set(options.ignorePaths ?? []);
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage) => (req as Request).id,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'latencyMs' },
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, path: (req.url ?? '').split('?')[0] }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'info';
      return 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${(req.url ?? '').split('?')[0]} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${(req.url ?? '').split('?')[0]} ${res.statusCode}`,
    autoLogging: { ignore: (req) => ignore.has((req.url ?? '').split('?')[0] ?? '') },
    quietReqLogger: true,
  });
}
