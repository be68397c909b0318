'use server';

import { createPayoutBody } from '@mypay/contracts';
import { createPayout } from '@mypay/core';
import { redirect } from 'next/navigation';
import { parseRupees } from '../../../../components/query.ts';
import { getPayoutDeps } from '../../../../server/deps.ts';
import { type FormState, requireMerchant, toFieldErrors, toFormState } from '../../../../server/portal.ts';

/** Friendlier words for the portal's own fields; everything else is the contract's message. */
const MESSAGES: Record<string, string> = {
  amount: 'Enter an amount in rupees, e.g. 1500 or 1500.50',
  'destination.provider': 'Choose a provider',
  reference: 'Enter a reference, unique among your payouts',
};

export async function createTestPayout(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const optional = (name: string) => text(name) || undefined;
  // The same schema the Payout API validates with (@mypay/contracts): one rule, no second copy.
  const parsed = createPayoutBody.safeParse({
    amount: parseRupees(text('amount')) ?? undefined,
    currency: 'PKR',
    destination: {
      type: text('type') === 'bank' || text('type') === 'iban' ? text('type') : 'wallet',
      // An IBAN's bank code names its bank: the form sends no provider for it.
      provider: optional('provider'),
      accountNumber: text('accountNumber'),
      accountTitle: optional('accountTitle'),
    },
    reference: text('reference'),
    description: optional('description'),
  });
  if (!parsed.success) return toFieldErrors(parsed.error, MESSAGES);

  let id: string;
  try {
    const payout = await createPayout(getPayoutDeps(), { merchantId: merchant.id, ...parsed.data });
    id = payout.id;
  } catch (error) {
    return toFormState(error);
  }
  redirect(`/payouts/${id}`);
}
