/**
 * `session_data` of Django's db, file and cached_db engines (the `django_session.session_data`
 * column, or a session file's whole content).
 *
 * - Django 3.1+: `signing.dumps(session, salt='django.contrib.sessions.SessionStore', compress=True)`,
 *   e.g. `.eJxVjEEKgzAQRf8y60JHTRN1p5Cl0...:1r31eq:Zx...` (see signing.ts).
 * - Django ≤ 3.0 (and 3.1–3.2 with DEFAULT_HASHING_ALGORITHM='sha1'), the legacy format:
 *   `base64.b64encode(HEXHASH + b':' + SERIALIZED)`, where HEXHASH is
 *   `salted_hmac('django.contrib.sessions' + 'SessionStore', SERIALIZED).hexdigest()` (sha1, 40 hex
 *   characters; note: no dot between the prefix and the class name). Django 4.0 stopped reading it.
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from './backend.ts';
import { stdB64Decode, stdB64Encode } from './base64.ts';
import { BadSignatureError, LimitExceededError, MalformedInputError } from './errors.ts';
import { stringifyPython } from './json.ts';
import { resolveLimits } from './limits.ts';
import { deserialize } from './serializers.ts';
import { decodeSigned, DEFAULT_SALTS } from './signing.ts';
import type { DecodeOptions, DecodeResult } from './types.ts';
import type { SessionValue } from './value.ts';

const LEGACY_PREFIX = 'django.contrib.sessions';
const HEX40 = /^[0-9a-f]{40}$/;

/** The store class name from a session salt (`django.contrib.sessions.SessionStore` → `SessionStore`). */
function storeClass(salt: string | undefined): string {
  if (salt && salt.startsWith(`${LEGACY_PREFIX}.`)) return salt.slice(LEGACY_PREFIX.length + 1);
  return 'SessionStore';
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

async function legacyHash(serialized: Uint8Array, secret: string, cls: string, backend: CodecBackend): Promise<string> {
  const key = await backend.digest('sha1', utf8(LEGACY_PREFIX + cls + secret));
  return hex(await backend.hmac('sha1', key, serialized));
}

/**
 * Reads a legacy (pre-3.1) session_data value; verifies its sha1 hash when keys are given.
 * @example (await decodeLegacySessionData(row.session_data, { keys: [SECRET_KEY] })).verified
 */
export async function decodeLegacySessionData(
  text: string,
  options: DecodeOptions = {},
  backend: CodecBackend = getDefaultBackend(),
): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  if (text.length > limits.maxInputLength) throw new LimitExceededError(`Input is ${text.length} characters, over the limit of ${limits.maxInputLength}`);
  const raw = stdB64Decode(text.trim());
  const colon = raw.indexOf(0x3a);
  if (colon < 0) throw new MalformedInputError('Legacy session data has no ":" after its hash');
  const hash = new TextDecoder().decode(raw.subarray(0, colon));
  if (!HEX40.test(hash)) throw new MalformedInputError('Legacy session data does not start with a 40-digit hex hash');
  const serialized = raw.subarray(colon + 1);
  const { data, serializer } = deserialize(serialized, limits);
  const result: DecodeResult = { format: 'django-legacy', data, verified: null, algorithm: 'sha1', compressed: false, serializer };
  if (options.keys && options.keys.length > 0) {
    const cls = storeClass(options.salt);
    for (let i = 0; i < options.keys.length; i++) {
      const expected = await legacyHash(serialized, options.keys[i]!, cls, backend);
      if (constantTimeEqual(utf8(expected), utf8(hash))) {
        return { ...result, verified: true, keyIndex: i, salt: LEGACY_PREFIX + cls };
      }
    }
    result.verified = false;
    result.error = new BadSignatureError(`Session data hash "${hash}" does not match`);
  }
  return result;
}

/**
 * Decodes `session_data` as the db/file/cached_db engines store it, either format; verification
 * tries `django.contrib.sessions.SessionStore` first (pass `salt` for a renamed store class).
 * @example const r = await decodeSessionData(row.session_data, { keys: [SECRET_KEY] }); r.data
 */
export async function decodeSessionData(
  text: string,
  options: DecodeOptions = {},
  backend: CodecBackend = getDefaultBackend(),
): Promise<DecodeResult> {
  const value = text.trim();
  if (value.includes(':')) return decodeSigned(value, options, DEFAULT_SALTS.sessionStore, backend);
  return decodeLegacySessionData(value, options, backend);
}

/**
 * Writes legacy session_data exactly as Django 3.1–3.2's `_legacy_encode` does.
 * @example await encodeLegacySessionData({ a: 1 }, { key: SECRET_KEY })
 */
export async function encodeLegacySessionData(
  data: SessionValue | { serialized: Uint8Array },
  options: { key: string; storeClass?: string; backend?: CodecBackend },
): Promise<string> {
  const backend = options.backend ?? getDefaultBackend();
  const serialized =
    data !== null && typeof data === 'object' && 'serialized' in data && data.serialized instanceof Uint8Array
      ? data.serialized
      : utf8(stringifyPython(data as SessionValue));
  const hash = await legacyHash(serialized, options.key, options.storeClass ?? 'SessionStore', backend);
  const out = new Uint8Array(41 + serialized.length);
  out.set(utf8(hash));
  out[40] = 0x3a;
  out.set(serialized, 41);
  return stdB64Encode(out);
}
