import {
  emptyQuery,
  listRequestLogsQuery,
  requestIdParams,
  requestLogDetailSchema,
  requestLogList,
} from '@mypay/contracts';
import { getRequestLogOrThrow, listRequestLogs } from '@mypay/core';
import type { Db } from '@mypay/db';
import type { Router } from 'express';
import { principalOf } from './auth.ts';
import type { ApiDocument } from './openapi.ts';
import { parseParams, parseQuery } from './validation.ts';

/**
 * The request log's read routes. Both APIs serve the same log with their own key scopes: the
 * Payout API under `/api/v1` (`docsBase`), the Payment API at its root.
 */
export const requestLogRoutes =
  (docsBase: string) =>
  (router: Router, ctx: { db: Db; docs: ApiDocument }): void => {
    ctx.docs.add({
      operationId: 'listRequestLogs',
      method: 'get',
      path: `${docsBase}/request-logs`,
      tags: ['Request logs'],
      summary: 'List logged requests of both APIs, newest first',
      description:
        'Filters: `status` (`422` or `4xx`), `method`, `path` (prefix), `objectId`, `idempotencyKey`, `from`/`to`. Unknown parameters are 400 `VALIDATION_ERROR`.',
      query: listRequestLogsQuery,
      responses: { 200: { description: 'A page of logged requests', schema: requestLogList } },
    });
    router.get('/request-logs', async (req, res) => {
      const query = parseQuery(listRequestLogsQuery, req.query);
      res.json(
        await listRequestLogs(ctx.db, {
          ...query,
          merchantId: principalOf(req).merchantId,
          from: query.from ? new Date(query.from) : undefined,
          to: query.to ? new Date(query.to) : undefined,
        }),
      );
    });

    ctx.docs.add({
      operationId: 'getRequestLog',
      method: 'get',
      path: `${docsBase}/request-logs/:requestId`,
      tags: ['Request logs'],
      summary: 'One logged request with both bodies and the events it caused',
      params: requestIdParams,
      query: emptyQuery,
      responses: { 200: { description: 'The logged request', schema: requestLogDetailSchema } },
      errors: ['NOT_FOUND'],
    });
    router.get('/request-logs/:requestId', async (req, res) => {
      const { requestId } = parseParams(requestIdParams, req.params);
      parseQuery(emptyQuery, req.query);
      res.json(await getRequestLogOrThrow(ctx.db, principalOf(req).merchantId, requestId));
    });
  };
