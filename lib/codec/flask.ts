/**
 * Flask's session cookie (itsdangerous `URLSafeTimedSerializer`, salt `cookie-session`):
 *
 * ```
 * eyJ1c2VyIjoiYWxpY2UifQ.ZVlqAA.4FvA9dP3gMbyH4rmMvQ6m6nX9xE
 * └──── base64 JSON ───┘└ ts ┘└── HMAC-SHA1, 27 chars ──┘
 * ```
 * A leading `.` means the JSON is zlib-compressed. The timestamp is a big-endian integer
 * (seconds since the epoch). The key is `HMAC-SHA1(SECRET_KEY, 'cookie-session')` and the
 * signature `HMAC-SHA1(key, 'PAYLOAD.TS')`. The JSON is Flask's tagged JSON: single-key objects
 * `{" t": […]}` (tuple), `{" b": base64}` (bytes), `{" u": hex}` (UUID), `{" d": http-date}`,
 * `{" m": markup}`, `{" di": {…}}` (a dict whose keys look like tags).
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from './backend.ts';
import { b64Decode, b64Encode, stdB64Decode } from './base64.ts';
import { BadSignatureError, MalformedInputError } from './errors.ts';
import { resolveLimits } from './limits.ts';
import { deserialize } from './serializers.ts';
import type { DecodeOptions, DecodeResult } from './types.ts';
import { isSessionObject, keepKeyOrder, PyObject, pyBytesRepr, pyTuple, sessionKeys, type SessionObject, type SessionValue } from './value.ts';
import { setKey } from './json.ts';
import { dateOf } from './time.ts';

/** itsdangerous < 1.0's epoch, 2011-01-01T00:00:00Z, in seconds since 1970. */
const ITSDANGEROUS_EPOCH = 1293840000;

/** `[.]PAYLOAD.TIMESTAMP.SIGNATURE`, all URL-safe base64. */
export const FLASK_RE = /^\.?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{2,12}\.[A-Za-z0-9_-]{20,90}$/;

function untag(v: SessionValue): SessionValue {
  if (Array.isArray(v)) return v.map(untag);
  if (!isSessionObject(v)) return v;
  const keys = sessionKeys(v);
  if (keys.length === 1) {
    const k = keys[0]!;
    const inner = v[k]!;
    switch (k) {
      case ' t':
        return Array.isArray(inner) ? pyTuple(inner.map(untag)) : inner;
      case ' b':
        if (typeof inner === 'string') {
          const bytes = stdB64Decode(inner);
          return new PyObject('bytes', { value: pyBytesRepr(bytes), bytes });
        }
        break;
      case ' u':
        if (typeof inner === 'string' && /^[0-9a-f]{32}$/.test(inner)) {
          return new PyObject('uuid.UUID', { value: `${inner.slice(0, 8)}-${inner.slice(8, 12)}-${inner.slice(12, 16)}-${inner.slice(16, 20)}-${inner.slice(20)}` });
        }
        break;
      case ' d':
        if (typeof inner === 'string') {
          const t = Date.parse(inner);
          return new PyObject('datetime.datetime', { value: Number.isNaN(t) ? inner : new Date(t).toISOString().replace('.000Z', '+00:00') });
        }
        break;
      case ' m':
        return inner;
      case ' di':
        if (isSessionObject(inner)) {
          const out: SessionObject = {};
          const innerKeys = sessionKeys(inner);
          for (const ik of innerKeys) setKey(out, ik, untag(inner[ik]!));
          return keepKeyOrder(out, innerKeys);
        }
        break;
    }
  }
  const out: SessionObject = {};
  for (const k of keys) setKey(out, k, untag(v[k]!));
  return keepKeyOrder(out, keys);
}

/**
 * Decodes (and with keys, verifies) a Flask session cookie.
 * @example (await decodeFlask(cookie, { keys: [app.secret_key] })).data
 */
export async function decodeFlask(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const compressed = value.startsWith('.');
  const body = compressed ? value.slice(1) : value;
  const [payload, ts, sig] = body.split('.') as [string, string, string];
  let bytes = b64Decode(payload);
  if (compressed) bytes = await backend.inflate(bytes, limits.maxDecompressedSize);
  const { data, serializer } = deserialize(bytes, limits);
  if (serializer !== 'json') throw new MalformedInputError('Flask session payload is not JSON');
  const tsBytes = b64Decode(ts);
  let seconds = 0;
  for (const b of tsBytes) seconds = seconds * 256 + b;
  // itsdangerous < 1.0 counted from 2011-01-01 (EPOCH = 1293840000, itsdangerous.py 0.24); 1.0+
  // (2018) from 1970. A 1970-based time before 2011 cannot come from 1.0+: it is the old epoch.
  const oldEpoch = seconds < ITSDANGEROUS_EPOCH;
  if (oldEpoch) seconds += ITSDANGEROUS_EPOCH;
  const result: DecodeResult = {
    format: 'flask',
    data: untag(data),
    verified: null,
    algorithm: 'sha1',
    compressed,
    serializer: 'json',
    timestamp: dateOf(seconds * 1000),
  };
  if (oldEpoch) result.details = { epoch: 'itsdangerous < 1.0: seconds since 2011-01-01' };
  if (options.maxAge !== undefined) result.expired = (options.now ?? Date.now()) / 1000 - seconds > options.maxAge;
  if (options.keys && options.keys.length > 0) {
    const salt = options.salt ?? 'cookie-session';
    const signed = utf8(value.slice(0, value.lastIndexOf('.')));
    for (let i = 0; i < options.keys.length; i++) {
      const key = await backend.hmac('sha1', utf8(options.keys[i]!), utf8(salt));
      const mac = b64Encode(await backend.hmac('sha1', key, signed));
      if (constantTimeEqual(utf8(mac), utf8(sig))) {
        return { ...result, verified: !result.expired, keyIndex: i, salt };
      }
    }
    result.verified = false;
    result.error = new BadSignatureError(`Signature "${sig}" does not match`);
  }
  return result;
}
