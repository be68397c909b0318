/** Single-quoted for a POSIX shell: `'` becomes `'\''`. */
const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * A curl command that repeats a logged request. The key is never in it (the log does not have it
 * either): `$MYPAY_API_KEY` stands in. Redacted body fields stay `[redacted]`; fill them in first.
 */
export function curlFor(entry: {
  method: string;
  url: string;
  idempotencyKey: string | null;
  requestBody: unknown;
  requestBodyTruncated: boolean;
}): string {
  const lines = [`curl -X ${entry.method} ${shellQuote(entry.url)}`, `-H "Authorization: Bearer $MYPAY_API_KEY"`];
  const hasBody = entry.requestBody !== null && entry.requestBody !== undefined;
  if (hasBody) lines.push(`-H 'Content-Type: application/json'`);
  if (entry.idempotencyKey) lines.push(`-H ${shellQuote(`Idempotency-Key: ${entry.idempotencyKey}`)}`);
  if (hasBody) {
    const body = typeof entry.requestBody === 'string' ? entry.requestBody : JSON.stringify(entry.requestBody);
    lines.push(`-d ${shellQuote(body)}`);
  }
  const command = lines.join(' \\\n  ');
  return entry.requestBodyTruncated
    ? `# The stored body was cut at 16 KB: complete it before sending.\n${command}`
    : command;
}
