import { PasswordForm } from '@mypay/portal-ui/password-form';
import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getCurrentMerchant } from '../../../server/session.ts';
import { changePassword } from './actions.ts';

export const metadata: Metadata = { title: 'Change password' };

// Outside the signed-in layout on purpose: an account that must change its password is sent
// here from every other page, and this page must not send it on again.
export default async function PasswordPage() {
  const principal = await getCurrentMerchant();
  if (!principal) redirect('/login');
  return (
    <main>
      <div className="panel login-box">
        <h1>MyPay Sandbox</h1>
        <p className="muted">Change the password of {principal.email}. Every other session of this account ends.</p>
        <PasswordForm change={changePassword} forced={principal.mustChangePassword} />
        {!principal.mustChangePassword && (
          <p className="muted" style={{ marginTop: '1rem' }}>
            <Link href="/">Back</Link>
          </p>
        )}
      </div>
    </main>
  );
}
