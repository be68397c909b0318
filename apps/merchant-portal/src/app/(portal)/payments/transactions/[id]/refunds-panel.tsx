import { formatPkr, listRefunds, type PaymentResource } from '@mypay/core';
import { RefundsTable } from '../../../../../components/refunds-table.tsx';
import { getDb } from '../../../../../server/portal.ts';
import { RefundForm } from './refund-form.tsx';

/** A transaction's refunds and, while something remains refundable, the refund form. */
export async function RefundsPanel({ merchantId, transaction }: { merchantId: string; transaction: PaymentResource }) {
  const { data: refunds } = await listRefunds(getDb(), { merchantId, transactionId: transaction.id, limit: 100 });
  const pending = refunds.filter((r) => r.status === 'PENDING').reduce((sum, r) => sum + r.amount, 0);
  const remaining = Math.max(0, transaction.amount - transaction.amountRefunded - pending);
  const refundable = ['SUCCEEDED', 'PARTIALLY_REFUNDED'].includes(transaction.status) && remaining > 0;
  return (
    <div className="panel" data-testid="refunds-panel">
      <h2>Refunds</h2>
      <p className="muted">
        Refunded {formatPkr(transaction.amountRefunded)} of {formatPkr(transaction.amount)}
        {pending > 0 && <> · {formatPkr(pending)} pending</>} · refundable now {formatPkr(remaining)}
      </p>
      {refundable ? (
        <RefundForm transactionId={transaction.id} remaining={formatPkr(remaining)} />
      ) : (
        <p className="muted">
          {transaction.status === 'PENDING' || transaction.status === 'FAILED'
            ? 'Only a succeeded payment can be refunded.'
            : 'Nothing remains to refund.'}
        </p>
      )}
      {refunds.length === 0 ? (
        <p className="empty">No refunds of this payment yet.</p>
      ) : (
        <RefundsTable refunds={refunds} showPayment={false} />
      )}
    </div>
  );
}
