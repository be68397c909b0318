'use client';

import { useActionState } from 'react';
import { type ResetPasswordState, resetMerchantPasswordAction } from './reset-password-action.ts';

export function ResetPasswordForm({ merchantId }: { merchantId: string }) {
  const [state, action, pending] = useActionState<ResetPasswordState, FormData>(resetMerchantPasswordAction, {});
  return (
    <form action={action} className="stack">
      {state.error && (
        <div className="alert error" role="alert">
          {state.error}
          {state.fields && Object.keys(state.fields).length > 0 && (
            <ul>
              {Object.entries(state.fields).map(([field, message]) => (
                <li key={field}>{message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {state.ok && (
        <div className="alert ok" role="status">
          {state.message} Temporary password (shown once):{' '}
          <code className="mono" data-testid="temp-password">
            {state.temporaryPassword}
          </code>
        </div>
      )}
      <input type="hidden" name="merchantId" value={merchantId} />
      <div className="field">
        <label htmlFor="reset-password">Temporary password</label>
        <input id="reset-password" name="temporaryPassword" type="text" autoComplete="off" maxLength={72} />
        <span className="hint">leave empty to generate one; at least 12 characters</span>
      </div>
      <button type="submit" className="danger" disabled={pending}>
        {pending ? 'Resetting…' : 'Reset password'}
      </button>
    </form>
  );
}
