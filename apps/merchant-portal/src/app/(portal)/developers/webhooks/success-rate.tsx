import type { WebhookDeliveryStats } from '@mypay/core';

/** "98.0 % (49 of 50)" over the last 24 h, or a dash without attempts. */
export function SuccessRate({ stats }: { stats: WebhookDeliveryStats }) {
  if (stats.successRate === null) return <span className="muted">no attempts</span>;
  const percent = (stats.successRate * 100).toFixed(1);
  return (
    <span className={stats.successRate < 0.9 ? 'negative' : undefined}>
      {percent} %{' '}
      <span className="muted">
        ({stats.succeeded} of {stats.total})
      </span>
    </span>
  );
}
