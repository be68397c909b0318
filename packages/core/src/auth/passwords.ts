import type { Db } from '@mypay/db';
import { type AdminActor, adminAuditContext } from '../admin/admin-context.ts';
import { recordAudit } from '../audit/record-audit.ts';
import { hashPassword, verifyPassword } from '../crypto.ts';
import { AppError, notFound } from '../errors.ts';
import {
  adminAccountExists,
  disableAdminAccount,
  findAdminAccounts,
  findPasswordHash,
  setPasswordHash,
} from './account-repository.ts';
import type { PortalPrincipal } from './login.ts';
import type { SessionRealm } from './portal-auth-config.ts';
import type { RequestContext } from './request-context.ts';

export const PASSWORD_MIN_LENGTH = 12;
// bcrypt reads at most 72 bytes: a longer password would be silently cut.
export const PASSWORD_MAX_BYTES = 72;

// Passwords printed in this project's docs or seeds, and the most common ones.
const KNOWN_PASSWORDS = new Set([
  'test123456',
  'admin123456',
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  '123456789012',
  'qwertyuiop12',
  'changemechangeme',
]);

/**
 * The strength rule for a password someone chooses in a portal (change, admin reset): 12–72
 * bytes, at least 5 different characters, not a known or demo password, not the account's email
 * or its local part. The problems found, as field messages; empty when it is fine.
 */
export function passwordProblems(password: string, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (Buffer.byteLength(password) > PASSWORD_MAX_BYTES) problems.push(`must be at most ${PASSWORD_MAX_BYTES} bytes`);
  if (new Set(password).size < 5) problems.push('must use at least 5 different characters');
  const lower = password.toLowerCase();
  if (KNOWN_PASSWORDS.has(lower) || /change_?me/.test(lower)) problems.push('is a well-known password');
  const email = context.email?.toLowerCase();
  const local = email?.split('@')[0];
  if (email && (lower === email || (local && local.length >= 4 && lower.includes(local)))) {
    problems.push('must not contain your email address');
  }
  return problems;
}

/** "a", "a and b", "a, b and c": every problem in the one message a form shows. */
function joinProblems(problems: string[]): string {
  return problems.length <= 1 ? (problems[0] ?? '') : `${problems.slice(0, -1).join(', ')} and ${problems.at(-1)}`;
}

function assertStrong(password: string, field: string, email: string): void {
  const problems = passwordProblems(password, { email });
  if (problems.length > 0) {
    throw new AppError(
      'VALIDATION_ERROR',
      `The new password ${joinProblems(problems)}.`,
      problems.map((message) => ({ field, message })),
    );
  }
}

const target = (realm: SessionRealm) => (realm === 'MERCHANT' ? 'merchant' : 'admin_user');

// Every session issued before ends, on every device (the session version moves on).
const writePassword = async (db: Db, realm: SessionRealm, id: string, password: string, mustChange: boolean) =>
  setPasswordHash(db, realm, id, await hashPassword(password), mustChange);

/**
 * A signed-in merchant or admin changes its own password: the current one is required, the new
 * one must pass passwordProblems and differ from it. Every session of the account ends (the
 * session version moves on); the caller gives the current browser a new cookie with the
 * returned principal. Audited as `password.changed`; a wrong current password as
 * `password.change_failed`. Neither password is ever written to the audit log.
 */
export async function changeOwnPassword(
  db: Db,
  input: { principal: PortalPrincipal; currentPassword: string; newPassword: string; context?: RequestContext },
): Promise<PortalPrincipal> {
  const { principal } = input;
  const context = input.context ?? {};
  const audit = (action: string, after?: Record<string, unknown>) =>
    recordAudit(db, {
      actorType: principal.realm,
      actorId: principal.id,
      action,
      targetType: target(principal.realm),
      targetId: principal.id,
      merchantId: principal.realm === 'MERCHANT' ? principal.id : null,
      ip: context.ip,
      userAgent: context.userAgent,
      requestId: context.requestId,
      ...(after && { after }),
    });
  const account = await findPasswordHash(db, principal.realm, principal.id);
  if (!account) throw notFound(target(principal.realm));
  if (!(await verifyPassword(input.currentPassword, account.passwordHash))) {
    await audit('password.change_failed', { reason: 'WRONG_CURRENT_PASSWORD' });
    throw new AppError('VALIDATION_ERROR', 'The current password is wrong.', [
      { field: 'currentPassword', message: 'is wrong' },
    ]);
  }
  assertStrong(input.newPassword, 'newPassword', account.email);
  if (input.newPassword === input.currentPassword) {
    throw new AppError('VALIDATION_ERROR', 'The new password must differ from the current one.', [
      { field: 'newPassword', message: 'must differ from the current password' },
    ]);
  }
  const sessionVersion = await writePassword(db, principal.realm, principal.id, input.newPassword, false);
  await audit('password.changed', { sessionsEnded: true });
  return { ...principal, sessionVersion, mustChangePassword: false };
}

/**
 * An admin sets a new portal password for a merchant (e.g. one that forgot it): every session of
 * the merchant ends, and its next login must choose its own password. Audited as
 * `merchant.password_reset` (without the password).
 */
export async function resetMerchantPassword(
  db: Db,
  input: { merchantId: string; newPassword: string },
  actor: AdminActor,
): Promise<void> {
  const merchant = await findPasswordHash(db, 'MERCHANT', input.merchantId);
  if (!merchant) throw notFound('merchant');
  assertStrong(input.newPassword, 'newPassword', merchant.email);
  await writePassword(db, 'MERCHANT', input.merchantId, input.newPassword, true);
  await recordAudit(db, {
    ...adminAuditContext(actor),
    action: 'merchant.password_reset',
    targetType: 'merchant',
    targetId: input.merchantId,
    merchantId: input.merchantId,
    after: { sessionsEnded: true, mustChangePassword: true },
  });
}

/**
 * Disables another admin user: it can no longer log in and every session of it ends at once.
 * An admin cannot disable itself (so the last admin cannot lock everyone out by mistake).
 * Audited as `admin_user.disabled`; disabling a disabled admin changes nothing.
 */
export async function disableAdminUser(
  db: Db,
  input: { adminUserId: string },
  actor: AdminActor,
): Promise<{ changed: boolean }> {
  if (input.adminUserId === actor.adminId) {
    throw new AppError('INVALID_STATE', 'You cannot disable your own admin account.');
  }
  if (!(await disableAdminAccount(db, input.adminUserId, new Date()))) {
    if (!(await adminAccountExists(db, input.adminUserId))) throw notFound('admin user');
    return { changed: false };
  }
  await recordAudit(db, {
    ...adminAuditContext(actor),
    action: 'admin_user.disabled',
    targetType: 'admin_user',
    targetId: input.adminUserId,
    after: { sessionsEnded: true },
  });
  return { changed: true };
}

/** Admin users for the admin portal's Admins page, newest first. */
export function listAdminUsers(db: Db) {
  return findAdminAccounts(db);
}
