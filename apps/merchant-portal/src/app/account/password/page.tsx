import { PasswordPage } from '@mypay/portal-server/password-page';
import type { Metadata } from 'next';
import { portal } from '../../../server/portal.ts';
import { changePassword } from './actions.ts';

export const metadata: Metadata = { title: 'Change password' };

export default function Page() {
  return <PasswordPage portal={portal} title="MyPay Sandbox" change={changePassword} />;
}
