import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_BASE_URL, derivePaymentBaseUrl, MyPay } from '@mypay/sdk';
import { UsageError } from './output.ts';

/** What `mypay login` stores (file mode 600: it holds an API key). */
export interface StoredConfig {
  apiKey?: string;
  baseUrl?: string;
  paymentApiKey?: string;
  paymentBaseUrl?: string;
  /** The secret `mypay listen` signs forwarded events with; made once, kept so receivers keep working. */
  listenSecret?: string;
}

/** Options every command understands (flags win over env, env over the config file). */
export interface GlobalOptions {
  apiKey?: string;
  baseUrl?: string;
  paymentApiKey?: string;
  paymentBaseUrl?: string;
  json?: boolean;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'mypay', 'config.json');
}

export function readConfig(path: string = configPath()): StoredConfig {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StoredConfig;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Writes atomically with mode 600 (a temp file renamed over the old one), the directory 700. */
export function writeConfig(config: StoredConfig, path: string = configPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync's mode only applies to new files and is masked by the umask: set it outright.
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

export interface ResolvedConfig {
  apiKey: string | undefined;
  baseUrl: string;
  paymentApiKey: string | undefined;
  paymentBaseUrl: string;
  json: boolean;
}

export function resolveConfig(
  flags: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
  stored: StoredConfig = readConfig(configPath(env)),
): ResolvedConfig {
  const apiKey = flags.apiKey ?? env.MYPAY_API_KEY ?? stored.apiKey;
  const baseUrl = flags.baseUrl ?? env.MYPAY_BASE_URL ?? stored.baseUrl ?? DEFAULT_BASE_URL;
  const explicitPaymentUrl = flags.paymentBaseUrl ?? env.MYPAY_PAYMENT_BASE_URL ?? stored.paymentBaseUrl;
  return {
    apiKey,
    baseUrl,
    paymentApiKey: flags.paymentApiKey ?? env.MYPAY_PAYMENT_API_KEY ?? stored.paymentApiKey ?? apiKey,
    paymentBaseUrl: explicitPaymentUrl ?? derivePaymentBaseUrl(baseUrl),
    json: Boolean(flags.json),
  };
}

export function clientFor(config: ResolvedConfig): MyPay {
  if (!config.apiKey) {
    throw new UsageError('no API key: run `mypay login` (it reads the key from stdin) or set MYPAY_API_KEY');
  }
  for (const [name, url] of [
    ['--base-url', config.baseUrl],
    ['--payment-base-url', config.paymentBaseUrl],
  ] as const) {
    if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`${name} must be an http(s) URL, got ${url}`);
  }
  return new MyPay({
    apiKey: config.apiKey,
    paymentApiKey: config.paymentApiKey,
    baseUrl: config.baseUrl,
    paymentBaseUrl: config.paymentBaseUrl,
    userAgent: 'mypay-cli/0.1.0',
  });
}

export const newListenSecret = () => `whsec_${randomBytes(24).toString('hex')}`;

/** The persisted listen secret; made and stored on first use (per run when the file cannot be written). */
export function listenSecret(path: string = configPath()): { secret: string; persisted: boolean } {
  const stored = readConfig(path);
  if (stored.listenSecret) return { secret: stored.listenSecret, persisted: true };
  const secret = newListenSecret();
  try {
    writeConfig({ ...stored, listenSecret: secret }, path);
    return { secret, persisted: true };
  } catch {
    return { secret, persisted: false };
  }
}
