import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  adjustMerchantBalance,
  createApiKey,
  createDirectory,
  createMerchantAsAdmin,
  createPayout,
  createScenarioCatalog,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  loginWithPassword,
  redeliverWebhookDeliveryAsAdmin,
  revokeApiKey,
  setMerchantStatus,
  updateWebhookEndpoint,
} from '@mypay/core';
import type { Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../services/payout-api/src/app.ts';
import { parsePayoutApiConfig } from '../../services/payout-api/src/config.ts';
import { auditRows, createTestAdmin, createTestMerchant, openTestDb, suffix, testDatabaseUrl } from './support.ts';

/**
 * The audit trail: each listed action leaves a row naming the right actor and
 * target. Actions owned by other modules (login, keys, endpoints, the Payout API) are driven
 * through their own entry points; this file only reads the trail.
 */
let db: Db;
let api: Server;
let apiUrl: string;

beforeAll(async () => {
  db = openTestDb();
  const config = parsePayoutApiConfig({ NODE_ENV: 'test', DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent' });
  const app = buildApp(config, { db });
  api = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  await new Promise((resolve) => api?.close(resolve));
  await db?.close();
});

const ctx = { ip: '198.51.100.9', userAgent: 'audit-trail-test', requestId: 'req-audit-trail' };

describe('audit trail: who did what to what', () => {
  it('when an admin logs in, then login.succeeded names the admin as actor and target, with IP and user agent', async () => {
    const admin = await createTestAdmin(db);
    const result = await loginWithPassword(db, {
      realm: 'ADMIN',
      email: admin.email,
      password: admin.password,
      context: ctx,
    });
    expect(result.ok).toBe(true);
    const [row] = await auditRows(db, "actorId = ? AND action = 'login.succeeded'", [admin.id]);
    expect(row).toMatchObject({
      actorType: 'ADMIN',
      targetType: 'admin_user',
      targetId: admin.id,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      requestId: ctx.requestId,
    });
  });

  it('when a merchant logs in and fails, then login.succeeded and login.failed name the merchant', async () => {
    const m = await createTestMerchant(db);
    await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: 'wrong-password', context: ctx });
    await loginWithPassword(db, { realm: 'MERCHANT', email: m.email, password: m.password, context: ctx });
    const rows = await auditRows(db, "actorId = ? AND action LIKE 'login.%'", [m.id]);
    expect(rows.map((r) => [r.action, r.actorType, r.targetId, r.merchantId])).toEqual([
      ['login.failed', 'MERCHANT', m.id, m.id],
      ['login.succeeded', 'MERCHANT', m.id, m.id],
    ]);
    expect(rows[0]?.after).toMatchObject({ reason: 'WRONG_PASSWORD' });
  });

  it('when an admin account fails 5 times, then login.locked_out is recorded and the right password is refused', async () => {
    const admin = await createTestAdmin(db);
    for (let i = 0; i < 5; i++) {
      await loginWithPassword(db, { realm: 'ADMIN', email: admin.email, password: `nope-${i}`, context: ctx });
    }
    const locked = await loginWithPassword(db, {
      realm: 'ADMIN',
      email: admin.email,
      password: admin.password,
      context: ctx,
    });
    expect(locked).toMatchObject({ ok: false, reason: 'LOCKED' });
    const rows = await auditRows(db, 'actorId = ? AND action = ?', [admin.id, 'login.locked_out']);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorType: 'ADMIN', targetType: 'admin_user', targetId: admin.id });
  });

  it('when an admin creates a merchant, then merchant.created and api_key.created name the admin and the new objects', async () => {
    const admin = await createTestAdmin(db);
    const created = await createMerchantAsAdmin(
      db,
      {
        name: 'Audit Co',
        email: `audit-co-${suffix()}@example.test`,
        password: 'long-enough-pw',
        openingBalance: 5_000,
      },
      admin.actor,
    );
    const rows = await auditRows(db, 'merchantId = ?', [created.merchantId]);
    expect(rows.map((r) => [r.action, r.actorType, r.actorId, r.targetType, r.targetId])).toEqual([
      ['merchant.created', 'ADMIN', admin.id, 'merchant', created.merchantId],
      ['api_key.created', 'ADMIN', admin.id, 'api_key', created.payoutKey.id],
    ]);
    expect(rows.every((r) => r.ip === admin.actor.ip && r.requestId === admin.actor.requestId)).toBe(true);
    // The key itself is never in the trail.
    expect(JSON.stringify(rows)).not.toContain(created.payoutKey.key);
  });

  it('when a key is created and revoked, then api_key.created and api_key.revoked name the actor and the key', async () => {
    const m = await createTestMerchant(db);
    const admin = await createTestAdmin(db);
    const key = await createApiKey(db, {
      merchantId: m.id,
      name: 'k',
      scope: 'payout',
      actor: { actorType: 'MERCHANT', actorId: m.id },
      context: ctx,
    });
    await revokeApiKey(db, {
      merchantId: m.id,
      keyId: key.id,
      actor: { actorType: 'ADMIN', actorId: admin.id },
      context: ctx,
    });
    const rows = await auditRows(db, 'targetId = ?', [key.id]);
    expect(rows.map((r) => [r.action, r.actorType, r.actorId, r.merchantId])).toEqual([
      ['api_key.created', 'MERCHANT', m.id, m.id],
      ['api_key.revoked', 'ADMIN', admin.id, m.id],
    ]);
    expect(rows[1]?.before).toMatchObject({ revokedAt: null });
  });

  it('when webhook endpoints change in the portal use-cases, then created/updated/deleted name the actor and endpoint', async () => {
    const m = await createTestMerchant(db);
    const audit = { actorType: 'MERCHANT' as const, actorId: m.id, ...ctx };
    const policy = { allowPrivateTargets: true };
    const ep = await createWebhookEndpoint(db, { merchantId: m.id, url: 'http://127.0.0.1:9/hook' }, policy, audit);
    await updateWebhookEndpoint(db, m.id, ep.id, { enabled: false }, policy, audit);
    await deleteWebhookEndpoint(db, m.id, ep.id, audit);
    const rows = await auditRows(db, 'targetId = ?', [ep.id]);
    expect(rows.map((r) => [r.action, r.actorType, r.actorId, r.merchantId])).toEqual([
      ['webhook_endpoint.created', 'MERCHANT', m.id, m.id],
      ['webhook_endpoint.updated', 'MERCHANT', m.id, m.id],
      ['webhook_endpoint.deleted', 'MERCHANT', m.id, m.id],
    ]);
    expect(JSON.stringify(rows)).not.toContain('whsec_');
  });

  it('when endpoints change through the Payout API, then the trail names the API key', async () => {
    const m = await createTestMerchant(db);
    const key = await createApiKey(db, {
      merchantId: m.id,
      name: 'api',
      scope: 'payout',
      actor: { actorType: 'MERCHANT', actorId: m.id },
    });
    const headers = { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' };
    const created = await fetch(`${apiUrl}/webhook-endpoints`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hook' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await fetch(`${apiUrl}/webhook-endpoints/${id}`, { method: 'DELETE', headers })).status).toBe(200);
    const rows = await auditRows(db, 'targetId = ?', [id]);
    expect(rows.map((r) => [r.action, r.actorType, r.actorId, r.merchantId])).toEqual([
      ['webhook_endpoint.created', 'API_KEY', key.id, m.id],
      ['webhook_endpoint.deleted', 'API_KEY', key.id, m.id],
    ]);
  });

  it('when an admin adjusts a balance, then balance.adjusted has the admin, the merchant and before/after', async () => {
    const m = await createTestMerchant(db, 10_000);
    const admin = await createTestAdmin(db);
    const result = await adjustMerchantBalance(
      db,
      { merchantId: m.id, amount: -2_500, reason: 'chargeback fee' },
      admin.actor,
    );
    const [row] = await auditRows(db, "merchantId = ? AND action = 'balance.adjusted'", [m.id]);
    expect(row).toMatchObject({
      actorType: 'ADMIN',
      actorId: admin.id,
      targetType: 'merchant_balance',
      targetId: m.id,
      ip: admin.actor.ip,
      userAgent: admin.actor.userAgent,
      requestId: admin.actor.requestId,
      before: { available: 10_000, version: result.before.version },
      after: { available: 7_500, amount: -2_500, reason: 'chargeback fee', ledgerEntryId: result.ledgerEntryId },
    });
  });

  it('when an admin suspends and reactivates a merchant, then both status changes are recorded with before/after', async () => {
    const m = await createTestMerchant(db);
    const admin = await createTestAdmin(db);
    await setMerchantStatus(db, { merchantId: m.id, status: 'SUSPENDED', reason: 'fraud review' }, admin.actor);
    // Same status again: nothing changes, nothing is recorded.
    await setMerchantStatus(db, { merchantId: m.id, status: 'SUSPENDED' }, admin.actor);
    await setMerchantStatus(db, { merchantId: m.id, status: 'ACTIVE' }, admin.actor);
    const rows = await auditRows(db, "targetId = ? AND action LIKE 'merchant.%'", [m.id]);
    expect(rows.map((r) => [r.action, r.actorId, r.before, r.after])).toEqual([
      ['merchant.suspended', admin.id, { status: 'ACTIVE' }, { status: 'SUSPENDED', reason: 'fraud review' }],
      ['merchant.reactivated', admin.id, { status: 'SUSPENDED' }, { status: 'ACTIVE' }],
    ]);
  });

  it('when a suspended merchant tries to log in, then it is refused and login.failed says SUSPENDED', async () => {
    const m = await createTestMerchant(db);
    const admin = await createTestAdmin(db);
    await setMerchantStatus(db, { merchantId: m.id, status: 'SUSPENDED' }, admin.actor);
    const result = await loginWithPassword(db, {
      realm: 'MERCHANT',
      email: m.email,
      password: m.password,
      context: ctx,
    });
    expect(result).toEqual({ ok: false, reason: 'SUSPENDED' });
    const rows = await auditRows(db, "actorId = ? AND action = 'login.failed'", [m.id]);
    expect(rows.at(-1)?.after).toMatchObject({ reason: 'SUSPENDED' });
  });

  it('when an admin redelivers a delivery, then webhook_event.redelivered names the admin and the event', async () => {
    const m = await createTestMerchant(db, 1_000_000);
    const admin = await createTestAdmin(db);
    const policy = { allowPrivateTargets: true };
    const audit = { actorType: 'MERCHANT' as const, actorId: m.id };
    await createWebhookEndpoint(db, { merchantId: m.id, url: 'http://127.0.0.1:9/hook' }, policy, audit);
    const deps = { db, scenarios: createScenarioCatalog(db, { delayScale: 0 }), directory: createDirectory(db) };
    await createPayout(deps, {
      merchantId: m.id,
      amount: 1_000,
      currency: 'PKR',
      reference: `ref-${suffix()}`,
      destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000001' },
    });
    const [delivery] = (await db.pool.query(
      'SELECT d.id, d.eventId FROM WebhookDelivery d JOIN WebhookEvent e ON e.id = d.eventId WHERE e.merchantId = ? LIMIT 1',
      [m.id],
    )) as { id: string; eventId: string }[];
    expect(delivery).toBeDefined();
    await redeliverWebhookDeliveryAsAdmin(db, delivery!.id, admin.actor);
    const rows = await auditRows(db, "merchantId = ? AND action = 'webhook_event.redelivered'", [m.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorType: 'ADMIN',
      actorId: admin.id,
      targetType: 'webhook_event',
      targetId: delivery!.eventId,
    });
  });

  it('when a payout transition is simulated through the Payout API, then payout.simulated names the key and the payout', async () => {
    const m = await createTestMerchant(db, 1_000_000);
    const key = await createApiKey(db, {
      merchantId: m.id,
      name: 'api',
      scope: 'payout',
      actor: { actorType: 'MERCHANT', actorId: m.id },
    });
    const headers = { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' };
    const created = await fetch(`${apiUrl}/payouts`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        amount: 1_000,
        currency: 'PKR',
        reference: `ref-${suffix()}`,
        // TIMEOUT stays PROCESSING for ~30 s at delay scale 1: time enough to force it.
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000006' },
      }),
    });
    expect(created.status).toBe(201);
    const payout = (await created.json()) as { id: string; status: string };
    const simulated = await fetch(`${apiUrl}/sandbox/payouts/${payout.id}/simulate`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ status: 'FAILED' }),
    });
    expect(simulated.status).toBe(200);
    const rows = await auditRows(db, "targetId = ? AND action = 'payout.simulated'", [payout.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorType: 'API_KEY', actorId: key.id, merchantId: m.id, targetType: 'payout' });
    expect(rows[0]!.after).toMatchObject({ status: 'FAILED' });
  });
});
