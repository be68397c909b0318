import Link from 'next/link';

export function PaymentTabs({ active }: { active: 'checkouts' | 'transactions' | 'refunds' }) {
  return (
    <nav className="tabs" aria-label="Payments">
      <Link href="/payments" aria-current={active === 'checkouts' ? 'page' : undefined}>
        Checkouts
      </Link>
      <Link href="/payments/transactions" aria-current={active === 'transactions' ? 'page' : undefined}>
        Transactions
      </Link>
      <Link href="/payments/refunds" aria-current={active === 'refunds' ? 'page' : undefined}>
        Refunds
      </Link>
    </nav>
  );
}
