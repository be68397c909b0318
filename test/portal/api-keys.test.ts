import { createApiKey, createMerchant, listApiKeys, randomHex, revokeApiKey, sha256Hex } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: Db;
beforeAll(() => {
  db = createDb(process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test', { connectionLimit: 4 });
});
afterAll(() => db.close());

const newMerchant = async () =>
  (
    await createMerchant(db, {
      name: 'Keys',
      email: `keys-${randomHex(6)}@example.test`,
      password: 'pw-123456',
      openingBalance: 0,
    })
  ).id;

describe('API keys from the portals', () => {
  it('when a key is created, then only its hash and prefix are stored, it is listed and the creation is audited', async () => {
    const merchantId = await newMerchant();
    const actor = { actorType: 'MERCHANT' as const, actorId: merchantId };
    const created = await createApiKey(db, {
      merchantId,
      name: 'ci',
      scope: 'payout',
      actor,
      context: { ip: '198.51.100.1' },
    });
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.hash).toBe(sha256Hex(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    expect((await listApiKeys(db, merchantId)).map((k) => k.prefix)).toEqual([created.prefix]);
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { merchantId, action: 'api_key.created' } });
    expect(audit).toMatchObject({ actorId: merchantId, targetId: created.id, ip: '198.51.100.1' });
    expect(JSON.stringify(audit.after)).not.toContain(created.key);
  });

  it("when a merchant revokes another merchant's key, then it is not found and the key keeps working", async () => {
    const owner = await newMerchant();
    const other = await newMerchant();
    const key = await createApiKey(db, {
      merchantId: owner,
      name: 'k',
      scope: 'all',
      actor: { actorType: 'MERCHANT', actorId: owner },
    });
    await expect(
      revokeApiKey(db, { merchantId: other, keyId: key.id, actor: { actorType: 'MERCHANT', actorId: other } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();
  });

  it('when a key is revoked, then it is marked and the revocation is audited once', async () => {
    const merchantId = await newMerchant();
    const actor = { actorType: 'MERCHANT' as const, actorId: merchantId };
    const key = await createApiKey(db, { merchantId, name: 'k', scope: 'payment', actor });
    const first = await revokeApiKey(db, { merchantId, keyId: key.id, actor });
    const again = await revokeApiKey(db, { merchantId, keyId: key.id, actor });
    expect(first.revokedAt).toBeInstanceOf(Date);
    expect(again.revokedAt?.getTime()).toBe(first.revokedAt?.getTime());
    expect(await db.prisma.auditLog.count({ where: { merchantId, action: 'api_key.revoked' } })).toBe(1);
  });

  it('when the name is empty, then it is a validation error', async () => {
    const merchantId = await newMerchant();
    await expect(
      createApiKey(db, {
        merchantId,
        name: '  ',
        scope: 'payout',
        actor: { actorType: 'MERCHANT', actorId: merchantId },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});
