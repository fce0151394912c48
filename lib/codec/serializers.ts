/**
 * Payload bytes → session value. Django sessions are serialised by `JSONSerializer`
 * (`json.dumps(...).encode('latin-1')`, ASCII in practice: `{"_auth_user_id":"1"}`; Django ≤ 6.0
 * reads the bytes as latin-1, 6.1 as UTF-8 — django/core/signing.py `JSONSerializer.loads` — so
 * non-ASCII bytes are read as UTF-8 when they are valid UTF-8, else latin-1, and the reading is
 * reported) or, until
 * Django 5.0, `PickleSerializer` (`pickle.dumps(obj, HIGHEST_PROTOCOL)`: bytes starting `\x80\x05`).
 * Protocol 0/1 pickles have no marker byte, so JSON is tried first and pickle second.
 */
import { latin1 } from './backend.ts';
import { isSessionLensError, MalformedInputError } from './errors.ts';
import { parseJson } from './json.ts';
import type { Limits } from './limits.ts';
import { unpickle } from './pickle.ts';
import type { Serializer } from './types.ts';
import type { SessionValue } from './value.ts';

/** Pickle opcodes a protocol 0/1 pickle can start with (pickletools). */
const PICKLE_START = new Set('(}]dlcIJKLMNSTUVXFGabtp)'.split('').map((c) => c.charCodeAt(0)));

const unbounded = new WeakMap<Limits, Limits>();
function payloadLimits(limits: Limits): Limits {
  let l = unbounded.get(limits);
  if (!l) unbounded.set(limits, (l = { ...limits, maxInputLength: Infinity }));
  return l;
}

/** How non-ASCII JSON bytes were read: UTF-8 (Django 6.1) or latin-1 (Django ≤ 6.0). */
export type TextEncodingName = 'utf-8' | 'latin-1';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** JSON bytes as text: ASCII as is; otherwise UTF-8 when valid, else latin-1 (and which). */
function jsonText(bytes: Uint8Array): { text: string; encoding?: TextEncodingName } {
  // ASCII is valid UTF-8 and decodes to the same text: one native pass, then a native search
  // tells ASCII (no reading to report) from other UTF-8.
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    return { text: latin1(bytes), encoding: 'latin-1' };
  }
  return NON_ASCII_RE.test(text) ? { text, encoding: 'utf-8' } : { text };
}

const NON_ASCII_RE = /[^\0-\x7f]/;

/**
 * Deserialises a payload, telling JSON from pickle by its bytes.
 * @example deserialize(new TextEncoder().encode('{"a":1}'), limits) // { data: { a: 1 }, serializer: 'json' }
 */
export function deserialize(bytes: Uint8Array, limits: Limits): { data: SessionValue; serializer: Serializer; encoding?: TextEncodingName } {
  if (bytes[0] === 0x80) return { data: unpickle(bytes, limits), serializer: 'pickle' };
  try {
    // The bytes are already bounded by the input length or the decompression cap.
    const { text, encoding } = jsonText(bytes);
    const data = parseJson(text, payloadLimits(limits));
    return encoding ? { data, serializer: 'json', encoding } : { data, serializer: 'json' };
  } catch (jsonError) {
    if (bytes.length > 1 && PICKLE_START.has(bytes[0]!) && bytes[bytes.length - 1] === 0x2e /* STOP */) {
      try {
        return { data: unpickle(bytes, limits), serializer: 'pickle' };
      } catch (e) {
        if (isSessionLensError(e) && !(e instanceof MalformedInputError)) throw e;
      }
    }
    throw jsonError;
  }
}
