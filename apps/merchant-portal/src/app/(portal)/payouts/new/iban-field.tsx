'use client';

import { checkIban, IBAN_LENGTH, makeIban, normalizeIban } from '@mypay/contracts/pakistani-accounts';

export interface IbanBank {
  code: string;
  name: string;
  ibanCode: string | null;
}

/** A valid example IBAN carrying a scenario's bank number in its last 10 digits (as in docs/scenarios.md). */
export function exampleIban(bankAccount: string, bank: Pick<IbanBank, 'ibanCode'> | undefined): string {
  return makeIban(bank?.ibanCode || 'HABB', `001234${bankAccount.padStart(10, '0')}`);
}

/**
 * What the field says about its text, with the same check the API runs (@mypay/contracts): while
 * fewer than 24 characters are typed only how many remain (no error mid-typing), then the first
 * rule broken — wrong check digits included — or the bank its code names.
 */
export function describeIban(
  text: string,
  banks: readonly IbanBank[],
): { kind: 'empty' | 'typing' | 'error' | 'ok'; message: string; bank?: IbanBank } {
  const iban = normalizeIban(text);
  if (iban.length === 0) return { kind: 'empty', message: 'PK + 2 check digits + 4-letter bank code + 16 digits' };
  if (iban.length < IBAN_LENGTH && /^[A-Z0-9]*$/.test(iban)) {
    return { kind: 'typing', message: `${IBAN_LENGTH - iban.length} more characters` };
  }
  const checked = checkIban(
    iban,
    banks.flatMap((b) => (b.ibanCode ? [b.ibanCode] : [])),
  );
  if (!checked.ok) return { kind: 'error', message: checked.problem.message };
  const bank = banks.find((b) => b.ibanCode === checked.parts.bankCode);
  return { kind: 'ok', message: `${bank?.name ?? checked.parts.bankCode} (${bank?.code ?? '?'})`, bank };
}

/** The IBAN input of the payout form: validated live in the browser, and again by the server. */
export function IbanField({
  value,
  onChange,
  banks,
  serverError,
}: {
  value: string;
  onChange: (value: string) => void;
  banks: readonly IbanBank[];
  serverError?: string | undefined;
}) {
  const state = describeIban(value, banks);
  const error = state.kind === 'error' ? state.message : serverError;
  return (
    <div className="field">
      <label htmlFor="accountNumber">IBAN</label>
      <input
        id="accountNumber"
        name="accountNumber"
        required
        autoComplete="off"
        spellCheck={false}
        className="mono"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby="iban-status account-error"
        placeholder="PK36 SCBL 0000 0011 2345 6702"
      />
      {state.kind === 'ok' ? (
        <span id="iban-status" className="hint" data-testid="iban-bank" style={{ color: 'var(--ok, inherit)' }}>
          ✓ Bank: {state.message}
        </span>
      ) : state.kind !== 'error' ? (
        <span id="iban-status" className="hint">
          {state.message}
        </span>
      ) : null}
      {error && (
        <span
          id="account-error"
          className="hint"
          role="alert"
          data-testid="iban-error"
          style={{ color: 'var(--danger)' }}
        >
          {error}
        </span>
      )}
    </div>
  );
}
