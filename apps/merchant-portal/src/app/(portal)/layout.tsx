import { PortalShell } from '@mypay/portal-ui/portal-shell';
import type { ReactNode } from 'react';
import { requireMerchant } from '../../server/portal.ts';
import { logout } from '../logout-action.ts';

const LINKS = [
  { href: '/', label: 'Dashboard' },
  { href: '/payouts', label: 'Payouts' },
  { href: '/payments', label: 'Payments' },
  { href: '/balance', label: 'Balance' },
  { href: '/search', label: 'Search' },
  { href: '/developers', label: 'Developers' },
];

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const merchant = await requireMerchant();
  return (
    <PortalShell brand="MyPay Sandbox" links={LINKS} account={merchant} logout={logout}>
      {children}
    </PortalShell>
  );
}
