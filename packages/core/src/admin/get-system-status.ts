import type { Db } from '@mypay/db';
import { countOutboxDeliveries, findOldestUndeliveredEvent, pingDatabase } from './admin-read-repository.ts';

export interface ServiceHealth {
  name: string;
  url: string;
  status: 'up' | 'degraded' | 'down';
  httpStatus: number | null;
  latencyMs: number | null;
  /** The service's own /health body (version, db, uptime), when it answered with JSON. */
  body: Record<string, unknown> | null;
  error: string | null;
}

export interface SystemStatus {
  checkedAt: Date;
  services: ServiceHealth[];
  database: { status: 'up' | 'down'; latencyMs: number | null; error: string | null };
  outbox: {
    /** Deliveries still to be made (PENDING). */
    backlog: number;
    /** Of those, due now or overdue. */
    due: number;
    failedLast24h: number;
    oldestUndelivered: {
      eventId: string;
      type: string;
      merchantId: string;
      createdAt: Date;
      ageSeconds: number;
    } | null;
  } | null;
}

export interface SystemStatusOptions {
  /** Base URLs of the services, e.g. `http://127.0.0.1:4001`; `/health` is appended. */
  services: { name: string; baseUrl: string }[];
  timeoutMs?: number;
  fetch?: typeof fetch;
}

async function checkService(
  name: string,
  baseUrl: string,
  timeoutMs: number,
  doFetch: typeof fetch,
): Promise<ServiceHealth> {
  const url = `${baseUrl.replace(/\/$/, '')}/health`;
  const started = performance.now();
  try {
    const res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    const latencyMs = Math.round(performance.now() - started);
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    const status = res.ok && body?.status === 'ok' ? 'up' : res.status < 500 || body ? 'degraded' : 'down';
    return { name, url, status, httpStatus: res.status, latencyMs, body, error: null };
  } catch (error) {
    const e = error as { name?: string; cause?: { code?: string }; message?: string };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { name, url, status: 'down', httpStatus: null, latencyMs: null, body: null, error: String(reason) };
  }
}

/**
 * The admin "system" page: each API's /health, the database, and the webhook outbox (backlog,
 * due now, failures, oldest undelivered event). Never throws: a part that cannot be checked
 * is reported as down.
 */
export async function getSystemStatus(db: Pick<Db, 'pool'>, options: SystemStatusOptions): Promise<SystemStatus> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const doFetch = options.fetch ?? fetch;
  const now = new Date();
  const [services, database, outbox] = await Promise.all([
    Promise.all(options.services.map((s) => checkService(s.name, s.baseUrl, timeoutMs, doFetch))),
    (async (): Promise<SystemStatus['database']> => {
      const started = performance.now();
      try {
        await pingDatabase(db.pool);
        return { status: 'up', latencyMs: Math.round(performance.now() - started), error: null };
      } catch (error) {
        return { status: 'down', latencyMs: null, error: (error as { code?: string }).code ?? 'unreachable' };
      }
    })(),
    (async (): Promise<SystemStatus['outbox']> => {
      try {
        const counts = await countOutboxDeliveries(db.pool, now);
        const oldest = await findOldestUndeliveredEvent(db.pool);
        return {
          backlog: Number(counts?.backlog ?? 0),
          due: Number(counts?.due ?? 0),
          failedLast24h: Number(counts?.failedLast24h ?? 0),
          oldestUndelivered: oldest
            ? { ...oldest, ageSeconds: Math.max(0, Math.round((now.getTime() - oldest.createdAt.getTime()) / 1000)) }
            : null,
        };
      } catch {
        return null;
      }
    })(),
  ]);
  return { checkedAt: now, services, database, outbox };
}
