import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { createLogger } from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBaseApp, finishApp, handleTransportErrors, jsonBody, parseBody, parseQuery } from '../src/index.ts';

const logger = createLogger({ level: 'silent' });
const app = createBaseApp({ logger });
app.use(jsonBody());
app.get('/things/:id', (req, res) => {
  res.json({ id: req.params.id });
});
app.get('/list', (req, res) => {
  res.json(parseQuery(z.object({ limit: z.coerce.number().optional() }), req.query));
});
app.post('/echo', (req, res) => {
  res.json(parseBody(z.object({ a: z.number() }), req.body));
});
app.get('/teapot', () => {
  throw Object.assign(new Error('library error'), { status: 405 });
});
finishApp(app, logger);

let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer(app);
  handleTransportErrors(server, logger);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Sends raw bytes and returns what came back until the server closed the socket. */
async function raw(bytes: string | Buffer): Promise<{ status: number; headers: string; body: string }> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(bytes);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'close');
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head, body };
}

const expectErrorShape = (body: unknown, code: string) =>
  expect(body).toMatchObject({ error: { code, message: expect.any(String), requestId: expect.any(String) } });

describe('transport errors', () => {
  it('when a path has a malformed percent-escape, then 400 VALIDATION_ERROR with X-Request-Id', async () => {
    const res = await request(app).get('/things/%E0%A4%A');
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'VALIDATION_ERROR');
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  /** fetch, not supertest: superagent would JSON-encode a Buffer body sent as application/json. */
  const postEncoded = async (encoding: string, body: Buffer | string) => {
    const res = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding },
      body,
    });
    return { status: res.status, requestId: res.headers.get('x-request-id'), body: await res.json() };
  };

  it('when a gzip, br or deflate body is corrupt, then 400 INVALID_JSON with X-Request-Id', async () => {
    for (const encoding of ['gzip', 'br', 'deflate']) {
      const res = await postEncoded(encoding, Buffer.from('definitely not compressed data, not at all'));
      expect(res.status, encoding).toBe(400);
      expect(res.requestId).toBeTruthy();
      expectErrorShape(res.body, 'INVALID_JSON');
    }
  });

  it('when a gzip body is valid, then it is decoded; an unknown encoding is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const ok = await postEncoded('gzip', gzipSync('{"a":1}'));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ a: 1 });
    const unknown = await postEncoded('compress', '{"a":1}');
    expect(unknown.status).toBe(415);
    expectErrorShape(unknown.body, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('when a library throws an error with a status below 500, then that status is kept', async () => {
    const res = await request(app).get('/teapot');
    expect(res.status).toBe(405);
    expectErrorShape(res.body, 'METHOD_NOT_ALLOWED');
  });

  it('when a query carries an unknown parameter, then 400 VALIDATION_ERROR names it', async () => {
    const res = await request(app).get('/list?limit=2&lmit=3');
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'lmit' })]);
    expect((await request(app).get('/list?limit=2')).body).toEqual({ limit: 2 });
  });

  it('when the headers are too large, then 431 HEADERS_TOO_LARGE in the JSON shape with X-Request-Id', async () => {
    const res = await raw(`GET /list HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers).toMatch(/X-Request-Id: [0-9a-f-]{36}/);
    expectErrorShape(JSON.parse(res.body), 'HEADERS_TOO_LARGE');
  });

  it('when the request line is not HTTP, then 400 MALFORMED_REQUEST in the JSON shape', async () => {
    const res = await raw('NOT A REQUEST\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.headers).toMatch(/Content-Type: application\/json/);
    expectErrorShape(JSON.parse(res.body), 'MALFORMED_REQUEST');
  });

  it('when Expect is not 100-continue, then 417 EXPECTATION_FAILED in the JSON shape', async () => {
    const res = await raw('GET /list HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\n\r\n');
    expect(res.status).toBe(417);
    expect(res.headers).toMatch(/X-Request-Id: /i);
    expectErrorShape(JSON.parse(res.body), 'EXPECTATION_FAILED');
  });
});
