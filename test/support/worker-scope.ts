import type { WorkerScope } from '@mypay/core';

/**
 * The merchants whose rows this test file's workers claim (payouts, payment transactions, refunds,
 * checkout expiry). Test files share one database and run side by side; a worker scoped to its
 * own file's merchants never moves another file's rows on, at its own delays, while that file
 * waits on them. Vitest gives every file its own module instances, so the list is per file.
 *
 * Both APIs' `createTestMerchant` add the merchant they make; a test that makes one another way
 * calls `claimRowsOf(merchantId)`. The workers read the list at every poll.
 */
const merchantIds: string[] = [];

export const fileWorkerScope: WorkerScope = { merchantIds };

export function claimRowsOf(...ids: string[]): void {
  merchantIds.push(...ids);
}
