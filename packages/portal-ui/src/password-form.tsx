'use client';

import { useActionState } from 'react';

export interface PasswordState {
  error?: string;
  fields?: Record<string, string>;
}

/** Current + new password form for both portals; `change` is the portal's own server action. */
export function PasswordForm({
  change,
  forced,
}: {
  change: (prev: PasswordState, form: FormData) => Promise<PasswordState>;
  forced?: boolean;
}) {
  const [state, action, pending] = useActionState<PasswordState, FormData>(change, {});
  return (
    <form action={action} className="stack" aria-describedby={state.error ? 'password-error' : undefined}>
      {forced && (
        <div className="alert info" role="status">
          Your password was set by someone else. Choose your own before you continue.
        </div>
      )}
      {state.error && (
        <div id="password-error" className="alert error" role="alert">
          {state.error}
        </div>
      )}
      <div className="field">
        <label htmlFor="currentPassword">Current password</label>
        <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" required />
      </div>
      <div className="field">
        <label htmlFor="newPassword">New password</label>
        <input
          id="newPassword"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={12}
          required
          aria-describedby="newPassword-hint"
        />
        <small id="newPassword-hint" className="muted">
          At least 12 characters; not your email, not a well-known password.
        </small>
      </div>
      <div className="field">
        <label htmlFor="confirmPassword">Repeat the new password</label>
        <input id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" required />
      </div>
      <button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Change password'}
      </button>
    </form>
  );
}
