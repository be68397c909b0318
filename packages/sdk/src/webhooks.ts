import {
  checkSignature,
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  type SignatureCheck,
  signPayload,
} from '@mypay/contracts';
import type { MyPayEvent } from './types.ts';

/**
 * Webhook signatures: the contract's own primitives (`@mypay/contracts` signature.ts), re-exported so
 * senders and receivers can never disagree on the format.
 */
export { DEFAULT_SIGNATURE_TOLERANCE_SECONDS, SIGNATURE_HEADER, type SignatureCheck };

export interface VerifyWebhookOptions {
  /** Largest accepted distance between the header's `t` and now, either way (default 300 s). */
  toleranceSeconds?: number;
  now?: Date;
}

/**
 * True when `header` (`MyPay-Signature`) signs `rawBody` — the exact bytes received, before any
 * JSON parsing — with `secret` (`whsec_…`), and its timestamp is within the tolerance.
 */
export function verifyWebhook(
  rawBody: string | Buffer,
  header: string | null | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): boolean {
  return checkSignature(rawBody, header, secret, options).valid;
}

/** Like verifyWebhook, but says why a signature is refused: `malformed`, `stale` or `mismatch`. */
export function checkWebhook(
  rawBody: string | Buffer,
  header: string | null | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): SignatureCheck {
  return checkSignature(rawBody, header, secret, options);
}

/** Verifies, then parses the event; throws when the signature does not hold. */
export function constructWebhookEvent(
  rawBody: string | Buffer,
  header: string | null | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): MyPayEvent {
  const check = checkSignature(rawBody, header, secret, options);
  if (!check.valid) throw new Error(`invalid MyPay-Signature (${check.reason})`);
  return JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8')) as MyPayEvent;
}

/** The `MyPay-Signature` value for `rawBody` signed with `secret` at `now` (what `mypay listen` sends). */
export function signWebhook(rawBody: string | Buffer, secret: string, now: Date = new Date()): string {
  return signPayload(rawBody, secret, now);
}
