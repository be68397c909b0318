import Link from 'next/link';
import type { ReactNode } from 'react';
import { NavLinks } from '../../components/nav-links.tsx';
import { requireMerchant } from '../../server/session.ts';
import { logout } from '../logout-action.ts';

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const merchant = await requireMerchant();
  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand">
          MyPay Sandbox
        </Link>
        <NavLinks />
        <span className="who" title={merchant.email}>
          {merchant.name}
        </span>
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
