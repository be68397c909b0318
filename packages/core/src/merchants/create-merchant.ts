import { type Db, withSqlTransaction } from '@mypay/db';
import { hashPassword } from '../crypto.ts';
import { newId } from '../ids.ts';
import { changeBalance } from '../ledger/change-balance.ts';
import { insertMerchantWithBalance } from './merchant-repository.ts';

export interface CreateMerchantInput {
  name: string;
  email: string;
  password: string;
  /** Opening balance in paisa, written as an OPENING ledger entry. */
  openingBalance: number;
  id?: string;
}

/** Merchant, its balance row and its opening ledger entry, in one transaction. */
export async function createMerchant(db: Db, input: CreateMerchantInput): Promise<{ id: string }> {
  const id = input.id ?? newId('mer');
  const passwordHash = await hashPassword(input.password);
  await withSqlTransaction(db.pool, async (conn) => {
    await insertMerchantWithBalance(conn, { id, name: input.name, email: input.email.toLowerCase(), passwordHash });
    if (input.openingBalance > 0) {
      await changeBalance(conn, {
        merchantId: id,
        type: 'OPENING',
        amount: input.openingBalance,
        description: 'Opening balance',
      });
    }
  });
  return { id };
}
