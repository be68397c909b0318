'use server';

import { recordLogout } from '@mypay/core';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getConfig } from '../server/config.ts';
import { getDb } from '../server/db.ts';
import { getCurrentAdmin, getRequestContext } from '../server/session.ts';

export async function logout(): Promise<void> {
  const admin = await getCurrentAdmin();
  if (admin) await recordLogout(getDb(), admin, await getRequestContext());
  (await cookies()).delete(getConfig().auth.cookieName);
  redirect('/login');
}
