'use client';

import { useActionState } from 'react';
import { type RefundState, refundAction } from '../../payment-actions.ts';

/** Amount (PKR, empty = all that remains) and a note; the refund's outcome follows the payer's scenario. */
export function RefundForm({ transactionId, remaining }: { transactionId: string; remaining: string }) {
  const [state, action, pending] = useActionState<RefundState, FormData>(refundAction, {});
  return (
    <>
      {state.ok && state.refundId && (
        <div className="alert ok" role="status" data-testid="refund-result">
          Refund <span className="mono">{state.refundId}</span> is {state.status}.
        </div>
      )}
      {state.error && (
        <div className="alert error" role="alert" data-testid="refund-error">
          {state.error}
          {state.fields && Object.values(state.fields).length > 0 && (
            <div>{Object.values(state.fields).join('; ')}</div>
          )}
        </div>
      )}
      <form
        action={action}
        className="row"
        aria-label="Refund this payment"
        onSubmit={(e) => {
          const amount = new FormData(e.currentTarget).get('amount');
          if (!window.confirm(`Refund ${amount ? `PKR ${amount}` : `all that remains (${remaining})`}?`))
            e.preventDefault();
        }}
      >
        <input type="hidden" name="transactionId" value={transactionId} />
        <div className="field">
          <label htmlFor="refund-amount">Amount (PKR)</label>
          <input id="refund-amount" name="amount" inputMode="decimal" placeholder={`all: ${remaining}`} />
        </div>
        <div className="field">
          <label htmlFor="refund-reason">Reason (optional)</label>
          <input id="refund-reason" name="reason" maxLength={255} />
        </div>
        <button type="submit" className="danger" disabled={pending}>
          {pending ? 'Refunding…' : 'Refund'}
        </button>
      </form>
    </>
  );
}
