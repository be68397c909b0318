import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature, parseSignatureHeader, signPayload, verifySignature } from '../../src/index.ts';

const secret = 'whsec_test_secret_for_signatures';
const body = JSON.stringify({
  id: 'evt_1',
  type: 'payout.completed',
  createdAt: '2026-01-01T00:00:00.000Z',
  data: { object: { id: 'po_1', amount: 12345 } },
});

/** The receiver recipe from docs/webhooks.md, copied verbatim: no MyPay code involved. */
function verifyMyPaySignature(
  rawBody: string | Buffer,
  header: string | undefined,
  secret: string,
  toleranceSeconds = 300,
) {
  if (!header) return false;
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=');
    if (key === 't') t = Number(value);
    if (key === 'v1') signatures.push(value as string);
  }
  if (!Number.isInteger(t) || signatures.length === 0) return false;
  if (Math.abs(Math.floor(Date.now() / 1000) - (t as number)) > toleranceSeconds) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
  return signatures.some(
    (s) => s.length === expected.length && crypto.timingSafeEqual(Buffer.from(s), Buffer.from(expected)),
  );
}
const documentedVerify = (rawBody: string, header: string, whsec: string) =>
  verifyMyPaySignature(Buffer.from(rawBody), header, whsec);

describe('webhook signatures', () => {
  it('when a body is signed, then the documented recipe and verifySignature both accept it', () => {
    const header = signPayload(body, secret);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(documentedVerify(body, header, secret)).toBe(true);
    expect(verifySignature(body, header, secret)).toBe(true);
    expect(verifySignature(Buffer.from(body), header, secret)).toBe(true);
  });

  it('when the body is tampered with, then verification fails', () => {
    const header = signPayload(body, secret);
    const tampered = body.replace('12345', '99999');
    expect(documentedVerify(tampered, header, secret)).toBe(false);
    expect(checkSignature(tampered, header, secret)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('when the secret is another one, then verification fails', () => {
    const header = signPayload(body, 'whsec_other');
    expect(verifySignature(body, header, secret)).toBe(false);
  });

  it('when the timestamp is older than 5 minutes, then verification fails as stale', () => {
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    const header = signPayload(body, secret, sixMinutesAgo);
    expect(documentedVerify(body, header, secret)).toBe(false);
    expect(checkSignature(body, header, secret)).toEqual({ valid: false, reason: 'stale' });
    // …but within a custom tolerance it is fine.
    expect(verifySignature(body, header, secret, { toleranceSeconds: 600 })).toBe(true);
  });

  it('when the timestamp is re-written to a fresh one, then the signature no longer matches', () => {
    const old = signPayload(body, secret, new Date(Date.now() - 10 * 60_000));
    const replayed = old.replace(/^t=\d+/, `t=${Math.floor(Date.now() / 1000)}`);
    expect(checkSignature(body, replayed, secret)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('when several v1 values are sent (secret rotation), then any matching one is enough', () => {
    const header = signPayload(body, ['whsec_new', secret]);
    expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    expect(verifySignature(body, header, secret)).toBe(true);
    expect(verifySignature(body, header, 'whsec_new')).toBe(true);
    expect(documentedVerify(body, header, secret)).toBe(true);
  });

  it('when the header is missing or malformed, then verification fails as malformed', () => {
    for (const header of [undefined, '', 'v1=abc', 't=123', 't=abc,v1=00', 'garbage']) {
      expect(checkSignature(body, header, secret)).toEqual({ valid: false, reason: 'malformed' });
    }
    expect(parseSignatureHeader(`t=1, v1=${'a'.repeat(64)},v0=zz`)).toEqual({
      timestamp: 1,
      v1: ['a'.repeat(64)],
    });
  });
});
