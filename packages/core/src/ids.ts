import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type IdPrefix = 'po' | 'cs' | 'txn' | 're' | 'evt' | 'whd' | 'mer' | 'we' | 'key' | 'adm' | 'clk';

/** `po_` + 24 base62 characters (~143 bits of randomness). Fits VARCHAR(32). */
export function newId(prefix: IdPrefix): string {
  const bytes = randomBytes(24);
  let out = `${prefix}_`;
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
