/**
 * Laravel's APP_KEY as its Encrypter gets it: `base64:` and the key's bytes in base64
 * (Illuminate\Encryption\EncryptionServiceProvider::parseKey), e.g.
 * `base64:q3Jm6b6m2Tq8oZ3b0w5r2A7k3n9Ck6sJY7mFq1hS0xE=` → 32 bytes. For the audit's hot loop the
 * payload is decoded straight into a buffer, no string per candidate; anything but the plain
 * alphabet (A–Z a–z 0–9 + /, then at most two `=`) is left to `Buffer.from(…, 'base64')`, so the
 * bytes are node's, as framework-check.ts derives them.
 */

/** The prefix of an APP_KEY given in base64. */
export const BASE64_PREFIX = Buffer.from('base64:');

/** RFC 4648 §4 alphabet: a character's 6-bit value, or -1. */
const VALUE = new Int8Array(256).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) VALUE[c.charCodeAt(0)] = i;
const PAD = 0x3d;

/** Whether the candidate `src[start, start + length)` starts with `base64:`. */
export function isBase64Key(src: Uint8Array, start: number, length: number): boolean {
  if (length < BASE64_PREFIX.length) return false;
  for (let k = 0; k < BASE64_PREFIX.length; k++) if (src[start + k] !== BASE64_PREFIX[k]) return false;
  return true;
}

/**
 * Decodes the base64 after `base64:` in `src[start, start + length)` into `out` at `at`, writing
 * at most `max` bytes; returns how many it wrote, or -1 when the payload is not plain base64 or
 * decodes to more than `max` bytes (then use {@link appKeyBytes}).
 *
 * @example
 * decodeAppKey(Buffer.from('base64:AAEC'), 0, 11, out, 0, 64) // 3: out[0..3) = 00 01 02
 */
export function decodeAppKey(src: Uint8Array, start: number, length: number, out: Uint8Array, at: number, max: number): number {
  let from = start + BASE64_PREFIX.length;
  let end = start + length;
  if (end > from && src[end - 1] === PAD) end--;
  if (end > from && src[end - 1] === PAD) end--;
  const n = end - from;
  const rest = n & 3;
  if (rest === 1) return -1;
  const bytes = (n >> 2) * 3 + (rest === 0 ? 0 : rest - 1);
  if (bytes > max) return -1;
  let o = at;
  for (const stop = end - rest; from < stop; from += 4) {
    const a = VALUE[src[from]!]!;
    const b = VALUE[src[from + 1]!]!;
    const c = VALUE[src[from + 2]!]!;
    const d = VALUE[src[from + 3]!]!;
    if ((a | b | c | d) < 0) return -1;
    const w = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = w >>> 16;
    out[o++] = (w >>> 8) & 0xff;
    out[o++] = w & 0xff;
  }
  if (rest >= 2) {
    const a = VALUE[src[from]!]!;
    const b = VALUE[src[from + 1]!]!;
    const c = rest === 3 ? VALUE[src[from + 2]!]! : 0;
    if ((a | b | c) < 0) return -1;
    const w = (a << 18) | (b << 12) | (c << 6);
    out[o++] = w >>> 16;
    if (rest === 3) out[o++] = (w >>> 8) & 0xff;
  }
  return o - at;
}

/** The key's bytes through node's base64 decoder (any payload). */
export function appKeyBytes(src: Uint8Array, start: number, length: number): Buffer {
  return Buffer.from(Buffer.from(src.buffer, src.byteOffset + start + BASE64_PREFIX.length, length - BASE64_PREFIX.length).toString('latin1'), 'base64');
}
