'use client';

import { useActionState } from 'react';

export interface LoginState {
  error?: string;
  email?: string;
}

/** Email + password form for both portals; `login` is the portal's own server action. */
export function LoginForm({
  login,
  next,
}: {
  login: (prev: LoginState, form: FormData) => Promise<LoginState>;
  next?: string | undefined;
}) {
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
