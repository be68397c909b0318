import { verifyAccount } from '@mypay/core';
import { parseBody } from '@mypay/http';
import { z } from 'zod';
import { API_BASE, type RouteModule } from '../context.ts';
import { accountNumber, destinationType } from '../payouts/schemas.ts';

export const bankSchema = z
  .object({ code: z.string().meta({ example: 'HBL' }), name: z.string(), ibanPrefix: z.string().nullable() })
  .meta({ id: 'Bank' });
export const walletSchema = z
  .object({ code: z.string().meta({ example: 'JAZZCASH' }), name: z.string() })
  .meta({ id: 'Wallet' });

export const verifyAccountBody = z
  .object({ type: destinationType, provider: z.string().min(1).max(32), accountNumber })
  .meta({ id: 'VerifyAccount' });
export const verifyAccountResult = z
  .object({
    valid: z.boolean(),
    accountTitle: z.string().optional(),
    status: z.enum(['ACTIVE', 'BLOCKED', 'NOT_FOUND']),
  })
  .meta({ id: 'VerifyAccountResult' });

export const directoryRoutes: RouteModule = (router, ctx) => {
  ctx.docs.add({
    method: 'get',
    path: `${API_BASE}/directory/banks`,
    tags: ['Directory'],
    summary: 'Banks you can pay out to (`provider` codes for `type: "bank"`)',
    responses: { 200: { description: 'Banks', schema: z.object({ data: z.array(bankSchema) }) } },
  });
  router.get('/directory/banks', async (_req, res) => {
    res.json({ data: await ctx.directory.banks() });
  });

  ctx.docs.add({
    method: 'get',
    path: `${API_BASE}/directory/wallets`,
    tags: ['Directory'],
    summary: 'Mobile wallets you can pay out to (`provider` codes for `type: "wallet"`)',
    responses: { 200: { description: 'Wallets', schema: z.object({ data: z.array(walletSchema) }) } },
  });
  router.get('/directory/wallets', async (_req, res) => {
    res.json({ data: await ctx.directory.wallets() });
  });

  ctx.docs.add({
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
