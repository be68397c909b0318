import { randomUUID } from 'node:crypto';
import { MyPayError, type MyPayErrorDetail } from './errors.ts';

export interface RetryPolicy {
  /** Further attempts after the first (default 2). */
  maxRetries: number;
  /**
   * Longest wait before a retry (default 20 s). A `Retry-After` longer than this is not waited
   * out: the call fails at once with the error, which carries `retryAfterSeconds`.
   */
  maxRetryDelayMs: number;
  /** First backoff when the API sends no `Retry-After`; doubles per attempt (default 500 ms). */
  baseDelayMs: number;
}

export interface TransportOptions {
  /** Origin the paths are relative to, e.g. `http://127.0.0.1:4001`. */
  baseUrl: string;
  apiKey: string;
  fetch: typeof fetch;
  timeoutMs: number;
  retry: RetryPolicy;
  userAgent: string;
}

/** Per-call options every SDK method takes. */
export interface RequestOptions {
  /** Your own key for a create; by default the SDK makes one per call and reuses it for that call's retries. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Sent as `X-Request-Id` (the API echoes it). */
  requestId?: string;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
}

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  /** A create: sends an Idempotency-Key, which also makes retrying it after a network error safe. */
  create?: boolean;
}

const RETRYABLE_STATUS = new Set([429, 503]);

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. Null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function buildUrl(baseUrl: string, path: string, query?: TransportRequest['query']): string {
  const url = new URL(path, `${baseUrl.replace(/\/+$/, '')}/`);
  // `new URL('/x', base)` drops a base path; keep one (e.g. a proxy prefix).
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  url.pathname = `${basePath}${path.startsWith('/') ? path : `/${path}`}`;
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  return url.toString();
}

interface ErrorBody {
  error?: { code?: string; message?: string; requestId?: string; details?: MyPayErrorDetail[] };
}

async function toApiError(response: Response): Promise<MyPayError> {
  const text = await response.text().catch(() => '');
  let parsed: ErrorBody | null = null;
  try {
    parsed = JSON.parse(text) as ErrorBody;
  } catch {}
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const requestId = parsed?.error?.requestId ?? response.headers.get('x-request-id');
  if (!parsed?.error?.code) {
    return new MyPayError({
      code: 'INVALID_RESPONSE',
      message: `HTTP ${response.status} without an error body${text ? `: ${text.slice(0, 200)}` : ''}`,
      status: response.status,
      requestId,
      retryAfterSeconds: retryAfterMs === null ? null : retryAfterMs / 1000,
    });
  }
  return new MyPayError({
    code: parsed.error.code,
    message: parsed.error.message ?? parsed.error.code,
    status: response.status,
    requestId,
    details: parsed.error.details,
    retryAfterSeconds: retryAfterMs === null ? null : retryAfterMs / 1000,
  });
}

/** fetch + JSON + the retry rules, for one API (base URL and key). */
export class Transport {
  constructor(readonly options: TransportOptions) {}

  /** Sends the request; retries 429/503 (honouring Retry-After) and, when safe, network errors. */
  async request<T>(req: TransportRequest, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(req, options, { stream: false });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new MyPayError({
        code: 'INVALID_RESPONSE',
        message: `the API answered ${response.status} with a body that is not JSON`,
        status: response.status,
        requestId: response.headers.get('x-request-id'),
        cause: error,
      });
    }
  }

  /** The raw successful response (for streams). Errors and retries as in request(). */
  async send(
    req: TransportRequest,
    options: RequestOptions = {},
    mode: { stream: boolean; headers?: Record<string, string> } = { stream: false },
  ): Promise<Response> {
    const { retry } = this.options;
    const maxRetries = options.maxRetries ?? retry.maxRetries;
    // One key for the call, reused by each of its retries: a retry can never create twice.
    const idempotencyKey = req.create ? (options.idempotencyKey ?? randomUUID()) : undefined;
    // Retrying after a lost answer is safe for reads and for creates carrying a key.
    // A PATCH sets fields to given values: sending it twice ends the same.
    const safeToRepeat = req.method === 'GET' || req.method === 'PATCH' || idempotencyKey !== undefined;
    const url = buildUrl(this.options.baseUrl, req.path, req.query);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.apiKey}`,
      Accept: mode.stream ? 'text/event-stream' : 'application/json',
      'User-Agent': this.options.userAgent,
      ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
      ...(options.requestId ? { 'X-Request-Id': options.requestId } : {}),
      ...mode.headers,
    };
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);

    for (let attempt = 0; ; attempt++) {
      const backoff = Math.min(retry.maxRetryDelayMs, retry.baseDelayMs * 2 ** attempt);
      const jittered = Math.round(backoff * (0.5 + Math.random() / 2));
      let response: Response;
      try {
        const signals = [options.signal, mode.stream ? undefined : AbortSignal.timeout(this.options.timeoutMs)];
        const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
        response = await this.options.fetch(url, { method: req.method, headers, body, signal });
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason ?? error;
        const timedOut = (error as Error).name === 'TimeoutError';
        const failure = new MyPayError({
          code: timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
          message: timedOut
            ? `no answer from ${this.options.baseUrl} within ${this.options.timeoutMs} ms`
            : `cannot reach ${this.options.baseUrl}: ${describeNetworkError(error)}`,
          status: 0,
          cause: error,
        });
        if (!safeToRepeat || attempt >= maxRetries) throw failure;
        await sleep(jittered, options.signal);
        continue;
      }
      if (response.ok) return response;

      const error = await toApiError(response);
      const retryable =
        RETRYABLE_STATUS.has(response.status) || (error.code === 'IDEMPOTENCY_IN_PROGRESS' && idempotencyKey);
      if (!retryable || attempt >= maxRetries) throw error;
      const wait = error.retryAfterSeconds === null ? jittered : Math.round(error.retryAfterSeconds * 1000);
      if (wait > retry.maxRetryDelayMs) throw error;
      await sleep(wait, options.signal);
    }
  }
}

export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
