import { randomBytes } from 'node:crypto';
import type { CreatePayoutParams, ListPayoutsParams, MyPay, Payout } from '@mypay/sdk';
import { colorEnabled, formatMoney, out, paint, printJson, statusColor, table, UsageError } from '../output.ts';

const WALLET_NUMBER = /^03\d{9}$/;

export interface CreatePayoutOptions {
  amount: string;
  account?: string;
  iban?: string;
  raast?: string;
  type?: string;
  provider?: string;
  reference?: string;
  title?: string;
  description?: string;
  idempotencyKey?: string;
  json: boolean;
}

export function parseAmount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) {
    throw new UsageError(`--amount is an integer number of paisa above 0 (150000 is PKR 1,500.00), got ${value}`);
  }
  return Number(value);
}

type DestinationType = 'wallet' | 'bank' | 'iban' | 'raast';
const DESTINATION_TYPES: readonly string[] = ['wallet', 'bank', 'iban', 'raast'];

/**
 * The destination from `--account`, `--iban` or `--raast` (exactly one). The API checks the
 * number (IBAN check digits, mobile forms) and names the rule that failed; the CLI passes it as given.
 */
export function destinationOf(options: Pick<CreatePayoutOptions, 'account' | 'iban' | 'raast' | 'type'>): {
  type: DestinationType;
  accountNumber: string;
} {
  const given = (['account', 'iban', 'raast'] as const).filter((name) => options[name] !== undefined);
  if (given.length !== 1) {
    throw new UsageError('give exactly one of --account <number>, --iban <iban> or --raast <mobile>');
  }
  if (options.type !== undefined && !DESTINATION_TYPES.includes(options.type)) {
    throw new UsageError(`--type is wallet, bank, iban or raast, got ${options.type}`);
  }
  if (options.iban !== undefined) {
    if (options.type && options.type !== 'iban')
      throw new UsageError(`--iban makes an iban payout, not ${options.type}`);
    return { type: 'iban', accountNumber: options.iban };
  }
  if (options.raast !== undefined) {
    if (options.type && options.type !== 'raast')
      throw new UsageError(`--raast makes a raast payout, not ${options.type}`);
    return { type: 'raast', accountNumber: options.raast };
  }
  const account = options.account as string;
  const type = (options.type ??
    (WALLET_NUMBER.test(account)
      ? 'wallet'
      : /^[A-Za-z]{2}/.test(account.trim())
        ? 'iban'
        : 'bank')) as DestinationType;
  return { type, accountNumber: account };
}

export async function createPayoutCommand(client: MyPay, options: CreatePayoutOptions): Promise<void> {
  const { type, accountNumber } = destinationOf(options);
  // wallet and bank need a provider (defaults JAZZCASH / HBL); an IBAN's bank code or a Raast ID names the bank.
  const provider = options.provider ?? (type === 'wallet' ? 'JAZZCASH' : type === 'bank' ? 'HBL' : undefined);
  const payout = await client.payouts.create(
    {
      amount: parseAmount(options.amount),
      currency: 'PKR',
      destination: {
        type,
        // The API checks the code (400 names the known ones); the CLI passes what it was given.
        ...(provider ? { provider: provider as NonNullable<CreatePayoutParams['destination']['provider']> } : {}),
        accountNumber,
        ...(options.title ? { accountTitle: options.title } : {}),
      },
      reference: options.reference ?? `cli-${randomBytes(6).toString('hex')}`,
      ...(options.description ? { description: options.description } : {}),
    },
    { idempotencyKey: options.idempotencyKey },
  );
  if (options.json) return printJson(payout);
  printPayout(payout);
}

export function printPayout(payout: Payout): void {
  const color = colorEnabled();
  out(`${paint('bold', payout.id, color)}  ${paint(statusColor(payout.status), payout.status, color)}`);
  out(`  amount       ${formatMoney(payout.amount, payout.currency)}`);
  out(
    `  destination  ${payout.destination.type} ${payout.destination.provider} ${payout.destination.accountNumber}${
      payout.destination.accountTitle ? ` (${payout.destination.accountTitle})` : ''
    }`,
  );
  out(`  reference    ${payout.reference}`);
  out(`  scenario     ${payout.scenario}`);
  if (payout.failure)
    out(`  failure      ${payout.failure.code}${payout.failure.message ? `: ${payout.failure.message}` : ''}`);
  out(`  created      ${payout.createdAt}`);
  for (const event of payout.events ?? []) {
    out(
      `    ${paint('dim', event.at, color)}  ${paint(statusColor(event.status), event.status, color)}${event.reason ? ` ${event.reason}` : ''}`,
    );
  }
}

export async function getPayoutCommand(client: MyPay, id: string, json: boolean): Promise<void> {
  const payout = await client.payouts.get(id);
  if (json) return printJson(payout);
  printPayout(payout);
}

export async function listPayoutsCommand(
  client: MyPay,
  options: { status?: string; limit?: string; cursor?: string; json: boolean },
): Promise<void> {
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
    throw new UsageError('--limit is 1 to 100');
  }
  const page = await client.payouts.list({
    limit,
    status: options.status?.toUpperCase() as ListPayoutsParams['status'],
    cursor: options.cursor,
  });
  if (options.json) return printJson(page);
  const color = colorEnabled();
  out(
    table(
      ['id', 'status', 'amount', 'destination', 'reference', 'created'],
      page.data.map((p) => [
        p.id,
        paint(statusColor(p.status), p.status, color),
        formatMoney(p.amount, p.currency),
        `${p.destination.provider} ${p.destination.accountNumber}`,
        p.reference,
        p.createdAt,
      ]),
    ),
  );
  if (page.hasMore) out(paint('dim', `more: --cursor ${page.nextCursor}`, color));
}

export async function balanceCommand(client: MyPay, json: boolean): Promise<void> {
  const balance = await client.balance.get();
  if (json) return printJson(balance);
  const color = colorEnabled();
  out(`Available  ${paint('bold', formatMoney(balance.available, balance.currency), color)}`);
  out(`Pending    ${formatMoney(balance.pending, balance.currency)}`);
  out(paint('dim', `updated ${balance.updatedAt}`, color));
}

export async function scenariosCommand(client: MyPay, json: boolean): Promise<void> {
  const scenarios = await client.scenarios.list();
  if (json) return printJson(scenarios);
  out(
    table(
      ['#', 'key', 'mobile', 'bank account', 'payout', 'payment', 'delay'],
      scenarios.map((s) => [
        String(s.number),
        s.key,
        s.mobile,
        s.bankAccount,
        s.payoutOutcome,
        s.paymentOutcome,
        s.delayMs ? `${(s.delayMs / 1000).toFixed(s.delayMs < 1000 ? 2 : 0)} s` : '—',
      ]),
    ),
  );
}

export async function resendEventCommand(
  client: MyPay,
  id: string,
  options: { endpoint?: string; json: boolean },
): Promise<void> {
  const result = await client.events.redeliver(id, options.endpoint ? { endpointId: options.endpoint } : {});
  if (options.json) return printJson(result);
  if (result.deliveries.length === 0) {
    out(`No enabled webhook endpoint wants ${id}; nothing was scheduled (a running mypay listen is not an endpoint)`);
    return;
  }
  out(`Scheduled ${result.deliveries.length} delivery(ies) of ${result.eventId}:`);
  for (const d of result.deliveries) out(`  ${d.id}  ${d.url}  ${d.status}`);
}

export async function listEventsCommand(
  client: MyPay,
  options: { type?: string; limit?: string; json: boolean },
): Promise<void> {
  const page = await client.events.list({
    limit: options.limit ? Number(options.limit) : undefined,
    type: options.type as never,
  });
  if (options.json) return printJson(page);
  const color = colorEnabled();
  out(
    table(
      ['id', 'type', 'object', 'created'],
      page.data.map((e) => [
        e.id,
        paint('cyan', e.type, color),
        String((e.data.object as { id?: string } | null)?.id ?? ''),
        e.createdAt,
      ]),
    ),
  );
}

export async function getEventCommand(client: MyPay, id: string, json: boolean): Promise<void> {
  const event = await client.events.get(id);
  if (json) return printJson(event);
  const color = colorEnabled();
  out(`${paint('bold', event.id, color)}  ${paint('cyan', event.type, color)}  ${event.createdAt}`);
  out(JSON.stringify(event.data.object, null, 2));
  for (const d of event.deliveries) {
    out(
      `  delivery ${d.id} → ${d.url}: ${paint(statusColor(d.status), d.status, color)} after ${d.attemptCount} attempt(s)`,
    );
  }
}
