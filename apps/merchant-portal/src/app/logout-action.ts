'use server';

import { recordLogout } from '@mypay/core';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getConfig } from '../server/config.ts';
import { getDb } from '../server/db.ts';
import { getCurrentMerchant, getRequestContext } from '../server/session.ts';

export async function logout(): Promise<void> {
  const merchant = await getCurrentMerchant();
  if (merchant) await recordLogout(getDb(), merchant, await getRequestContext());
  (await cookies()).delete(getConfig().auth.cookieName);
  redirect('/login');
}
