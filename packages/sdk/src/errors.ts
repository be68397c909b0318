import type { ErrorCode } from './types.ts';

export interface MyPayErrorDetail {
  field?: string;
  message: string;
  [extra: string]: unknown;
}

/** Codes the SDK itself produces when no API answer could be read. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'INVALID_RESPONSE';

/**
 * Every failure of an SDK call: an API error answer (`{"error":{code,message,requestId,details}}`),
 * or a network problem (`status` 0, code `NETWORK_ERROR` / `TIMEOUT`).
 */
export class MyPayError extends Error {
  readonly code: ErrorCode | ClientErrorCode | (string & {});
  /** HTTP status; 0 when no response came back. */
  readonly status: number;
  /** `X-Request-Id` of the failed request: quote it when asking for help. */
  readonly requestId: string | null;
  readonly details: MyPayErrorDetail[];
  /** Seconds from `Retry-After`, when the API sent one. */
  readonly retryAfterSeconds: number | null;

  constructor(init: {
    code: string;
    message: string;
    status: number;
    requestId?: string | null;
    details?: MyPayErrorDetail[];
    retryAfterSeconds?: number | null;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'MyPayError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId ?? null;
    this.details = init.details ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }
}

export const isMyPayError = (error: unknown): error is MyPayError => error instanceof MyPayError;
