'use client';

import { useActionState } from 'react';
import type { FormState } from '../../../../../server/portal.ts';
import { cancelCheckoutAction } from '../../payment-actions.ts';

/** Only an OPEN checkout can be cancelled (`checkout.cancelled` follows); the page renders this only then. */
export function CancelCheckoutButton({ checkoutId }: { checkoutId: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(cancelCheckoutAction, {});
  return (
    <div>
      {state.error && (
        <div className="alert error" role="alert">
          {state.error}
        </div>
      )}
      <form
        action={action}
        onSubmit={(e) => {
          if (!window.confirm('Cancel this checkout? The customer can no longer pay it.')) e.preventDefault();
        }}
      >
        <input type="hidden" name="checkoutId" value={checkoutId} />
        <button type="submit" className="danger" disabled={pending}>
          {pending ? 'Cancelling…' : 'Cancel checkout'}
        </button>
      </form>
    </div>
  );
}
