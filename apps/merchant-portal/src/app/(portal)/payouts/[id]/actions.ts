'use server';

import { isAppError, type PayoutStatus, simulatePayoutTransition } from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { merchantAuditContext } from '../../../../server/audit-context.ts';
import { getPayoutDeps } from '../../../../server/deps.ts';
import { type FormState, requireMerchant, toFormState } from '../../../../server/portal.ts';

export async function simulate(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  const payoutId = String(form.get('payoutId') ?? '');
  const status = String(form.get('status') ?? '') as PayoutStatus;
  try {
    await simulatePayoutTransition(
      getPayoutDeps(),
      { merchantId: merchant.id, payoutId, status },
      await merchantAuditContext(merchant),
    );
  } catch (error) {
    if (isAppError(error) && error.code === 'INVALID_STATE') {
      revalidatePath(`/payouts/${payoutId}`);
      return { error: `${error.message} (the payout may have moved on by itself; the page now shows its state)` };
    }
    return toFormState(error);
  }
  revalidatePath(`/payouts/${payoutId}`);
  return { ok: true };
}
