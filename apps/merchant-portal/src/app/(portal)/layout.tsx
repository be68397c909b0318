import { NavLinks } from '@mypay/portal-ui/nav-links';
import Link from 'next/link';
import type { ReactNode } from 'react';

const LINKS = [
  { href: '/', label: 'Dashboard' },
  { href: '/payouts', label: 'Payouts' },
  { href: '/payments', label: 'Payments' },
  { href: '/balance', label: 'Balance' },
  { href: '/search', label: 'Search' },
  { href: '/developers', label: 'Developers' },
];

import { requireMerchant } from '../../server/portal.ts';
import { logout } from '../logout-action.ts';

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const merchant = await requireMerchant();
  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand">
          MyPay Sandbox
        </Link>
        <NavLinks links={LINKS} />
        <span className="who" title={merchant.email}>
          {merchant.name}
        </span>
        <Link href="/account/password" className="secondary">
          Password
        </Link>
        <form action={logout}>
          <button type="submit" className="secondary">
            Log out
          </button>
        </form>
      </header>
      <main>{children}</main>
    </>
  );
}
