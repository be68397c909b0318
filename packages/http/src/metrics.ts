import { X509Certificate } from 'node:crypto';
import { readFile, statfs } from 'node:fs/promises';
import { createServer, Server as HttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { addDomainMetricsSink, type Logger, type RequestLogWriter } from '@mypay/core';
import type { Pool } from '@mypay/db';
import type { NextFunction, Request, Response } from 'express';
import client from 'prom-client';

/**
 * Prometheus metrics (docs/operations.md lists them and the alerts built on them).
 *
 * Two registries are merged at scrape time:
 *  - the process registry (one per process, on globalThis so that Next's separately bundled
 *    modules share it): Node's default metrics (memory, CPU, event-loop lag, GC) and the domain
 *    counters, which core reports through its DomainMetricsSink and packages/http directly;
 *  - an app registry (one per buildApp/portal): HTTP requests by route template and status, the
 *    database pool, the database's reachability, the webhook outbox backlog, request-log drops.
 * Every name starts with `mypay_` except Node's defaults (`process_*`, `nodejs_*`).
 */

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const WEBHOOK_LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** The outbox scrape counts at most this many due rows (a bounded, index-only read). */
export const OUTBOX_SCAN_LIMIT = 10_000;

export interface ProcessMetrics {
  registry: client.Registry;
  idempotentReplays: client.Counter;
  rateLimitRejections: client.Counter;
}

const PROCESS_KEY = Symbol.for('mypay.metrics.process');
const HTTP_OBSERVER_KEY = Symbol.for('mypay.metrics.httpObserver');

type Holder = { [PROCESS_KEY]?: ProcessMetrics; [HTTP_OBSERVER_KEY]?: HttpObserver };
const holder = globalThis as unknown as Holder;

/** The process-wide registry, made on first use. */
export function processMetrics(): ProcessMetrics {
  const existing = holder[PROCESS_KEY];
  if (existing) return existing;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const payoutsCreated = new client.Counter({
    name: 'mypay_payouts_created_total',
    help: 'Payouts created, by status at creation and scenario',
    labelNames: ['status', 'scenario'],
    registers: [registry],
  });
  const paymentsCreated = new client.Counter({
    name: 'mypay_payments_created_total',
    help: 'Payment attempts created, by status at creation and scenario',
    labelNames: ['status', 'scenario'],
    registers: [registry],
  });
  const deliveryAttempts = new client.Counter({
    name: 'mypay_webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts, by endpoint and result (DELIVERED, RETRY_SCHEDULED, FAILED, LEASE_LOST)',
    labelNames: ['endpoint', 'result'],
    registers: [registry],
  });
  const deliveryLag = new client.Histogram({
    name: 'mypay_webhook_event_to_delivery_seconds',
    help: 'Time from an event being created to its successful delivery',
    buckets: WEBHOOK_LAG_BUCKETS,
    registers: [registry],
  });
  const metrics: ProcessMetrics = {
    registry,
    idempotentReplays: new client.Counter({
      name: 'mypay_idempotent_replays_total',
      help: 'Requests answered from a stored idempotent response',
      registers: [registry],
    }),
    rateLimitRejections: new client.Counter({
      name: 'mypay_rate_limit_rejections_total',
      help: 'Requests refused with 429 by the per-key rate limit',
      registers: [registry],
    }),
  };
  addDomainMetricsSink({
    payoutCreated: (status, scenario) => payoutsCreated.inc({ status, scenario }),
    paymentCreated: (status, scenario) => paymentsCreated.inc({ status, scenario }),
    webhookAttempt: (endpoint, result, age) => {
      deliveryAttempts.inc({ endpoint, result });
      if (age !== null) deliveryLag.observe(age);
    },
  });
  holder[PROCESS_KEY] = metrics;
  return metrics;
}

export interface AppMetricsOptions {
  /** The database pool to report on, and to read the outbox backlog and reachability with. */
  pool?: Pool;
  /** The request log writer whose drops are counted. */
  requestLog?: () => RequestLogWriter | null | undefined;
  /** Read the webhook outbox at scrape (the APIs; the portals leave it off). */
  outbox?: boolean;
  /** PEM certificates whose expiry is exported (METRICS_CERT_FILES: the edge's, mounted read-only). */
  certificateFiles?: string[];
  /** File systems whose free space is exported (METRICS_DISK_PATHS). */
  diskPaths?: string[];
  logger?: Logger;
}

export interface AppMetrics {
  /** Records one finished HTTP request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** The Prometheus text of both registries. */
  text(): Promise<string>;
  contentType: string;
}

/** The per-app registry (HTTP, pool, outbox, request log); see the module comment. */
export function createAppMetrics(options: AppMetricsOptions = {}): AppMetrics {
  const proc = processMetrics();
  const registry = new client.Registry();
  const requests = new client.Counter({
    name: 'mypay_http_requests_total',
    help: 'HTTP requests, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'mypay_http_request_duration_seconds',
    help: 'HTTP request duration, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const pool = options.pool;
  if (pool) {
    new client.Gauge({
      name: 'mypay_db_pool_connections',
      help: 'Database pool connections, by state (in_use, idle)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.set({ state: 'in_use' }, pool.activeConnections());
        this.set({ state: 'idle' }, pool.idleConnections());
      },
    });
    new client.Gauge({
      name: 'mypay_db_pool_waiting',
      help: 'Requests waiting for a database connection',
      registers: [registry],
      collect() {
        this.set(pool.taskQueueSize());
      },
    });
    new client.Gauge({
      name: 'mypay_db_up',
      help: '1 when the database answered SELECT 1 within a second at this scrape, else 0',
      registers: [registry],
      async collect() {
        this.set((await timed(pool.query('SELECT 1'), 1_000)) ? 1 : 0);
      },
    });
  }
  if (pool && options.outbox) {
    const backlog = { due: 0, oldest: 0 };
    // Both gauges read one query per scrape (prom-client collects them one after another).
    let pending: Promise<void> | null = null;
    const readBacklog = () => {
      pending ??= readOutboxBacklog(pool)
        .then((b) => {
          Object.assign(backlog, b);
        })
        .catch((error: unknown) => {
          options.logger?.warn({ err: error }, 'metrics: cannot read the webhook outbox');
        })
        .finally(() => {
          setImmediate(() => {
            pending = null;
          });
        });
      return pending;
    };
    new client.Gauge({
      name: 'mypay_webhook_outbox_due',
      help: `Webhook deliveries due now and not yet sent (counted up to ${OUTBOX_SCAN_LIMIT})`,
      registers: [registry],
      async collect() {
        await readBacklog();
        this.set(backlog.due);
      },
    });
    new client.Gauge({
      name: 'mypay_webhook_outbox_oldest_due_seconds',
      help: 'How long the oldest due webhook delivery has been waiting (0 when none is due)',
      registers: [registry],
      async collect() {
        await readBacklog();
        this.set(backlog.oldest);
      },
    });
  }
  if (options.requestLog) {
    const writer = options.requestLog;
    new client.Counter({
      name: 'mypay_request_log_dropped_total',
      help: 'Request log entries dropped (buffer full or the database refused the write)',
      registers: [registry],
      collect() {
        const dropped = writer()?.stats().dropped ?? 0;
        // A counter mirrors the writer's own running total.
        this.reset();
        this.inc(dropped);
      },
    });
  }
  if (options.certificateFiles?.length) {
    const files = options.certificateFiles;
    new client.Gauge({
      name: 'mypay_tls_certificate_not_after_seconds',
      help: 'When the first certificate of each PEM file expires (Unix time); absent when unreadable',
      labelNames: ['file'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const file of files) {
          const notAfter = await certificateNotAfter(file);
          if (notAfter !== null) this.set({ file }, notAfter);
        }
      },
    });
  }
  if (options.diskPaths?.length) {
    const paths = options.diskPaths;
    const gauge = (name: string, help: string, pick: (s: StatFs) => number) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['path'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const path of paths) {
            const stats = await statfs(path).catch(() => null);
            if (stats) this.set({ path }, pick(stats));
          }
        },
      });
    gauge(
      'mypay_disk_free_bytes',
      'Bytes available to this process on the file system of each path',
      (s) => s.bavail * s.bsize,
    );
    gauge('mypay_disk_size_bytes', 'Size of the file system of each path', (s) => s.blocks * s.bsize);
  }
  return {
    observeRequest(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    text: () => client.Registry.merge([proc.registry, registry]).metrics(),
    contentType: registry.contentType,
  };
}

type StatFs = { bavail: number; bsize: number; blocks: number };

/** notAfter of the first certificate in a PEM file, in Unix seconds; null when it cannot be read. */
export async function certificateNotAfter(file: string): Promise<number | null> {
  try {
    const cert = new X509Certificate(await readFile(file));
    return Math.floor(Date.parse(cert.validTo) / 1000);
  } catch {
    return null;
  }
}

async function readOutboxBacklog(pool: Pool): Promise<{ due: number; oldest: number }> {
  // Index range on nextAttemptAt, capped: cheap however large the backlog grows.
  const rows = (await pool.query(
    `SELECT COUNT(*) AS due, COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(nextAttemptAt), NOW(3)), 0) / 1000000 AS oldest
       FROM (SELECT nextAttemptAt FROM WebhookDelivery FORCE INDEX (WebhookDelivery_nextAttemptAt_idx)
              WHERE nextAttemptAt <= NOW(3) AND status = 'PENDING'
              ORDER BY nextAttemptAt LIMIT ${OUTBOX_SCAN_LIMIT}) AS due_rows`,
  )) as { due: number | string; oldest: number | string | null }[];
  return { due: Number(rows[0]?.due ?? 0), oldest: Math.max(0, Number(rows[0]?.oldest ?? 0)) };
}

function timed(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}

/** The route template of an Express request (`/api/v1/payouts/:id`); unmatched requests share one label. */
function routeTemplate(req: Request, res: Response): string {
  const path = req.route?.path;
  if (typeof path !== 'string') return 'unmatched';
  // A router that passed an error on has given its baseUrl back; routeBaseMarker kept it.
  const base = req.baseUrl || (res.locals.mypayRouteBase as string | undefined) || '';
  return path.startsWith(`${base}/`) || base === '' ? path || '/' : `${base}${path}`;
}

/** Express middleware: counts and times every request by route template (mount it first). */
export function httpMetrics(metrics: AppMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeRequest(req.method, routeTemplate(req, res), res.statusCode, seconds);
    });
    next();
  };
}

/** First in a mounted router: remembers where it is mounted, for the route label of its errors. */
export function routeBaseMarker() {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.mypayRouteBase = req.baseUrl;
    next();
  };
}

/** The `/metrics` handler. */
export function metricsHandler(metrics: AppMetrics) {
  return async (_req: Request | IncomingMessage, res: Response | ServerResponse) => {
    try {
      const body = await metrics.text();
      res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' }).end(body);
    } catch (error) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics unavailable: ${(error as Error).message}\n`);
    }
  };
}

/**
 * A listener of its own for `/metrics` (METRICS_PORT): keeps the scrape off the public port
 * entirely. Resolves once listening.
 */
export async function startMetricsServer(metrics: AppMetrics, port: number, host = '0.0.0.0'): Promise<Server> {
  const handler = metricsHandler(metrics);
  const server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === '/metrics' && req.method === 'GET') {
      void handler(req, res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

// --- Portals ------------------------------------------------------------------------------------
// Next's standalone server offers no middleware that sees every request with its status, and it
// creates its server before the instrumentation hook runs: the portals count requests by
// wrapping http.Server's emit('request'), which every server (already made or not) inherits.

export type HttpObserver = (method: string, path: string, status: number, seconds: number) => void;

/** Reports every finished request of every http.Server in this process to `observer` (the last one set). */
export function observeAllHttpServers(observer: HttpObserver): void {
  const installed = holder[HTTP_OBSERVER_KEY] !== undefined;
  holder[HTTP_OBSERVER_KEY] = observer;
  if (installed) return;
  const proto = HttpServer.prototype as unknown as { emit: (event: string, ...args: unknown[]) => boolean };
  const emit = proto.emit;
  proto.emit = function (this: unknown, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        holder[HTTP_OBSERVER_KEY]?.(req.method ?? 'GET', req.url ?? '/', res.statusCode, seconds);
      });
    }
    return emit.call(this, event, ...args);
  };
}

/**
 * A bounded route label for a portal path: Next's own assets collapse to one label and
 * id-like segments (`po_…`, numbers, long tokens) become `:id`.
 */
export function portalRouteOf(path: string): string {
  const clean = (path.split('?')[0] ?? '/').replace(/\/+$/, '') || '/';
  if (clean.startsWith('/_next/')) return '/_next/*';
  const segments = clean
    .split('/')
    .slice(0, 5)
    .map((s) => (/^[a-z]{2,5}_[A-Za-z0-9]+$|^\d+$|^[A-Za-z0-9_-]{20,}$/.test(s) ? ':id' : s.slice(0, 40)));
  return segments.join('/') || '/';
}
