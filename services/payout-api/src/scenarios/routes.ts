import { z } from 'zod';
import { API_BASE, type RouteModule } from '../context.ts';

export const scenarioSchema = z
  .object({
    number: z.number().int(),
    key: z.string().meta({ example: 'ASYNC_SUCCESS' }),
    mobile: z.string().meta({ description: 'Wallet number that triggers it', example: '03000000002' }),
    bankAccount: z.string().meta({ description: 'Bank account number that triggers it', example: '0000000002' }),
    description: z.string(),
    payoutOutcome: z.string(),
    paymentOutcome: z.string(),
    verifyOutcome: z.string(),
    delayMs: z.number().int().meta({ description: 'Delay of the async step in this deployment (scaled)' }),
  })
  .meta({ id: 'Scenario' });

export const scenarioRoutes: RouteModule = (router, ctx) => {
  ctx.docs.add({
    method: 'get',
    path: `${API_BASE}/scenarios`,
    tags: ['Sandbox'],
    summary: 'The test account numbers and what each one does',
    responses: { 200: { description: 'Scenarios', schema: z.object({ data: z.array(scenarioSchema) }) } },
  });
  router.get('/scenarios', async (_req, res) => {
    const rows = await ctx.scenarios.list();
    res.json({
      data: rows.map((row) => ({
        number: row.number,
        key: row.key,
        mobile: row.mobile,
        bankAccount: row.bankAccount,
        description: row.description,
        payoutOutcome: row.payoutOutcome,
        paymentOutcome: row.paymentOutcome,
        verifyOutcome: row.verifyOutcome,
        delayMs: Math.round(row.delayMs * ctx.config.scenarioDelayScale),
      })),
    });
  });
};
