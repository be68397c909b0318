import { NavLinks } from '@mypay/portal-ui/nav-links';
import Link from 'next/link';
import type { ReactNode } from 'react';

const LINKS = [
  { href: '/', label: 'Home' },
  { href: '/merchants', label: 'Merchants' },
  { href: '/payouts', label: 'Payouts' },
  { href: '/payments', label: 'Payments' },
  { href: '/audit', label: 'Audit log' },
  { href: '/webhooks', label: 'Webhooks' },
  { href: '/reconciliation', label: 'Reconciliation' },
  { href: '/system', label: 'System' },
  { href: '/admins', label: 'Admins' },
];

import { requireAdmin } from '../../server/portal.ts';
import { logout } from '../logout-action.ts';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const admin = await requireAdmin();
  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand">
          MyPay Sandbox admin
        </Link>
        <NavLinks links={LINKS} />
        <span className="who" title={admin.email}>
          {admin.name}
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
