/**
 * Django's base62 timestamps (django/core/signing.py, 3.1+):
 * `BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'`.
 * `int(time.time())` = 1700000000 is written `1r31eq`.
 */
import { MalformedInputError } from './errors.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Django's `b62_encode`.
 * @example b62Encode(61) // 'z'
 */
export function b62Encode(n: number): string {
  if (!Number.isSafeInteger(n)) throw new MalformedInputError('Timestamp is not a safe integer');
  if (n === 0) return '0';
  const sign = n < 0 ? '-' : '';
  let s = Math.abs(n);
  let out = '';
  while (s > 0) {
    out = ALPHABET[s % 62]! + out;
    s = Math.floor(s / 62);
  }
  return sign + out;
}

/**
 * Django's `b62_decode`. Rejects characters outside the alphabet and values past 2^53.
 * @example b62Decode('z') // 61
 */
export function b62Decode(text: string): number {
  let s = text;
  let sign = 1;
  if (s.startsWith('-')) {
    s = s.slice(1);
    sign = -1;
  }
  if (s.length === 0 || s.length > 9) throw new MalformedInputError(`Invalid base62 timestamp "${text.slice(0, 20)}"`);
  let n = 0;
  for (const ch of s) {
    const d = ALPHABET.indexOf(ch);
    if (d < 0) throw new MalformedInputError(`Invalid base62 timestamp "${text.slice(0, 20)}"`);
    n = n * 62 + d;
  }
  return sign * n;
}
