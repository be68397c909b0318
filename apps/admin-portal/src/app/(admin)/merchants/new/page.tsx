import type { Metadata } from 'next';
import { requireAdmin } from '../../../../server/portal.ts';
import { CreateMerchantForm } from './create-merchant-form.tsx';

export const metadata: Metadata = { title: 'New merchant' };

export default async function NewMerchantPage() {
  await requireAdmin();
  return (
    <>
      <h1>New merchant</h1>
      <p className="muted">
        Creates the merchant with its portal login, its opening balance as a ledger entry, and a payout API key.
      </p>
      <CreateMerchantForm />
    </>
  );
}
