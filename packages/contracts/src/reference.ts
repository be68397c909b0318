import { z } from 'zod';

/** Reference data the platform is seeded with: the directory's banks and wallets, the scenario keys. */

export const BANKS = [
  { code: 'HBL', name: 'Habib Bank Limited', ibanCode: 'HABB' },
  { code: 'UBL', name: 'United Bank Limited', ibanCode: 'UNIL' },
  { code: 'MCB', name: 'MCB Bank Limited', ibanCode: 'MUCB' },
  { code: 'NBP', name: 'National Bank of Pakistan', ibanCode: 'NBPA' },
  { code: 'ABL', name: 'Allied Bank Limited', ibanCode: 'ABPA' },
  { code: 'MEEZAN', name: 'Meezan Bank', ibanCode: 'MEZN' },
  { code: 'BAFL', name: 'Bank Alfalah', ibanCode: 'ALFH' },
  { code: 'BAHL', name: 'Bank AL Habib', ibanCode: 'BAHL' },
  { code: 'SCB', name: 'Standard Chartered Bank (Pakistan)', ibanCode: 'SCBL' },
  { code: 'FAYSAL', name: 'Faysal Bank', ibanCode: 'FAYS' },
  { code: 'ASKARI', name: 'Askari Bank', ibanCode: 'ASCM' },
  { code: 'JSBL', name: 'JS Bank', ibanCode: 'JSBL' },
] as const;

export const WALLETS = [
  { code: 'JAZZCASH', name: 'JazzCash' },
  { code: 'EASYPAISA', name: 'Easypaisa' },
  { code: 'SADAPAY', name: 'SadaPay' },
  { code: 'NAYAPAY', name: 'NayaPay' },
] as const;

export type BankCode = (typeof BANKS)[number]['code'];
export type WalletCode = (typeof WALLETS)[number]['code'];
export const BANK_CODES = BANKS.map((bank) => bank.code) as [BankCode, ...BankCode[]];
export const WALLET_CODES = WALLETS.map((wallet) => wallet.code) as [WalletCode, ...WalletCode[]];

export const walletCode = z
  .enum(WALLET_CODES)
  .meta({ id: 'WalletCode', description: 'A wallet from `GET /api/v1/directory/wallets`', example: 'JAZZCASH' });
export const bankCode = z
  .enum(BANK_CODES)
  .meta({ id: 'BankCode', description: 'A bank from `GET /api/v1/directory/banks`', example: 'HBL' });
/** `provider` of a payout destination: a wallet code for `wallet`, a bank code for `bank` and `iban`. */
export const providerCode = z
  .enum([...WALLET_CODES, ...BANK_CODES] as [WalletCode | BankCode, ...(WalletCode | BankCode)[]])
  .meta({
    id: 'ProviderCode',
    description:
      'A wallet code (`type: "wallet"`) or a bank code (`type: "bank"`, `"iban"`, `"raast"`) from the directory',
    example: 'JAZZCASH',
  });

/** The ten test scenarios (docs/scenarios.md); the account number picks one. */
export const SCENARIO_KEYS = [
  'SUCCESS',
  'ASYNC_SUCCESS',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_BLOCKED',
  'LIMIT_EXCEEDED',
  'TIMEOUT',
  'PROVIDER_UNAVAILABLE',
  'REVERSED',
  'TITLE_MISMATCH',
  'ASYNC_FAILURE',
] as const;
export type ScenarioKey = (typeof SCENARIO_KEYS)[number];
export const scenarioKey = z.enum(SCENARIO_KEYS).meta({ id: 'ScenarioKey' });

export const bankSchema = z
  .object({
    code: bankCode,
    name: z.string().meta({ example: 'Habib Bank Limited' }),
    ibanCode: z
      .string()
      .regex(/^[A-Z]{4}$/)
      .nullable()
      .meta({
        description: 'The 4-letter bank code inside its IBANs (`PK36HABB…` is an HBL account)',
        example: 'HABB',
      }),
  })
  .meta({ id: 'Bank' });
export const walletSchema = z
  .object({ code: walletCode, name: z.string().meta({ example: 'JazzCash' }) })
  .meta({ id: 'Wallet' });
export const bankList = z.object({ data: z.array(bankSchema) }).meta({ id: 'BankList' });
export const walletList = z.object({ data: z.array(walletSchema) }).meta({ id: 'WalletList' });

export const scenarioSchema = z
  .object({
    number: z.number().int().meta({ example: 2 }),
    key: scenarioKey,
    mobile: z.string().meta({ description: 'Wallet number that triggers it', example: '03000000002' }),
    bankAccount: z.string().meta({ description: 'Bank account number that triggers it', example: '0000000002' }),
    description: z.string(),
    payoutOutcome: z.string(),
    paymentOutcome: z.string(),
    verifyOutcome: z.string(),
    delayMs: z.number().int().meta({ description: 'Delay of the async step in this deployment (scaled)' }),
  })
  .meta({ id: 'Scenario' });
export const scenarioList = z.object({ data: z.array(scenarioSchema) }).meta({ id: 'ScenarioList' });
