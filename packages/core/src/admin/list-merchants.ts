import type { Db, Prisma } from '@mypay/db';
import { keysetPrisma, mapPage, type Page, pageLimit, toPage } from '../pagination/index.ts';

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
  const and: Prisma.MerchantWhereInput[] = [];
  const search = input.search?.trim();
  if (search) {
    and.push({ OR: [{ id: search }, { name: { contains: search } }, { email: { contains: search.toLowerCase() } }] });
  }
  if (input.status) and.push({ status: input.status });
  const keyset = keysetPrisma(input.cursor, limit);
  const rows = await db.prisma.merchant.findMany({
    where: { AND: [...and, keyset.where] },
    orderBy: keyset.orderBy,
    take: keyset.take,
    select: {
      id: true,
      name: true,
      email: true,
      status: true,
      createdAt: true,
      balance: { select: { available: true, pending: true } },
    },
  });
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
  const [merchantGroups, payouts, inFlight, payments, succeeded, pending, failed] = await Promise.all([
    db.prisma.merchant.groupBy({ by: ['status'], _count: { _all: true } }),
    db.prisma.payout.count(),
    db.prisma.payout.count({ where: { status: { in: ['PENDING', 'PROCESSING'] } } }),
    db.prisma.paymentTransaction.count(),
    db.prisma.paymentTransaction.count({ where: { status: 'SUCCEEDED' } }),
    db.prisma.webhookDelivery.count({ where: { status: 'PENDING' } }),
    db.prisma.webhookDelivery.count({ where: { status: 'FAILED' } }),
  ]);
  const byStatus = Object.fromEntries(merchantGroups.map((g) => [g.status, g._count._all]));
  const active = byStatus.ACTIVE ?? 0;
  const suspended = byStatus.SUSPENDED ?? 0;
  return {
    merchants: { total: active + suspended, active, suspended },
    payouts: { total: payouts, inFlight },
    payments: { total: payments, succeeded },
    webhookDeliveries: { pending, failed },
  };
}
