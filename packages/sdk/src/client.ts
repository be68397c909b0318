import { MyPayError } from './errors.ts';
import { parseSse, type SseMessage } from './sse.ts';
import { type RequestOptions, type RetryPolicy, Transport } from './transport.ts';
import type {
  AdvanceTestClockParams,
  Balance,
  Bank,
  Checkout,
  CheckoutList,
  CheckoutWithTransaction,
  CompletePaymentParams,
  CreateCheckoutParams,
  CreatedWebhookEndpoint,
  CreatePayoutParams,
  CreateRefundParams,
  CreateTestClockParams,
  CreateWebhookEndpointParams,
  DeletedTestClock,
  DeletedWebhookEndpoint,
  EventDetail,
  EventList,
  ListCheckoutsParams,
  ListEventsParams,
  ListPayoutsParams,
  ListRefundsParams,
  ListRequestLogsParams,
  ListTestClocksParams,
  ListTransactionsParams,
  MyPayEvent,
  PaymentTransaction,
  Payout,
  PayoutList,
  RedeliverParams,
  Redelivery,
  Refund,
  RefundList,
  RequestLog,
  RequestLogDetail,
  RequestLogList,
  RotatedWebhookEndpoint,
  RotateWebhookSecretParams,
  Scenario,
  SendTestEventParams,
  SimulatePayoutParams,
  TestClock,
  TestClockList,
  TestEventResult,
  TransactionList,
  UpdateWebhookEndpointParams,
  VerifyAccountParams,
  VerifyAccountResult,
  Wallet,
  WebhookEndpoint,
  WebhookEndpointDetail,
  WebhookEndpointList,
} from './types.ts';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:4001';
export const DEFAULT_PAYMENT_BASE_URL = 'http://127.0.0.1:4002';
const API_V1 = '/api/v1';

export interface MyPayOptions {
  /** Key for the Payout API (scope `payout` or `all`); also used for the Payment API unless paymentApiKey is set. */
  apiKey: string;
  /** Key for the Payment API (scope `payment` or `all`). Default: apiKey. */
  paymentApiKey?: string;
  /** Origin of the Payout API (default `http://127.0.0.1:4001`; a trailing `/api/v1` is ignored). */
  baseUrl?: string;
  /**
   * Origin of the Payment API. Default: `baseUrl` with port 4001 swapped for 4002 when it has that
   * port (the local layout), else `baseUrl` itself (behind nginx both APIs share one host).
   */
  paymentBaseUrl?: string;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
  userAgent?: string;
}

/** The Payment API origin that goes with a Payout API origin (see MyPayOptions.paymentBaseUrl). */
export function derivePaymentBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.port === '4001') url.port = '4002';
  return url.toString().replace(/\/+$/, '');
}

const stripApiPrefix = (url: string) => url.replace(/\/+$/, '').replace(/\/api\/v1$/, '');

/** An event as the stream delivers it. */
export interface StreamedEvent {
  id: string;
  type: string;
  /** The raw JSON body, byte for byte what a webhook delivery carries: sign or verify this. */
  body: string;
  event: MyPayEvent;
}

export type ListenState =
  | { state: 'connected'; after: string | null; reconnects: number }
  | { state: 'disconnected'; error: Error; retryInMs: number };

export interface ListenOptions {
  /** Event type patterns, e.g. `['payout.*', 'payment.succeeded']` (default: all). */
  types?: string[];
  /** Start after this event id (`start`: from the first); default: events from now on. */
  after?: string;
  signal?: AbortSignal;
  onState?: (state: ListenState) => void;
  /** Reconnect backoff: first wait and cap (default 250 ms, 5 s). */
  reconnectDelayMs?: { initial: number; max: number };
  /** A connection silent for this long (no event, no keep-alive) is presumed dead (default 45 s). */
  idleTimeoutMs?: number;
}

/** Errors after which reconnecting cannot help. */
const isFatalStreamError = (error: unknown) =>
  error instanceof MyPayError && [400, 401, 403, 404].includes(error.status);

/** Resolves after `ms`, or at once when `signal` aborts. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Typed client for both MyPay Sandbox APIs. */
export class MyPay {
  readonly baseUrl: string;
  readonly paymentBaseUrl: string;
  private readonly payout: Transport;
  private readonly payment: Transport;

  constructor(options: MyPayOptions) {
    if (!options.apiKey) throw new Error('MyPay: apiKey is required');
    this.baseUrl = stripApiPrefix(options.baseUrl ?? DEFAULT_BASE_URL);
    this.paymentBaseUrl = stripApiPrefix(
      options.paymentBaseUrl ?? (options.baseUrl ? derivePaymentBaseUrl(this.baseUrl) : DEFAULT_PAYMENT_BASE_URL),
    );
    const shared = {
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { maxRetries: 2, maxRetryDelayMs: 20_000, baseDelayMs: 500, ...options.retry },
      userAgent: options.userAgent ?? 'mypay-sdk-node/0.1.0',
    };
    this.payout = new Transport({ ...shared, baseUrl: this.baseUrl, apiKey: options.apiKey });
    this.payment = new Transport({
      ...shared,
      baseUrl: this.paymentBaseUrl,
      apiKey: options.paymentApiKey ?? options.apiKey,
    });
  }

  readonly payouts = {
    create: (params: CreatePayoutParams, options?: RequestOptions) =>
      this.payout.request<Payout>({ method: 'POST', path: `${API_V1}/payouts`, body: params, create: true }, options),
    get: (id: string, options?: RequestOptions) =>
      this.payout.request<Payout>({ method: 'GET', path: `${API_V1}/payouts/${encodeURIComponent(id)}` }, options),
    list: (params: ListPayoutsParams = {}, options?: RequestOptions) =>
      this.payout.request<PayoutList>({ method: 'GET', path: `${API_V1}/payouts`, query: params }, options),
  };

  readonly balance = {
    get: (options?: RequestOptions) =>
      this.payout.request<Balance>({ method: 'GET', path: `${API_V1}/balance` }, options),
  };

  readonly scenarios = {
    list: async (options?: RequestOptions) =>
      (await this.payout.request<{ data: Scenario[] }>({ method: 'GET', path: `${API_V1}/scenarios` }, options)).data,
  };

  readonly directory = {
    banks: async (options?: RequestOptions) =>
      (await this.payout.request<{ data: Bank[] }>({ method: 'GET', path: `${API_V1}/directory/banks` }, options)).data,
    wallets: async (options?: RequestOptions) =>
      (await this.payout.request<{ data: Wallet[] }>({ method: 'GET', path: `${API_V1}/directory/wallets` }, options))
        .data,
    verifyAccount: (params: VerifyAccountParams, options?: RequestOptions) =>
      this.payout.request<VerifyAccountResult>(
        { method: 'POST', path: `${API_V1}/verify-account`, body: params },
        options,
      ),
  };

  readonly sandbox = {
    simulatePayout: (id: string, params: SimulatePayoutParams, options?: RequestOptions) =>
      this.payout.request<Payout>(
        {
          method: 'POST',
          path: `${API_V1}/sandbox/payouts/${encodeURIComponent(id)}/simulate`,
          body: params,
          create: true,
        },
        options,
      ),
  };

  /** Test clocks (docs/test-clocks.md): bind payouts and checkouts with `testClock`, then advance. */
  readonly testClocks = {
    create: (params: CreateTestClockParams = {}, options?: RequestOptions) =>
      this.payout.request<TestClock>(
        { method: 'POST', path: `${API_V1}/test-clocks`, body: params, create: true },
        options,
      ),
    list: (params: ListTestClocksParams = {}, options?: RequestOptions) =>
      this.payout.request<TestClockList>({ method: 'GET', path: `${API_V1}/test-clocks`, query: params }, options),
    get: (id: string, options?: RequestOptions) =>
      this.payout.request<TestClock>(
        { method: 'GET', path: `${API_V1}/test-clocks/${encodeURIComponent(id)}` },
        options,
      ),
    /**
     * Moves the clock forward by `seconds` or to `frozenTime`; resolves once every step due up to
     * then has happened. Not retried after a lost answer (`seconds` would move it twice): to retry
     * safely, advance to a `frozenTime` (a repeat is then refused as not later than the clock).
     */
    advance: (id: string, params: AdvanceTestClockParams, options?: RequestOptions) =>
      this.payout.request<TestClock>(
        { method: 'POST', path: `${API_V1}/test-clocks/${encodeURIComponent(id)}/advance`, body: params },
        options,
      ),
    delete: (id: string, options?: RequestOptions) =>
      this.payout.request<DeletedTestClock>(
        { method: 'DELETE', path: `${API_V1}/test-clocks/${encodeURIComponent(id)}` },
        options,
      ),
  };

  readonly webhookEndpoints = {
    create: (params: CreateWebhookEndpointParams, options?: RequestOptions) =>
      this.payout.request<CreatedWebhookEndpoint>(
        { method: 'POST', path: `${API_V1}/webhook-endpoints`, body: params, create: true },
        options,
      ),
    list: (options?: RequestOptions) =>
      this.payout.request<WebhookEndpointList>({ method: 'GET', path: `${API_V1}/webhook-endpoints` }, options),
    /** The endpoint with `deliveryStats`: its delivery attempts of the last 24 h by outcome. */
    get: (id: string, options?: RequestOptions) =>
      this.payout.request<WebhookEndpointDetail>(
        { method: 'GET', path: `${API_V1}/webhook-endpoints/${encodeURIComponent(id)}` },
        options,
      ),
    /** Changes only the fields given; `enabled: false` disables it, `true` enables it again. */
    update: (id: string, params: UpdateWebhookEndpointParams, options?: RequestOptions) =>
      this.payout.request<WebhookEndpoint>(
        { method: 'PATCH', path: `${API_V1}/webhook-endpoints/${encodeURIComponent(id)}`, body: params },
        options,
      ),
    /**
     * Rolls the signing secret; the answer carries the new one (shown only here). For
     * `overlapSeconds` (default 24 h) deliveries are signed with the old secret too.
     */
    rotateSecret: (id: string, params: RotateWebhookSecretParams = {}, options?: RequestOptions) =>
      this.payout.request<RotatedWebhookEndpoint>(
        {
          method: 'POST',
          path: `${API_V1}/webhook-endpoints/${encodeURIComponent(id)}/rotate-secret`,
          body: params,
          create: true,
        },
        options,
      ),
    delete: (id: string, options?: RequestOptions) =>
      this.payout.request<DeletedWebhookEndpoint>(
        { method: 'DELETE', path: `${API_V1}/webhook-endpoints/${encodeURIComponent(id)}` },
        options,
      ),
  };

  readonly events = {
    list: (params: ListEventsParams = {}, options?: RequestOptions) =>
      this.payout.request<EventList>({ method: 'GET', path: `${API_V1}/events`, query: params }, options),
    get: (id: string, options?: RequestOptions) =>
      this.payout.request<EventDetail>({ method: 'GET', path: `${API_V1}/events/${encodeURIComponent(id)}` }, options),
    /** Sends the event again to your webhook endpoints (all subscribed ones, or `endpointId`). */
    redeliver: (id: string, params: RedeliverParams = {}, options?: RequestOptions) =>
      this.payout.request<Redelivery>(
        { method: 'POST', path: `${API_V1}/events/${encodeURIComponent(id)}/redeliver`, body: params, create: true },
        options,
      ),
    /**
     * The merchant's events as they happen (`GET /api/v1/events/stream`), for as long as you
     * iterate: reconnects with backoff when the connection drops (an API restart, a proxy) and
     * resumes from the last position, so nothing is missed; repeats are dropped by event id.
     * A 429 (too many open streams) or 503 is waited out for its Retry-After before reconnecting.
     * Throws only on errors reconnecting cannot fix (bad key, unknown `after`, bad `types`).
     */
    listen: (options: ListenOptions = {}) => this.listenEvents(options),
  };

  /**
   * The request log (docs/debugging.md): every request your keys made to either API, newest
   * first, with redacted bodies. Read through the Payout API (the Payment API serves the same log).
   */
  readonly requestLogs = {
    /** One page; filters `status` (`422` or `4xx`), `method`, `path` (prefix), `objectId`, `idempotencyKey`, `from`, `to`. */
    list: (params: ListRequestLogsParams = {}, options?: RequestOptions) =>
      this.payout.request<RequestLogList>({ method: 'GET', path: `${API_V1}/request-logs`, query: params }, options),
    /** Every entry matching `params`, page after page (newest first) for as long as you iterate. */
    listAll: (params: ListRequestLogsParams = {}, options?: RequestOptions) => this.pages(params, options),
    /** One entry with both bodies and the events it caused; 404 `NOT_FOUND` for an unknown or another merchant's id. */
    get: (requestId: string, options?: RequestOptions) =>
      this.payout.request<RequestLogDetail>(
        { method: 'GET', path: `${API_V1}/request-logs/${encodeURIComponent(requestId)}` },
        options,
      ),
  };

  private async *pages(params: ListRequestLogsParams, options?: RequestOptions): AsyncGenerator<RequestLog> {
    let cursor = params.cursor;
    do {
      const page = await this.requestLogs.list({ ...params, cursor }, options);
      yield* page.data;
      cursor = page.hasMore && page.nextCursor ? page.nextCursor : undefined;
    } while (cursor);
  }

  readonly checkouts = {
    create: (params: CreateCheckoutParams, options?: RequestOptions) =>
      this.payment.request<Checkout>(
        { method: 'POST', path: '/api/checkout/create', body: params, create: true },
        options,
      ),
    list: (params: ListCheckoutsParams = {}, options?: RequestOptions) =>
      this.payment.request<CheckoutList>({ method: 'GET', path: '/checkouts', query: params }, options),
    get: (id: string, options?: RequestOptions) =>
      this.payment.request<CheckoutWithTransaction>(
        { method: 'GET', path: `/checkouts/${encodeURIComponent(id)}` },
        options,
      ),
    /** OPEN → CANCELLED (`checkout.cancelled`); 422 `INVALID_STATE` from any other state. */
    cancel: (id: string, options?: RequestOptions) =>
      this.payment.request<Checkout>(
        { method: 'POST', path: `/checkouts/${encodeURIComponent(id)}/cancel`, body: {}, create: true },
        options,
      ),
  };

  readonly payments = {
    /** Pays a checkout as the hosted page does; the payer `mobile` picks the scenario. */
    complete: (params: CompletePaymentParams, options?: RequestOptions) =>
      this.payment.request<PaymentTransaction>(
        { method: 'POST', path: '/payment/complete', body: params, create: true },
        options,
      ),
  };

  readonly transactions = {
    list: (params: ListTransactionsParams = {}, options?: RequestOptions) =>
      this.payment.request<TransactionList>({ method: 'GET', path: '/transactions', query: params }, options),
  };

  /** Refunds of payments (Payment API): full or partial; the payer's scenario drives the outcome. */
  readonly refunds = {
    /** `amount` defaults to all that remains refundable; 422 `REFUND_EXCEEDS_PAYMENT` past it. */
    create: (params: CreateRefundParams, options?: RequestOptions) =>
      this.payment.request<Refund>({ method: 'POST', path: '/refunds', body: params, create: true }, options),
    get: (id: string, options?: RequestOptions) =>
      this.payment.request<Refund>({ method: 'GET', path: `/refunds/${encodeURIComponent(id)}` }, options),
    list: (params: ListRefundsParams = {}, options?: RequestOptions) =>
      this.payment.request<RefundList>({ method: 'GET', path: '/refunds', query: params }, options),
  };

  readonly webhooks = {
    /** Sends a signed `webhook.test` event (or, with `type`, a sample event of that type) to your enabled endpoints now (Payment API). */
    sendTest: (params: SendTestEventParams = {}, options?: RequestOptions) =>
      this.payment.request<TestEventResult>({ method: 'POST', path: '/webhooks/test', body: params }, options),
  };

  private async *listenEvents(options: ListenOptions): AsyncGenerator<StreamedEvent> {
    const delays = options.reconnectDelayMs ?? { initial: 250, max: 5_000 };
    const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
    let after: string | null = options.after ?? null;
    let delay = delays.initial;
    let reconnects = 0;
    // The stream is at least once (a resume re-sends the last seconds); hand each id out once.
    const delivered = new Set<string>();
    const remember = (id: string) => {
      delivered.add(id);
      if (delivered.size > 10_000) delivered.delete(delivered.values().next().value as string);
    };

    while (!options.signal?.aborted) {
      const connection = new AbortController();
      const onAbort = () => connection.abort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let idle: NodeJS.Timeout | undefined;
      const touch = () => {
        clearTimeout(idle);
        idle = setTimeout(() => connection.abort(new Error('no data on the event stream')), idleTimeoutMs);
      };
      let failure: Error = new Error('the event stream ended');
      // 429 (too many open streams) and 503 say how long to wait: never reconnect sooner.
      let waitAtLeastMs = 0;
      try {
        const response = await this.payout.send(
          {
            method: 'GET',
            path: `${API_V1}/events/stream`,
            query: { after: after ?? undefined, types: options.types?.join(',') },
          },
          { signal: connection.signal, maxRetries: 0 },
          { stream: true },
        );
        if (!response.body) throw new Error('the event stream has no body');
        touch();
        const body = response.body;
        const chunks = (async function* () {
          for await (const chunk of body as AsyncIterable<Uint8Array>) {
            touch();
            yield chunk;
          }
        })();
        for await (const message of parseSse(chunks)) {
          const outcome = this.handleStreamMessage(message);
          if (outcome.kind === 'ready') {
            after = outcome.after;
            delay = delays.initial;
            options.onState?.({ state: 'connected', after, reconnects });
          } else if (outcome.kind === 'event') {
            if (message.id) after = message.id;
            if (delivered.has(outcome.event.id)) continue;
            remember(outcome.event.id);
            yield outcome.event;
          } else if (outcome.kind === 'error') {
            failure = new Error(`the API ended the stream: ${outcome.message}`);
            break;
          }
        }
      } catch (error) {
        if (options.signal?.aborted) return;
        if (isFatalStreamError(error)) throw error;
        failure = error as Error;
        if (error instanceof MyPayError && error.retryAfterSeconds) waitAtLeastMs = error.retryAfterSeconds * 1000;
      } finally {
        clearTimeout(idle);
        options.signal?.removeEventListener('abort', onAbort);
        connection.abort();
      }
      if (options.signal?.aborted) return;
      const waitMs = Math.max(delay, waitAtLeastMs);
      options.onState?.({ state: 'disconnected', error: failure, retryInMs: waitMs });
      await sleep(waitMs, options.signal);
      delay = Math.min(delays.max, delay * 2);
      reconnects++;
    }
  }

  private handleStreamMessage(
    message: SseMessage,
  ):
    | { kind: 'ready'; after: string }
    | { kind: 'event'; event: StreamedEvent }
    | { kind: 'error'; message: string }
    | { kind: 'other' } {
    if (message.event === 'ready') {
      const data = JSON.parse(message.data) as { after: string };
      return { kind: 'ready', after: data.after };
    }
    if (message.event === 'error') {
      const data = JSON.parse(message.data) as { code?: string; message?: string };
      if (data.code === 'UNAUTHENTICATED') {
        throw new MyPayError({ code: 'UNAUTHENTICATED', message: data.message ?? 'key revoked', status: 401 });
      }
      return { kind: 'error', message: data.message ?? data.code ?? 'error' };
    }
    if (message.event === 'message') return { kind: 'other' };
    const event = JSON.parse(message.data) as MyPayEvent;
    return { kind: 'event', event: { id: event.id, type: event.type, body: message.data, event } };
  }
}
