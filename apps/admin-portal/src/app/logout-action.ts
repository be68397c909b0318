'use server';

import { logOut } from '@mypay/portal-server/account-actions';
import { portal } from '../server/portal.ts';

export async function logout(): Promise<void> {
  await logOut(portal);
}
