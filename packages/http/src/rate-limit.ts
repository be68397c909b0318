import { AppError, type Logger } from '@mypay/core';
import type { Request } from 'express';
import {
  type ClientRateLimitInfo,
  ipKeyGenerator,
  MemoryStore,
  type Options,
  rateLimit,
  type Store,
} from 'express-rate-limit';
import { Redis } from 'ioredis';
import { type RedisReply, RedisStore } from 'rate-limit-redis';
import { processMetrics } from './metrics.ts';

export interface RateLimitOptions {
  /** Requests per window per API key (per client IP before authentication). */
  limit: number;
  windowMs?: number;
  /**
   * Where the counts live: a shared store (createRateLimitBackend, Redis) counts across every
   * replica; without one, this process counts alone (N replicas allow N × the limit).
   */
  backend?: RateLimitBackend | null | undefined;
  /** Names this limiter's counters in the shared store (two limiters of one app need two names). */
  name?: string;
}

/**
 * Per-key fixed window. Place it after apiKeyAuth so the key, not the IP, is what is counted; a
 * blocked request gets 429 RATE_LIMITED with Retry-After.
 */
export function perKeyRateLimit(options: RateLimitOptions) {
  const windowMs = options.windowMs ?? 60_000;
  return rateLimit({
    windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(options.backend ? { store: options.backend.store(options.name ?? 'api') } : {}),
    keyGenerator: (req: Request) => req.principal?.keyId ?? ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (_req, _res, next, opts) => {
      processMetrics().rateLimitRejections.inc();
      next(
        new AppError('RATE_LIMITED', `too many requests: at most ${opts.limit} per ${Math.round(windowMs / 1000)} s`),
      );
    },
  });
}

/** A shared home for rate-limit counters: one Redis connection, one store per limiter. */
export interface RateLimitBackend {
  /** A new store for one limiter (express-rate-limit wants one each), counters under `<prefix><name>:`. */
  store(name: string): Store;
  /** True while the shared store answers (false: every limiter counts in this process meanwhile). */
  readonly healthy: boolean;
  close(): Promise<void>;
}

export interface RateLimitBackendOptions {
  /** redis://[user:pass@]host:port[/db] or rediss://… */
  redisUrl: string;
  /** Key prefix in Redis, e.g. `mypay:rl:payout-api:`; the same for every replica of one service. */
  prefix: string;
  logger?: Logger | undefined;
  /** How long a command may wait for Redis before the request is let through on the local count. */
  commandTimeoutMs?: number;
}

const WARN_EVERY_MS = 30_000;
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * Rate limits shared by every replica, counted in Redis (rate-limit-redis: one EVALSHA per
 * request, the window's expiry kept by Redis). When Redis cannot be reached the limiters do not
 * fail the request: they count in this process instead (the in-process store, per replica — the
 * limit then holds per replica, not globally) and log one warning per 30 s while it lasts; once
 * Redis answers again the shared counts take over. Commands do not queue while disconnected
 * (`enableOfflineQueue: false`), so an outage costs no latency.
 */
export function createRateLimitBackend(options: RateLimitBackendOptions): RateLimitBackend {
  const client = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: options.commandTimeoutMs ?? 500,
    // Reconnect forever, backing off to 2 s between tries.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
  });
  let healthy = true;
  let lastWarned = 0;
  const degrade = (error: unknown) => {
    healthy = false;
    const now = Date.now();
    if (now - lastWarned < WARN_EVERY_MS) return;
    lastWarned = now;
    options.logger?.warn(
      { err: error },
      'rate limit store (Redis) unreachable: counting in this process until it answers (the limit holds per replica meanwhile)',
    );
  };
  // A replica that has just started waits for its first connection (at most the connect timeout)
  // before it counts anything, rather than granting each key a fresh local limit meanwhile: with
  // the offline queue off, a command sent while connecting would fail at once and count locally.
  const firstConnection = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, CONNECT_TIMEOUT_MS);
    timer.unref();
    client.once('ready', done);
    client.once('error', done);
  });
  client.on('error', degrade);
  client.on('ready', () => {
    if (!healthy) options.logger?.info('rate limit store (Redis) reachable again: limits are shared across replicas');
    healthy = true;
  });
  const sendCommand = (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>;
  return {
    store(name: string) {
      return new FallbackStore(
        new RedisStore({ sendCommand, prefix: `${options.prefix}${name}:` }),
        new MemoryStore(),
        firstConnection,
        degrade,
        () => {
          healthy = true;
        },
      );
    },
    get healthy() {
      return healthy;
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * The shared store, with the in-process one standing in while the shared one fails. Its script is
 * loaded once the first connection is up (or has failed), and again after a failed load
 * (rate-limit-redis loads it once, at init).
 */
class FallbackStore implements Store {
  localKeys = false;
  private options: Options | null = null;
  private initialised: Promise<void> | null = null;

  constructor(
    private readonly shared: RedisStore,
    private readonly local: MemoryStore,
    private readonly firstConnection: Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly onSuccess: () => void,
  ) {}

  get prefix() {
    return this.shared.prefix;
  }

  init(options: Options): void {
    this.options = options;
    this.local.init(options);
    this.initialised = this.firstConnection.then(() => this.initShared());
  }

  private initShared(): Promise<void> {
    return this.shared.init(this.options!).catch((error: unknown) => {
      this.onError(error);
      this.initialised = null; // try again at the next request
    });
  }

  private async sharedReady(): Promise<boolean> {
    if (!this.initialised) this.initialised = this.initShared();
    await this.initialised;
    return this.initialised !== null;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    try {
      if (await this.sharedReady()) {
        const info = await this.shared.increment(key);
        this.onSuccess();
        return info;
      }
    } catch (error) {
      this.onError(error);
    }
    return this.local.increment(key);
  }

  async decrement(key: string): Promise<void> {
    try {
      if (await this.sharedReady()) return await this.shared.decrement(key);
    } catch (error) {
      this.onError(error);
    }
    await this.local.decrement(key);
  }

  async resetKey(key: string): Promise<void> {
    await Promise.allSettled([this.shared.resetKey(key), this.local.resetKey(key)]);
  }

  shutdown(): void {
    this.local.shutdown();
  }
}
