/** Reference data the platform is seeded with (banks, wallets and scenario keys are part of the contract). */
import type { ScenarioKey } from '@mypay/contracts';

export { BANKS, SCENARIO_KEYS, type ScenarioKey, WALLETS } from '@mypay/contracts';

export interface ScenarioRow {
  key: ScenarioKey;
  number: number;
  mobile: string;
  bankAccount: string;
  description: string;
  payoutOutcome: string;
  paymentOutcome: string;
  verifyOutcome: string;
  /** Base delay of the async step in ms (before SCENARIO_DELAY_SCALE). */
  delayMs: number;
}

const row = (
  number: number,
  key: ScenarioKey,
  description: string,
  payoutOutcome: string,
  paymentOutcome: string,
  verifyOutcome: string,
  delayMs: number,
): ScenarioRow => ({
  key,
  number,
  mobile: `030000000${String(number).padStart(2, '0')}`,
  bankAccount: `00000000${String(number).padStart(2, '0')}`,
  description,
  payoutOutcome,
  paymentOutcome,
  verifyOutcome,
  delayMs,
});

export const SCENARIOS: ScenarioRow[] = [
  row(1, 'SUCCESS', 'Succeeds at once', 'COMPLETED at once', 'SUCCEEDED', 'valid, title "Test Account"', 0),
  row(
    2,
    'ASYNC_SUCCESS',
    'Succeeds after a few seconds',
    'PENDING→PROCESSING→COMPLETED over ~5 s',
    'PENDING→SUCCEEDED over ~5 s',
    'valid',
    5_000,
  ),
  row(
    3,
    'ACCOUNT_NOT_FOUND',
    'The account does not exist',
    '422 ACCOUNT_NOT_FOUND at create, no debit',
    'FAILED ACCOUNT_NOT_FOUND',
    'valid:false',
    0,
  ),
  row(
    4,
    'ACCOUNT_BLOCKED',
    'The account is blocked',
    'FAILED ACCOUNT_BLOCKED, refunded',
    'FAILED ACCOUNT_BLOCKED',
    'valid, status BLOCKED',
    0,
  ),
  row(
    5,
    'LIMIT_EXCEEDED',
    "The receiver's limit is exceeded",
    'FAILED RECEIVER_LIMIT_EXCEEDED, refunded',
    'FAILED INSUFFICIENT_FUNDS',
    'valid',
    0,
  ),
  row(
    6,
    'TIMEOUT',
    'The provider times out',
    'PROCESSING ~30 s, then FAILED PROVIDER_TIMEOUT, refunded',
    'PENDING ~30 s then FAILED TIMEOUT',
    'valid',
    30_000,
  ),
  row(7, 'PROVIDER_UNAVAILABLE', 'The provider is down', '503 PROVIDER_UNAVAILABLE, nothing created', '503', '503', 0),
  row(
    8,
    'REVERSED',
    'Succeeds, then is reversed',
    'COMPLETED, then REVERSED after ~10 s, refunded',
    'SUCCEEDED, then REFUNDED after ~10 s',
    'valid',
    10_000,
  ),
  row(9, 'TITLE_MISMATCH', 'The account title differs', 'COMPLETED', 'SUCCEEDED', 'valid, title "Different Name"', 0),
  row(
    10,
    'ASYNC_FAILURE',
    'Fails after a few seconds',
    'PENDING→PROCESSING→FAILED PROVIDER_ERROR over ~5 s, refunded',
    'FAILED INVALID_OTP',
    'valid',
    5_000,
  ),
];

export const SEED_MERCHANT = {
  id: 'mer_test0000000000000000000001',
  name: 'MyCo Digital Test Merchant',
  email: 'test@mycodigital.io',
  password: 'test123456',
  openingBalance: 100_000_000,
} as const;

export const SEED_ADMIN = {
  id: 'adm_000000000000000000000001',
  email: 'admin@mycodigital.io',
  name: 'Sandbox Admin',
  devPassword: 'admin123456',
} as const;

export const SEED_PAYMENT_API_KEY = 'test-api-key-123';
