import { formatPkr, getMerchantDetail } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { formatTime, StatusBadge } from '../../../../components/format.tsx';
import { withQuery } from '../../../../components/query.ts';
import { getDb, orNotFound, requireAdmin } from '../../../../server/portal.ts';
import { AdjustBalanceForm, RevokeKeyButton, StatusForm } from './forms.tsx';
import { ResetPasswordForm } from './reset-password-form.tsx';

export const metadata: Metadata = { title: 'Merchant' };

export default async function MerchantPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const d = await orNotFound(getMerchantDetail(getDb(), id));
  const m = d.merchant;
  return (
    <>
      <div className="spread">
        <h1>
          {m.name} <StatusBadge status={m.status} />
        </h1>
        <Link href={withQuery('/audit', { merchantId: m.id })}>Audit log of this merchant</Link>
      </div>
      <p className="muted">
        <span className="mono">{m.id}</span> · {m.email} · created {formatTime(m.createdAt)}
      </p>
      <div className="grid">
        <div className="panel stat">
          <div className="label">Available</div>
          <div className="value" data-testid="available">
            {formatPkr(d.balance.available)}
          </div>
        </div>
        <div className="panel stat">
          <div className="label">Pending (payouts in flight)</div>
          <div className="value">{formatPkr(d.balance.pending)}</div>
        </div>
      </div>
      <div className="grid">
        <section className="panel" aria-labelledby="adjust-h">
          <h2 id="adjust-h">Adjust balance</h2>
          <AdjustBalanceForm merchantId={m.id} version={d.balance.version} />
        </section>
        <section className="panel" aria-labelledby="status-h">
          <h2 id="status-h">{m.status === 'ACTIVE' ? 'Suspend' : 'Reactivate'}</h2>
          <p className="muted">
            {m.status === 'ACTIVE'
              ? 'A suspended merchant’s API keys get 403 FORBIDDEN and its portal login is refused, at once.'
              : 'Reactivating restores its API keys (those not revoked) and portal login.'}
          </p>
          <StatusForm merchantId={m.id} status={m.status} />
        </section>
        <section className="panel" aria-labelledby="reset-h">
          <h2 id="reset-h">Reset password</h2>
          <p className="muted">
            Ends every portal session of the merchant; it must choose a new password at its next login.
          </p>
          <ResetPasswordForm merchantId={m.id} />
        </section>
      </div>
      <section className="panel table-wrap" aria-labelledby="ledger-h">
        <div className="spread">
          <h2 id="ledger-h">Recent ledger entries</h2>
          <Link href={`/merchants/${m.id}/ledger`}>Whole ledger →</Link>
        </div>
        {d.recentLedger.length === 0 ? (
          <p className="empty">No ledger entries yet. The opening balance, payouts and payments each write one.</p>
        ) : (
          <table data-testid="ledger">
            <thead>
              <tr>
                <th>#</th>
                <th>Type</th>
                <th className="num">Amount</th>
                <th className="num">Balance after</th>
                <th>Description</th>
                <th>At</th>
              </tr>
            </thead>
            <tbody>
              {d.recentLedger.map((l) => (
                <tr key={l.id}>
                  <td className="mono">{l.id}</td>
                  <td>{l.type}</td>
                  <td className="num">{formatPkr(l.amount)}</td>
                  <td className="num">{formatPkr(l.balanceAfter)}</td>
                  <td>{l.description}</td>
                  <td>{formatTime(l.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {/* One below the other: side by side, the amounts of long ids were cut off. */}
      <section className="panel table-wrap" aria-labelledby="payouts-h">
        <div className="spread">
          <h2 id="payouts-h">Recent payouts</h2>
          <Link href={withQuery('/payouts', { merchantId: m.id })}>All payouts →</Link>
        </div>
        {d.recentPayouts.length === 0 ? (
          <p className="empty">No payouts yet. They appear here once the merchant sends one (portal, API or CLI).</p>
        ) : (
          <table data-testid="recent-payouts">
            <thead>
              <tr>
                <th>Payout</th>
                <th>Reference</th>
                <th>Status</th>
                <th className="num">Amount</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {d.recentPayouts.map((p) => (
                <tr key={p.id}>
                  <td className="mono">
                    <Link href={`/payouts/${p.id}`}>{p.id}</Link>
                  </td>
                  <td>{p.reference}</td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td className="num">{formatPkr(p.amount)}</td>
                  <td className="nowrap">{formatTime(p.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel table-wrap" aria-labelledby="payments-h">
        <div className="spread">
          <h2 id="payments-h">Recent payments</h2>
          <Link href={withQuery('/payments', { merchantId: m.id })}>All payments →</Link>
        </div>
        {d.recentPayments.length === 0 ? (
          <p className="empty">No payments yet. They appear here once a checkout of this merchant is paid.</p>
        ) : (
          <table data-testid="recent-payments">
            <thead>
              <tr>
                <th>Payment</th>
                <th>Provider</th>
                <th>Status</th>
                <th className="num">Amount</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {d.recentPayments.map((p) => (
                <tr key={p.id}>
                  <td className="mono">
                    <Link href={`/payments/${p.id}`}>{p.id}</Link>
                  </td>
                  <td>{p.provider}</td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td className="num">{formatPkr(p.amount)}</td>
                  <td className="nowrap">{formatTime(p.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel table-wrap" aria-labelledby="keys-h">
        <h2 id="keys-h">API keys</h2>
        {d.apiKeys.length === 0 ? (
          <p className="empty">No API keys. The merchant creates them under Developers in the merchant portal.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>Scope</th>
                <th>Created</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.apiKeys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td className="mono">{k.prefix}…</td>
                  <td>{k.scope}</td>
                  <td>{formatTime(k.createdAt)}</td>
                  <td>{formatTime(k.lastUsedAt)}</td>
                  <td>
                    {k.revokedAt ? (
                      <span className="badge revoked">revoked {formatTime(k.revokedAt)}</span>
                    ) : (
                      <RevokeKeyButton merchantId={m.id} keyId={k.id} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel table-wrap" aria-labelledby="endpoints-h">
        <h2 id="endpoints-h">Webhook endpoints</h2>
        {d.webhookEndpoints.length === 0 ? (
          <p className="empty">No webhook endpoints. The merchant adds them under Developers → Webhooks.</p>
        ) : (
          <table>
            <tbody>
              {d.webhookEndpoints.map((e) => (
                <tr key={e.id}>
                  <td className="mono">{e.id}</td>
                  <td className="mono">{e.url}</td>
                  <td>{e.events ? e.events.join(', ') : 'all events'}</td>
                  <td>{e.enabled ? 'enabled' : `disabled (${e.disabledReason ?? 'by merchant'})`}</td>
                  <td>
                    <Link href={withQuery('/webhooks', { endpointId: e.id })}>deliveries</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
