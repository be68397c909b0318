import { emptyQuery, scenarioList } from '@mypay/contracts';
import { parseQuery } from '@mypay/http';
import { API_BASE, type RouteModule } from '../context.ts';

export const scenarioRoutes: RouteModule = (router, ctx) => {
  ctx.docs.add({
    operationId: 'listScenarios',
    method: 'get',
    path: `${API_BASE}/scenarios`,
    tags: ['Sandbox'],
    summary: 'The test account numbers and what each one does',
    description: 'The same table as docs/scenarios.md, with the delays of this deployment.',
    query: emptyQuery,
    responses: { 200: { description: 'Scenarios', schema: scenarioList } },
  });
  router.get('/scenarios', async (req, res) => {
    parseQuery(emptyQuery, req.query);
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
