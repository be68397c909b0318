import { getEventOrThrow, getRequestLogOrThrow } from '@mypay/core';
import type { Metadata } from 'next';
import Link from 'next/link';
import { CopyButton } from '../../../../../components/copy-button.tsx';
import { curlFor } from '../../../../../components/curl.ts';
import { formatTime, StatusBadge } from '../../../../../components/format.tsx';
import { HttpStatus, ObjectLink } from '../../../../../components/request-logs.tsx';
import { getConfig } from '../../../../../server/config.ts';
import { getDb, orNotFound, requireMerchant } from '../../../../../server/portal.ts';

export const metadata: Metadata = { title: 'Logged request' };

/** Bodies as the log keeps them: JSON pretty-printed, a truncated body as the text it kept. */
function Body({ title, body, truncated }: { title: string; body: unknown; truncated: boolean }) {
  return (
    <div className="panel">
      <h2>{title}</h2>
      {body === null || body === undefined ? (
        <p className="empty">None.</p>
      ) : (
        <pre data-testid={`${title.toLowerCase().replace(/\s+/g, '-')}`}>
          {typeof body === 'string' ? body : JSON.stringify(body, null, 2)}
        </pre>
      )}
      {truncated && <p className="muted">Cut at 16 KB.</p>}
    </div>
  );
}

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

export default async function RequestLogPage({ params }: { params: Promise<{ requestId: string }> }) {
  const merchant = await requireMerchant();
  const { requestId } = await params;
  const db = getDb();
  const entry = await orNotFound(getRequestLogOrThrow(db, merchant.id, safeDecode(requestId)));
  // The events it caused, with their deliveries (a request causes a handful at most).
  const events = await Promise.all(
    entry.events.slice(0, 20).map((e) => getEventOrThrow(db, merchant.id, e.id).catch(() => null)),
  );
  const config = getConfig();
  const origin = entry.api === 'payout' ? config.payoutApiBaseUrl.replace(/\/api\/v1$/, '') : config.paymentApiBaseUrl;
  const curl = curlFor({ ...entry, url: `${origin}${entry.path}` });
  return (
    <>
      <p>
        <Link href="/developers/logs">← Logs</Link>
      </p>
      <div className="panel">
        <div className="spread">
          <h2 style={{ margin: 0 }}>
            <HttpStatus status={entry.status} />{' '}
            <span className="mono">
              {entry.method} {entry.path}
            </span>
          </h2>
        </div>
        <dl className="kv">
          <dt>Request id</dt>
          <dd className="mono">{entry.requestId}</dd>
          <dt>API</dt>
          <dd>
            {entry.api === 'payout' ? 'Payout API' : 'Payment API'}
            {entry.route ? (
              <>
                {' '}
                · route <span className="mono">{entry.route}</span>
              </>
            ) : null}
          </dd>
          <dt>Object</dt>
          <dd>
            <ObjectLink objectId={entry.objectId} />
          </dd>
          {entry.errorCode && (
            <>
              <dt>Error</dt>
              <dd>
                <code>{entry.errorCode}</code>
              </dd>
            </>
          )}
          <dt>Idempotency key</dt>
          <dd className="mono">
            {entry.idempotencyKey ? (
              <Link href={`/developers/logs?idempotencyKey=${encodeURIComponent(entry.idempotencyKey)}`}>
                {entry.idempotencyKey}
              </Link>
            ) : (
              '—'
            )}
            {entry.idempotentReplayed ? ' (replayed: the stored answer was returned)' : ''}
          </dd>
          <dt>Key</dt>
          <dd className="mono">{entry.keyPrefix ? `${entry.keyPrefix}…` : 'hosted payment page'}</dd>
          <dt>Client</dt>
          <dd>
            <span className="mono">{entry.ip ?? '—'}</span> {entry.userAgent ?? ''}
          </dd>
          <dt>Duration</dt>
          <dd>{entry.durationMs} ms</dd>
          <dt>At</dt>
          <dd>{formatTime(entry.createdAt)}</dd>
        </dl>
      </div>
      <div className="grid">
        <Body title="Request body" body={entry.requestBody} truncated={entry.requestBodyTruncated} />
        <Body title="Response body" body={entry.responseBody} truncated={entry.responseBodyTruncated} />
      </div>
      <div className="panel">
        <div className="spread">
          <h2 style={{ margin: 0 }}>Repeat it with curl</h2>
          <CopyButton text={curl} label="Copy curl" />
        </div>
        <pre data-testid="curl">{curl}</pre>
        <p className="muted">
          Set <code>MYPAY_API_KEY</code> to your key first; the log never stores keys. Fields shown as{' '}
          <code>[redacted]</code> were never stored either.
        </p>
      </div>
      <div className="panel">
        <h2>Events it caused</h2>
        {entry.events.length === 0 ? (
          <p className="empty">None.</p>
        ) : (
          <ul aria-label="Events it caused">
            {entry.events.map((e, i) => {
              const detail = events[i];
              return (
                <li key={e.id}>
                  <Link href={`/developers/events/${e.id}`}>{e.type}</Link> <span className="mono muted">{e.id}</span> ·{' '}
                  {formatTime(e.createdAt)}
                  {detail &&
                    (detail.deliveries.length === 0 ? (
                      <span className="muted"> · no endpoint subscribed</span>
                    ) : (
                      detail.deliveries.map((d) => (
                        <div key={d.id}>
                          <StatusBadge status={d.status} /> <span className="mono">{d.url}</span>{' '}
                          <span className="muted">
                            {d.attemptCount} attempt{d.attemptCount === 1 ? '' : 's'}
                          </span>
                        </div>
                      ))
                    ))}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </>
  );
}
