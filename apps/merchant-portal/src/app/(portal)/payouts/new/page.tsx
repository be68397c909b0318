import { randomHex } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getPayoutDeps } from '../../../../server/deps.ts';
import { requireMerchant } from '../../../../server/portal.ts';
import { PayoutForm } from './payout-form.tsx';

export const metadata: Metadata = { title: 'New test payout' };

export default async function NewPayoutPage() {
  await requireMerchant();
  const deps = getPayoutDeps();
  const [scenarios, wallets, banks] = await Promise.all([
    deps.scenarios.list(),
    deps.directory.wallets(),
    deps.directory.banks(),
  ]);
  return (
    <>
      <p>
        <Link href="/payouts">← Payouts</Link>
      </p>
      <h1>New test payout</h1>
      <div className="panel">
        <PayoutForm
          scenarios={scenarios.map((s) => ({
            number: s.number,
            key: s.key,
            mobile: s.mobile,
            bankAccount: s.bankAccount,
            payoutOutcome: s.payoutOutcome,
          }))}
          wallets={wallets}
          banks={banks.map((b) => ({ code: b.code, name: b.name, ibanCode: b.ibanCode }))}
          defaultReference={`portal-${randomHex(4)}`}
        />
      </div>
    </>
  );
}
