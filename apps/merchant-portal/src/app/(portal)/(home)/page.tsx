import { formatPkr, getDashboard } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../components/format.tsx';
import { VolumeChart } from '../../../components/volume-chart.tsx';
import { getDb, requireMerchant } from '../../../server/portal.ts';

export const metadata: Metadata = { title: 'Dashboard' };

function Counts({ title, counts }: { title: string; counts: Record<string, number> }) {
  return (
    <div className="panel">
      <h2>{title}</h2>
      <table>
        <tbody>
          {Object.entries(counts).map(([status, n]) => (
            <tr key={status}>
              <td>
                <StatusBadge status={status} />
              </td>
              <td className="num">{n}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default async function DashboardPage() {
  const merchant = await requireMerchant();
  const d = await getDashboard(getDb(), merchant.id);
  const hasVolume = d.volume.some((v) => v.payouts > 0 || v.payments > 0);
  return (
    <>
      <div className="spread">
        <h1>Dashboard</h1>
        <div className="row">
          <Link className="button" href="/payouts/new">
            New test payout
          </Link>
          <Link className="button secondary" href="/payments/new">
            Create test checkout
          </Link>
        </div>
      </div>
      <div className="grid">
        <div className="panel stat">
          <div className="label">Available balance</div>
          <div className={`value${d.balance.available < 0 ? ' danger' : ''}`} data-testid="available-balance">
            {formatPkr(d.balance.available)}
          </div>
          {d.balance.available < 0 ? (
            <p className="muted" data-testid="negative-balance-note">
              Negative: a refund took back more than your balance held (refunds always complete). Incoming payments
              cover it first; payouts are refused until it is positive again.
            </p>
          ) : null}
        </div>
        <div className="panel stat">
          <div className="label">Pending (payouts in flight)</div>
          <div className="value" data-testid="pending-balance">
            {formatPkr(d.balance.pending)}
          </div>
        </div>
      </div>
      <div className="panel">
        <h2>Volume, last 30 days</h2>
        {hasVolume ? (
          <VolumeChart data={d.volume} />
        ) : (
          <p className="empty">
            No payouts or payments in the last 30 days. <Link href="/payouts/new">Send a test payout</Link> to see it
            here.
          </p>
        )}
      </div>
      <div className="grid">
        <Counts title="Payouts by status" counts={d.payoutCounts} />
        <Counts title="Payments by status" counts={d.paymentCounts} />
        <Counts title="Checkouts by status" counts={d.checkoutCounts} />
      </div>
      <div className="panel">
        <h2>Recent activity</h2>
        {d.recentActivity.length === 0 ? (
          <p className="empty">Nothing yet. Payouts and payments appear here as they happen.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>When</th>
                  <th>What</th>
                  <th>Reference</th>
                  <th>Status</th>
                  <th className="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {d.recentActivity.map((a) => (
                  <tr key={a.id}>
                    <td>{formatTime(a.at)}</td>
                    <td>
                      <Link href={a.kind === 'payout' ? `/payouts/${a.id}` : `/payments/transactions/${a.id}`}>
                        {a.kind === 'payout' ? 'Payout' : 'Payment'}
                      </Link>
                    </td>
                    <td className="mono">{a.label}</td>
                    <td>
                      <StatusBadge status={a.status} />
                    </td>
                    <td className="num">{formatPkr(a.amount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}
