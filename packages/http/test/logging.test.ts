import http from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listen } from '../../../test/support/ports.ts';
import { createBaseApp, finishApp } from '../src/index.ts';

/** The request line (logging.ts) of a request that was answered and of one whose client gave up. */
const lines: Record<string, unknown>[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
let server: Listening;
// Resolved when /never has the request, so the client gives up only once the server holds it.
let arrived: () => void = () => {};

beforeAll(async () => {
  const app = createBaseApp({ logger, quietPaths: ['/quiet'] });
  app.get('/ok', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/quiet', (_req, res) => {
    res.json({ ok: true });
  });
  // Never answers: the client gives up first.
  app.get('/never', () => arrived());
  server = await listen(finishApp(app, logger));
});
afterAll(() => server?.close());

const lineOf = (requestId: string) => lines.find((line) => line.requestId === requestId && line.req);

async function untilLogged(requestId: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!lineOf(requestId)) {
    if (Date.now() > deadline) throw new Error(`no request line for ${requestId}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return lineOf(requestId)!;
}

describe('the request line', () => {
  it('when a request is answered, then one info line names its id, method, path, status and latency, and no abort', async () => {
    const res = await fetch(`${server.url}/ok?x=1`, { headers: { 'x-request-id': 'req-answered' } });
    expect(res.status).toBe(200);
    const line = await untilLogged('req-answered');
    expect(line).toMatchObject({ level: 30, req: { method: 'GET', path: '/ok' }, res: { status: 200 } });
    expect(line.msg).toBe('GET /ok 200');
    expect(typeof line.latencyMs).toBe('number');
    expect(line).not.toHaveProperty('aborted');
    expect(lines.filter((l) => l.requestId === 'req-answered' && l.req)).toHaveLength(1);
  });

  it('when the client gives up before the answer, then the line says aborted', async () => {
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const request = http.get(`${server.url}/never`, { headers: { 'x-request-id': 'req-gave-up' } });
    request.on('error', () => {});
    await arrival;
    request.destroy();
    const line = await untilLogged('req-gave-up');
    expect(line).toMatchObject({ aborted: true, req: { method: 'GET', path: '/never' } });
  });

  it('when the path is a quiet one, then no line is written', async () => {
    await fetch(`${server.url}/quiet`, { headers: { 'x-request-id': 'req-quiet' } });
    await fetch(`${server.url}/ok`, { headers: { 'x-request-id': 'req-after-quiet' } });
    await untilLogged('req-after-quiet');
    expect(lineOf('req-quiet')).toBeUndefined();
  });
});
