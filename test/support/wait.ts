/**
 * Waiting in tests, one way: poll a condition, never sleep-then-assert. Every test file and
 * test support module imports these (services, packages, apps, test/).
 */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until `done(value)` holds and returns that value; after `timeoutMs` returns the
 * last value, so the assertion that follows fails showing it.
 */
export async function waitFor<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean = Boolean,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await pause(everyMs);
  }
}

/**
 * Polls `probe` until it returns a truthy value and returns that; throws
 * `timed out waiting for <what>` after `timeoutMs`.
 */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  {
    timeoutMs = 10_000,
    intervalMs = 20,
    what = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(intervalMs);
  }
}

/** A worker that counts its finished polls (`DueRowWorker`, `DeliveryWorker`). */
interface Polling {
  polls(): number;
}

/**
 * Until every worker has finished `count` more polls. Two guarantee that one whole poll of each
 * began after the call (the one in flight may have read before it): then "the worker did nothing
 * (more)" can be asserted, without sleeping and hoping it ran.
 */
export async function afterPolls(workers: readonly Polling[], count = 2, timeoutMs = 10_000): Promise<void> {
  if (workers.length === 0) throw new Error('no workers to wait on');
  const targets = workers.map((worker) => worker.polls() + count);
  await waitUntil(() => workers.every((worker, i) => worker.polls() >= targets[i]!), {
    timeoutMs,
    what: `the workers to finish ${count} more polls`,
  });
}

interface Queryable {
  query(sql: string, values?: unknown): Promise<unknown>;
}

/** The sum of a merchant's ledger entries (what its balance must equal). */
export async function ledgerSum(db: { pool: Queryable }, merchantId: string): Promise<number> {
  const rows = (await db.pool.query('SELECT COALESCE(SUM(amount), 0) AS total FROM LedgerEntry WHERE merchantId = ?', [
    merchantId,
  ])) as { total: unknown }[];
  return Number(rows[0]?.total ?? 0);
}
