import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Environment handling shared by every process. Each process composes its own zod schema
 * from these pieces, parses it once at start (loadConfig) and passes plain values on;
 * domain code never reads process.env.
 */

export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/mypay';
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,10h';

const PLACEHOLDER = /CHANGE_ME/i;

/** `"250"`/`"250ms"` → 250, `"5s"` → 5000, `"5m"`, `"2h"`, `"1d"`. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a duration (use e.g. 500ms, 5s, 5m, 2h, 1d)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1;
  return Math.round(n * factor);
}

/** An env flag: `true`/`false`, `1`/`0`, `yes`/`no`. */
export const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** An env duration (`250ms`, `5s`, `5m`, `2h`, `1d`) → milliseconds; give defaults with `.prefault('5s')`. */
export const durationFromEnv = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** The `version` of the package.json at `url` (e.g. `new URL('../package.json', import.meta.url)`), else 0.0.0. */
export function readPackageVersion(url: URL): string {
  try {
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export const nodeEnv = z.enum(['development', 'test', 'production']).default('development');

export const durationList = z.string().transform((text, ctx) => {
  try {
    const list = text.split(',').map((part) => parseDuration(part));
    if (list.length === 0) throw new Error('empty list');
    return list;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

/** Fields every server process understands. */
export const commonEnvShape = {
  NODE_ENV: nodeEnv,
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb):\/\/[^/]+\/[^/?]+/, 'must look like mysql://user:pass@host:port/db')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SCENARIO_DELAY_SCALE: z.coerce.number().min(0).max(100).default(1),
  WEBHOOK_RETRY_SCHEDULE: durationList.prefault(DEFAULT_WEBHOOK_RETRY_SCHEDULE),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanFromEnv.optional(),
  PUBLIC_SANDBOX_URL: z.url().optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  /** Shared rate-limit counters for every replica (docs/performance.md); unset: each process counts alone. */
  REDIS_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .string()
      .regex(/^rediss?:\/\/[^/]+/, 'must look like redis://host:6379')
      .optional(),
  ),
  /** Key prefix of the rate-limit counters in Redis (the service's name is added after it). */
  RATE_LIMIT_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/)
    .default('mypay:rl:'),
} as const;

export const secretField = z.string().optional();

/**
 * Production rules shared by every process: DATABASE_URL is required and secrets must be
 * real (≥ 32 characters, no CHANGE_ME placeholder). Outside production, dev defaults apply.
 */
export function checkProductionSecrets(
  env: { NODE_ENV: string; DATABASE_URL?: string | undefined } & Record<string, unknown>,
  ctx: z.RefinementCtx,
  secretNames: string[],
): void {
  if (env.NODE_ENV !== 'production') return;
  if (!env.DATABASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required in production' });
  } else if (PLACEHOLDER.test(env.DATABASE_URL)) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'still holds a CHANGE_ME placeholder' });
  }
  for (const name of secretNames) {
    const value = env[name];
    if (typeof value !== 'string' || value.length === 0) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'required in production' });
    } else if (PLACEHOLDER.test(value)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'still holds a CHANGE_ME placeholder' });
    } else if (value.length < 32) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'must be at least 32 characters in production' });
    }
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` with `schema`; throws ConfigError listing every problem as `NAME: message`. */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  // Empty strings count as unset, as in most .env loaders.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(problems);
}

/**
 * For process entry points: parse or print every problem and exit non-zero (no stack trace).
 */
export function loadConfigOrExit<S extends z.ZodType>(
  schema: S,
  processName: string,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${processName}: invalid configuration\n`);
      for (const problem of error.problems) process.stderr.write(`  ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Derived defaults that depend on NODE_ENV. */
export function resolveDatabaseUrl(env: { DATABASE_URL?: string | undefined }): string {
  return env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
}

export function resolveAllowPrivateTargets(env: {
  NODE_ENV: string;
  WEBHOOK_ALLOW_PRIVATE_TARGETS?: boolean | undefined;
}): boolean {
  return env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? env.NODE_ENV !== 'production';
}

const payoutLimit = z.coerce.number().int().min(1).max(1_000_000_000);

/**
 * Per-transaction payout limits per rail, in paisa (sandbox rules; defaults in
 * DEFAULT_PAYOUT_LIMITS: PKR 250,000 wallet, PKR 1,000,000 Raast, PKR 5,000,000 bank/IBFT).
 * Read by every process that creates payouts: the Payout API and the merchant portal.
 */
export const payoutLimitsEnvShape = {
  PAYOUT_LIMIT_WALLET: payoutLimit.default(25_000_000),
  PAYOUT_LIMIT_RAAST: payoutLimit.default(100_000_000),
  PAYOUT_LIMIT_BANK: payoutLimit.default(500_000_000),
} as const;

export function payoutLimitsFromEnv(env: {
  PAYOUT_LIMIT_WALLET: number;
  PAYOUT_LIMIT_RAAST: number;
  PAYOUT_LIMIT_BANK: number;
}): { wallet: number; raast: number; bank: number } {
  return { wallet: env.PAYOUT_LIMIT_WALLET, raast: env.PAYOUT_LIMIT_RAAST, bank: env.PAYOUT_LIMIT_BANK };
}
