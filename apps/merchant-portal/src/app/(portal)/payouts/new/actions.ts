'use server';

import { createPayout } from '@mypay/core';
import { redirect } from 'next/navigation';
import { parseRupees } from '../../../../components/query.ts';
import { getPayoutDeps } from '../../../../server/deps.ts';
import { type FormState, toFormState } from '../../../../server/errors.ts';
import { requireMerchant } from '../../../../server/session.ts';

export async function createTestPayout(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const amount = parseRupees(text('amount'));
  const type = text('type') === 'bank' ? 'bank' : 'wallet';
  const fields: Record<string, string> = {};
  if (amount === null) fields.amount = 'Enter an amount in rupees, e.g. 1500 or 1500.50';
  if (!text('provider')) fields['destination.provider'] = 'Choose a provider';
  if (!text('accountNumber')) fields['destination.accountNumber'] = 'Enter the account number or mobile number';
  if (!text('reference')) fields.reference = 'Enter a reference, unique among your payouts';
  if (Object.keys(fields).length > 0) return { error: 'Check the highlighted fields.', fields };

  let id: string;
  try {
    const payout = await createPayout(getPayoutDeps(), {
      merchantId: merchant.id,
      amount: amount!,
      currency: 'PKR',
      destination: {
        type,
        provider: text('provider'),
        accountNumber: text('accountNumber'),
        accountTitle: text('accountTitle') || undefined,
      },
      reference: text('reference'),
      description: text('description') || undefined,
    });
    id = payout.id;
  } catch (error) {
    return toFormState(error);
  }
  redirect(`/payouts/${id}`);
}
