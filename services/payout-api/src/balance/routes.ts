import { balanceSchema, emptyQuery } from '@mypay/contracts';
import { getBalance } from '@mypay/core';
import { parseQuery, principalOf } from '@mypay/http';
import { API_BASE, type RouteModule } from '../context.ts';

export const balanceRoutes: RouteModule = (router, ctx) => {
  ctx.docs.add({
    operationId: 'getBalance',
    method: 'get',
    path: `${API_BASE}/balance`,
    tags: ['Balance'],
    summary: "The merchant's balance",
    query: emptyQuery,
    responses: { 200: { description: 'The balance', schema: balanceSchema } },
  });
  router.get('/balance', async (req, res) => {
    parseQuery(emptyQuery, req.query);
    res.json(await getBalance(ctx.db, principalOf(req).merchantId));
  });
};
