'use client';

import { useActionState } from 'react';
import type { FormState } from '../../../server/portal.ts';
import { disableAdminAction } from './actions.ts';

export function DisableAdminButton({ adminUserId, email }: { adminUserId: string; email: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(disableAdminAction, {});
  return (
    <form action={action} className="inline">
      <input type="hidden" name="adminUserId" value={adminUserId} />
      <button type="submit" className="danger" disabled={pending} aria-label={`Disable ${email}`}>
        Disable
      </button>
      {state.error && (
        <span className="alert error" role="alert">
          {state.error}
        </span>
      )}
      {state.ok && <span role="status">{state.message}</span>}
    </form>
  );
}
