import { formatPkr } from '@mypay/core';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { formatTime, StatusBadge } from './format.tsx';
import { MoneyFilters, type RawMoneyFilters } from './money-filters.tsx';
import { withQuery } from './query.ts';

/** What a row of the payouts or payments list has in common. */
export interface MoneyListRow {
  id: string;
  createdAt: Date | string;
  status: string;
  amount: number;
  merchant: { id: string; name: string };
}

/** One of the two columns that differ between the lists (reference and destination, order and payer). */
export interface MoneyListColumn<T> {
  header: string;
  title: (row: T) => string;
  cell: (row: T) => ReactNode;
}

/**
 * Every merchant's payouts or payments, newest first, with the shared filters: the lists differ in
 * their object (`payout`/`payment`: its path, test ids and words), their search field and two columns.
 */
export function MoneyList<T extends MoneyListRow>({
  object,
  intro,
  statuses,
  search,
  raw,
  page,
  columns,
  statusWidth,
}: {
  object: 'payout' | 'payment';
  intro: string;
  statuses: readonly string[];
  search: { label: string; placeholder: string };
  raw: RawMoneyFilters;
  page: { data: T[]; nextCursor: string | null };
  columns: readonly [MoneyListColumn<T>, MoneyListColumn<T>];
  /** The status column's width, fitting the longest status. */
  statusWidth: string;
}) {
  const plural = `${object}s`;
  const path = `/${plural}`;
  const Noun = `${object[0]!.toUpperCase()}${object.slice(1)}`;
  return (
    <>
      <h1>{`${Noun}s`}</h1>
      <p className="muted">{intro}</p>
      <MoneyFilters
        raw={raw}
        statuses={statuses}
        path={path}
        qLabel={search.label}
        qPlaceholder={search.placeholder}
        label={`${Noun} filters`}
      />
      <div className="panel table-wrap">
        {page.data.length === 0 ? (
          <p className="empty">{`No ${plural} match these filters.`}</p>
        ) : (
          <table className="compact" data-testid={`${plural}-table`}>
            <colgroup>
              <col style={{ width: '13rem' }} />
              <col style={{ width: '12rem' }} />
              <col style={{ width: '10rem' }} />
              <col />
              <col style={{ width: '9rem' }} />
              <col style={{ width: statusWidth }} />
              <col style={{ width: '9.5rem' }} />
            </colgroup>
            <thead>
              <tr>
                <th>Created</th>
                <th>{Noun}</th>
                <th>Merchant</th>
                <th>{columns[0].header}</th>
                <th>{columns[1].header}</th>
                <th>Status</th>
                <th className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((p) => (
                <tr key={p.id} {...{ [`data-${object}`]: p.id }}>
                  <td>{formatTime(p.createdAt)}</td>
                  <td className="mono" title={p.id}>
                    <Link href={`${path}/${p.id}`}>{p.id}</Link>
                  </td>
                  <td title={p.merchant.id}>
                    <Link href={`/merchants/${p.merchant.id}`}>{p.merchant.name}</Link>
                  </td>
                  {columns.map((c) => (
                    <td key={c.header} title={c.title(p)}>
                      {c.cell(p)}
                    </td>
                  ))}
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td className="num">{formatPkr(p.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.nextCursor && (
          <p>
            <Link href={withQuery(path, { ...raw, cursor: page.nextCursor })}>{`Older ${plural} →`}</Link>
          </p>
        )}
      </div>
    </>
  );
}
