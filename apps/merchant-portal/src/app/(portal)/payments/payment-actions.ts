'use server';

import { cancelCheckout, createRefund, isAppError } from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { parseRupees } from '../../../components/query.ts';
import { merchantAuditContext } from '../../../server/audit-context.ts';
import { getConfig } from '../../../server/config.ts';
import { getPayoutDeps } from '../../../server/deps.ts';
import { type FormState, getDb, requireMerchant, toFormState } from '../../../server/portal.ts';

export interface RefundState extends FormState {
  refundId?: string;
  status?: string;
}

/** Refund button of a transaction page: the same use-case as POST /refunds, audited with the merchant. */
export async function refundAction(_prev: RefundState, form: FormData): Promise<RefundState> {
  const merchant = await requireMerchant();
  const transactionId = String(form.get('transactionId') ?? '');
  const amountText = String(form.get('amount') ?? '').trim();
  const amount = amountText === '' ? undefined : parseRupees(amountText);
  if (amount === null) {
    return {
      error: 'Check the highlighted fields.',
      fields: { amount: 'Enter an amount in rupees above 0, e.g. 500 or 500.50 (empty: all that remains)' },
    };
  }
  const reason = String(form.get('reason') ?? '').trim() || undefined;
  try {
    const refund = await createRefund(
      { db: getDb(), scenarios: getPayoutDeps().scenarios },
      { merchantId: merchant.id, transactionId, amount, reason },
      { audit: await merchantAuditContext(merchant) },
    );
    revalidatePath(`/payments/transactions/${transactionId}`);
    revalidatePath('/payments/refunds');
    return { ok: true, refundId: refund.id, status: refund.status };
  } catch (error) {
    return toFormState(error);
  }
}

/** Cancel button of a checkout page: the same use-case as POST /checkouts/:id/cancel, audited. */
export async function cancelCheckoutAction(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  const checkoutId = String(form.get('checkoutId') ?? '');
  try {
    await cancelCheckout(
      { db: getDb(), publicUrl: getConfig().paymentApiBaseUrl },
      { checkoutId, merchantId: merchant.id },
      { audit: await merchantAuditContext(merchant) },
    );
  } catch (error) {
    if (isAppError(error) && error.code === 'INVALID_STATE') {
      revalidatePath(`/payments/checkouts/${checkoutId}`);
      return { error: `${error.message} (the page now shows its state)` };
    }
    return toFormState(error);
  }
  revalidatePath(`/payments/checkouts/${checkoutId}`);
  revalidatePath('/payments');
  return { ok: true };
}
