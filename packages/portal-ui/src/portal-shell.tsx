import Link from 'next/link';
import type { ReactNode } from 'react';
import { type NavLink, NavLinks } from './nav-links.tsx';

export interface PortalShellProps {
  /** The name in the top bar, a link to the portal's home page. */
  brand: string;
  links: readonly NavLink[];
  /** Who is signed in: the name shows, the email is its tooltip. */
  account: { name: string; email: string };
  /** The portal's logout server action. */
  logout: () => Promise<void>;
  children: ReactNode;
}

/** The frame of every signed-in page of both portals: top bar (brand, navigation, account, password, log out) and main. */
export function PortalShell({ brand, links, account, logout, children }: PortalShellProps) {
  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand">
          {brand}
        </Link>
        <NavLinks links={links} />
        <span className="who" title={account.email}>
          {account.name}
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
