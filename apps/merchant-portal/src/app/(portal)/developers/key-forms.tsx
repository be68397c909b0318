'use client';

import { useActionState } from 'react';
import { CopyButton } from '../../../components/copy-button.tsx';
import type { FormState } from '../../../server/portal.ts';
import { type CreatedKeyState, createKeyAction, revokeKeyAction } from './actions.ts';

export function CreateKeyForm() {
  const [state, action, pending] = useActionState<CreatedKeyState, FormData>(createKeyAction, {});
  return (
    <>
      {state.key && (
        <div className="alert ok" role="status">
          <p style={{ marginTop: 0 }}>
            <strong>Copy your new key now.</strong> It is shown only once; we keep only its hash.
          </p>
          <div className="secret">
            <code data-testid="new-api-key">{state.key}</code>
            <CopyButton text={state.key} label="Copy key" />
          </div>
        </div>
      )}
      {state.error && (
        <div className="alert error" role="alert">
          {state.error}
        </div>
      )}
      <form action={action} className="inline" aria-label="Create an API key">
        <div className="field">
          <label htmlFor="key-name">Name</label>
          <input id="key-name" name="name" required maxLength={100} placeholder="e.g. staging backend" />
        </div>
        <div className="field">
          <label htmlFor="key-scope">Scope</label>
          <select id="key-scope" name="scope" defaultValue="payout">
            <option value="payout">payout — Payout API</option>
            <option value="payment">payment — Payment API</option>
            <option value="all">all — both APIs</option>
          </select>
        </div>
        <button type="submit" disabled={pending}>
          {pending ? 'Creating…' : 'Create key'}
        </button>
      </form>
    </>
  );
}

export function RevokeKeyButton({ keyId, name }: { keyId: string; name: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(revokeKeyAction, {});
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm(`Revoke the key "${name}"? Calls made with it will get 401 at once.`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="keyId" value={keyId} />
      <button type="submit" className="danger" disabled={pending} aria-label={`Revoke key ${name}`}>
        Revoke
      </button>
      {state.error && <span role="alert"> {state.error}</span>}
    </form>
  );
}
