'use server';

import { createCheckout, randomHex } from '@mypay/core';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { parseRupees } from '../../../../components/query.ts';
import { getConfig } from '../../../../server/config.ts';
import { getDb } from '../../../../server/db.ts';
import { type FormState, toFormState } from '../../../../server/errors.ts';
import { requireMerchant } from '../../../../server/session.ts';

export async function createTestCheckout(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  const amount = parseRupees(String(form.get('amount') ?? ''));
  if (amount === null) return { error: 'Check the amount.', fields: { amount: 'Enter rupees, e.g. 2500 or 2500.50' } };
  const h = await headers();
  const origin = `${h.get('x-forwarded-proto') ?? 'http'}://${h.get('x-forwarded-host') ?? h.get('host')}`;
  let checkoutUrl: string;
  try {
    const mobile = String(form.get('mobile') ?? '').trim();
    const checkout = await createCheckout(
      { db: getDb(), publicUrl: getConfig().paymentApiBaseUrl },
      {
        merchantId: merchant.id,
        amount,
        currency: 'PKR',
        orderId: String(form.get('orderId') ?? '').trim() || `portal-${randomHex(4)}`,
        customer: mobile ? { mobile } : undefined,
        // The hosted page sends the customer back to the portal's lists.
        successUrl: `${origin}/payments/transactions`,
        cancelUrl: `${origin}/payments`,
      },
    );
    checkoutUrl = checkout.checkoutUrl;
  } catch (error) {
    return toFormState(error);
  }
  redirect(checkoutUrl);
}
