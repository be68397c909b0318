import { formatPkr, type LedgerEntryView, type ObjectEventSummary } from '@mypay/core';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { formatTime, StatusBadge } from './format.tsx';
import { LedgerTable } from './ledger-table.tsx';
import { ObjectEvents } from './object-events.tsx';
import { withQuery } from './query.ts';

/** What a payout and a payment transaction have in common on their admin page. */
export interface MoneyObject {
  id: string;
  status: string;
  amount: number;
  scenario: string;
  failure: { code: string; message: string | null } | null;
  createdAt: Date | string;
  updatedAt: Date | string;
}

/**
 * The admin page of one payout or payment: heading, amount, the facts (merchant, then the
 * object's own `details`, scenario, failure, times, then `moreDetails`), the object's own
 * section (`children`: status history, refunds), its ledger entries and its webhook events.
 */
export function MoneyObjectPage({
  object,
  value: p,
  merchant,
  amount,
  details,
  moreDetails,
  ledger,
  events,
  children,
}: {
  object: 'payout' | 'payment';
  value: MoneyObject;
  merchant: { id: string; name: string };
  amount: { label: string; note?: ReactNode };
  details: ReactNode;
  moreDetails?: ReactNode;
  ledger: LedgerEntryView[];
  events: ObjectEventSummary[];
  children: ReactNode;
}) {
  const Noun = `${object[0]!.toUpperCase()}${object.slice(1)}`;
  return (
    <>
      <div className="spread">
        <h1>
          {`${Noun} `}
          <span className="mono">{p.id}</span> <StatusBadge status={p.status} />
        </h1>
        <Link href={withQuery(`/${object}s`, { merchantId: merchant.id })}>{`This merchant’s ${object}s`}</Link>
      </div>
      <div className="grid">
        <div className="panel stat">
          <div className="label">{amount.label}</div>
          <div className="value" data-testid={`${object}-amount`}>
            {formatPkr(p.amount)}
          </div>
          {amount.note}
        </div>
        <section className="panel">
          <dl className="kv">
            <dt>Merchant</dt>
            <dd>
              <Link href={`/merchants/${merchant.id}`}>{merchant.name}</Link>{' '}
              <span className="mono">{merchant.id}</span>
            </dd>
            {details}
            <dt>Scenario</dt>
            <dd>{p.scenario}</dd>
            {p.failure && (
              <>
                <dt>Failure</dt>
                <dd className="danger">
                  {p.failure.code} {p.failure.message}
                </dd>
              </>
            )}
            <dt>Created / updated</dt>
            <dd>
              {formatTime(p.createdAt)} / {formatTime(p.updatedAt)}
            </dd>
            {moreDetails}
          </dl>
        </section>
      </div>
      {children}
      <section className="panel table-wrap" aria-labelledby="ledger-h">
        <h2 id="ledger-h">Ledger entries</h2>
        {ledger.length === 0 ? <p className="empty">No ledger entries.</p> : <LedgerTable entries={ledger} />}
      </section>
      <section className="panel table-wrap" aria-labelledby="events-h">
        <h2 id="events-h">Webhook events</h2>
        <ObjectEvents events={events} />
      </section>
    </>
  );
}
