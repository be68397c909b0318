import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { EVENT_TYPES, WALLET_CODES } from '@mypay/contracts';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as payment from '../../services/payment-api/test/support.ts';
import * as payout from '../../services/payout-api/test/support.ts';
import { contractChecker, exampleProblems, type OpenApiDocument, patternProblems } from '../support/contract.ts';

/**
 * The OpenAPI documents as tools nobody here wrote read them: swagger-parser validates, Redocly
 * lints (recommended ruleset), ajv compiles every pattern and checks every example. Each check is
 * also shown to fail on a document broken the way these documents once were.
 */

const run = promisify(execFile);
const REDOCLY = fileURLToPath(new URL('../node_modules/.bin/redocly', import.meta.url));
// Offline and quiet: no telemetry, no update check (redocly.yaml also says telemetry: off).
const REDOCLY_ENV = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  DO_NOT_TRACK: '1',
  CI: 'true',
};

type Json = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

let payoutApi: payout.TestApi;
let paymentApi: payment.TestApi;
let docs: { name: string; doc: OpenApiDocument }[];
let dir: string;

const operationsOf = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ path, method, op: item[method] as Json })),
  );
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** `redocly lint` on one file; its JSON report's errors. */
async function redoclyLint(file: string): Promise<{ errors: number; problems: string[] }> {
  const result = await run(REDOCLY, ['lint', file, '--extends=recommended', '--format=json'], {
    env: REDOCLY_ENV,
    maxBuffer: 20 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
    totals: { errors: number };
    problems: { ruleId: string; severity: string; message: string }[];
  };
  return {
    errors: report.totals.errors,
    problems: report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`),
  };
}

beforeAll(async () => {
  payoutApi = payout.startTestApi({ worker: false, env: { PUBLIC_PAYOUT_API_URL: 'https://sandbox.example.test' } });
  paymentApi = payment.startTestApi({ workers: false });
  docs = [
    { name: 'payout-api', doc: (await request(payoutApi.app).get('/api/v1/openapi.json')).body },
    { name: 'payment-api', doc: (await request(paymentApi.app).get('/api/checkout/openapi.json')).body },
  ];
  dir = await mkdtemp(join(tmpdir(), 'mypay-openapi-'));
  for (const { name, doc } of docs) await writeFile(join(dir, `${name}.json`), JSON.stringify(doc));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await payoutApi.close();
  await paymentApi.close();
});

describe('OpenAPI documents', () => {
  it('when swagger-parser validates them, then both are valid OpenAPI 3.1', async () => {
    for (const { name, doc } of docs) {
      await expect(SwaggerParser.validate(clone(doc) as never), name).resolves.toBeTruthy();
    }
    const broken = clone(docs[0]!.doc);
    (broken.paths['/api/v1/payouts']!.post as Json).responses = 'none';
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it('when Redocly lints them with the recommended ruleset, then there are no errors (and a broken one has some)', async () => {
    for (const { name } of docs) {
      const result = await redoclyLint(join(dir, `${name}.json`));
      expect(result.problems, name).toEqual([]);
      expect(result.errors, name).toBe(0);
    }

    const broken = clone(docs[1]!.doc);
    const [first, second] = operationsOf(broken);
    second!.op.operationId = first!.op.operationId;
    (first!.op.responses as Json)['201'] = { content: {} };
    await writeFile(join(dir, 'broken.json'), JSON.stringify(broken));
    expect((await redoclyLint(join(dir, 'broken.json'))).errors).toBeGreaterThan(0);
  });

  it('when every pattern is compiled as a JavaScript u regex, then all compile and none carries leaked /flags', () => {
    for (const { name, doc } of docs) expect(patternProblems(doc), name).toEqual([]);
    const orderId = (docs[1]!.doc.components as { schemas: Record<string, Json> }).schemas.CreateCheckout!
      .properties as Record<string, Json>;
    expect(orderId.orderId!.pattern).toBe('^[^\\p{Cc}]+$');
    const leaked = { components: { schemas: { X: { type: 'string', pattern: '^[^\\p{Cc}]+$/u' } } } };
    expect(patternProblems(leaked)).toEqual([expect.stringContaining('leaked /flags')]);
  });

  it('when every example is validated against its schema (ajv, draft 2020-12), then all are valid, and a wrong one is caught', () => {
    for (const { name, doc } of docs) expect(exampleProblems(doc), name).toEqual([]);
    const broken = clone(docs[1]!.doc);
    const schemas = (broken.components as { schemas: Record<string, Json> }).schemas;
    (schemas.CreateCheckout!.properties as Record<string, Json>).orderId!.pattern = '^[^\\p{Cc}]+$/u';
    expect(exampleProblems(broken).some((problem) => problem.includes('CreateCheckout'))).toBe(true);
  });

  it('when read as a generator would, then every operation has a unique operationId and a tag, errors up to 500 and declared headers', () => {
    for (const { name, doc } of docs) {
      const operations = operationsOf(doc);
      const ids = operations.map(({ op }) => op.operationId);
      expect(new Set(ids).size, name).toBe(ids.length);
      for (const { path, method, op } of operations) {
        const where = `${name} ${method} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z0-9]+$/);
        expect((op.tags as string[]).length, where).toBeGreaterThan(0);
        const responses = op.responses as Record<string, Json>;
        expect(responses['500'], where).toBeDefined();
        expect(responses.default, where).toBeDefined();
        for (const response of Object.values(responses)) {
          expect(Object.keys((response.headers as Json) ?? {}), where).toContain('X-Request-Id');
        }
        const body = op.requestBody as { required: boolean; content: Record<string, { schema: Json }> } | undefined;
        if (body) {
          expect(responses['415'], `${where}: 415 documented`).toBeDefined();
          const ref = String(body.content['application/json']!.schema.$ref).split('/').pop()!;
          const schema = (doc.components as { schemas: Record<string, Json> }).schemas[ref]!;
          expect((schema.examples as unknown[] | undefined)?.length, `${where}: request examples`).toBeGreaterThan(0);
          // A body whose every field is optional is optional itself.
          if (!(schema.required as string[] | undefined)?.length) expect(body.required, where).toBe(false);
        }
        if (op.security && (op.security as unknown[]).length > 0) {
          expect(responses['429']?.headers, where).toHaveProperty('Retry-After');
        }
        if (op['x-error-codes'] === undefined && responses['200']?.headers) {
          expect(responses['200'].headers, where).toHaveProperty('X-Request-Id');
        }
      }
    }
  });

  it('when the Payout API runs with PUBLIC_PAYOUT_API_URL, then that is its server; the Payment API names PUBLIC_SANDBOX_URL', () => {
    expect(docs[0]!.doc.servers).toEqual([{ url: 'https://sandbox.example.test' }]);
    expect(docs[1]!.doc.servers).toEqual([{ url: paymentApi.config.publicUrl }]);
    const fallback = payout.testConfig({ PUBLIC_SANDBOX_URL: 'https://sandbox.other.test' });
    expect(fallback.publicUrl).toBe('https://sandbox.other.test');
    expect(payout.testConfig().publicUrl).toBe('http://127.0.0.1:4001');
  });

  it('when a payout or payment names its provider, then the document lists the seeded codes; redeliver and webhooks/test need no body', () => {
    const schemas = (docs[0]!.doc.components as { schemas: Record<string, Json> }).schemas;
    expect(schemas.ProviderCode!.enum).toEqual(expect.arrayContaining(['JAZZCASH', 'HBL', 'MEEZAN']));
    const paymentSchemas = (docs[1]!.doc.components as { schemas: Record<string, Json> }).schemas;
    expect(paymentSchemas.WalletCode!.enum).toEqual([...WALLET_CODES]);
    const redeliver = docs[0]!.doc.paths['/api/v1/events/{id}/redeliver']!.post as {
      requestBody: { required: boolean };
    };
    expect(redeliver.requestBody.required).toBe(false);
    const sendTest = docs[1]!.doc.paths['/webhooks/test']!.post as { requestBody: { required: boolean } };
    expect(sendTest.requestBody.required).toBe(false);
  });

  it('when the webhooks section is read, then every event type is described with its payload and sequence', () => {
    for (const { name, doc } of docs) {
      const webhooks = doc.webhooks as Record<
        string,
        { post: { requestBody: { content: Record<string, { schema: Json }> } } }
      >;
      expect(Object.keys(webhooks).sort(), name).toEqual([...EVENT_TYPES].sort());
      const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;
      for (const type of EVENT_TYPES) {
        const ref = String(webhooks[type]!.post.requestBody.content['application/json']!.schema.$ref).split('/').pop()!;
        const event = schemas[ref]!;
        expect(event.required, `${name} ${type}`).toEqual(
          expect.arrayContaining(['id', 'type', 'createdAt', 'sequence', 'data']),
        );
        expect((event.properties as Record<string, Json>).type).toMatchObject({ enum: [type] });
      }
    }
  });

  it('when a response has a field, status or error code the document does not name, then the response check reports it', () => {
    const checker = contractChecker(docs[0]!.doc);
    const headers = { 'x-request-id': 'r1' };
    const balance = { currency: 'PKR', available: 1, pending: 0, updatedAt: '2026-12-01T00:00:00.000Z' };
    const ok = { method: 'GET', path: '/api/v1/balance', status: 200, headers, contentType: 'application/json' };
    expect(checker.checkResponse({ ...ok, body: balance }), 'a valid balance').toEqual([]);
    expect(checker.checkResponse({ ...ok, body: { ...balance, secret: 'x' } })).toEqual([
      expect.objectContaining({ problem: expect.stringContaining('secret: a field the document does not name') }),
    ]);
    expect(checker.checkResponse({ ...ok, status: 418, body: balance })[0]?.problem).toMatch(/not documented/);
    const create = { method: 'POST', path: '/api/v1/payouts', headers, contentType: 'application/json' };
    const error = (code: string) => ({ error: { code, message: 'x', requestId: 'r1' } });
    expect(checker.checkResponse({ ...create, status: 422, body: error('INSUFFICIENT_BALANCE') })).toEqual([]);
    expect(checker.checkResponse({ ...create, status: 422, body: error('INVALID_STATE') })[0]?.problem).toMatch(
      /error code INVALID_STATE is not documented for 422/,
    );
    expect(checker.checkResponse({ ...ok, status: 404, body: error('NOT_FOUND') })[0]?.problem).toMatch(
      /status 404 is not documented/,
    );
    expect(checker.checkResponse({ ...ok, headers: {}, body: balance })[0]?.problem).toMatch(/X-Request-Id/);
  });

  it('when any authenticated GET gets a query parameter it does not know, then 400 VALIDATION_ERROR names it', async () => {
    const apis = [
      { doc: docs[0]!.doc, api: payoutApi, key: (await payout.createTestMerchant(payoutApi.db)).key },
      { doc: docs[1]!.doc, api: paymentApi, key: (await payment.createTestMerchant(paymentApi.db)).key },
    ];
    let checked = 0;
    for (const { doc, api, key } of apis) {
      for (const { path, method, op } of operationsOf(doc)) {
        if (method !== 'get' || (op.security as unknown[]).length === 0) continue;
        const url = `${path.replace(/\{[^}]+\}/g, 'x_1')}?bogus=1`;
        const res = await request(api.app).get(url).set('Authorization', `Bearer ${key}`);
        expect(res.status, url).toBe(400);
        expect(res.body.error.code, url).toBe('VALIDATION_ERROR');
        expect(res.body.error.details, url).toEqual([expect.objectContaining({ field: 'bogus' })]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(13);
  });
});
