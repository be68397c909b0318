import { listAdminUsers } from '@mypay/core';
import type { Metadata } from 'next';
import { formatTime } from '../../../components/format.tsx';
import { getDb, requireAdmin } from '../../../server/portal.ts';
import { DisableAdminButton } from './disable-button.tsx';

export const metadata: Metadata = { title: 'Admins' };

export default async function AdminsPage() {
  const me = await requireAdmin();
  const admins = await listAdminUsers(getDb());
  return (
    <>
      <h1>Admins</h1>
      <p className="muted">
        Disabling an admin ends every session of it at once and refuses its logins. You cannot disable yourself.
      </p>
      <section className="panel table-wrap">
        <table data-testid="admins">
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Created</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {admins.map((a) => (
              <tr key={a.id} data-admin={a.id}>
                <td>{a.email}</td>
                <td>{a.name}</td>
                <td>{formatTime(a.createdAt)}</td>
                <td>
                  {a.disabledAt ? (
                    <span className="badge revoked">disabled {formatTime(a.disabledAt)}</span>
                  ) : a.mustChangePassword ? (
                    'must change password'
                  ) : (
                    'active'
                  )}
                </td>
                <td>
                  {a.id === me.id ? (
                    <span className="muted">you</span>
                  ) : a.disabledAt ? null : (
                    <DisableAdminButton adminUserId={a.id} email={a.email} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
