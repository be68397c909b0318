import { formatPkr, type RefundResource } from '@mypay/core';
import Link from 'next/link';
import { formatTime, StatusBadge } from './format.tsx';

/** Refunds as rows: on a transaction page (without the payment column) and on the refunds list. */
export function RefundsTable({ refunds, showPayment = true }: { refunds: RefundResource[]; showPayment?: boolean }) {
  return (
    <div className="table-wrap">
      <table data-testid="refunds-table">
        <thead>
          <tr>
            <th>Created</th>
            <th>Refund</th>
            {showPayment && <th>Payment</th>}
            <th>Status</th>
            <th>Reason</th>
            <th className="num">Amount</th>
          </tr>
        </thead>
        <tbody>
          {refunds.map((r) => (
            <tr key={r.id}>
              <td>{formatTime(r.createdAt)}</td>
              <td className="mono">{r.id}</td>
              {showPayment && (
                <td>
                  <Link className="mono" href={`/payments/transactions/${r.transactionId}`}>
                    {r.transactionId}
                  </Link>
                </td>
              )}
              <td>
                <StatusBadge status={r.status} />
                {r.failure && (
                  <div className="muted">
                    <code>{r.failure.code}</code> {r.failure.message}
                  </div>
                )}
              </td>
              <td>{r.reason ?? '—'}</td>
              <td className="num">{formatPkr(r.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
