import Link from 'next/link';

/** Marks an object bound to a test clock (it follows the clock's time, not wall time). Nothing for others. */
export function ClockBadge({ clock }: { clock: string | null | undefined }) {
  if (!clock) return null;
  return (
    <Link
      href="/developers/test-clocks"
      className="badge PENDING"
      title={`Bound to test clock ${clock}: it moves when the clock is advanced`}
      data-testid="clock-badge"
      style={{ marginLeft: '0.4em' }}
    >
      🕒 {clock}
    </Link>
  );
}
