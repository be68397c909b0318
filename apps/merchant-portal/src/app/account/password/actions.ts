'use server';

import { changePassword as changeOwnPassword } from '@mypay/portal-server/account-actions';
import type { PasswordState } from '@mypay/portal-ui/password-form';
import { portal } from '../../../server/portal.ts';

export async function changePassword(_prev: PasswordState, form: FormData): Promise<PasswordState> {
  return changeOwnPassword(portal, form);
}
