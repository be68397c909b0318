import type { MyPay, StreamedEvent } from '@mypay/sdk';
import { signWebhook } from '@mypay/sdk';
import { colorEnabled, err, out, paint, UsageError } from '../output.ts';

export interface ListenOptions {
  forwardTo?: string;
  events: string[];
  after?: string;
  secret: string;
  json: boolean;
  /** Per forwarded request (default 10 s, like real deliveries). */
  forwardTimeoutMs?: number;
  signal: AbortSignal;
}

export interface ForwardResult {
  status: number | null;
  durationMs: number;
  error?: string;
}

/** POSTs the event body exactly as received, signed with the local secret, like a real delivery. */
export async function forwardEvent(
  url: string,
  event: StreamedEvent,
  secret: string,
  timeoutMs: number,
): Promise<ForwardResult> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'MyPay-CLI/0.1 (mypay listen)',
        'MyPay-Event-Id': event.id,
        'MyPay-Event-Type': event.type,
        'MyPay-Signature': signWebhook(event.body, secret),
      },
      body: event.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const message = (error as Error).name === 'TimeoutError' ? 'timed out' : (cause?.code ?? (error as Error).message);
    return { status: null, durationMs: Math.round(performance.now() - started), error: message };
  }
}

const clock = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 19);

export function validateForwardUrl(url: string | undefined): void {
  if (url === undefined) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--forward-to must be a URL like http://localhost:3000/webhooks, got ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError('--forward-to must be an http(s) URL');
  }
}

/** `mypay listen`: stream the merchant's events, re-sign and forward each, one line per event. */
export async function listen(client: MyPay, options: ListenOptions): Promise<void> {
  validateForwardUrl(options.forwardTo);
  const color = colorEnabled();
  const colorErr = colorEnabled(process.stderr);
  let announced = false;

  const stream = client.events.listen({
    types: options.events,
    after: options.after,
    signal: options.signal,
    onState: (state) => {
      if (state.state === 'connected') {
        if (!announced) {
          announced = true;
          if (options.json) {
            out(JSON.stringify({ kind: 'ready', secret: options.secret, forwardTo: options.forwardTo ?? null }));
          } else {
            out(
              `${paint('green', 'Ready!', color)} Your webhook signing secret is ${paint('bold', options.secret, color)} (^C to quit)`,
            );
            out(
              paint(
                'dim',
                `Listening on ${client.baseUrl}${options.events.length ? ` for ${options.events.join(', ')}` : ''}${
                  options.forwardTo ? `, forwarding to ${options.forwardTo}` : ''
                }`,
                color,
              ),
            );
          }
        } else if (options.json) {
          err(JSON.stringify({ kind: 'reconnected', after: state.after }));
        } else {
          err(paint('green', `reconnected, resuming after ${state.after}`, colorErr));
        }
      } else if (options.json) {
        err(JSON.stringify({ kind: 'disconnected', error: state.error.message, retryInMs: state.retryInMs }));
      } else {
        err(
          paint('yellow', `connection lost (${state.error.message}); reconnecting in ${state.retryInMs} ms`, colorErr),
        );
      }
    },
  });

  for await (const event of stream) {
    const result = options.forwardTo
      ? await forwardEvent(options.forwardTo, event, options.secret, options.forwardTimeoutMs ?? 10_000)
      : null;
    if (options.json) {
      out(
        JSON.stringify({
          kind: 'event',
          id: event.id,
          type: event.type,
          createdAt: event.event.createdAt,
          ...(result ? { forward: result } : {}),
        }),
      );
      continue;
    }
    const parts = [paint('dim', clock(new Date()), color), paint('cyan', event.type.padEnd(18), color), event.id];
    if (result) {
      const ok = result.status !== null && result.status >= 200 && result.status < 300;
      const what = result.status === null ? `error ${result.error}` : String(result.status);
      parts.push(
        `→ ${paint(ok ? 'green' : 'red', what, color)} POST ${options.forwardTo} ${paint('dim', `${result.durationMs} ms`, color)}`,
      );
    }
    out(parts.join('  '));
  }
}
