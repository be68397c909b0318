'use client';

import { useActionState } from 'react';
import { CopyButton } from '../../../../components/copy-button.tsx';
import type { FormState } from '../../../../server/portal.ts';
import {
  type CreatedEndpointState,
  createEndpointAction,
  deleteEndpointAction,
  sendTestEventAction,
  type TestEventState,
} from '../actions.ts';

export function CreateEndpointForm({ eventTypes }: { eventTypes: readonly string[] }) {
  const [state, action, pending] = useActionState<CreatedEndpointState, FormData>(createEndpointAction, {});
  return (
    <>
      {state.secret && (
        <div className="alert ok" role="status">
          <p style={{ marginTop: 0 }}>
            Endpoint added for <code>{state.url}</code>. <strong>Copy its signing secret now</strong>: it is shown only
            once.
          </p>
          <div className="secret">
            <code data-testid="webhook-secret">{state.secret}</code>
            <CopyButton text={state.secret} label="Copy secret" />
          </div>
        </div>
      )}
      {state.error && (
        <div className="alert error" role="alert">
          {state.error}
          {state.fields && Object.values(state.fields).length > 0 && (
            <div>{Object.values(state.fields).join('; ')}</div>
          )}
        </div>
      )}
      <form action={action} className="stack" aria-label="Add a webhook endpoint">
        <div className="field">
          <label htmlFor="endpoint-url">Endpoint URL</label>
          <input id="endpoint-url" name="url" type="url" required placeholder="https://example.com/webhooks/mypay" />
        </div>
        <div className="field">
          <label htmlFor="endpoint-description">Description (optional)</label>
          <input id="endpoint-description" name="description" maxLength={255} />
        </div>
        <fieldset className="field">
          <legend>Events (none ticked = every event)</legend>
          <div className="row">
            {eventTypes.map((t) => (
              <label key={t} style={{ fontWeight: 400 }}>
                <input type="checkbox" name="events" value={t} /> {t}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" disabled={pending}>
          {pending ? 'Adding…' : 'Add endpoint'}
        </button>
      </form>
    </>
  );
}

export function EndpointActions({ endpointId, url }: { endpointId: string; url: string }) {
  const [testState, testAction, testing] = useActionState<TestEventState, FormData>(sendTestEventAction, {});
  const [deleteState, deleteAction, deleting] = useActionState<FormState, FormData>(deleteEndpointAction, {});
  return (
    <div>
      <div className="row">
        <form action={testAction}>
          <input type="hidden" name="endpointId" value={endpointId} />
          <button type="submit" className="secondary" disabled={testing}>
            {testing ? 'Sending…' : 'Send test event'}
          </button>
        </form>
        <form
          action={deleteAction}
          onSubmit={(e) => {
            if (!window.confirm(`Remove the endpoint ${url}? Pending deliveries to it are given up.`))
              e.preventDefault();
          }}
        >
          <input type="hidden" name="endpointId" value={endpointId} />
          <button type="submit" className="danger" disabled={deleting} aria-label={`Remove endpoint ${url}`}>
            Remove
          </button>
        </form>
      </div>
      {testState.message && (
        <div
          className={`alert ${testState.ok ? 'ok' : 'error'}`}
          role="status"
          data-testid="test-event-result"
          style={{ marginTop: '0.5rem' }}
        >
          {testState.message}
        </div>
      )}
      {!testState.message && testState.error && (
        <div className="alert error" role="alert" style={{ marginTop: '0.5rem' }}>
          {testState.error}
        </div>
      )}
      {deleteState.error && (
        <div className="alert error" role="alert">
          {deleteState.error}
        </div>
      )}
    </div>
  );
}
