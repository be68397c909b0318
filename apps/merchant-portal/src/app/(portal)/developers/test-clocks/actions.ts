'use server';

import { createTestClockBody, parseClockStepSeconds } from '@mypay/contracts';
import { advanceTestClock, createTestClock, deleteTestClock } from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { getConfig } from '../../../../server/config.ts';
import { getPayoutDeps } from '../../../../server/deps.ts';
import { type FormState, requireMerchant, toFieldErrors, toFormState } from '../../../../server/portal.ts';

export interface ClockFormState extends FormState {
  /** What happened, for the page's status line. */
  message?: string;
}

const PATH = '/developers/test-clocks';

/** The same use-cases as POST/DELETE /api/v1/test-clocks…, so the portal and the API keep one set of rules. */
export async function createClockAction(_prev: ClockFormState, form: FormData): Promise<ClockFormState> {
  const merchant = await requireMerchant();
  const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
  const parsed = createTestClockBody.safeParse({ name: text('name'), frozenTime: text('frozenTime') });
  if (!parsed.success) return toFieldErrors(parsed.error, { frozenTime: 'Enter a time like 2026-12-01T09:30:00Z' });
  try {
    const clock = await createTestClock(getPayoutDeps().db, {
      merchantId: merchant.id,
      name: parsed.data.name,
      frozenTime: parsed.data.frozenTime ? new Date(parsed.data.frozenTime) : undefined,
    });
    revalidatePath(PATH);
    return { ok: true, message: `Created ${clock.id} at ${clock.frozenTime}` };
  } catch (error) {
    return toFormState(error);
  }
}

export async function advanceClockAction(_prev: ClockFormState, form: FormData): Promise<ClockFormState> {
  const merchant = await requireMerchant();
  const id = String(form.get('id') ?? '');
  const step = String(form.get('step') ?? '');
  const seconds = parseClockStepSeconds(step);
  if (seconds === null) {
    return {
      error: 'Check the highlighted fields.',
      fields: { step: 'Enter a step like 31s, 5m, 2h, 1h30m, 1d or a number of seconds' },
    };
  }
  const deps = getPayoutDeps();
  const config = getConfig();
  try {
    const clock = await advanceTestClock(
      {
        db: deps.db,
        scenarios: deps.scenarios,
        checkoutPublicUrl: config.paymentApiBaseUrl,
        maxAdvanceMs: config.testClockMaxAdvanceMs,
      },
      { merchantId: merchant.id, id, seconds },
    );
    revalidatePath(PATH);
    return { ok: true, message: `Advanced ${clock.id} to ${clock.frozenTime}` };
  } catch (error) {
    return toFormState(error);
  }
}

export async function deleteClockAction(_prev: ClockFormState, form: FormData): Promise<ClockFormState> {
  const merchant = await requireMerchant();
  try {
    const deleted = await deleteTestClock(getPayoutDeps().db, merchant.id, String(form.get('id') ?? ''));
    revalidatePath(PATH);
    return { ok: true, message: `Deleted ${deleted.id}` };
  } catch (error) {
    return toFormState(error);
  }
}
