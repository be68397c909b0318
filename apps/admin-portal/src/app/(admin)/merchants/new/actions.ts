'use server';

import { createMerchantAsAdmin } from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { parseRupees } from '../../../../components/query.ts';
import { type FormState, getDb, requireAdminActor, toFormState } from '../../../../server/portal.ts';

export interface CreateMerchantState extends FormState {
  merchantId?: string;
  payoutKey?: string;
  values?: { name: string; email: string; openingBalance: string };
}

export async function createMerchantAction(_prev: CreateMerchantState, form: FormData): Promise<CreateMerchantState> {
  const { actor } = await requireAdminActor();
  const values = {
    name: String(form.get('name') ?? ''),
    email: String(form.get('email') ?? ''),
    openingBalance: String(form.get('openingBalance') ?? '').trim() || '0',
  };
  const openingBalance = parseRupees(values.openingBalance, { allowZero: true });
  if (openingBalance === null) {
    return { error: 'Check the opening balance.', fields: { openingBalance: 'rupees, e.g. 1,000,000.00' }, values };
  }
  try {
    const created = await createMerchantAsAdmin(
      getDb(),
      { name: values.name, email: values.email, password: String(form.get('password') ?? ''), openingBalance },
      actor,
    );
    revalidatePath('/merchants');
    // The key travels back in this response only; it is not stored anywhere in clear.
    return { ok: true, merchantId: created.merchantId, payoutKey: created.payoutKey.key };
  } catch (error) {
    return { ...toFormState(error), values };
  }
}
