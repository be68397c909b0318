'use client';

import { useActionState } from 'react';
import type { FormState } from '../../../../server/portal.ts';
import { createTestCheckout } from './actions.ts';

export function CheckoutForm({ defaultOrderId }: { defaultOrderId: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(createTestCheckout, {});
  return (
    <form action={action} className="stack">
      {state.error && (
        <div className="alert error" role="alert">
          {state.error} {state.fields && Object.values(state.fields).join('; ')}
        </div>
      )}
      <div className="field">
        <label htmlFor="amount">Amount (PKR)</label>
        <input id="amount" name="amount" inputMode="decimal" required defaultValue="2500.00" />
      </div>
      <div className="field">
        <label htmlFor="orderId">Order id</label>
        <input id="orderId" name="orderId" required defaultValue={defaultOrderId} />
      </div>
      <div className="field">
        <label htmlFor="mobile">Customer mobile (optional)</label>
        <input id="mobile" name="mobile" inputMode="tel" placeholder="03000000001" />
        <span className="hint">The payer number on the hosted page picks the scenario (see Developers).</span>
      </div>
      <button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create and open the hosted page'}
      </button>
    </form>
  );
}
