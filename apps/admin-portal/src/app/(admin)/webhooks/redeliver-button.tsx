'use client';

import { useActionState } from 'react';
import type { FormState } from '../../../server/portal.ts';
import { redeliverAction } from './actions.ts';

export function RedeliverButton({ deliveryId }: { deliveryId: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(redeliverAction, {});
  return (
    <form action={action} className="inline">
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <button type="submit" className="secondary" disabled={pending}>
        Redeliver
      </button>
      {state.error && <span className="danger">{state.error}</span>}
      {state.ok && <span className="muted">{state.message}</span>}
    </form>
  );
}
