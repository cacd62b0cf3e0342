import crypto from 'node:crypto';

/**
 * API key format: `hubk_` + 32 random base62 characters + 6 base62 characters of CRC-32 checksum.
 * The fixed prefix tells a key from a JWT and lets secret scanners find leaked keys; the checksum
 * lets them (and us) reject typos and random strings without a database look-up.
 */
export const API_KEY_PREFIX = 'hubk_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;

function base62(n: number, width: number): string {
  let out = '';
  let v = n >>> 0;
  for (let i = 0; i < width; i++) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(text: string): number {
  let c = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function generateApiKey(): string {
  const bytes = crypto.randomBytes(BODY_LENGTH);
  let body = '';
  // 256 is not a multiple of 62: reject high bytes so every character is uniform.
  let i = 0;
  while (body.length < BODY_LENGTH) {
    if (i >= bytes.length) {
      crypto.randomFillSync(bytes);
      i = 0;
    }
    const b = bytes[i++];
    if (b < 248) body += BASE62[b % 62];
  }
  return `${API_KEY_PREFIX}${body}${base62(crc32(body), CHECKSUM_LENGTH)}`;
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

export function apiKeyChecksumValid(token: string): boolean {
  const rest = token.slice(API_KEY_PREFIX.length);
  if (rest.length !== BODY_LENGTH + CHECKSUM_LENGTH || !/^[0-9A-Za-z]+$/.test(rest)) return false;
  const body = rest.slice(0, BODY_LENGTH);
  return base62(crc32(body), CHECKSUM_LENGTH) === rest.slice(BODY_LENGTH);
}

/** Keys carry ~190 bits of randomness, so a fast hash is enough (no password stretching needed). */
export function hashApiKey(token: string): Buffer {
  return crypto.createHash('sha256').update(token, 'utf8').digest();
}

export function apiKeyHint(token: string): string {
  return `${API_KEY_PREFIX}…${token.slice(-4)}`;
}
