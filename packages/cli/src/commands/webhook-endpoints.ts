import { EVENT_TYPES } from '@mypay/contracts';
import type { MyPay, WebhookEndpoint, WebhookEndpointDetail } from '@mypay/sdk';
import { colorEnabled, out, paint, printJson, table, UsageError } from '../output.ts';

/** `mypay webhooks list|get|update|rotate-secret` (Payout API `/webhook-endpoints`). */

function printEndpoint(endpoint: WebhookEndpoint | WebhookEndpointDetail): void {
  const color = colorEnabled();
  const state = endpoint.enabled ? paint('green', 'enabled', color) : paint('red', 'disabled', color);
  out(`${paint('bold', endpoint.id, color)}  ${state}  ${endpoint.url}`);
  if (endpoint.description) out(`  description  ${endpoint.description}`);
  out(`  events       ${endpoint.events ? endpoint.events.join(', ') : 'all'}`);
  if (!endpoint.enabled && endpoint.disabledReason) out(`  disabled     ${endpoint.disabledReason}`);
  if (endpoint.secretRotatedAt) out(`  secret       rolled ${endpoint.secretRotatedAt}`);
  if (endpoint.previousSecretExpiresAt) {
    out(`  old secret   still signs deliveries until ${endpoint.previousSecretExpiresAt}`);
  }
  if ('deliveryStats' in endpoint) {
    const s = endpoint.deliveryStats;
    const rate = s.successRate === null ? 'no attempts' : `${(s.successRate * 100).toFixed(1)} % succeeded`;
    out(`  last 24 h    ${rate} (${s.succeeded} ok, ${s.failed} failed of ${s.total} attempts)`);
  }
}

export async function listEndpointsCommand(client: MyPay, json: boolean): Promise<void> {
  const page = await client.webhookEndpoints.list();
  if (json) return printJson(page);
  if (page.data.length === 0) {
    out('No webhook endpoints.');
    return;
  }
  const color = colorEnabled();
  out(
    table(
      ['id', 'state', 'url', 'events'],
      page.data.map((e) => [
        e.id,
        e.enabled ? paint('green', 'enabled', color) : paint('red', 'disabled', color),
        e.url,
        e.events ? e.events.join(',') : 'all',
      ]),
    ),
  );
}

export async function getEndpointCommand(client: MyPay, id: string, json: boolean): Promise<void> {
  const endpoint = await client.webhookEndpoints.get(id);
  if (json) return printJson(endpoint);
  printEndpoint(endpoint);
}

export interface UpdateEndpointOptions {
  url?: string;
  events?: string[];
  allEvents?: boolean;
  description?: string;
  enable?: boolean;
  disable?: boolean;
  json: boolean;
}

export async function updateEndpointCommand(client: MyPay, id: string, options: UpdateEndpointOptions): Promise<void> {
  if (options.enable && options.disable) throw new UsageError('--enable or --disable, not both');
  if (options.allEvents && options.events?.length) throw new UsageError('--events or --all-events, not both');
  const unknown = (options.events ?? []).filter((e) => !(EVENT_TYPES as readonly string[]).includes(e));
  if (unknown.length > 0) {
    throw new UsageError(`unknown event type ${unknown.join(', ')}; one of: ${EVENT_TYPES.join(', ')}`);
  }
  const params = {
    ...(options.url !== undefined ? { url: options.url } : {}),
    ...(options.events?.length ? { events: options.events as (typeof EVENT_TYPES)[number][] } : {}),
    ...(options.allEvents ? { events: null } : {}),
    ...(options.description !== undefined ? { description: options.description || null } : {}),
    ...(options.enable ? { enabled: true } : {}),
    ...(options.disable ? { enabled: false } : {}),
  };
  if (Object.keys(params).length === 0) {
    throw new UsageError('nothing to change: give --url, --events, --all-events, --description, --enable or --disable');
  }
  const endpoint = await client.webhookEndpoints.update(id, params);
  if (options.json) return printJson(endpoint);
  printEndpoint(endpoint);
}

export async function rotateSecretCommand(
  client: MyPay,
  id: string,
  options: { overlap?: string; idempotencyKey?: string; json: boolean },
): Promise<void> {
  let overlapSeconds: number | undefined;
  if (options.overlap !== undefined) {
    overlapSeconds = Number(options.overlap);
    if (!/^\d+$/.test(options.overlap) || overlapSeconds > 604_800) {
      throw new UsageError('--overlap is a number of seconds from 0 to 604800 (7 days)');
    }
  }
  const rotated = await client.webhookEndpoints.rotateSecret(
    id,
    overlapSeconds === undefined ? {} : { overlapSeconds },
    { idempotencyKey: options.idempotencyKey },
  );
  if (options.json) return printJson(rotated);
  const color = colorEnabled();
  out(`New signing secret of ${rotated.id} (shown only now):`);
  out(paint('bold', rotated.secret, color));
  out(
    rotated.previousSecretExpiresAt
      ? `Deliveries carry signatures with the old and the new secret until ${rotated.previousSecretExpiresAt}; deploy the new one before then.`
      : 'The old secret signs nothing any more.',
  );
}
