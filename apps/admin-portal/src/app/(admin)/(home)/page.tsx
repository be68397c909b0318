import { formatPkr, getAdminOverview, getSystemStatus, reconcileBalances } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime } from '../../../components/format.tsx';
import { getConfig } from '../../../server/config.ts';
import { getDb, requireAdmin } from '../../../server/portal.ts';

export const metadata: Metadata = { title: 'Home' };

export default async function HomePage() {
  await requireAdmin();
  const db = getDb();
  const { payoutApiUrl, paymentApiUrl } = getConfig();
  const [overview, reconciliation, system] = await Promise.all([
    getAdminOverview(db),
    reconcileBalances(db, { mismatchesOnly: true }),
    getSystemStatus(db, {
      services: [
        { name: 'Payout API', baseUrl: payoutApiUrl },
        { name: 'Payment API', baseUrl: paymentApiUrl },
      ],
      timeoutMs: 1_500,
    }),
  ]);
  const mismatchTotal = reconciliation.rows.reduce((sum, r) => sum + r.difference, 0);
  return (
    <>
      <h1>Overview</h1>
      <div className="grid">
        <div className="panel stat">
          <div className="label">Merchants</div>
          <div className="value">{overview.merchants.total}</div>
          <div className="muted">
            {overview.merchants.active} active · {overview.merchants.suspended} suspended
          </div>
        </div>
        <div className="panel stat">
          <div className="label">Payouts</div>
          <div className="value">{overview.payouts.total}</div>
          <div className="muted">{overview.payouts.inFlight} in flight</div>
        </div>
        <div className="panel stat">
          <div className="label">Payments</div>
          <div className="value">{overview.payments.total}</div>
          <div className="muted">{overview.payments.succeeded} succeeded</div>
        </div>
        <div className="panel stat">
          <div className="label">Reconciliation mismatches</div>
          <div className={`value ${reconciliation.mismatches > 0 ? 'danger' : 'ok'}`} data-testid="mismatch-count">
            {reconciliation.mismatches}
          </div>
          <div className="muted">
            {reconciliation.mismatches > 0 ? (
              <Link href="/reconciliation">Net difference {formatPkr(mismatchTotal)} — review</Link>
            ) : (
              `all ${reconciliation.merchants} balances match their ledgers`
            )}
          </div>
        </div>
      </div>
      <div className="panel">
        <h2>System</h2>
        <div className="table-wrap">
          <table>
            <tbody>
              {system.services.map((s) => (
                <tr key={s.name}>
                  <th scope="row">{s.name}</th>
                  <td>
                    <span className={`badge ${s.status}`}>{s.status}</span>
                  </td>
                  <td className="muted">{s.error ?? (s.latencyMs !== null ? `${s.latencyMs} ms` : '')}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">Database</th>
                <td>
                  <span className={`badge ${system.database.status}`}>{system.database.status}</span>
                </td>
                <td className="muted">{system.database.error ?? `${system.database.latencyMs} ms`}</td>
              </tr>
              <tr>
                <th scope="row">Webhook outbox</th>
                <td>{system.outbox ? `${system.outbox.backlog} pending` : 'unknown'}</td>
                <td className="muted">
                  {system.outbox?.oldestUndelivered
                    ? `oldest undelivered since ${formatTime(system.outbox.oldestUndelivered.createdAt)}`
                    : 'nothing waiting'}
                </td>
              </tr>
            </tbody>
          </table>
        </div>
        <p>
          <Link href="/system">System details</Link>
        </p>
      </div>
    </>
  );
}
