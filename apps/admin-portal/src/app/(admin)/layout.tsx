import { PortalShell } from '@mypay/portal-ui/portal-shell';
import type { ReactNode } from 'react';
import { requireAdmin } from '../../server/portal.ts';
import { logout } from '../logout-action.ts';

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

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const admin = await requireAdmin();
  return (
    <PortalShell brand="MyPay Sandbox admin" links={LINKS} account={admin} logout={logout}>
      {children}
    </PortalShell>
  );
}
