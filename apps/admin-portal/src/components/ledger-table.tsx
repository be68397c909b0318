import { formatPkr, type LedgerEntryView } from '@mypay/core';
import Link from 'next/link';
import { formatTime } from './format.tsx';

/** Ledger lines with the running balance; ids of payouts and payments link to their pages. */
export function LedgerTable({ entries, testId = 'ledger' }: { entries: LedgerEntryView[]; testId?: string }) {
  return (
    <table className="compact" data-testid={testId}>
      <colgroup>
        <col style={{ width: '5rem' }} />
        <col style={{ width: '13rem' }} />
        <col style={{ width: '10rem' }} />
        <col style={{ width: '9.5rem' }} />
        <col style={{ width: '10rem' }} />
        <col style={{ width: '11rem' }} />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th>#</th>
          <th>At</th>
          <th>Type</th>
          <th className="num">Amount</th>
          <th className="num">Balance after</th>
          <th>Object</th>
          <th>Description</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((l) => (
          <tr key={l.id}>
            <td className="mono">{l.id}</td>
            <td>{formatTime(l.createdAt)}</td>
            <td title={l.type}>{l.type}</td>
            <td className={`num${l.amount < 0 ? ' danger' : ''}`}>{formatPkr(l.amount)}</td>
            <td className="num">{formatPkr(l.balanceAfter)}</td>
            <td className="mono">
              {l.payoutId ? (
                <Link href={`/payouts/${l.payoutId}`}>{l.payoutId}</Link>
              ) : l.transactionId ? (
                <Link href={`/payments/${l.transactionId}`}>{l.transactionId}</Link>
              ) : (
                '—'
              )}
            </td>
            <td title={l.description ?? ''}>{l.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
