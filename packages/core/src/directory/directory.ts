import type { Db } from '@mypay/db';
import { findBanks, findWallets } from '../reference/reference-repository.ts';

export interface BankEntry {
  code: string;
  name: string;
  /** The 4-letter bank code inside its IBANs. */
  ibanCode: string | null;
}
export interface WalletEntry {
  code: string;
  name: string;
}

export interface Directory {
  banks(): Promise<BankEntry[]>;
  wallets(): Promise<WalletEntry[]>;
  /** True when `code` is a seeded provider of that type (a wallet code for wallets, a bank code for banks). */
  isProvider(type: 'wallet' | 'bank', code: string): Promise<boolean>;
  /** The seeded bank whose IBANs carry this 4-letter bank code, if any. */
  bankByIbanCode(ibanCode: string): Promise<BankEntry | null>;
}

/** Seeded banks and wallets, cached for `ttlMs` (reference data; an admin edit shows up within that). */
export function createDirectory(db: Db, options: { ttlMs?: number } = {}): Directory {
  const ttlMs = options.ttlMs ?? 60_000;
  let cached: { at: number; banks: BankEntry[]; wallets: WalletEntry[] } | null = null;

  async function load() {
    if (cached && Date.now() - cached.at < ttlMs) return cached;
    const [banks, wallets] = await Promise.all([findBanks(db.pool), findWallets(db.pool)]);
    cached = {
      at: Date.now(),
      banks: banks.map((b) => ({ code: b.code, name: b.name, ibanCode: b.ibanCode ?? null })),
      wallets: wallets.map((w) => ({ code: w.code, name: w.name })),
    };
    return cached;
  }

  return {
    async banks() {
      return (await load()).banks;
    },
    async wallets() {
      return (await load()).wallets;
    },
    async isProvider(type, code) {
      const { banks, wallets } = await load();
      return (type === 'bank' ? banks : wallets).some((entry) => entry.code === code);
    },
    async bankByIbanCode(ibanCode) {
      return (await load()).banks.find((bank) => bank.ibanCode === ibanCode) ?? null;
    },
  };
}
