import type { Db } from '@mypay/db';
import { keysetPrisma, mapPage, type Page, pageLimit, toPage } from '../pagination/index.ts';
import { countAdminOverview, findMerchantRows } from './admin-read-repository.ts';

export interface MerchantListItem {
  id: string;
  name: string;
  email: string;
  status: 'ACTIVE' | 'SUSPENDED';
  available: number;
  pending: number;
  createdAt: Date;
}

export interface ListMerchantsInput {
  /** Matches id exactly, or name / email by substring. */
  search?: string | undefined;
  status?: 'ACTIVE' | 'SUSPENDED' | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** Every merchant, newest first (the Merchant(createdAt) index), with its balance. */
export async function listMerchants(
  db: Pick<Db, 'prisma'>,
  input: ListMerchantsInput = {},
): Promise<Page<MerchantListItem>> {
  const limit = pageLimit(input.limit);
  const keyset = keysetPrisma(input.cursor, limit);
  const rows = await findMerchantRows(db, { search: input.search, status: input.status }, keyset);
  return mapPage(
    toPage(rows, limit),
    (m): MerchantListItem => ({
      id: m.id,
      name: m.name,
      email: m.email,
      status: m.status,
      available: Number(m.balance?.available ?? 0),
      pending: Number(m.balance?.pending ?? 0),
      createdAt: m.createdAt,
    }),
  );
}

export interface AdminOverview {
  merchants: { total: number; active: number; suspended: number };
  payouts: { total: number; inFlight: number };
  payments: { total: number; succeeded: number };
  webhookDeliveries: { pending: number; failed: number };
}

/** The counts on the admin home page. */
export async function getAdminOverview(db: Pick<Db, 'prisma'>): Promise<AdminOverview> {
  const counts = await countAdminOverview(db);
  const byStatus = Object.fromEntries(counts.merchantsByStatus.map((g) => [g.status, g._count._all]));
  const active = byStatus.ACTIVE ?? 0;
  const suspended = byStatus.SUSPENDED ?? 0;
  return {
    merchants: { total: active + suspended, active, suspended },
    payouts: { total: counts.payouts, inFlight: counts.payoutsInFlight },
    payments: { total: counts.payments, succeeded: counts.paymentsSucceeded },
    webhookDeliveries: { pending: counts.deliveriesPending, failed: counts.deliveriesFailed },
  };
}
