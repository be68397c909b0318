import type { Db } from '@mypay/db';
import { AppError } from '../errors.ts';
import { findScenarioRows } from '../reference/reference-repository.ts';
import type { ScenarioKey, ScenarioRow } from '../reference/seed-data.ts';

export interface ScenarioCatalog {
  /** The seeded table, in scenario-number order. */
  list(): Promise<ScenarioRow[]>;
  /**
   * The scenario a number triggers; any other number is SUCCESS. `kind` says which column to match:
   * a bank account `03000000004` is no wallet scenario. Without it, either (older callers).
   */
  resolve(accountNumber: string, kind?: 'mobile' | 'bank'): Promise<ScenarioRow>;
  /** A scenario's base delay times SCENARIO_DELAY_SCALE, in ms. */
  delayOf(key: ScenarioKey): Promise<number>;
}

/**
 * Scenarios come from the seeded Scenario table and never change while a process runs, so the
 * table is read once (on first use; a failed read is retried on the next call).
 */
export function createScenarioCatalog(db: Db, options: { delayScale: number }): ScenarioCatalog {
  let loading: Promise<{
    rows: ScenarioRow[];
    byNumber: Map<string, ScenarioRow>;
    byMobile: Map<string, ScenarioRow>;
    byBankAccount: Map<string, ScenarioRow>;
    byKey: Map<string, ScenarioRow>;
  }> | null = null;

  function load() {
    loading ??= (async () => {
      const rows = await findScenarioRows(db.pool);
      const byNumber = new Map<string, ScenarioRow>();
      const byMobile = new Map<string, ScenarioRow>();
      const byBankAccount = new Map<string, ScenarioRow>();
      const byKey = new Map<string, ScenarioRow>();
      for (const row of rows) {
        const clean = { ...row, number: Number(row.number), delayMs: Number(row.delayMs) };
        byNumber.set(clean.mobile, clean);
        byNumber.set(clean.bankAccount, clean);
        byMobile.set(clean.mobile, clean);
        byBankAccount.set(clean.bankAccount, clean);
        byKey.set(clean.key, clean);
      }
      if (!byKey.has('SUCCESS')) throw new Error('the Scenario table is not seeded (run pnpm db:seed)');
      return { rows: rows.map((r) => byKey.get(r.key)!), byNumber, byMobile, byBankAccount, byKey };
    })().catch((error) => {
      loading = null;
      throw error;
    });
    return loading;
  }

  return {
    async list() {
      return (await load()).rows;
    },
    async resolve(accountNumber, kind) {
      const { byNumber, byMobile, byBankAccount, byKey } = await load();
      const table = kind === 'mobile' ? byMobile : kind === 'bank' ? byBankAccount : byNumber;
      return table.get(accountNumber) ?? byKey.get('SUCCESS')!;
    },
    async delayOf(key) {
      const row = (await load()).byKey.get(key);
      if (!row) throw new AppError('INTERNAL_ERROR', `unknown scenario ${key}`);
      return Math.round(row.delayMs * options.delayScale);
    },
  };
}
