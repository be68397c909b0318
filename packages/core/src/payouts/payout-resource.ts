import type { DestinationType } from '@mypay/contracts';
import type { PayoutStatus } from './payout-state-machine.ts';

/** The payout as the API shows it (and as webhook events carry it). */
export interface PayoutResource {
  id: string;
  amount: number;
  currency: string;
  status: PayoutStatus;
  destination: { type: DestinationType; provider: string; accountNumber: string; accountTitle: string | null };
  reference: string;
  description: string | null;
  metadata: Record<string, unknown> | null;
  scenario: string;
  failure: { code: string; message: string | null } | null;
  /** The test clock it follows; absent when it follows wall time. */
  testClock?: string;
  createdAt: string;
  updatedAt: string;
}

export interface PayoutEventView {
  status: PayoutStatus;
  at: string;
  reason?: string;
}

/** Column names as in the Payout table (raw SQL rows and Prisma rows both fit). */
export interface PayoutRow {
  id: string;
  merchantId: string;
  amount: number;
  currency: string;
  destinationType: DestinationType;
  provider: string;
  accountNumber: string;
  accountTitle: string | null;
  reference: string;
  description: string | null;
  metadata: unknown;
  status: PayoutStatus;
  scenario: string;
  failureCode: string | null;
  failureMessage: string | null;
  nextTransitionAt: Date | null;
  /** Bound to a test clock: only an advance of that clock moves it (the worker skips it). */
  testClockId?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const PAYOUT_COLUMNS =
  'id, merchantId, amount, currency, destinationType, provider, accountNumber, accountTitle, reference, description, metadata, status, scenario, failureCode, failureMessage, nextTransitionAt, testClockId, createdAt, updatedAt';

function parseMetadata(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return JSON.parse(value) as Record<string, unknown>;
  return value as Record<string, unknown>;
}

export function toPayoutResource(row: PayoutRow): PayoutResource {
  return {
    id: row.id,
    amount: Number(row.amount),
    currency: row.currency,
    status: row.status,
    destination: {
      type: row.destinationType,
      provider: row.provider,
      accountNumber: row.accountNumber,
      accountTitle: row.accountTitle ?? null,
    },
    reference: row.reference,
    description: row.description ?? null,
    metadata: parseMetadata(row.metadata),
    scenario: row.scenario,
    failure: row.failureCode ? { code: row.failureCode, message: row.failureMessage ?? null } : null,
    ...(row.testClockId ? { testClock: row.testClockId } : {}),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
