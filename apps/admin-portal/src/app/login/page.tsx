import { safeRedirectPath } from '@mypay/core';
import { LoginForm } from '@mypay/portal-ui/login-form';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentAdmin } from '../../server/portal.ts';
import { login } from './actions.ts';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await getCurrentAdmin()) redirect('/');
  const { next } = await searchParams;
  return (
    <main>
      <div className="panel login-box">
        <h1>MyPay Sandbox admin</h1>
        <p className="muted">Sign in with an admin account. Merchant accounts cannot sign in here.</p>
        <LoginForm login={login} next={safeRedirectPath(next, '')} />
      </div>
    </main>
  );
}
