import { isMyPayError } from '@mypay/sdk';

/** Exit codes: 0 ok, 1 the API (or the network) said no, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_API_ERROR = 1;
export const EXIT_USAGE = 2;

/** A wrong command line (missing key, bad flag value): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold' | 'magenta';
const CODES: Record<Style, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/** Colour only on a terminal, never with NO_COLOR; FORCE_COLOR forces it (tests, pipes into `less -R`). */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

export function paint(style: Style, text: string, enabled = colorEnabled()): string {
  if (!enabled) return text;
  const [open, close] = CODES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}
export function err(line = ''): void {
  process.stderr.write(`${line}\n`);
}
export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** PKR from paisa: 150000 → "PKR 1,500.00". */
export function formatMoney(amount: number, currency = 'PKR'): string {
  const sign = amount < 0 ? '-' : '';
  const value = (Math.abs(amount) / 100).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${currency} ${sign}${value}`;
}

export function statusColor(status: string): Style {
  if (['COMPLETED', 'SUCCEEDED', 'DELIVERED'].includes(status)) return 'green';
  if (['FAILED', 'EXPIRED', 'CANCELLED'].includes(status)) return 'red';
  if (['REVERSED', 'REFUNDED'].includes(status)) return 'magenta';
  return 'yellow';
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips the colour codes paint() adds
const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (text: string) => text.replace(ANSI, '').length;

/** A plain text table; cells may carry colour. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell + ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => paint('bold', h))), ...rows.map(line)].join('\n');
}

const HINTS: Record<string, string> = {
  UNAUTHENTICATED: 'check your key with mypay login',
  RATE_LIMITED: 'slow down and try again shortly',
  DATABASE_UNAVAILABLE: 'the sandbox database is down; try again shortly',
};

interface ScopeDetail {
  field?: string;
  message: string;
  keyScope: string;
  requiredScope: string;
}

/** The API's "missing scope" detail of a 403 (absent when the merchant is suspended). */
function scopeDetail(details: readonly { field?: string; message: string }[]): ScopeDetail | undefined {
  return details.find(
    (d): d is ScopeDetail =>
      d.field === 'scope' &&
      typeof (d as Partial<ScopeDetail>).requiredScope === 'string' &&
      typeof (d as Partial<ScopeDetail>).keyScope === 'string',
  );
}

function scopeHint(required: string): string {
  const flag = required === 'payment' ? '--payment-api-key / MYPAY_PAYMENT_API_KEY' : '--api-key / MYPAY_API_KEY';
  return `log in with a key of scope "all" (mypay login; the seed prints one), or give this API a key of scope "${required}" with ${flag}`;
}

/** How a key is shown anywhere the CLI writes: its first 12 characters (`mp_test_1a2b…`), never all of it. */
export function maskKey(key: string): string {
  return key.length > 16 ? `${key.slice(0, 12)}…` : '…';
}

/** Every occurrence of one of `secrets` in `text`, masked (error messages can quote what was sent). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 8) result = result.split(secret).join(maskKey(secret));
  return result;
}

/** One readable line (or JSON) for any failure; returns the exit code. Keys in `secrets` are masked. */
export function reportError(
  error: unknown,
  options: { json: boolean; baseUrl?: string; secrets?: readonly string[] },
): number {
  const secrets = options.secrets ?? [];
  const err = (line: string) => process.stderr.write(`${redactSecrets(line, secrets)}\n`);
  if (error instanceof UsageError) {
    if (options.json) err(JSON.stringify({ error: { code: 'USAGE', message: error.message } }));
    else err(`${paint('red', 'error', colorEnabled(process.stderr))}: ${error.message}`);
    return EXIT_USAGE;
  }
  if (isMyPayError(error)) {
    if (options.json) {
      err(
        JSON.stringify({
          error: {
            code: error.code,
            message: error.message,
            status: error.status,
            requestId: error.requestId,
            details: error.details,
          },
        }),
      );
      return EXIT_API_ERROR;
    }
    let hint = HINTS[error.code];
    const scope = error.code === 'FORBIDDEN' ? scopeDetail(error.details) : undefined;
    if (scope) hint = scopeHint(scope.requiredScope);
    if (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT') {
      hint = 'is the API running there? set the URL with --base-url / --payment-base-url or mypay login';
    }
    const red = (text: string) => paint('red', text, colorEnabled(process.stderr));
    err(`${red(error.code)}: ${error.message}${hint ? ` — ${hint}` : ''}`);
    // A detail's code names the rule that failed (e.g. INVALID_IBAN_CHECKSUM): worth printing.
    for (const detail of error.details) {
      if ((detail as unknown) === scope) continue;
      const code = typeof detail.code === 'string' ? ` (${detail.code})` : '';
      err(`  ${detail.field ? `${detail.field}: ` : ''}${detail.message}${code}`);
    }
    if (error.requestId) err(paint('dim', `  request id ${error.requestId}`, colorEnabled(process.stderr)));
    return EXIT_API_ERROR;
  }
  const message = (error as Error)?.message ?? String(error);
  if (options.json) err(JSON.stringify({ error: { code: 'ERROR', message } }));
  else err(`error: ${message}`);
  return EXIT_API_ERROR;
}
