/**
 * Go gorilla/securecookie values (gorilla/sessions' CookieStore):
 *
 * ```
 * MTc5NTY3MjE4NHxleUpo…  = base64url(DATE|base64url(VALUE)|MAC), padded
 * ```
 * MAC = HMAC-SHA256(hashKey, NAME|DATE|base64url(VALUE)) — the cookie's name is signed but not
 * stored. VALUE is the serialized value (gob by default, or JSON), or with a block key
 * IV . AES-CTR(serialized) (16-byte IV). From securecookie.go (gorilla/securecookie 1.1.1) Encode/Decode.
 * `keys` are tried as the hash key, and each as the block key.
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from '../backend.ts';
import { b64Decode } from '../base64.ts';
import { hex } from '../byte-reader.ts';
import { resolveLimits, type Limits } from '../limits.ts';
import type { DecodeOptions, DecodeResult } from '../types.ts';
import { PyObject, type SessionValue } from '../value.ts';
import { hasKeys, noKeyMatched, readPayload, unverified, type Family } from './common.ts';
import { aesCtrDecrypt } from './crypto.ts';
import { dateOf } from '../time.ts';

const GORILLA: Family = { format: 'gorilla', framework: 'Go gorilla/securecookie', keyName: 'hashKey (and blockKey)' };

/** base64url of `DATE|…`: a Unix time starts with "1", base64 "MT". */
export const GORILLA_RE = /^MT[A-Za-z0-9_-]+={0,2}$/;
const DATE_RE = /^1\d{9}\|[A-Za-z0-9_-]+={0,2}\|/;
/** Cookie names tried when none is given (gorilla/sessions examples and common choices). */
const DEFAULT_NAMES = ['session', 'session-name', 'sessionid', '_session', 'auth', 'user', 'token'];

/** The parts of a securecookie value, or `undefined`. */
export function parseGorilla(value: string): { date: string; encoded: string; mac: Uint8Array; signed: string } | undefined {
  let raw: Uint8Array;
  try {
    raw = b64Decode(value);
  } catch {
    return undefined;
  }
  const head = new TextDecoder('latin1').decode(raw.subarray(0, Math.min(raw.length, 8192)));
  if (!DATE_RE.test(head)) return undefined;
  const a = head.indexOf('|');
  const b = head.indexOf('|', a + 1);
  const mac = raw.subarray(b + 1);
  if (mac.length !== 32 && mac.length !== 64 && mac.length !== 48) return undefined;
  return { date: head.slice(0, a), encoded: head.slice(a + 1, b), mac, signed: head.slice(0, b) };
}

function serialized(bytes: Uint8Array, limits: Limits): { data: SessionValue; serializer: DecodeResult['serializer'] } | undefined {
  const first = bytes[0];
  if (first === 0x7b || first === 0x5b || first === 0x22) {
    const p = readPayload(bytes, limits, 'json');
    if (p.serializer === 'json') return p;
  }
  // gob: a stream of length-prefixed messages; shown as its bytes (never decoded into Go types).
  if (isGobStream(bytes)) return { data: new PyObject('go:gob', { value: hex(bytes) }), serializer: 'gob' };
  return undefined;
}

/** True when the bytes are whole gob messages: each a gob unsigned count, then that many bytes (encoding/gob doc). */
function isGobStream(bytes: Uint8Array): boolean {
  let pos = 0;
  while (pos < bytes.length) {
    const b = bytes[pos++]!;
    let n = b;
    if (b >= 0x80) {
      const len = 256 - b;
      if (len > 8 || pos + len > bytes.length) return false;
      n = 0;
      for (let i = 0; i < len; i++) n = n * 256 + bytes[pos++]!;
    }
    if (n === 0) return false;
    pos += n;
  }
  return pos === bytes.length && bytes.length > 0;
}

/**
 * Decodes (with the hash key: verifies; with the block key: decrypts) a securecookie value.
 * @example await decodeGorilla(cookie, { keys: [hashKey, blockKey], cookieName: 'session' })
 */
export async function decodeGorilla(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const g = parseGorilla(value)!;
  const inner = b64Decode(g.encoded);
  const plain = serialized(inner, limits);
  const seconds = Number(g.date);
  const r: DecodeResult = {
    ...unverified(GORILLA, plain?.data ?? null, plain?.serializer ?? 'none', plain ? {} : { encrypted: 'AES-CTR: give the block key to read it' }),
    algorithm: 'sha256',
    timestamp: dateOf(seconds * 1000),
  };
  if (options.maxAge !== undefined) r.expired = (options.now ?? Date.now()) / 1000 - seconds > options.maxAge;
  if (!hasKeys(options.keys)) return r;
  const names = options.cookieName ? [options.cookieName] : DEFAULT_NAMES;
  for (const [i, k] of options.keys.entries()) {
    for (const name of names) {
      if (!constantTimeEqual(await backend.hmac('sha256', utf8(k), `${name}|${g.signed}`), g.mac)) continue;
      const ok = { ...r, verified: !r.expired, keyIndex: i, details: { ...r.details, cookieName: name } };
      if (plain) return ok;
      for (const block of options.keys) {
        const d = await aesCtrDecrypt(utf8(block), inner.subarray(0, 16), inner.subarray(16));
        const p = d && serialized(d, limits);
        if (p) return { ...ok, data: p.data, serializer: p.serializer, details: { cookieName: name, encrypted: 'AES-CTR' } };
      }
      return ok;
    }
  }
  return noKeyMatched(r, options.cookieName ? 'No hash key verifies the MAC' : `No hash key verifies the MAC for the cookie names tried (${names.join(', ')}): give the cookie name`);
}
