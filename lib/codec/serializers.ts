/**
 * Payload bytes → session value. Django sessions are serialised by `JSONSerializer`
 * (`json.dumps(...).encode('latin-1')`, ASCII in practice: `{"_auth_user_id":"1"}`) or, until
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

/**
 * Deserialises a payload, telling JSON from pickle by its bytes.
 * @example deserialize(new TextEncoder().encode('{"a":1}'), limits) // { data: { a: 1 }, serializer: 'json' }
 */
export function deserialize(bytes: Uint8Array, limits: Limits): { data: SessionValue; serializer: Serializer } {
  if (bytes[0] === 0x80) return { data: unpickle(bytes, limits), serializer: 'pickle' };
  try {
    // The bytes are already bounded by the input length or the decompression cap.
    return { data: parseJson(latin1(bytes), payloadLimits(limits)), serializer: 'json' };
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
