/**
 * What the request log stores of a body: JSON with secrets replaced, capped in size. Pure, so
 * the rules are unit-tested on their own (redact.test.ts).
 */

/** Bytes of one stored body at most; a longer one is cut and marked truncated. */
export const REQUEST_LOG_BODY_LIMIT = 16 * 1024;

export const REDACTED = '[redacted]';

/**
 * Field names whose values are never stored, whatever the depth (compared case-insensitively,
 * without `-`/`_`): webhook signing secrets in responses, passwords, OTPs, keys and tokens, the
 * hosted page's CSRF token. REQUEST_LOG_REDACT_FIELDS adds more.
 */
export const DEFAULT_REDACTED_FIELDS = [
  'authorization',
  'password',
  'passwordHash',
  'newPassword',
  'currentPassword',
  'secret',
  'signingSecret',
  'otp',
  'pin',
  'apiKey',
  'token',
  'accessToken',
  'refreshToken',
  'csrf',
  'cookie',
];

const normalize = (field: string) => field.toLowerCase().replace(/[-_]/g, '');

/** Values that are secrets whatever field holds them. */
const SECRET_VALUE = /^whsec_/;

/** The body as stored: redacted JSON text (cut at the limit), or null when there is none. */
export type BodyRedactor = (
  body: unknown,
  options?: { secrets?: readonly string[] },
) => { text: string | null; truncated: boolean };

export function createBodyRedactor(extraFields: readonly string[] = [], limit = REQUEST_LOG_BODY_LIMIT): BodyRedactor {
  const fields = new Set([...DEFAULT_REDACTED_FIELDS, ...extraFields].map(normalize));
  const replacer = (key: string, value: unknown) => {
    if (key !== '' && fields.has(normalize(key))) return REDACTED;
    if (typeof value === 'string' && SECRET_VALUE.test(value)) return REDACTED;
    return value;
  };
  return (body, options = {}) => {
    if (body === undefined || body === null || (typeof body === 'object' && isEmptyPlainObject(body))) {
      return { text: null, truncated: false };
    }
    let text: string;
    try {
      text = typeof body === 'string' ? JSON.stringify(replacer('', body)) : (JSON.stringify(body, replacer) ?? 'null');
    } catch {
      text = JSON.stringify('[unserializable body]');
    }
    // A secret sent where no field name gives it away (e.g. an API key pasted into a description).
    for (const secret of options.secrets ?? []) {
      if (secret.length >= 8 && text.includes(secret)) text = text.split(secret).join(REDACTED);
    }
    return capText(text, limit);
  };
}

function isEmptyPlainObject(value: object): boolean {
  if (Array.isArray(value)) return false;
  for (const _ in value) return false;
  return Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null;
}

/** Cuts `text` to at most `limit` UTF-8 bytes, never inside a character. */
export function capText(text: string, limit = REQUEST_LOG_BODY_LIMIT): { text: string; truncated: boolean } {
  // Fast path: fewer UTF-16 units than limit/3 cannot exceed the limit in bytes.
  if (text.length * 3 <= limit || Buffer.byteLength(text, 'utf8') <= limit) return { text, truncated: false };
  const buffer = Buffer.from(text, 'utf8');
  let end = limit;
  // Step back over continuation bytes (10xxxxxx) to a character boundary.
  while (end > 0 && ((buffer[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: buffer.subarray(0, end).toString('utf8'), truncated: true };
}
