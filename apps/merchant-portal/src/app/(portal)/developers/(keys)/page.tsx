import { listApiKeys } from '@mypay/core';
import type { Metadata } from 'next';
import { formatTime } from '../../../../components/format.tsx';
import { getDb, requireMerchant } from '../../../../server/portal.ts';
import { CreateKeyForm, RevokeKeyButton } from '../key-forms.tsx';

export const metadata: Metadata = { title: 'API keys' };

export default async function ApiKeysPage() {
  const merchant = await requireMerchant();
  const keys = await listApiKeys(getDb(), merchant.id);
  return (
    <>
      <div className="panel">
        <h2>Create an API key</h2>
        <p className="muted">
          Send it as <code>Authorization: Bearer &lt;key&gt;</code> or <code>X-API-Key</code>. The scope decides which
          API it opens.
        </p>
        <CreateKeyForm />
      </div>
      <div className="panel">
        <h2>Your keys</h2>
        {keys.length === 0 ? (
          <p className="empty">No API keys yet. Create one above.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Key</th>
                  <th>Scope</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} data-testid={`key-row-${k.prefix}`}>
                    <td>{k.name}</td>
                    <td className="mono">{k.prefix}…</td>
                    <td>{k.scope}</td>
                    <td>{formatTime(k.createdAt)}</td>
                    <td>{k.lastUsedAt ? formatTime(k.lastUsedAt) : 'never'}</td>
                    <td>
                      {k.revokedAt ? (
                        <span className="badge revoked" title={formatTime(k.revokedAt)}>
                          revoked
                        </span>
                      ) : (
                        <RevokeKeyButton keyId={k.id} name={k.name} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}
