/**
 * The messages framework's cookie (`django.contrib.messages.storage.cookie.CookieStorage`), in the
 * three formats Django has written:
 *
 * | Django     | cookie value                                                                  |
 * | ---------- | ----------------------------------------------------------------------------- |
 * | 3.2 – 6.1  | `get_cookie_signer(salt='django.contrib.messages').sign_object(messages, compress=True)`: `.eJy…:1r31eq:SIG` |
 * | 3.1        | the same signer's `.sign(json)`: raw JSON, not base64 — `[["__json_message",0,20,"Hi"]]:1r31eq:SIG` |
 * | ≤ 3.0      | `HASH$JSON`: `salted_hmac('django.contrib.messages', json).hexdigest()` (sha1, 40 hex digits) |
 *
 * The JSON is `MessageEncoder`'s: each message is `["__json_message", is_safedata, level, message[, extra_tags]]`
 * (django/contrib/messages/storage/cookie.py). `MessageDecoder` turns those lists back into
 * `Message(level, message, extra_tags)` objects; so does {@link toMessages}, as
 * `PyObject('django.contrib.messages.storage.base.Message', { state: { level, message, extra_tags } })`.
 * As the cookie travels through `SimpleCookie`, raw JSON arrives quoted (`"[[\"__json_message\"\054…"`):
 * decode.ts unquotes it first.
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from './backend.ts';
import { BadSignatureError, LimitExceededError, MalformedInputError } from './errors.ts';
import { parseJson } from './json.ts';
import { resolveLimits } from './limits.ts';
import type { DecodeOptions, DecodeResult } from './types.ts';
import { isSessionObject, keepKeyOrder, PyObject, sessionKeys, type SessionObject, type SessionValue } from './value.ts';

/** `MessageEncoder.message_key`. */
const MESSAGE_KEY = '__json_message';
/** `Message`'s dotted path, as pickle and the other generators name it. */
export const MESSAGE_TYPE = 'django.contrib.messages.storage.base.Message';
/** `<sha1 hex>$<JSON>` (Django ≤ 3.0 `CookieStorage._encode`). */
export const LEGACY_MESSAGES_RE = /^[0-9a-f]{40}\$[[{"]/;
/** The key salt of the ≤ 3.0 hash (`CookieStorage._legacy_hash`). */
const LEGACY_KEY_SALT = 'django.contrib.messages';

/**
 * `MessageDecoder.process_messages`: every `["__json_message", safe, level, message[, extra_tags]]`
 * list becomes a `Message`; other lists and dicts are walked. Returns the value unchanged (same
 * object) when it holds no message.
 * @example toMessages([['__json_message', 0, 20, 'Hi']]) // [PyObject(Message, { state: { level: 20, message: 'Hi', extra_tags: null } })]
 */
export function toMessages(v: SessionValue): SessionValue {
  if (Array.isArray(v)) {
    if (v.length >= 4 && v.length <= 5 && v[0] === MESSAGE_KEY) {
      const level = typeof v[2] === 'string' && /^-?\d+$/.test(v[2]) ? Number(v[2]) : v[2]!;
      return new PyObject(MESSAGE_TYPE, { state: { level, message: v[3]!, extra_tags: v[4] ?? null } });
    }
    return v.map(toMessages);
  }
  if (!isSessionObject(v)) return v;
  const keys = sessionKeys(v);
  const out: SessionObject = {};
  for (const k of keys) out[k] = toMessages(v[k]!);
  return keepKeyOrder(out, keys);
}

/** Counts the `Message`s in a value (0: not a messages payload). */
export function countMessages(v: SessionValue): number {
  if (v instanceof PyObject) return v.type === MESSAGE_TYPE ? 1 : 0;
  if (Array.isArray(v)) return v.reduce<number>((n, x) => n + countMessages(x), 0);
  if (isSessionObject(v)) return sessionKeys(v).reduce((n, k) => n + countMessages(v[k]!), 0);
  return 0;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * Reads a Django ≤ 3.0 messages cookie (`HASH$JSON`); with keys, checks the sha1 hash as
 * `CookieStorage._legacy_decode` does (which Django 3.1–3.2 still accepted).
 * @example (await decodeLegacyMessages('0a1b…$[["__json_message",0,20,"Hi"]]', { keys: [SECRET_KEY] })).verified
 */
export async function decodeLegacyMessages(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  if (value.length > limits.maxInputLength) throw new LimitExceededError(`Input is ${value.length} characters, over the limit of ${limits.maxInputLength}`);
  const dollar = value.indexOf('$');
  if (dollar !== 40) throw new MalformedInputError('A Django ≤ 3.0 messages cookie starts with a 40-digit hex hash and "$"');
  const hash = value.slice(0, 40);
  const json = value.slice(41);
  let data: SessionValue;
  try {
    data = parseJson(json, limits);
  } catch (e) {
    throw new MalformedInputError('The messages cookie after "$" is not JSON', { cause: e });
  }
  data = toMessages(data);
  const result: DecodeResult = {
    format: 'django-messages-legacy',
    data,
    verified: null,
    algorithm: 'sha1',
    compressed: false,
    serializer: 'json',
    details: { messages: countMessages(data), django: '≤ 3.0 (HASH$JSON)' },
  };
  if (options.keys && options.keys.length > 0) {
    for (let i = 0; i < options.keys.length; i++) {
      // salted_hmac(key_salt, value): key = sha1(key_salt + SECRET_KEY), then HMAC-SHA1 of the value
      const key = await backend.digest('sha1', utf8(LEGACY_KEY_SALT + options.keys[i]!));
      const expected = hex(await backend.hmac('sha1', key, utf8(json)));
      if (constantTimeEqual(utf8(expected), utf8(hash))) return { ...result, verified: true, keyIndex: i, salt: LEGACY_KEY_SALT };
    }
    result.verified = false;
    result.error = new BadSignatureError(`Messages hash "${hash}" does not match`);
  }
  return result;
}
