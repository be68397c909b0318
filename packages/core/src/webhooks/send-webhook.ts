import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isBlockedAddress } from './target-guard.ts';

export const RESPONSE_EXCERPT_BYTES = 1024;
/** Beyond this much response body we stop reading and drop the connection. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface WebhookAttemptResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
  startedAt: Date;
}

export interface WebhookSendOptions {
  timeoutMs: number;
  allowPrivateTargets: boolean;
}

/**
 * Keep-alive agents, one pair per SSRF policy: a socket opened without the guard is never
 * reused for a guarded request. Idle sockets are unref'd by Node, so they never hold a process open.
 */
const agents = {
  guarded: {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  },
  open: {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  },
};

const clip = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

function describeError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e?.code === 'EBLOCKEDTARGET') return clip(e.message ?? 'refused: non-public address', 500);
  const message = e?.message ?? String(error);
  return clip(e?.code && !message.includes(e.code) ? `${e.code}: ${message}` : message, 500);
}

/**
 * One HTTP POST of a webhook. Never throws: network errors, timeouts and refusals come back as
 * a failed WebhookAttemptResult. 2xx is success; redirects are not followed (they count as failures,
 * as with Stripe), so a redirect cannot lead a delivery around the SSRF guard.
 */
export function sendWebhook(request: WebhookRequest, options: WebhookSendOptions): Promise<WebhookAttemptResult> {
  const startedAt = new Date();
  const started = performance.now();
  const finish = (partial: Omit<WebhookAttemptResult, 'latencyMs' | 'startedAt' | 'ok'>): WebhookAttemptResult => ({
    ...partial,
    ok: partial.statusCode !== null && partial.statusCode >= 200 && partial.statusCode < 300,
    latencyMs: Math.max(0, Math.round(performance.now() - started)),
    startedAt,
  });

  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return Promise.resolve(finish({ statusCode: null, responseExcerpt: null, error: 'invalid url' }));
  }
  const isHttps = url.protocol === 'https:';
  if (!isHttps && url.protocol !== 'http:') {
    return Promise.resolve(finish({ statusCode: null, responseExcerpt: null, error: 'unsupported protocol' }));
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivateTargets) {
    // IP literals never go through a DNS lookup, so they are checked here; names are checked
    // by guardedLookup on the address actually connected to.
    if (isIP(host) ? isBlockedAddress(host) : host === 'localhost' || host.endsWith('.localhost')) {
      return Promise.resolve(
        finish({ statusCode: null, responseExcerpt: null, error: `refused: ${host} is not a public address` }),
      );
    }
  }
  const policy = options.allowPrivateTargets ? agents.open : agents.guarded;
  const body = Buffer.from(request.body, 'utf8');

  return new Promise<WebhookAttemptResult>((resolve) => {
    let settled = false;
    const settle = (result: WebhookAttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = (isHttps ? https : http).request(url, {
      method: 'POST',
      agent: isHttps ? policy.https : policy.http,
      headers: { ...request.headers, 'Content-Length': String(body.length) },
      ...(options.allowPrivateTargets ? {} : { lookup: guardedLookup }),
    });
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`timed out after ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, options.timeoutMs);
    req.on('error', (error) =>
      settle(finish({ statusCode: null, responseExcerpt: null, error: describeError(error) })),
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let total = 0;
      const done = (error: string | null) => {
        const excerpt = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
        settle(finish({ statusCode: res.statusCode ?? null, responseExcerpt: excerpt, error }));
      };
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (kept < RESPONSE_EXCERPT_BYTES) {
          chunks.push(chunk);
          kept += chunk.length;
        }
        if (total > MAX_RESPONSE_BYTES) {
          // Enough read: the excerpt is all we keep. Drop the connection rather than drain it.
          done(null);
          res.destroy();
        }
      });
      res.on('end', () => done(null));
      res.on('error', (error) => done(describeError(error)));
      res.on('aborted', () => done('response aborted'));
    });
    req.end(body);
  });
}

/** Frees keep-alive sockets (tests and shutdown). */
export function closeWebhookAgents(): void {
  for (const pair of Object.values(agents)) {
    pair.http.destroy();
    pair.https.destroy();
  }
}
