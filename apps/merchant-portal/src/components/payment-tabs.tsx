import Link from 'next/link';

export function PaymentTabs({ active }: { active: 'checkouts' | 'transactions' }) {
  return (
    <nav className="tabs" aria-label="Payments">
      <Link href="/payments" aria-current={active === 'checkouts' ? 'page' : undefined}>
        Checkouts
      </Link>
      <Link href="/payments/transactions" aria-current={active === 'transactions' ? 'page' : undefined}>
        Transactions
      </Link>
    </nav>
  );
}
