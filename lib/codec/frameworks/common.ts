/**
 * What every framework family shares: its name and the setting its key lives in, the lenient
 * result shape (data readable without a key; `verified` true/false/null), and the payload readers.
 */
import { MalformedInputError, BadSignatureError } from '../errors.ts';
import { isErlangTerm, binaryToTerm } from '../erlang-term.ts';
import { parseJson } from '../json.ts';
import type { Limits } from '../limits.ts';
import { isMarshal, unmarshal } from '../marshal.ts';
import { PHP_SERIALIZED_RE, phpUnserialize } from '../php-serialize.ts';
import type { DecodeResult, FrameworkFormat, Serializer } from '../types.ts';
import { PyObject, type SessionValue } from '../value.ts';
import { ByteReader, hex } from '../byte-reader.ts';

/** A family: its `format`, the framework, and the setting that holds its key. */
export interface Family {
  format: FrameworkFormat;
  framework: string;
  keyName: string;
}

/** The result before any key is tried. */
export function unverified(f: Family, data: SessionValue, serializer: Serializer, details: Record<string, SessionValue> = {}): DecodeResult {
  return { format: f.format, framework: f.framework, keyName: f.keyName, data, verified: null, compressed: false, serializer, details };
}

/** Marks a result as not verified by any key tried. */
export function noKeyMatched(r: DecodeResult, message: string): DecodeResult {
  return { ...r, verified: false, error: new BadSignatureError(message) };
}

/** True when keys were given. */
export function hasKeys(keys: readonly string[] | undefined): keys is readonly string[] {
  return keys !== undefined && keys.length > 0;
}

const TEXT = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a decrypted or signed payload: Ruby Marshal, Erlang term, JSON, PHP serialize, else text
 * (or hex bytes when not UTF-8).
 */
export function readPayload(bytes: Uint8Array, limits: Limits, prefer?: 'json'): { data: SessionValue; serializer: Serializer } {
  if (isMarshal(bytes)) return { data: unmarshal(bytes, limits), serializer: 'marshal' };
  if (isErlangTerm(bytes) && prefer !== 'json') return { data: binaryToTerm(bytes, limits), serializer: 'erlang' };
  const text = ByteReader.utf8(bytes);
  if (text === undefined) return { data: new PyObject('bytes', { value: hex(bytes) }), serializer: 'text' };
  const t = text.trim();
  if (/^[[{"]/.test(t) || /^(?:-?\d|true$|false$|null$)/.test(t)) {
    try {
      return { data: parseJson(t, limits), serializer: 'json' };
    } catch {
      // not JSON after all
    }
  }
  if (PHP_SERIALIZED_RE.test(text)) {
    try {
      return { data: phpUnserialize(bytes, limits), serializer: 'php' };
    } catch {
      // plain text
    }
  }
  return { data: text, serializer: 'text' };
}

/** Parses JSON text strictly (UTF-8 bytes in), naming the format on failure. */
export function jsonOf(bytes: Uint8Array, limits: Limits, what: string): SessionValue {
  try {
    return parseJson(TEXT.decode(bytes), limits);
  } catch (e) {
    throw new MalformedInputError(`${what} is not JSON`, { cause: e });
  }
}

/** Standard or URL-safe base64 (either alphabet, padding optional), or `undefined`. */
export function anyB64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  const t = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(t + '='.repeat((4 - (t.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
