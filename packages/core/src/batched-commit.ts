import { commitWith, type PoolConnection } from '@mypay/db';
import { settleRefusal } from './idempotency/idempotent-request.ts';
import { balanceRefusal } from './ledger/change-balance.ts';

/**
 * For the create paths (withBatchedTransaction): sends COMMIT in the batch of the `writes` just
 * sent and awaits them all, in order (commitWith). What the database refuses there is thrown as
 * the API's error: a debit the balance does not cover (INSUFFICIENT_BALANCE), a settle by a
 * request a retry took over (IDEMPOTENCY_IN_PROGRESS). Every statement of a failed batch carries
 * the error of the one that failed, so whichever write is first tells; nothing was committed.
 */
export async function commitWithWrites(conn: PoolConnection, writes: Promise<unknown>[]): Promise<void> {
  try {
    await commitWith(conn, writes);
  } catch (error) {
    throw balanceRefusal(error) ?? settleRefusal(error) ?? error;
  }
}
