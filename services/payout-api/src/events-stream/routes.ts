import {
  type EventStreamQuery,
  eventStreamBody,
  eventStreamDescription,
  eventStreamQuery,
  STREAM_START,
  splitTypes,
} from '@mypay/contracts';
import { getEventSeqOrThrow, getLatestEventPosition } from '@mypay/core';
import { parseQuery, principalOf } from '@mypay/http';
import type { Request, Response } from 'express';
import { API_BASE, type RouteModule } from '../context.ts';
import { DEFAULT_EVENT_STREAM_TIMING, EventStreamHub, type EventStreamTiming, sseMessage } from './event-stream.ts';

/** The server stops accepting (server.close()) before it waits for open requests: streams end then. */
function serverIsClosing(req: Request): boolean {
  const server = (req.socket as { server?: { listening?: boolean } }).server;
  return server?.listening === false;
}

function waitForDrain(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * `GET /events/stream`: the merchant's events as server-sent events. Mounted before the webhook
 * routes so `/events/:id` does not take `stream` for an id.
 */
export function eventStreamRoutes(timing: Partial<EventStreamTiming> = {}): RouteModule {
  const settings = { ...DEFAULT_EVENT_STREAM_TIMING, ...timing };
  return (router, ctx) => {
    // One poller for every stream this app serves (per process).
    const hub = new EventStreamHub(ctx.db.pool, ctx.logger, settings, ctx.config.eventStreams);
    ctx.docs.add({
      operationId: 'streamEvents',
      method: 'get',
      path: `${API_BASE}/events/stream`,
      tags: ['Webhooks'],
      summary: "Listen to the merchant's events (server-sent events)",
      description: eventStreamDescription,
      query: eventStreamQuery,
      responses: {
        200: {
          description: 'An endless `text/event-stream`',
          contentType: 'text/event-stream',
          schema: eventStreamBody,
        },
      },
      errors: ['NOT_FOUND', 'RATE_LIMITED'],
    });

    router.get('/events/stream', async (req, res) => {
      const query = parseQuery(eventStreamQuery, req.query);
      const { merchantId, keyId } = principalOf(req);
      // Before any await: concurrent requests cannot all pass the cap.
      const release = hub.reserve(keyId, merchantId);
      try {
        await serveStream(req, res, { merchantId, keyId, query });
      } finally {
        release();
      }
    });

    async function serveStream(
      req: Request,
      res: Response,
      { merchantId, keyId, query }: { merchantId: string; keyId: string; query: EventStreamQuery },
    ) {
      const after = query.after ?? req.get('last-event-id')?.trim() ?? undefined;

      let start: { seq: number; id: string | null };
      let recoveryFloor: number;
      if (after === STREAM_START) {
        start = { seq: 0, id: null };
        recoveryFloor = 0;
      } else if (after) {
        start = { seq: await getEventSeqOrThrow(ctx.db.pool, merchantId, after), id: after };
        // A resume also looks back for late commits behind the position (at least once; clients de-duplicate).
        recoveryFloor = 0;
      } else {
        const latest = await getLatestEventPosition(ctx.db.pool, merchantId);
        start = latest ?? { seq: 0, id: null };
        recoveryFloor = start.seq;
      }

      res.status(200);
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache, no-transform');
      // The socket cannot carry another request while streaming; closing it when the stream ends
      // also keeps a client from reconnecting over it to a server that is shutting down.
      res.setHeader('Connection', 'close');
      // nginx: pass each message through at once.
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();

      let closed = false;
      res.on('close', () => {
        closed = true;
      });
      const write = async (chunk: string) => {
        if (closed) return;
        if (!res.write(chunk)) await waitForDrain(res);
      };

      const resumeFrom = start.id ?? STREAM_START;
      await write(
        `retry: 1000\n${sseMessage({ id: resumeFrom, event: 'ready', data: JSON.stringify({ after: resumeFrom }) })}`,
      );
      await hub.run({
        merchantId,
        keyId,
        patterns: splitTypes(query.types),
        start,
        recoveryFloor,
        write,
        isClosed: () => closed || serverIsClosing(req),
      });
      if (!closed) res.end();
    }
  };
}
