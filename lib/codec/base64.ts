/**
 * Base64 as Django and the other formats use it.
 *
 * Django's `signing.b64_encode` is URL-safe base64 with the `=` padding stripped
 * (`base64.urlsafe_b64encode(s).strip(b'=')`); `b64_decode` adds the padding back. The legacy
 * session_data format and express/cookie-session use the standard alphabet (RFC 4648 §4).
 *
 * Decoding here is strict: a character outside the alphabet is a {@link MalformedInputError}
 * naming its position, never silently skipped.
 */
import { MalformedInputError } from './errors.ts';

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function table(alphabet: string): Int8Array {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
const URL_TABLE = table(URL_ALPHABET);
const STD_TABLE = table(STD_ALPHABET);

function encodeWith(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

function sextet(text: string, t: Int8Array, i: number, what: string): number {
  const c = text.charCodeAt(i);
  const v = c < 128 ? t[c]! : -1;
  if (v < 0) throw new MalformedInputError(`Invalid ${what}: unexpected character at position ${i}`);
  return v;
}

function decodeWith(text: string, t: Int8Array, what: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (text.length - end > 2) throw new MalformedInputError(`Invalid ${what}: too much padding`);
  if (end % 4 === 1) throw new MalformedInputError(`Invalid ${what}: length ${end} is impossible`);
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let i = 0;
  const whole = end - (end % 4);
  for (; i < whole; i += 4) {
    const n = (sextet(text, t, i, what) << 18) | (sextet(text, t, i + 1, what) << 12) | (sextet(text, t, i + 2, what) << 6) | sextet(text, t, i + 3, what);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  const rest = end - whole;
  if (rest >= 2) {
    const n = (sextet(text, t, i, what) << 18) | (sextet(text, t, i + 1, what) << 12) | (rest === 3 ? sextet(text, t, i + 2, what) << 6 : 0);
    out[o++] = n >> 16;
    if (rest === 3) out[o++] = (n >> 8) & 0xff;
  }
  return out;
}

/**
 * Django's `b64_encode`: URL-safe base64 without padding.
 * @example b64Encode(new TextEncoder().encode('{"a":1}')) // 'eyJhIjoxfQ'
 */
export function b64Encode(bytes: Uint8Array): string {
  return encodeWith(bytes, URL_ALPHABET, false);
}

const URL_SAFE_RE = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * {@link b64Decode} through a native decoder when the text is certainly valid (the native one
 * would skip bad characters silently); otherwise the strict decoder, which names the error.
 */
export function b64DecodeWith(text: string, native: ((text: string) => Uint8Array) | undefined): Uint8Array {
  if (native && text.length % 4 !== 1 && URL_SAFE_RE.test(text)) return native(text);
  return b64Decode(text);
}

/**
 * Django's `b64_decode`: URL-safe base64, padding optional.
 * @example new TextDecoder().decode(b64Decode('eyJhIjoxfQ')) // '{"a":1}'
 */
export function b64Decode(text: string): Uint8Array {
  return decodeWith(text, URL_TABLE, 'URL-safe base64');
}

/**
 * Standard base64 with padding (legacy session_data, express-session signatures).
 * @example stdB64Encode(new Uint8Array([255])) // '/w=='
 */
export function stdB64Encode(bytes: Uint8Array): string {
  return encodeWith(bytes, STD_ALPHABET, true);
}

/**
 * Standard base64, padding optional.
 * @example stdB64Decode('/w==') // Uint8Array [255]
 */
export function stdB64Decode(text: string): Uint8Array {
  return decodeWith(text, STD_TABLE, 'base64');
}
