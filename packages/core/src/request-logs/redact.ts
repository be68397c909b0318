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
  options?: {
    secrets?: readonly string[];
    /**
     * `body` as it was already serialised (the response text Express sent): used as is when it
     * holds nothing to redact, so the request path does not stringify the answer a second time.
     */
    text?: string;
  },
) => { text: string | null; truncated: boolean };

/**
 * Redaction runs on the request path, so it is cheap when there is nothing to redact (most
 * bodies): the body is serialised once without a replacer, and only text that could hold a
 * listed field name or a `whsec_` value is serialised again with the replacer. The test is an
 * over-approximation that cannot miss: a key K whose normalised form is a listed field appears
 * in JSON text as `"K"`, and normalising the whole text (lower case, no `-`/`_`) turns that into
 * `"field"`. Fields outside [a-z0-9] (possible in REQUEST_LOG_REDACT_FIELDS) always take the
 * replacer path.
 */
export function createBodyRedactor(extraFields: readonly string[] = [], limit = REQUEST_LOG_BODY_LIMIT): BodyRedactor {
  const fields = new Set([...DEFAULT_REDACTED_FIELDS, ...extraFields].map(normalize));
  const quoted = [...fields].map((field) => `"${field}"`);
  const alwaysReplace = [...fields].some((field) => !/^[a-z0-9]+$/.test(field));
  const mayHoldSecret = (text: string) => {
    if (alwaysReplace || text.includes('whsec_')) return true;
    const folded = normalize(text);
    for (const field of quoted) if (folded.includes(field)) return true;
    return false;
  };
  const replacer = (key: string, value: unknown) => {
    if (key !== '' && fields.has(normalize(key))) return REDACTED;
    if (typeof value === 'string' && SECRET_VALUE.test(value)) return REDACTED;
    return value;
  };
  const withReplacer = (body: unknown) =>
    typeof body === 'string' ? JSON.stringify(replacer('', body)) : (JSON.stringify(body, replacer) ?? 'null');
  return (body, options = {}) => {
    if (body === undefined || body === null) return { text: null, truncated: false };
    let text: string;
    try {
      text = options.text ?? JSON.stringify(body) ?? 'null';
      if (text === '{}') return { text: null, truncated: false };
      if (mayHoldSecret(text)) text = withReplacer(body);
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
