'use client';

import { useActionState } from 'react';
import { advanceClockAction, type ClockFormState, createClockAction, deleteClockAction } from './actions.ts';

function Outcome({ state }: { state: ClockFormState }) {
  if (state.error) {
    return (
      <div className="alert error" role="alert">
        {state.error}
        {state.fields && Object.values(state.fields).length > 0 && <div>{Object.values(state.fields).join('; ')}</div>}
      </div>
    );
  }
  return state.message ? (
    <div className="alert ok" role="status">
      {state.message}
    </div>
  ) : null;
}

export function CreateClockForm() {
  const [state, action, pending] = useActionState<ClockFormState, FormData>(createClockAction, {});
  return (
    <>
      <Outcome state={state} />
      <form action={action} className="stack" aria-label="Create a test clock">
        <div className="field">
          <label htmlFor="clock-name">Name (optional)</label>
          <input id="clock-name" name="name" maxLength={191} placeholder="checkout retry suite" />
        </div>
        <div className="field">
          <label htmlFor="clock-frozen-time">Start time (optional, ISO-8601; default now)</label>
          <input id="clock-frozen-time" name="frozenTime" placeholder="2026-12-01T09:30:00Z" />
        </div>
        <button type="submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create clock'}
        </button>
      </form>
    </>
  );
}

/** Advance by a step (30m, 2h, 1h30m, 31s, or seconds) and delete, for one clock's table row. */
export function ClockActions({ clockId }: { clockId: string }) {
  const [advanceState, advance, advancing] = useActionState<ClockFormState, FormData>(advanceClockAction, {});
  const [deleteState, remove, deleting] = useActionState<ClockFormState, FormData>(deleteClockAction, {});
  return (
    <div>
      <div className="row">
        <form action={advance} className="row" aria-label={`Advance ${clockId}`}>
          <input type="hidden" name="id" value={clockId} />
          <label htmlFor={`step-${clockId}`} className="muted">
            Advance by
          </label>
          <input id={`step-${clockId}`} name="step" required size={8} placeholder="30m, 2h or seconds" />
          <button type="submit" className="secondary" disabled={advancing}>
            {advancing ? 'Advancing…' : 'Advance'}
          </button>
        </form>
        <form
          action={remove}
          onSubmit={(e) => {
            if (!window.confirm(`Delete ${clockId}? Its objects keep their state and stop moving.`)) e.preventDefault();
          }}
        >
          <input type="hidden" name="id" value={clockId} />
          <button type="submit" className="secondary" disabled={deleting}>
            {deleting ? 'Deleting…' : 'Delete'}
          </button>
        </form>
      </div>
      <Outcome state={advanceState} />
      <Outcome state={deleteState} />
    </div>
  );
}
