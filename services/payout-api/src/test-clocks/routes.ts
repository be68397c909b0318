import {
  advanceTestClockBody,
  createTestClockBody,
  deletedTestClock,
  emptyQuery,
  idParams,
  listTestClocksQuery,
  testClockList,
  testClockSchema,
} from '@mypay/contracts';
import { advanceTestClock, createTestClock, deleteTestClock, getTestClockOrThrow, listTestClocks } from '@mypay/core';
import { idempotencyOf, parseBody, parseParams, parseQuery, principalOf } from '@mypay/http';
import type { RouteModule } from '../context.ts';
import { API_BASE } from '../context.ts';

const tags: [string] = ['Test clocks'];

export const testClockRoutes: RouteModule = (router, ctx) => {
  const advanceDeps = {
    db: ctx.db,
    scenarios: ctx.scenarios,
    checkoutPublicUrl: ctx.config.checkoutPublicUrl,
    maxAdvanceMs: ctx.config.testClockMaxAdvanceMs,
  };

  ctx.docs.add({
    operationId: 'createTestClock',
    method: 'post',
    path: `${API_BASE}/test-clocks`,
    tags,
    summary: 'Create a test clock',
    description:
      'A clock of your own, frozen at `frozenTime` (default now). Bind payouts (`POST /payouts`) and checkouts (`POST /api/checkout/create`) to it with `testClock`; they then move only when you advance it.',
    idempotent: true,
    body: createTestClockBody,
    bodyRequired: false,
    responses: { 201: { description: 'The clock', schema: testClockSchema } },
  });
  router.post('/test-clocks', ctx.idempotent, async (req, res) => {
    const body = parseBody(createTestClockBody, req.body ?? {});
    const clock = await createTestClock(
      ctx.db,
      {
        merchantId: principalOf(req).merchantId,
        name: body.name,
        frozenTime: body.frozenTime ? new Date(body.frozenTime) : undefined,
      },
      { idempotency: idempotencyOf(req) },
    );
    res.status(201).json(clock);
  });

  ctx.docs.add({
    operationId: 'listTestClocks',
    method: 'get',
    path: `${API_BASE}/test-clocks`,
    tags,
    summary: 'List test clocks, newest first',
    query: listTestClocksQuery,
    responses: { 200: { description: 'A page of clocks', schema: testClockList } },
  });
  router.get('/test-clocks', async (req, res) => {
    const query = parseQuery(listTestClocksQuery, req.query);
    res.json(
      await listTestClocks(ctx.db, {
        merchantId: principalOf(req).merchantId,
        limit: query.limit,
        cursor: query.cursor,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      }),
    );
  });

  ctx.docs.add({
    operationId: 'getTestClock',
    method: 'get',
    path: `${API_BASE}/test-clocks/:id`,
    tags,
    summary: 'A test clock',
    params: idParams,
    query: emptyQuery,
    responses: { 200: { description: 'The clock', schema: testClockSchema } },
    errors: ['NOT_FOUND'],
  });
  router.get('/test-clocks/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    parseQuery(emptyQuery, req.query);
    res.json(await getTestClockOrThrow(ctx.db, principalOf(req).merchantId, id));
  });

  ctx.docs.add({
    operationId: 'deleteTestClock',
    method: 'delete',
    path: `${API_BASE}/test-clocks/:id`,
    tags,
    summary: 'Delete a test clock',
    description:
      'Its objects keep their state and stop moving: they stay bound to the deleted clock, so neither wall time nor any advance moves them again.',
    params: idParams,
    responses: { 200: { description: 'Deleted', schema: deletedTestClock } },
    errors: ['NOT_FOUND', 'TEST_CLOCK_ADVANCING'],
  });
  router.delete('/test-clocks/:id', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    res.json(await deleteTestClock(ctx.db, principalOf(req).merchantId, id));
  });

  ctx.docs.add({
    operationId: 'advanceTestClock',
    method: 'post',
    path: `${API_BASE}/test-clocks/:id/advance`,
    tags,
    summary: 'Move a test clock forward',
    description:
      'By `seconds`, or to `frozenTime` (later than the clock; going back is 400). Every transition of the bound objects that falls due up to the new time happens in time order, stamped with its due clock time, with its events; the answer comes once all of them are done, with the clock `ready` at its new time. Webhook deliveries whose retry time on the clock has passed are sent right after. One advance at a time per clock: 409 `TEST_CLOCK_ADVANCING` while one runs. At most `TEST_CLOCK_MAX_ADVANCE` (default 30 days) per call.',
    params: idParams,
    body: advanceTestClockBody,
    // Either field alone (the schema requires neither, the handler exactly one).
    bodyRequired: false,
    responses: { 200: { description: 'The clock at its new time', schema: testClockSchema } },
    errors: ['NOT_FOUND', 'TEST_CLOCK_ADVANCING', 'CONFLICT'],
  });
  router.post('/test-clocks/:id/advance', async (req, res) => {
    const { id } = parseParams(idParams, req.params);
    const body = parseBody(advanceTestClockBody, req.body ?? {});
    res.json(
      await advanceTestClock(advanceDeps, {
        merchantId: principalOf(req).merchantId,
        id,
        seconds: body.seconds,
        frozenTime: body.frozenTime ? new Date(body.frozenTime) : undefined,
      }),
    );
  });
};
