'use client';

import { useActionState } from 'react';
import { CopyButton } from '../../../../components/copy-button.tsx';
import type { FormState } from '../../../../server/portal.ts';
import {
  type RotatedSecretState,
  rotateSecretAction,
  saveEndpointEventsAction,
  sendTypedTestEventAction,
  setEndpointEnabledAction,
  type TypedTestState,
} from './manage-actions.ts';

function ErrorAlert({ state }: { state: FormState }) {
  if (!state.error) return null;
  return (
    <div className="alert error" role="alert">
      {state.error}
      {state.fields && Object.values(state.fields).length > 0 && <div>{Object.values(state.fields).join('; ')}</div>}
    </div>
  );
}

export function EnableToggle({ endpointId, enabled }: { endpointId: string; enabled: boolean }) {
  const [state, action, pending] = useActionState<FormState, FormData>(setEndpointEnabledAction, {});
  return (
    <form action={action}>
      <ErrorAlert state={state} />
      <input type="hidden" name="endpointId" value={endpointId} />
      <input type="hidden" name="enabled" value={enabled ? 'false' : 'true'} />
      <button type="submit" className={enabled ? 'danger' : 'secondary'} disabled={pending}>
        {enabled ? 'Disable endpoint' : 'Enable endpoint'}
      </button>
    </form>
  );
}

export function EventsForm({
  endpointId,
  eventTypes,
  selected,
}: {
  endpointId: string;
  eventTypes: readonly string[];
  selected: readonly string[] | null;
}) {
  const [state, action, pending] = useActionState<FormState, FormData>(saveEndpointEventsAction, {});
  return (
    <form action={action} className="stack" aria-label="Events to receive">
      <ErrorAlert state={state} />
      {state.ok && (
        <div className="alert ok" role="status">
          Saved.
        </div>
      )}
      <input type="hidden" name="endpointId" value={endpointId} />
      <fieldset className="field">
        <legend>Events (none ticked = every event)</legend>
        <div className="row">
          {eventTypes.map((t) => (
            <label key={t} style={{ fontWeight: 400 }}>
              <input type="checkbox" name="events" value={t} defaultChecked={selected?.includes(t) ?? false} /> {t}
            </label>
          ))}
        </div>
      </fieldset>
      <button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Save events'}
      </button>
    </form>
  );
}

export function RotateSecretForm({ endpointId }: { endpointId: string }) {
  const [state, action, pending] = useActionState<RotatedSecretState, FormData>(rotateSecretAction, {});
  return (
    <>
      {state.secret && (
        <div className="alert ok" role="status">
          <p style={{ marginTop: 0 }}>
            <strong>Copy the new signing secret now</strong>: it is shown only once.{' '}
            {state.previousSecretExpiresAt
              ? `Until ${new Date(state.previousSecretExpiresAt).toUTCString()} deliveries carry two v1 signatures (new and old).`
              : 'The old secret signs nothing any more.'}
          </p>
          <div className="secret">
            <code data-testid="rotated-secret">{state.secret}</code>
            <CopyButton text={state.secret} label="Copy secret" />
          </div>
        </div>
      )}
      <ErrorAlert state={state} />
      <form
        action={action}
        className="row"
        aria-label="Roll the signing secret"
        onSubmit={(e) => {
          if (!window.confirm('Roll the signing secret? The new one is shown once.')) e.preventDefault();
        }}
      >
        <input type="hidden" name="endpointId" value={endpointId} />
        <div className="field">
          <label htmlFor={`overlap-${endpointId}`}>Old secret keeps signing for</label>
          <select id={`overlap-${endpointId}`} name="overlapHours" defaultValue="24">
            <option value="0">no overlap</option>
            <option value="1">1 hour</option>
            <option value="24">24 hours</option>
            <option value="72">3 days</option>
            <option value="168">7 days</option>
          </select>
        </div>
        <button type="submit" className="secondary" disabled={pending}>
          {pending ? 'Rolling…' : 'Roll secret'}
        </button>
      </form>
    </>
  );
}

export function TypedTestEventForm({ endpointId, eventTypes }: { endpointId: string; eventTypes: readonly string[] }) {
  const [state, action, pending] = useActionState<TypedTestState, FormData>(sendTypedTestEventAction, {});
  return (
    <>
      <form action={action} className="row" aria-label="Send a test event">
        <input type="hidden" name="endpointId" value={endpointId} />
        <div className="field">
          <label htmlFor={`test-type-${endpointId}`}>Event type</label>
          <select id={`test-type-${endpointId}`} name="type" defaultValue="webhook.test">
            {eventTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="secondary" disabled={pending}>
          {pending ? 'Sending…' : 'Send test event of this type'}
        </button>
      </form>
      {state.message && (
        <div className={`alert ${state.ok ? 'ok' : 'error'}`} role="status" data-testid="typed-test-result">
          {state.message}
        </div>
      )}
      {!state.message && <ErrorAlert state={state} />}
    </>
  );
}
