import { randomHex } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { requireMerchant } from '../../../../server/portal.ts';
import { CheckoutForm } from './checkout-form.tsx';

export const metadata: Metadata = { title: 'Create test checkout' };

export default async function NewCheckoutPage() {
  await requireMerchant();
  return (
    <>
      <p>
        <Link href="/payments">← Payments</Link>
      </p>
      <h1>Create test checkout</h1>
      <div className="panel">
        <p className="muted">
          Opens a checkout through the same use-case as <code>POST /api/checkout/create</code>, then takes you to its
          hosted payment page on the Payment API.
        </p>
        <CheckoutForm defaultOrderId={`order-${randomHex(4)}`} />
      </div>
    </>
  );
}
