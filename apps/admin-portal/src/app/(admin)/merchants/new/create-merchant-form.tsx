'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { type CreateMerchantState, createMerchantAction } from './actions.ts';

export function CreateMerchantForm() {
  const [state, action, pending] = useActionState<CreateMerchantState, FormData>(createMerchantAction, {});
  if (state.ok && state.payoutKey && state.merchantId) {
    return (
      <div className="panel">
        <div className="alert ok" role="status">
          Merchant created.
        </div>
        <p>
          Its payout API key is shown <strong>only now</strong>; copy it and hand it to the merchant.
        </p>
        <div className="secret">
          <code data-testid="payout-key">{state.payoutKey}</code>
        </div>
        <p>
          <Link href={`/merchants/${state.merchantId}`} data-testid="merchant-link">
            Open the merchant ({state.merchantId})
          </Link>
        </p>
      </div>
    );
  }
  const err = state.fields ?? {};
  return (
    <form action={action} className="panel stack">
      {state.error && (
        <div className="alert error" role="alert">
          {state.error}
        </div>
      )}
      <div className="field">
        <label htmlFor="name">Business name</label>
        <input id="name" name="name" required maxLength={191} defaultValue={state.values?.name} />
        {err.name && <span className="hint danger">{err.name}</span>}
      </div>
      <div className="field">
        <label htmlFor="email">Portal login email</label>
        <input id="email" name="email" type="email" required defaultValue={state.values?.email} />
        {err.email && <span className="hint danger">{err.email}</span>}
      </div>
      <div className="field">
        <label htmlFor="password">Portal password</label>
        <input id="password" name="password" type="password" required minLength={10} autoComplete="new-password" />
        <span className={`hint ${err.password ? 'danger' : ''}`}>{err.password ?? 'at least 10 characters'}</span>
      </div>
      <div className="field">
        <label htmlFor="openingBalance">Opening balance (PKR)</label>
        <input
          id="openingBalance"
          name="openingBalance"
          inputMode="decimal"
          placeholder="1,000,000.00"
          defaultValue={state.values?.openingBalance}
        />
        <span className={`hint ${err.openingBalance ? 'danger' : ''}`}>
          {err.openingBalance ?? 'written to the ledger as the OPENING entry'}
        </span>
      </div>
      <button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create merchant'}
      </button>
    </form>
  );
}
