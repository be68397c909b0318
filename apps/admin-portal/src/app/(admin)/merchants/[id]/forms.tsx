'use client';

import { useActionState } from 'react';
import type { FormState } from '../../../../server/portal.ts';
import { adjustBalanceAction, revokeKeyAction, setStatusAction } from './actions.ts';

function Result({ state }: { state: FormState }) {
  if (state.error) {
    return (
      <div className="alert error" role="alert">
        {state.error}
        {state.fields && Object.keys(state.fields).length > 0 && (
          <ul>
            {Object.entries(state.fields).map(([field, message]) => (
              <li key={field}>
                {field}: {message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  if (state.ok && state.message) {
    return (
      <div className="alert ok" role="status">
        {state.message}
      </div>
    );
  }
  return null;
}

export function StatusForm({ merchantId, status }: { merchantId: string; status: 'ACTIVE' | 'SUSPENDED' }) {
  const [state, action, pending] = useActionState<FormState, FormData>(setStatusAction, {});
  const next = status === 'ACTIVE' ? 'SUSPENDED' : 'ACTIVE';
  return (
    <form action={action} className="stack">
      <Result state={state} />
      <input type="hidden" name="merchantId" value={merchantId} />
      <input type="hidden" name="status" value={next} />
      <div className="field">
        <label htmlFor="status-reason">Reason (optional)</label>
        <input id="status-reason" name="reason" maxLength={255} />
      </div>
      <button type="submit" className={next === 'SUSPENDED' ? 'danger' : undefined} disabled={pending}>
        {next === 'SUSPENDED' ? 'Suspend merchant' : 'Reactivate merchant'}
      </button>
    </form>
  );
}

export function AdjustBalanceForm({ merchantId, version }: { merchantId: string; version: number }) {
  const [state, action, pending] = useActionState<FormState, FormData>(adjustBalanceAction, {});
  return (
    <form action={action} className="stack" key={version}>
      <Result state={state} />
      <input type="hidden" name="merchantId" value={merchantId} />
      {/* The balance version this form was rendered with: a balance that moved since is a 409 conflict. */}
      <input type="hidden" name="version" value={version} />
      <div className="field">
        <label htmlFor="adjust-amount">Amount (PKR)</label>
        <input id="adjust-amount" name="amount" required inputMode="decimal" placeholder="500.00 or -500.00" />
        <span className="hint">positive credits, negative debits; the balance cannot go below zero</span>
      </div>
      <div className="field">
        <label htmlFor="adjust-reason">Reason</label>
        <input id="adjust-reason" name="reason" required minLength={3} maxLength={200} />
      </div>
      <button type="submit" disabled={pending}>
        {pending ? 'Adjusting…' : 'Adjust balance'}
      </button>
    </form>
  );
}

export function RevokeKeyButton({ merchantId, keyId }: { merchantId: string; keyId: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(revokeKeyAction, {});
  return (
    <form action={action} className="inline">
      <input type="hidden" name="merchantId" value={merchantId} />
      <input type="hidden" name="keyId" value={keyId} />
      <button type="submit" className="secondary" disabled={pending}>
        Revoke
      </button>
      {state.error && <span className="danger">{state.error}</span>}
    </form>
  );
}
