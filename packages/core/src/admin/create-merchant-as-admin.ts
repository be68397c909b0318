import { type Db, isUniqueViolation } from '@mypay/db';
import { recordAudit } from '../audit/record-audit.ts';
import { type CreatedApiKey, createApiKey } from '../auth/api-keys.ts';
import { normalizeEmail } from '../auth/login.ts';
import { AppError, type ErrorDetail } from '../errors.ts';
import { createMerchant } from '../merchants/create-merchant.ts';
import { merchantEmailExists } from '../merchants/merchant-repository.ts';
import { type AdminActor, adminAuditContext } from './admin-context.ts';

export interface CreateMerchantAsAdminInput {
  name: string;
  /** Portal login. */
  email: string;
  password: string;
  /** Paisa; written as the OPENING ledger entry. */
  openingBalance: number;
}

export interface CreatedMerchant {
  merchantId: string;
  /** The generated payout key: in this result only, show it once. */
  payoutKey: CreatedApiKey;
}

/** Largest opening balance an admin can give: PKR 100,000,000,000.00. */
export const MAX_OPENING_BALANCE = 10_000_000_000_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validate(input: CreateMerchantAsAdminInput): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const name = input.name.trim();
  if (name.length === 0 || name.length > 191) details.push({ field: 'name', message: 'must be 1–191 characters' });
  const email = normalizeEmail(input.email);
  if (!EMAIL.test(email) || email.length > 191) details.push({ field: 'email', message: 'must be an email address' });
  // bcrypt reads at most 72 bytes.
  if (input.password.length < 10 || Buffer.byteLength(input.password) > 72) {
    details.push({ field: 'password', message: 'must be 10–72 characters' });
  }
  if (!Number.isSafeInteger(input.openingBalance) || input.openingBalance < 0) {
    details.push({ field: 'openingBalance', message: 'must be a whole amount in paisa, 0 or more' });
  } else if (input.openingBalance > MAX_OPENING_BALANCE) {
    details.push({ field: 'openingBalance', message: 'must be at most PKR 100,000,000,000.00' });
  }
  return details;
}

/**
 * A merchant created by an admin: the merchant, its balance and OPENING ledger entry
 * (createMerchant), then a payout-scope key (createApiKey, audited as `api_key.created`).
 * Audited as `merchant.created` with the admin as actor.
 */
export async function createMerchantAsAdmin(
  db: Db,
  input: CreateMerchantAsAdminInput,
  actor: AdminActor,
): Promise<CreatedMerchant> {
  const details = validate(input);
  if (details.length > 0) throw new AppError('VALIDATION_ERROR', 'the merchant is not valid', details);
  const email = normalizeEmail(input.email);
  const name = input.name.trim();
  const emailTaken = () =>
    new AppError('CONFLICT', 'a merchant with this email already exists', [
      { field: 'email', message: 'already used by another merchant' },
    ]);
  if (await merchantEmailExists(db, email)) throw emailTaken();

  let merchantId: string;
  try {
    ({ id: merchantId } = await createMerchant(db, {
      name,
      email,
      password: input.password,
      openingBalance: input.openingBalance,
    }));
  } catch (error) {
    // Two admins creating the same email at once: the unique index decides.
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
  const audit = adminAuditContext(actor);
  await recordAudit(db, {
    ...audit,
    action: 'merchant.created',
    targetType: 'merchant',
    targetId: merchantId,
    merchantId,
    after: { name, email, status: 'ACTIVE', openingBalance: input.openingBalance },
  });
  const payoutKey = await createApiKey(db, {
    merchantId,
    name: 'Payout key (created by admin)',
    scope: 'payout',
    actor: { actorType: 'ADMIN', actorId: actor.adminId },
    context: audit,
  });
  return { merchantId, payoutKey };
}
