'use server';

import { createCheckoutBody } from '@mypay/contracts';
import { createCheckout, randomHex } from '@mypay/core';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { parseRupees } from '../../../../components/query.ts';
import { getConfig } from '../../../../server/config.ts';
import { type FormState, getDb, requireMerchant, toFieldErrors, toFormState } from '../../../../server/portal.ts';

export async function createTestCheckout(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  const h = await headers();
  const origin = `${h.get('x-forwarded-proto') ?? 'http'}://${h.get('x-forwarded-host') ?? h.get('host')}`;
  const mobile = String(form.get('mobile') ?? '').trim();
  // The same schema the Payment API validates with (@mypay/contracts).
  const parsed = createCheckoutBody.safeParse({
    amount: parseRupees(String(form.get('amount') ?? '')) ?? undefined,
    currency: 'PKR',
    orderId: String(form.get('orderId') ?? '').trim() || `portal-${randomHex(4)}`,
    customer: mobile ? { mobile } : undefined,
    // The hosted page sends the customer back to the portal's lists.
    successUrl: `${origin}/payments/transactions`,
    cancelUrl: `${origin}/payments`,
  });
  if (!parsed.success) return toFieldErrors(parsed.error, { amount: 'Enter rupees, e.g. 2500 or 2500.50' });
  let checkoutUrl: string;
  try {
    const checkout = await createCheckout(
      { db: getDb(), publicUrl: getConfig().paymentApiBaseUrl },
      { merchantId: merchant.id, ...parsed.data },
    );
    checkoutUrl = checkout.checkoutUrl;
  } catch (error) {
    return toFormState(error);
  }
  redirect(checkoutUrl);
}
