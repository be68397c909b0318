'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const TABS = [
  { href: '/developers', label: 'API keys' },
  { href: '/developers/webhooks', label: 'Webhooks' },
  { href: '/developers/events', label: 'Events' },
  { href: '/developers/logs', label: 'Logs' },
  { href: '/developers/test-clocks', label: 'Test clocks' },
  { href: '/developers/docs', label: 'Scenarios & snippets' },
];

export function DevTabs() {
  const path = usePathname();
  return (
    <nav className="tabs" aria-label="Developers">
      {TABS.map((t) => {
        const active = t.href === '/developers' ? path === t.href : path.startsWith(t.href);
        return (
          <Link key={t.href} href={t.href} aria-current={active ? 'page' : undefined}>
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
