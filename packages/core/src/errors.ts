import { ERROR_STATUS, type ErrorCode } from '@mypay/contracts';

/**
 * The one error type of the platform. Every code maps to exactly one HTTP status (the table is part
 * of the wire contract: ERROR_STATUS in @mypay/contracts); anything that is not an AppError is an
 * internal error (logged, generic 500).
 */
export { ERROR_STATUS, type ErrorCode };

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `destination.accountNumber`. */
  field?: string;
  message: string;
  [extra: string]: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetail[], headers?: Record<string, string>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
    this.headers = headers;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
