'use client';

import { useActionState } from 'react';
import type { FormState } from '../../../../server/portal.ts';
import { redeliverAction } from '../actions.ts';

export function RedeliverButton({ eventId }: { eventId: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(redeliverAction, {});
  return (
    <form action={action}>
      <input type="hidden" name="eventId" value={eventId} />
      <button type="submit" className="secondary" disabled={pending} aria-label={`Redeliver event ${eventId}`}>
        {pending ? 'Queuing…' : 'Redeliver'}
      </button>
      {state.ok && (
        <span className="muted" role="status">
          {' '}
          queued
        </span>
      )}
      {state.error && (
        <span role="alert" style={{ color: 'var(--danger)' }}>
          {' '}
          {state.error}
        </span>
      )}
    </form>
  );
}
