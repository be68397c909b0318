import { listTestClocks } from '@mypay/core';
import type { Metadata } from 'next';
import { formatTime } from '../../../../components/format.tsx';
import { getDb, requireMerchant } from '../../../../server/portal.ts';
import { ClockActions, CreateClockForm } from './clock-forms.tsx';

export const metadata: Metadata = { title: 'Test clocks' };

export default async function TestClocksPage() {
  const merchant = await requireMerchant();
  const { data: clocks } = await listTestClocks(getDb(), { merchantId: merchant.id, limit: 100 });
  return (
    <>
      <div className="panel">
        <h2>Test clocks</h2>
        <p className="muted">
          Objects bound to a clock (<code>testClock</code> on a payout or checkout) follow its time, not wall time:
          advancing it makes their timeouts, reversals, expiries, refunds and webhook retries happen now, each at its
          due time on the clock.
        </p>
        {clocks.length === 0 ? (
          <p className="empty">No test clocks yet. Create one below.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Clock</th>
                  <th>Time on the clock</th>
                  <th>Status</th>
                  <th>Created</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {clocks.map((c) => (
                  <tr key={c.id} data-clock-id={c.id}>
                    <td>
                      <span className="mono">{c.id}</span>
                      {c.name && <div className="muted">{c.name}</div>}
                    </td>
                    <td data-testid="clock-time">{formatTime(c.frozenTime)}</td>
                    <td>
                      <span className={`badge ${c.status === 'ready' ? 'COMPLETED' : 'PROCESSING'}`}>{c.status}</span>
                    </td>
                    <td>{formatTime(c.createdAt)}</td>
                    <td>
                      <ClockActions clockId={c.id} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <div className="panel">
        <h2>Create a clock</h2>
        <CreateClockForm />
      </div>
    </>
  );
}
