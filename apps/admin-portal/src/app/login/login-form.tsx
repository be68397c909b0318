'use client';

import { useActionState } from 'react';
import { type LoginState, login } from './actions.ts';

export function LoginForm({ next }: { next?: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, {});
  return (
    <form action={action} className="stack" aria-describedby={state.error ? 'login-error' : undefined}>
      {state.error && (
        <div id="login-error" className="alert error" role="alert">
          {state.error}
        </div>
      )}
      <input type="hidden" name="next" value={next ?? ''} />
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
