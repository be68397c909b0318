'use server';

import { logIn } from '@mypay/portal-server/account-actions';
import type { LoginState } from '@mypay/portal-ui/login-form';
import { portal } from '../../server/portal.ts';

export async function login(_prev: LoginState, form: FormData): Promise<LoginState> {
  return logIn(portal, form, {
    suspendedMessage: 'This merchant account is suspended. Contact the MyPay sandbox admins to reactivate it.',
  });
}
