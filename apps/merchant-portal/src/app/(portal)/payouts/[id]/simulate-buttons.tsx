'use client';

import { useActionState } from 'react';
import type { FormState } from '../../../../server/portal.ts';
import { simulate } from './actions.ts';

export function SimulateButtons({ payoutId, targets }: { payoutId: string; targets: readonly string[] }) {
  const [state, action, pending] = useActionState<FormState, FormData>(simulate, {});
  if (targets.length === 0) {
    return <p className="muted">This payout is final: no further transition can be simulated.</p>;
  }
  return (
    <div>
      {state.error && (
        <div className="alert error" role="alert">
          {state.error}
        </div>
      )}
      <div className="row">
        {targets.map((status) => (
          <form key={status} action={action}>
            <input type="hidden" name="payoutId" value={payoutId} />
            <input type="hidden" name="status" value={status} />
            <button
              type="submit"
              className={status === 'FAILED' || status === 'REVERSED' ? 'danger' : 'secondary'}
              disabled={pending}
            >
              Simulate {status}
            </button>
          </form>
        ))}
      </div>
    </div>
  );
}
