'use client';

import { useActionState, useState } from 'react';
import type { FormState } from '../../../../server/portal.ts';
import { createTestPayout } from './actions.ts';
import { exampleIban, type IbanBank, IbanField } from './iban-field.tsx';

export interface ScenarioOption {
  number: number;
  key: string;
  mobile: string;
  bankAccount: string;
  payoutOutcome: string;
}

interface Props {
  scenarios: ScenarioOption[];
  wallets: { code: string; name: string }[];
  banks: IbanBank[];
  defaultReference: string;
}

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <span id={id} className="hint" style={{ color: 'var(--danger)' }}>
      {message}
    </span>
  ) : null;
}

export function PayoutForm({ scenarios, wallets, banks, defaultReference }: Props) {
  const [state, action, pending] = useActionState<FormState, FormData>(createTestPayout, {});
  const [type, setType] = useState<'wallet' | 'bank' | 'iban'>('wallet');
  const [scenarioKey, setScenarioKey] = useState(scenarios[0]?.key ?? '');
  const scenario = scenarios.find((s) => s.key === scenarioKey);
  const [accountNumber, setAccountNumber] = useState(scenario?.mobile ?? '');
  const providers = type === 'wallet' ? wallets : banks;
  const f = state.fields ?? {};
  // The server's word on the IBAN holds until it is edited; the live check speaks after that.
  const [editedAfter, setEditedAfter] = useState<FormState | null>(null);

  const pick = (key: string, nextType = type) => {
    setScenarioKey(key);
    const s = scenarios.find((x) => x.key === key);
    if (s) {
      setAccountNumber(
        nextType === 'wallet'
          ? s.mobile
          : nextType === 'iban'
            ? exampleIban(
                s.bankAccount,
                banks.find((b) => b.ibanCode),
              )
            : s.bankAccount,
      );
    }
  };

  return (
    <form action={action} className="stack">
      {state.error && (
        <div className="alert error" role="alert">
          {state.error}
        </div>
      )}
      <div className="field">
        <label htmlFor="amount">Amount (PKR)</label>
        <input
          id="amount"
          name="amount"
          inputMode="decimal"
          required
          defaultValue="1500.00"
          aria-describedby="amount-error"
        />
        <FieldError id="amount-error" message={f.amount} />
      </div>
      <div className="field">
        <label htmlFor="type">Destination type</label>
        <select
          id="type"
          name="type"
          value={type}
          onChange={(e) => {
            const next = e.target.value === 'bank' || e.target.value === 'iban' ? e.target.value : 'wallet';
            setType(next);
            pick(scenarioKey, next);
          }}
        >
          <option value="wallet">Mobile wallet</option>
          <option value="bank">Bank account</option>
          <option value="iban">IBAN</option>
        </select>
      </div>
      {type !== 'iban' && (
        <div className="field">
          <label htmlFor="provider">Provider</label>
          <select
            id="provider"
            name="provider"
            key={type}
            defaultValue={providers[0]?.code}
            aria-describedby="provider-error"
          >
            {providers.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name} ({p.code})
              </option>
            ))}
          </select>
          <FieldError id="provider-error" message={f['destination.provider']} />
        </div>
      )}
      <div className="field">
        <label htmlFor="scenario">Scenario</label>
        <select id="scenario" name="scenario" value={scenarioKey} onChange={(e) => pick(e.target.value)}>
          {scenarios.map((s) => (
            <option key={s.key} value={s.key}>
              {s.number}. {s.key} — {s.payoutOutcome}
            </option>
          ))}
        </select>
        <span className="hint">Fills in the account number that triggers this outcome.</span>
      </div>
      {type === 'iban' ? (
        <IbanField
          value={accountNumber}
          onChange={(value) => {
            setAccountNumber(value);
            setEditedAfter(state);
          }}
          banks={banks}
          serverError={editedAfter === state ? undefined : f['destination.accountNumber']}
        />
      ) : (
        <div className="field">
          <label htmlFor="accountNumber">{type === 'wallet' ? 'Mobile number' : 'Bank account number'}</label>
          <input
            id="accountNumber"
            name="accountNumber"
            required
            value={accountNumber}
            onChange={(e) => setAccountNumber(e.target.value)}
            aria-describedby="account-error"
          />
          <FieldError id="account-error" message={f['destination.accountNumber']} />
        </div>
      )}
      <div className="field">
        <label htmlFor="accountTitle">Account title (optional)</label>
        <input id="accountTitle" name="accountTitle" />
      </div>
      <div className="field">
        <label htmlFor="reference">Reference</label>
        <input
          id="reference"
          name="reference"
          required
          defaultValue={defaultReference}
          aria-describedby="reference-error"
        />
        <FieldError id="reference-error" message={f.reference} />
      </div>
      <div className="field">
        <label htmlFor="description">Description (optional)</label>
        <input id="description" name="description" />
      </div>
      <button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create payout'}
      </button>
    </form>
  );
}
