import Link from 'next/link';
import type { ReactNode } from 'react';
import { NavLinks } from '../../components/nav-links.tsx';
import { requireAdmin } from '../../server/session.ts';
import { logout } from '../logout-action.ts';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const admin = await requireAdmin();
  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand">
          MyPay Sandbox admin
        </Link>
        <NavLinks />
        <span className="who" title={admin.email}>
          {admin.name}
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
