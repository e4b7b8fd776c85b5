// Password hashing with scrypt from node:crypto (memory-hard; RFC 7914), in a self-describing string.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** Cost parameters: N = 2^15, r = 8 → 32 MiB and ~0.1 s per hash on one core. */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** @default N 32768, r 8, p 1 */
export const DEFAULT_SCRYPT: ScryptCost = Object.freeze({ N: 32768, r: 8, p: 1 });

const KEY_LEN = 32;

function derive(password: string, salt: Buffer, c: ScryptCost): Promise<Buffer> {
  return new Promise((res, rej) =>
    scrypt(password, salt, KEY_LEN, { N: c.N, r: c.r, p: c.p, maxmem: 256 * c.N * c.r }, (e, k) =>
      e ? rej(e) : res(k),
    ),
  );
}

/** `scrypt$N$r$p$<salt b64url>$<hash b64url>`: the cost travels with the hash, so it can be raised. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check of a password against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((x) => Number.isInteger(x) && x > 0)) return false;
  const want = Buffer.from(hash, 'base64url');
  const got = await derive(password, Buffer.from(salt, 'base64url'), cost);
  return want.length === got.length && timingSafeEqual(want, got);
}
