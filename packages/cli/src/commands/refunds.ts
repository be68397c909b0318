import type { ListRefundsParams, MyPay, Refund } from '@mypay/sdk';
import { colorEnabled, formatMoney, out, paint, printJson, statusColor, table, UsageError } from '../output.ts';
import { parseAmount } from './resources.ts';

/** `mypay refunds create|get|list` (Payment API). */

export function printRefund(refund: Refund): void {
  const color = colorEnabled();
  out(`${paint('bold', refund.id, color)}  ${paint(statusColor(refund.status), refund.status, color)}`);
  out(`  amount       ${formatMoney(refund.amount, refund.currency)}`);
  out(`  payment      ${refund.transactionId} (checkout ${refund.checkoutId})`);
  if (refund.reason) out(`  reason       ${refund.reason}`);
  out(`  scenario     ${refund.scenario}`);
  if (refund.failure) {
    out(`  failure      ${refund.failure.code}${refund.failure.message ? `: ${refund.failure.message}` : ''}`);
  }
  out(`  created      ${refund.createdAt}`);
}

export async function createRefundCommand(
  client: MyPay,
  options: { transaction: string; amount?: string; reason?: string; idempotencyKey?: string; json: boolean },
): Promise<void> {
  const refund = await client.refunds.create(
    {
      transactionId: options.transaction,
      ...(options.amount !== undefined ? { amount: parseAmount(options.amount) } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
    },
    { idempotencyKey: options.idempotencyKey },
  );
  if (options.json) return printJson(refund);
  printRefund(refund);
}

export async function getRefundCommand(client: MyPay, id: string, json: boolean): Promise<void> {
  const refund = await client.refunds.get(id);
  if (json) return printJson(refund);
  printRefund(refund);
}

const REFUND_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'];

export async function listRefundsCommand(
  client: MyPay,
  options: { transaction?: string; status?: string; limit?: string; cursor?: string; json: boolean },
): Promise<void> {
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
    throw new UsageError('--limit is 1 to 100');
  }
  const status = options.status?.toUpperCase();
  if (status !== undefined && !REFUND_STATUSES.includes(status)) {
    throw new UsageError(`--status is one of ${REFUND_STATUSES.join(', ')}`);
  }
  const page = await client.refunds.list({
    limit,
    cursor: options.cursor,
    transactionId: options.transaction,
    status: status as ListRefundsParams['status'],
  });
  if (options.json) return printJson(page);
  const color = colorEnabled();
  if (page.data.length === 0) {
    out('No refunds.');
    return;
  }
  out(
    table(
      ['id', 'status', 'amount', 'payment', 'reason', 'created'],
      page.data.map((r) => [
        r.id,
        paint(statusColor(r.status), r.status, color),
        formatMoney(r.amount, r.currency),
        r.transactionId,
        r.reason ?? '',
        r.createdAt,
      ]),
    ),
  );
  if (page.hasMore) out(paint('dim', `more: --cursor ${page.nextCursor}`, color));
}
