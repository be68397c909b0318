import { PasswordForm, type PasswordState } from '@mypay/portal-ui/password-form';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import type { Portal } from './portal.ts';

/**
 * Both portals' /account/password page. It sits outside the signed-in layout on purpose: an
 * account that must change its password is sent here from every other page, and this page must
 * not send it on again.
 */
export async function PasswordPage({
  portal,
  title,
  change,
}: {
  portal: Portal;
  title: string;
  change: (prev: PasswordState, form: FormData) => Promise<PasswordState>;
}) {
  const principal = await portal.getCurrentPrincipal();
  if (!principal) redirect('/login');
  return (
    <main>
      <div className="panel login-box">
        <h1>{title}</h1>
        <p className="muted">Change the password of {principal.email}. Every other session of this account ends.</p>
        <PasswordForm change={change} forced={principal.mustChangePassword} />
        {!principal.mustChangePassword && (
          <p className="muted" style={{ marginTop: '1rem' }}>
            <Link href="/">Back</Link>
          </p>
        )}
      </div>
    </main>
  );
}
