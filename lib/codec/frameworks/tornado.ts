/**
 * Tornado secure cookies (`set_signed_cookie` / `set_secure_cookie`):
 *
 * ```
 * v2: 2|1:0|10:1700000000|4:user|8:YWxpY2U=|c0f97263…   fields "LEN:TEXT": key version, timestamp,
 *     name, BASE64(value); then HEX(HMAC-SHA256(cookie_secret, everything up to the last "|"))
 * v1: YWxpY2U=|1700000000|HEX(HMAC-SHA1(cookie_secret, name + value + timestamp))
 * ```
 * From tornado/web.py (6.2) `create_signed_value`, `_decode_fields_v2`, `_create_signature_v1/v2`.
 * A v1 signature covers the cookie's name, which the value does not hold: give `cookieName`.
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from '../backend.ts';
import { stdB64Decode } from '../base64.ts';
import { MalformedInputError } from '../errors.ts';
import { resolveLimits } from '../limits.ts';
import type { DecodeOptions, DecodeResult } from '../types.ts';
import { hex, ByteReader } from '../byte-reader.ts';
import { PyObject, type SessionValue } from '../value.ts';
import { hasKeys, noKeyMatched, unverified, type Family } from './common.ts';
import { dateOf } from '../time.ts';

const TORNADO: Family = { format: 'tornado', framework: 'Tornado', keyName: 'cookie_secret' };

/** v2 (`2|1:…`) or v1 (`BASE64|TIMESTAMP|HEX40`). */
export const TORNADO_RE = /^(?:2\|\d+:\d+\|\d+:\d+\|\d+:[^|]*\|\d+:[A-Za-z0-9+/=]*\|[0-9a-f]{64}|[A-Za-z0-9+/=]+\|\d{9,11}\|[0-9a-f]{40})$/;

/** `LEN:TEXT|` fields of a v2 value. */
function fieldsV2(value: string): { keyVersion: string; timestamp: string; name: string; value: string; signed: string; sig: string } {
  let pos = 2;
  const field = (): string => {
    const colon = value.indexOf(':', pos);
    const n = Number(value.slice(pos, colon));
    if (colon < 0 || !Number.isSafeInteger(n)) throw new MalformedInputError('Tornado cookie: bad field length');
    const text = value.slice(colon + 1, colon + 1 + n);
    if (value[colon + 1 + n] !== '|') throw new MalformedInputError('Tornado cookie: a field is not followed by "|"');
    pos = colon + 2 + n;
    return text;
  };
  const keyVersion = field();
  const timestamp = field();
  const name = field();
  const v = field();
  return { keyVersion, timestamp, name, value: v, signed: value.slice(0, pos), sig: value.slice(pos) };
}

function text(bytes: Uint8Array): SessionValue {
  return ByteReader.utf8(bytes) ?? new PyObject('bytes', { value: hex(bytes) });
}

/**
 * Decodes (with `cookie_secret`: verifies) a Tornado signed value.
 * @example (await decodeTornado('2|1:0|10:1700000000|4:user|8:YWxpY2U=|c0f9…', { keys: [secret] })).data // 'alice'
 */
export async function decodeTornado(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  resolveLimits(options.limits);
  const v2 = value.startsWith('2|');
  const f = v2 ? fieldsV2(value) : (() => {
    const [v, ts, sig] = value.split('|') as [string, string, string];
    return { keyVersion: '0', timestamp: ts, name: options.cookieName ?? '', value: v, signed: '', sig };
  })();
  const seconds = Number(f.timestamp);
  const r: DecodeResult = {
    ...unverified(TORNADO, text(stdB64Decode(f.value)), 'text', { version: v2 ? 2 : 1, ...(f.name ? { cookieName: f.name } : {}), keyVersion: Number(f.keyVersion) }),
    algorithm: v2 ? 'sha256' : 'sha1',
    timestamp: dateOf(seconds * 1000),
  };
  // get_signed_cookie's max_age_days (31 by default) is the caller's choice here: maxAge in seconds.
  if (options.maxAge !== undefined) r.expired = (options.now ?? Date.now()) / 1000 - seconds > options.maxAge;
  if (!hasKeys(options.keys)) return r;
  if (!v2 && !options.cookieName) return noKeyMatched(r, 'A version 1 Tornado cookie is signed with its name: give the cookie name');
  for (const [i, k] of options.keys.entries()) {
    const mac = v2
      ? await backend.hmac('sha256', utf8(k), f.signed)
      : await backend.hmac('sha1', utf8(k), `${options.cookieName!}${f.value}${f.timestamp}`);
    if (constantTimeEqual(utf8(hex(mac)), utf8(f.sig))) return { ...r, verified: !r.expired, keyIndex: i };
  }
  return noKeyMatched(r, `Signature "${f.sig}" does not match`);
}
