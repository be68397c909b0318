import { isMyPayError } from '@mypay/sdk';
import { clientFor, configPath, type GlobalOptions, readConfig, resolveConfig, writeConfig } from '../config.ts';
import { colorEnabled, err, formatMoney, maskKey, out, paint, printJson, UsageError } from '../output.ts';

/**
 * The key from the first line of stdin (`mypay login < key.txt`, a pipe, or pasted after the
 * prompt), so it never appears on a command line; the terminal's echo is turned off while typing.
 */
async function readKeyFromStdin(): Promise<string | undefined> {
  const stdin = process.stdin;
  const tty = stdin.isTTY === true;
  if (tty) err('Paste your API key (input hidden), then Enter:');
  let muted = false;
  if (tty && typeof stdin.setRawMode === 'function') {
    stdin.setRawMode(true);
    muted = true;
  }
  return new Promise((resolve) => {
    let text = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.off('end', finish);
      if (muted) stdin.setRawMode(false);
      stdin.pause();
      const line = text.split(/\r?\n|\r/)[0]?.trim();
      resolve(line ? line : undefined);
    };
    const onData = (chunk: Buffer) => {
      const piece = chunk.toString('utf8');
      // Raw mode: Ctrl-C / Ctrl-D end the prompt.
      if (muted && (piece.includes('\u0003') || piece.includes('\u0004'))) return finish();
      text += piece;
      if (/\r|\n/.test(text)) finish();
    };
    stdin.on('data', onData);
    stdin.on('end', finish);
    stdin.resume();
  });
}

/**
 * `mypay login`: checks the key against the Payout API, then stores key and URLs (mode 600).
 * A payment-only key is stored too (the Payout API answers 403 to it, which proves it is valid).
 */
export async function login(flags: GlobalOptions, options: { verify: boolean }): Promise<void> {
  const path = configPath();
  const stored = readConfig(path);
  const apiKey = flags.apiKey ?? process.env.MYPAY_API_KEY ?? (await readKeyFromStdin());
  if (!apiKey) throw new UsageError('mypay login needs the key on stdin (or MYPAY_API_KEY, or --api-key <key>)');
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
  out(`  Key          ${maskKey(apiKey)}`);
  if (balance) out(`  Balance      ${formatMoney(balance.available, balance.currency)} available`);
  if (note) out(paint('yellow', `  Note: ${note}`, color));
}
