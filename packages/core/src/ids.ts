import { randomBytes, randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type IdPrefix = 'po' | 'cs' | 'txn' | 're' | 'evt' | 'whd' | 'mer' | 'we' | 'key' | 'adm' | 'clk';

// Random bytes are drawn from the CSPRNG 4 KiB at a time and handed out in order, each byte once
// (what crypto.randomUUID does too): a randomBytes(24) call per id was ~2.5 % of a payout
// create's CPU time.
const POOL_BYTES = 4096;
const MAX_TAKE = 256;
const randomPool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

function takeRandom(bytes: number): Buffer {
  if (bytes > MAX_TAKE) return randomBytes(bytes);
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += bytes;
  return randomPool.subarray(start, poolOffset);
}

/** `po_` + 24 base62 characters (~143 bits of randomness). Fits VARCHAR(32). */
export function newId(prefix: IdPrefix): string {
  const bytes = takeRandom(24);
  let out = `${prefix}_`;
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

export function randomHex(bytes: number): string {
  return takeRandom(bytes).toString('hex');
}
