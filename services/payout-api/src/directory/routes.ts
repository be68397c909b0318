import { bankList, emptyQuery, verifyAccountBody, verifyAccountResult, walletList } from '@mypay/contracts';
import { verifyAccount } from '@mypay/core';
import { parseBody, parseQuery } from '@mypay/http';
import { API_BASE, type RouteModule } from '../context.ts';

export const directoryRoutes: RouteModule = (router, ctx) => {
  ctx.docs.add({
    operationId: 'listBanks',
    method: 'get',
    path: `${API_BASE}/directory/banks`,
    tags: ['Directory'],
    summary: 'Banks you can pay out to (`provider` codes for `type: "bank"`)',
    query: emptyQuery,
    responses: { 200: { description: 'Banks', schema: bankList } },
  });
  router.get('/directory/banks', async (req, res) => {
    parseQuery(emptyQuery, req.query);
    res.json({ data: await ctx.directory.banks() });
  });

  ctx.docs.add({
    operationId: 'listWallets',
    method: 'get',
    path: `${API_BASE}/directory/wallets`,
    tags: ['Directory'],
    summary: 'Mobile wallets you can pay out to (`provider` codes for `type: "wallet"`)',
    query: emptyQuery,
    responses: { 200: { description: 'Wallets', schema: walletList } },
  });
  router.get('/directory/wallets', async (req, res) => {
    parseQuery(emptyQuery, req.query);
    res.json({ data: await ctx.directory.wallets() });
  });

  ctx.docs.add({
    operationId: 'verifyAccount',
    method: 'post',
    path: `${API_BASE}/verify-account`,
    tags: ['Directory'],
    summary: 'Check a destination account before paying out (outcome by scenario)',
    body: verifyAccountBody,
    responses: { 200: { description: 'The account check', schema: verifyAccountResult } },
    errors: ['PROVIDER_UNAVAILABLE'],
  });
  router.post('/verify-account', async (req, res) => {
    const body = parseBody(verifyAccountBody, req.body);
    res.json(await verifyAccount(ctx, body));
  });
};
