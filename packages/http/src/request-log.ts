import {
  apiKeyPrefix,
  type BodyRedactor,
  createBodyRedactor,
  type RequestLogEntry,
  type RequestLogWriter,
  runInRequestScope,
} from '@mypay/core';
import type { NextFunction, Request, Response } from 'express';
import { readApiKey } from './auth.ts';
import { requestIdOf } from './request-id.ts';

export interface RequestLogOptions {
  /** Where entries go; null records nothing (the events' `request` still works). */
  writer: RequestLogWriter | null;
  api: RequestLogEntry['api'];
  /** Field names redacted on top of the defaults (REQUEST_LOG_REDACT_FIELDS). */
  redactFields?: readonly string[];
  /**
   * Where the logged routers are mounted (`/api/v1`), so the route template is whole even when
   * the answer comes from the app's error handler (Express has reset `req.baseUrl` by then).
   */
  routeBase?: string;
}

interface Attribution {
  merchantId: string;
  objectId?: string | null;
}

const attributions = new WeakMap<Request, Attribution>();

/**
 * For requests without an API key that still act for a merchant (the hosted page's pay and
 * cancel posts act for the checkout's merchant): log them under that merchant.
 */
export function attributeRequestLog(req: Request, attribution: Attribution): void {
  attributions.set(req, attribution);
}

/** `…/request-logs` reads are not logged themselves: `mypay logs --follow` would fill the log with its own polling. */
const isLogRead = (req: Request) => req.method === 'GET' && /\/request-logs(\/|\?|$)/.test(req.originalUrl);

const OBJECT_ID = /^[a-z]{1,6}_[A-Za-z0-9]{4,58}$/;
const objectIdOf = (value: unknown): string | null =>
  typeof value === 'string' && OBJECT_ID.test(value) ? value : null;

/** The object a path names (`/payouts/po_…`, `/events/evt_…/redeliver`): its first id-shaped segment. */
function objectIdFromPath(path: string): string | null {
  for (const segment of (path.split('?')[0] ?? '').split('/')) {
    const id = objectIdOf(segment);
    if (id) return id;
  }
  return null;
}

/** The primary object of a JSON answer: its own id, else the event it names (redeliveries, test events). */
function objectIdFromBody(body: unknown): string | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const record = body as Record<string, unknown>;
  return objectIdOf(record.id) ?? objectIdOf(record.eventId);
}

/** The matched route's template (`/api/v1/payouts/:id`); null when no route matched. */
function routeOf(req: Request, routeBase: string): string | null {
  const path = req.route?.path;
  if (typeof path !== 'string') return null;
  const base = req.baseUrl || routeBase;
  return (path.startsWith(`${base}/`) ? path : `${base}${path}`).slice(0, 255);
}

/**
 * Records every request that acts for a merchant (an API key's, or one attributed with
 * `attributeRequestLog`) into the request log, and runs the request inside its request scope
 * so events it causes carry `request: {id, idempotencyKey}`. Recording costs the request, after
 * its answer is sent, one JSON.stringify of the request body (the answer's text is the one Express
 * already sent), a scan of both texts for anything to redact, and the cut at 16 KB; the write
 * itself is the writer's, batched, off the request path.
 */
export function requestLog(options: RequestLogOptions) {
  const redact: BodyRedactor = createBodyRedactor(options.redactFields ?? []);
  const writer = options.writer;
  return (req: Request, res: Response, next: NextFunction) => {
    const scope = { id: requestIdOf(req), idempotencyKey: req.get('idempotency-key') ?? null };
    if (!writer || isLogRead(req)) {
      runInRequestScope(scope, next);
      return;
    }
    const createdAt = new Date();
    const started = process.hrtime.bigint();
    let responseBody: unknown;
    // The text Express serialised the answer to (res.json hands it to res.send): stored as is,
    // not stringified a second time.
    let responseText: string | undefined;
    let inJson = false;
    const originalJson = res.json;
    const originalSend = res.send;
    res.json = function json(this: Response, body: unknown) {
      responseBody = body;
      inJson = true;
      try {
        return originalJson.call(this, body);
      } finally {
        inJson = false;
      }
    };
    res.send = function send(this: Response, body?: unknown) {
      if (inJson && typeof body === 'string') responseText = body;
      return originalSend.call(this, body);
    };
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      try {
        const attribution = attributions.get(req);
        const merchantId = req.principal?.merchantId ?? attribution?.merchantId;
        if (!merchantId) return;
        const finished = res.writableFinished;
        const status = finished ? res.statusCode : 499;
        const key = req.principal ? readApiKey(req) : undefined;
        const secrets = key ? [key] : [];
        const requestBody = redact(req.body, { secrets });
        const answer = redact(responseBody, { secrets, text: responseText });
        const error = status >= 400 ? (responseBody as { error?: { code?: unknown } } | undefined)?.error : undefined;
        writer.record({
          merchantId,
          requestId: scope.id.slice(0, 128),
          api: options.api,
          method: req.method.slice(0, 10),
          path: req.originalUrl.slice(0, 2048),
          route: routeOf(req, options.routeBase ?? ''),
          status,
          durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
          errorCode: finished
            ? typeof error?.code === 'string'
              ? error.code.slice(0, 64)
              : null
            : 'CLIENT_CLOSED_REQUEST',
          idempotencyKey: scope.idempotencyKey?.slice(0, 255) || null,
          idempotentReplayed: res.getHeader('idempotent-replayed') === 'true',
          objectId:
            attribution?.objectId ??
            (status < 400 ? objectIdFromBody(responseBody) : null) ??
            objectIdFromPath(req.originalUrl),
          keyPrefix: key ? apiKeyPrefix(key) : null,
          ip: req.ip?.slice(0, 64) ?? null,
          userAgent: req.headers['user-agent']?.slice(0, 500) ?? null,
          requestBody: requestBody.text,
          requestBodyTruncated: requestBody.truncated,
          responseBody: answer.text,
          responseBodyTruncated: answer.truncated,
          createdAt,
        });
      } catch {
        // The log never fails a request; an entry it cannot build is simply not written.
      }
    };
    res.once('finish', finish);
    res.once('close', finish);
    runInRequestScope(scope, next);
  };
}
