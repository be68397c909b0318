import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb, type Db, withSqlTransaction } from '@mypay/db';
import {
  createMerchant,
  createWebhookEndpoint,
  DEFAULT_WEBHOOK_SETTINGS,
  type EventType,
  enqueueEvent,
  type WebhookSettings,
} from '../../src/index.ts';

export const TEST_DATABASE_URL = process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test';

export const openDb = (): Db => createDb(TEST_DATABASE_URL, { connectionLimit: 10 });

export async function newMerchant(db: Db, label = 'wh'): Promise<string> {
  const suffix = randomUUID().slice(0, 12);
  const { id } = await createMerchant(db, {
    name: `Webhook test ${label}`,
    email: `${label}-${suffix}@webhooks.test`,
    password: 'not-used-here',
    openingBalance: 0,
  });
  return id;
}

/** Compressed settings: retries 0, 50 ms, 50 ms; private targets allowed (the receiver is on 127.0.0.1). */
export function testSettings(overrides: Partial<WebhookSettings> = {}): WebhookSettings {
  return {
    ...DEFAULT_WEBHOOK_SETTINGS,
    retryScheduleMs: [0, 50, 50],
    allowPrivateTargets: true,
    pollIntervalMs: 20,
    requestTimeoutMs: 2_000,
    leaseMs: 10_000,
    ...overrides,
  };
}

export interface Hit {
  eventId: string;
  body: string;
  headers: http.IncomingHttpHeaders;
  at: number;
}

export interface Receiver {
  url: string;
  port: number;
  hits: Hit[];
  close(): Promise<void>;
}

/**
 * A real HTTP receiver on 127.0.0.1. `respond` picks the status (and may delay) per hit.
 */
export async function startReceiver(
  respond: (hit: Hit, hitsForEvent: number) => number | Promise<number> = () => 200,
  port = 0,
): Promise<Receiver> {
  const hits: Hit[] = [];
  const perEvent = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const eventId = String(req.headers['mypay-event-id'] ?? '');
      const hit: Hit = { eventId, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, at: Date.now() };
      hits.push(hit);
      const n = (perEvent.get(eventId) ?? 0) + 1;
      perEvent.set(eventId, n);
      const status = await respond(hit, n);
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(status >= 200 && status < 300 ? 'ok' : `nope ${n}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}/hooks`,
    port: actualPort,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function newEndpoint(
  db: Db,
  merchantId: string,
  url: string,
  events: EventType[] | null = null,
): Promise<{ id: string; secret: string }> {
  const endpoint = await createWebhookEndpoint(db, { merchantId, url, events }, { allowPrivateTargets: true });
  return { id: endpoint.id, secret: endpoint.secret };
}

export function emit(db: Db, merchantId: string, type: EventType = 'payout.created', object: unknown = { id: 'po_x' }) {
  return withSqlTransaction(db.pool, (conn) => enqueueEvent(conn, merchantId, type, object));
}

// The shared wait of every test (test/support/wait.ts), under the name these tests use.
export { afterPolls, waitUntil as waitFor } from '../../../../test/support/wait.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
