import type { PoolConnection } from '@mypay/db';
import type { ScenarioRow } from './seed-data.ts';

/**
 * The reference data's reads: the seeded Bank, Wallet and Scenario tables. Plain SQL on the pool;
 * the callers (the directory, the scenario catalog) cache what they read, so these run once per
 * cache period, not per request. The rows' content is seed-data.ts's.
 */

type Runner = Pick<PoolConnection, 'query'>;

/** Every seeded bank, by code. */
export async function findBanks(runner: Runner): Promise<{ code: string; name: string; ibanCode: string | null }[]> {
  return (await runner.query('SELECT code, name, ibanCode FROM Bank ORDER BY code')) as {
    code: string;
    name: string;
    ibanCode: string | null;
  }[];
}

/** Every seeded wallet, by code. */
export async function findWallets(runner: Runner): Promise<{ code: string; name: string }[]> {
  return (await runner.query('SELECT code, name FROM Wallet ORDER BY code')) as { code: string; name: string }[];
}

/** Every scenario row, in scenario-number order (`number` and `delayMs` as the driver reads them). */
export async function findScenarioRows(runner: Runner): Promise<ScenarioRow[]> {
  return (await runner.query(
    'SELECT `key`, number, mobile, bankAccount, description, payoutOutcome, paymentOutcome, verifyOutcome, delayMs FROM Scenario ORDER BY number',
  )) as ScenarioRow[];
}
