'use server';

import { adjustMerchantBalance, revokeApiKey, setMerchantStatus } from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { parseRupees } from '../../../../components/query.ts';
import { type FormState, getDb, requireAdminActor, toFormState } from '../../../../server/portal.ts';

// Server actions: Next checks the Origin header against the host, so another site cannot post them.

export async function setStatusAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { actor } = await requireAdminActor();
  const merchantId = String(form.get('merchantId') ?? '');
  const status = String(form.get('status') ?? '');
  try {
    const result = await setMerchantStatus(
      getDb(),
      { merchantId, status: status as 'ACTIVE' | 'SUSPENDED', reason: String(form.get('reason') ?? '') },
      actor,
    );
    revalidatePath(`/merchants/${merchantId}`);
    return { ok: true, message: result.changed ? `Merchant is now ${result.status}.` : `Already ${result.status}.` };
  } catch (error) {
    return toFormState(error);
  }
}

export async function adjustBalanceAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { actor } = await requireAdminActor();
  const merchantId = String(form.get('merchantId') ?? '');
  const amount = parseRupees(String(form.get('amount') ?? ''), { signed: true });
  if (amount === null) {
    return { error: 'Check the amount.', fields: { amount: 'rupees, e.g. 500.00 to credit or -500.00 to debit' } };
  }
  const version = Number(form.get('version'));
  try {
    const result = await adjustMerchantBalance(
      getDb(),
      {
        merchantId,
        amount,
        reason: String(form.get('reason') ?? ''),
        expectedVersion: Number.isInteger(version) ? version : undefined,
      },
      actor,
    );
    revalidatePath(`/merchants/${merchantId}`);
    return { ok: true, message: `Adjusted. Ledger entry #${result.ledgerEntryId}.` };
  } catch (error) {
    revalidatePath(`/merchants/${merchantId}`);
    return toFormState(error);
  }
}

export async function revokeKeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { actor } = await requireAdminActor();
  const merchantId = String(form.get('merchantId') ?? '');
  try {
    await revokeApiKey(getDb(), {
      merchantId,
      keyId: String(form.get('keyId') ?? ''),
      actor: { actorType: 'ADMIN', actorId: actor.adminId },
      context: actor,
    });
  } catch (error) {
    return toFormState(error);
  }
  revalidatePath(`/merchants/${merchantId}`);
  return { ok: true };
}
