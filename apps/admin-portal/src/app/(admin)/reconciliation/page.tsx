import { formatPkr, reconcileBalances } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime } from '../../../components/format.tsx';
import { getDb, requireAdmin } from '../../../server/portal.ts';

export const metadata: Metadata = { title: 'Reconciliation' };

export default async function ReconciliationPage() {
  await requireAdmin();
  const r = await reconcileBalances(getDb());
  return (
    <>
      <h1>Reconciliation</h1>
      <p className="muted">
        Each merchant’s stored available balance against its opening balance plus every ledger movement since. Checked{' '}
        {formatTime(r.checkedAt)}.
      </p>
      <div className={`alert ${r.mismatches > 0 ? 'error' : 'ok'}`} role="status" data-testid="reconciliation-summary">
        {r.mismatches > 0
          ? `${r.mismatches} of ${r.merchants} merchants do not match their ledger.`
          : `All ${r.merchants} merchants match their ledger.`}
      </div>
      {r.negatives > 0 ? (
        <p className="muted" data-testid="reconciliation-negatives">
          {r.negatives} {r.negatives === 1 ? 'merchant has' : 'merchants have'} a negative available balance: a refund
          took back more than they still held (refunds always complete). Their ledger says so; incoming payments cover
          it first, and payouts are refused until it is positive again.
        </p>
      ) : null}
      <div className="panel table-wrap">
        <table data-testid="reconciliation-table">
          <thead>
            <tr>
              <th>Merchant</th>
              <th className="num">Opening</th>
              <th className="num">Movements</th>
              <th className="num">Expected</th>
              <th className="num">Available</th>
              <th className="num">Difference</th>
              <th className="num">Entries</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.map((row) => (
              <tr key={row.merchantId} className={row.mismatch ? 'mismatch' : undefined} data-merchant={row.merchantId}>
                <td>
                  <Link href={`/merchants/${row.merchantId}`}>{row.name}</Link>
                  <div className="muted mono">{row.merchantId}</div>
                </td>
                <td className="num">{formatPkr(row.opening)}</td>
                <td className="num">{formatPkr(row.movements)}</td>
                <td className="num">{formatPkr(row.expected)}</td>
                <td className={`num${row.negative ? ' danger' : ''}`}>
                  {formatPkr(row.available)}
                  {row.negative ? <div className="muted">negative</div> : null}
                </td>
                <td className="num">{row.mismatch ? formatPkr(row.difference) : 'ok'}</td>
                <td className="num">{row.ledgerEntries}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
