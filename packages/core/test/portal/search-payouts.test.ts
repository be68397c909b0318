import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDirectory,
  createMerchant,
  createPayout,
  createScenarioCatalog,
  searchPayoutsByReference,
} from '../../src/index.ts';

let db: Db;
beforeAll(() => {
  db = createDb(process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test', { connectionLimit: 2 });
});
afterAll(async () => {
  await db?.close();
});

describe('portal payout search', () => {
  it('when references are exact identities, then the search box still finds them whatever the case', async () => {
    const { id: merchantId } = await createMerchant(db, {
      name: 'search test',
      email: `search-${randomUUID().slice(0, 12)}@example.test`,
      password: 'not-used-here',
      openingBalance: 100_000,
    });
    const deps = { db, scenarios: createScenarioCatalog(db, { delayScale: 1 }), directory: createDirectory(db) };
    for (const reference of ['INV-1001', 'inv-1002', 'Other-1']) {
      await createPayout(deps, {
        merchantId,
        amount: 100,
        currency: 'PKR',
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
        reference,
      });
    }
    const found = await searchPayoutsByReference(db, merchantId, 'inv');
    expect(found.map((p) => p.reference).sort()).toEqual(['INV-1001', 'inv-1002']);
  });
});
