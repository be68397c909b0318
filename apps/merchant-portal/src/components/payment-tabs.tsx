import Link from 'next/link';

/** The heading of the payments lists (checkouts, transactions, refunds): title, create button, tabs. */
export function PaymentsHeader({ active }: { active: 'checkouts' | 'transactions' | 'refunds' }) {
  return (
    <>
      <div className="spread">
        <h1>Payments</h1>
        <Link className="button" href="/payments/new">
          Create test checkout
        </Link>
      </div>
      <PaymentTabs active={active} />
    </>
  );
}

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
