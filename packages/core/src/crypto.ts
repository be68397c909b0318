import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcrypt';

export const sha256Hex = (value: string | Buffer) => createHash('sha256').update(value).digest('hex');

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

const BCRYPT_ROUNDS = 10;
export const hashPassword = (password: string) => bcrypt.hash(password, BCRYPT_ROUNDS);
export const verifyPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

/** Visible part of an API key kept beside its hash (enough to tell keys apart, useless to attack). */
export const apiKeyPrefix = (key: string) => key.slice(0, Math.min(12, Math.max(4, key.length - 8)));
