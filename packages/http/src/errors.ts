import { ERROR_DESCRIPTIONS, type ErrorCode } from '@mypay/contracts';
import { AppError, type Logger } from '@mypay/core';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { isDatabaseUnavailableError } from './db-errors.ts';
import { requestIdOf } from './request-id.ts';
import { zodIssuesToDetails } from './validation.ts';

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown[] };
}

/** Codes for HTTP errors thrown by Express and body-parser that carry a status below 500. */
const CODE_FOR_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'MALFORMED_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  417: 'EXPECTATION_FAILED',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
};

// zlib (Z_DATA_ERROR, Z_BUF_ERROR) and brotli (ERR__ERROR_FORMAT_…) decoding failures.
const isDecompressionError = (code: unknown) => typeof code === 'string' && /^(Z_|ERR__ERROR|ERR_BROTLI)/.test(code);

/** Turns anything thrown into the one wire error shape; never HTML, never a stack. */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) {
    return new AppError('VALIDATION_ERROR', 'the request is not valid', zodIssuesToDetails(error));
  }
  // Express decodes path parameters; a malformed escape (`%E0%A4%A`) is the caller's mistake.
  if (error instanceof URIError) {
    return new AppError('VALIDATION_ERROR', 'the path is not valid', [
      { field: 'path', message: 'contains a malformed percent-escape' },
    ]);
  }
  const e = error as { type?: string; status?: number; statusCode?: number; code?: unknown } | null;
  // body-parser errors carry a `type`.
  switch (e?.type) {
    case 'entity.parse.failed':
      return new AppError('INVALID_JSON', 'the request body is not valid JSON');
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'the request body is larger than the limit');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'the request body encoding is not supported');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('VALIDATION_ERROR', 'the request body could not be read');
  }
  if (isDecompressionError(e?.code)) {
    return new AppError('INVALID_JSON', 'the request body could not be decoded (Content-Encoding)');
  }
  if (isDatabaseUnavailableError(error)) {
    return new AppError('DATABASE_UNAVAILABLE', 'the database is unavailable, try again shortly', undefined, {
      'Retry-After': '1',
    });
  }
  // Any other HTTP error from a library keeps its (client-error) status.
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = CODE_FOR_STATUS[status] ?? 'MALFORMED_REQUEST';
    return new AppError(code, ERROR_DESCRIPTIONS[code]);
  }
  return null;
}

export function sendError(res: Response, requestId: string, error: AppError): void {
  if (error.headers) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  const body: ErrorBody = { error: { code: error.code, message: error.message, requestId } };
  if (error.details && error.details.length > 0) body.error.details = error.details;
  res.status(error.status).json(body);
}

/** The single error handler: AppError → its status; anything else → logged 500 with a generic message. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const appError = toAppError(error);
    // Each line carries the request's id, so it and the request's log line go together (no child
    // logger: most errors are 4xx answers, which write no line here).
    const requestId = requestIdOf(req);
    if (res.headersSent) {
      logger.error({ requestId, err: error }, 'error after the response was sent');
      return;
    }
    if (appError) {
      // An answer the API means to give (PROVIDER_UNAVAILABLE for scenario 7, DATABASE_UNAVAILABLE):
      // one warn line, no stack; the request log line below follows it (expectedErrorOf).
      res.locals.expectedErrorCode = appError.code;
      if (appError.status >= 500) {
        const cause = error === appError ? undefined : (error as Error)?.message;
        logger.warn(
          { requestId, code: appError.code, status: appError.status, ...(cause ? { cause } : {}) },
          appError.message,
        );
      }
      sendError(res, requestId, appError);
      return;
    }
    logger.error({ requestId, err: error }, 'unhandled error');
    sendError(res, requestId, new AppError('INTERNAL_ERROR', 'something went wrong on our side'));
  };
}

/** The code of the AppError a response answered with (set by errorHandler), if any. */
export function expectedErrorOf(res: { locals?: Record<string, unknown> }): string | undefined {
  const code = res.locals?.expectedErrorCode;
  return typeof code === 'string' ? code : undefined;
}

export function notFoundHandler() {
  return (req: Request, res: Response) => {
    sendError(res, requestIdOf(req), new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
  };
}
