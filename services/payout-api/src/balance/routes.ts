import { getBalance } from '@mypay/core';
import { principalOf } from '@mypay/http';
import { z } from 'zod';
import { API_BASE, type RouteModule } from '../context.ts';

export const balanceSchema = z
  .object({
    currency: z.literal('PKR'),
    available: z
      .number()
      .int()
      .meta({ description: 'Spendable now, in paisa; negative when a refund took back more than was held' }),
    pending: z.number().int().meta({ description: 'Payouts in flight, in paisa' }),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Balance' });

export const balanceRoutes: RouteModule = (router, ctx) => {
  ctx.docs.add({
    method: 'get',
    path: `${API_BASE}/balance`,
    tags: ['Balance'],
    summary: "The merchant's balance",
    responses: { 200: { description: 'The balance', schema: balanceSchema } },
  });
  router.get('/balance', async (req, res) => {
    res.json(await getBalance(ctx.db, principalOf(req).merchantId));
  });
};
