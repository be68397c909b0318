import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mypay/core';
import type { Request } from 'express';
import { pinoHttp } from 'pino-http';

/**
 * One structured line per request: request id, method, path, status, latency (ms).
 * Headers and bodies are never logged, so a key or secret cannot reach a log line.
 */
// Inside a mounted router req.url is relative; originalUrl is the full path.
const pathOf = (req: IncomingMessage) => ((req as Request).originalUrl ?? req.url ?? '').split('?')[0] ?? '';

export function requestLogger(logger: Logger, options: { ignorePaths?: string[] } = {}) {
  const ignore = new Set(options.ignorePaths ?? []);
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage) => (req as Request).id,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'latencyMs' },
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, path: pathOf(req) }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      return 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    autoLogging: { ignore: (req) => ignore.has(pathOf(req)) },
    quietReqLogger: true,
  });
}
