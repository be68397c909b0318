'use server';

import { logIn } from '@mypay/portal-server/account-actions';
import type { LoginState } from '@mypay/portal-ui/login-form';
import { portal } from '../../server/portal.ts';

export async function login(_prev: LoginState, form: FormData): Promise<LoginState> {
  return logIn(portal, form);
}
