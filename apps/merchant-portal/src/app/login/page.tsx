import { safeRedirectPath } from '@mypay/core';
import { LoginForm } from '@mypay/portal-ui/login-form';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getConfig } from '../../server/config.ts';
import { getCurrentMerchant } from '../../server/portal.ts';
import { login } from './actions.ts';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await getCurrentMerchant()) redirect('/');
  const { next } = await searchParams;
  return (
    <main>
      <div className="panel login-box">
        <h1>MyPay Sandbox</h1>
        <p className="muted">Sign in to the merchant portal.</p>
        <LoginForm login={login} next={safeRedirectPath(next, '')} />
        {/* Never in production: there the demo merchant exists only on opt-in (SEED_DEMO_MERCHANT). */}
        {getConfig().nodeEnv !== 'production' && (
          <p className="muted" style={{ fontSize: '0.85rem', marginTop: '1rem' }}>
            Test account: <code>test@mycodigital.io</code> / <code>test123456</code>
          </p>
        )}
      </div>
    </main>
  );
}
