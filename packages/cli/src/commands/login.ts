import { isMyPayError } from '@mypay/sdk';
import { clientFor, configPath, type GlobalOptions, readConfig, resolveConfig, writeConfig } from '../config.ts';
import { colorEnabled, formatMoney, out, paint, printJson, UsageError } from '../output.ts';

/**
 * `mypay login`: checks the key against the Payout API, then stores key and URLs (mode 600).
 * A payment-only key is stored too (the Payout API answers 403 to it, which proves it is valid).
 */
export async function login(flags: GlobalOptions, options: { verify: boolean }): Promise<void> {
  const path = configPath();
  const stored = readConfig(path);
  const apiKey = flags.apiKey ?? process.env.MYPAY_API_KEY;
  if (!apiKey) throw new UsageError('mypay login needs --api-key <key> (or MYPAY_API_KEY)');
  const next = {
    ...stored,
    apiKey,
    ...((flags.baseUrl ?? process.env.MYPAY_BASE_URL) ? { baseUrl: flags.baseUrl ?? process.env.MYPAY_BASE_URL } : {}),
    ...(flags.paymentApiKey ? { paymentApiKey: flags.paymentApiKey } : {}),
    ...(flags.paymentBaseUrl ? { paymentBaseUrl: flags.paymentBaseUrl } : {}),
  };
  // Check exactly what will be stored (the file's other values under the new key).
  const resolved = resolveConfig({ json: flags.json }, {}, next);
  const client = clientFor(resolved);
  let balance: Awaited<ReturnType<typeof client.balance.get>> | null = null;
  let note: string | null = null;
  if (options.verify) {
    try {
      balance = await client.balance.get({ maxRetries: 0 });
    } catch (error) {
      if (!isMyPayError(error) || error.code !== 'FORBIDDEN') throw error;
      note = `this key may not use the Payout API (${error.message}); payout commands will answer FORBIDDEN`;
    }
  }
  writeConfig(next, path);
  if (flags.json) {
    printJson({ configPath: path, baseUrl: resolved.baseUrl, paymentBaseUrl: resolved.paymentBaseUrl, balance, note });
    return;
  }
  const color = colorEnabled();
  out(`${paint('green', 'Logged in.', color)} Stored in ${path} (mode 600)`);
  out(`  Payout API   ${resolved.baseUrl}`);
  out(`  Payment API  ${resolved.paymentBaseUrl}`);
  out(`  Key          ${apiKey.slice(0, 12)}…`);
  if (balance) out(`  Balance      ${formatMoney(balance.available, balance.currency)} available`);
  if (note) out(paint('yellow', `  Note: ${note}`, color));
}
