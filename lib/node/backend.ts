/**
 * The codec backend for Node: node:crypto and node:zlib, synchronous and several times faster
 * than WebCrypto's promise round trips. The CLI and the companion server pass it to every codec
 * call (nothing global is swapped); the extension keeps the web-standard default.
 */
import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { DecompressionLimitError, MalformedInputError, type CodecBackend } from '../codec/index.ts';
import { createInflater } from './inflate.ts';

/**
 * HMAC keys as node:crypto KeyObjects, made once per key, for `hmacBase64Url`: only the Django
 * signer calls it, with the derived-key bytes lib/codec/signing.ts caches and never changes.
 */
const keyObjects = new WeakMap<Uint8Array, KeyObject>();

function keyObject(key: Uint8Array): KeyObject {
  let k = keyObjects.get(key);
  if (!k) keyObjects.set(key, (k = createSecretKey(key)));
  return k;
}

/** One reused zlib state for every payload (see ./inflate.ts), made on first use. */
let inflater: ((data: Uint8Array, maxSize: number) => Uint8Array) | undefined;

/**
 * node:crypto + node:zlib implementation of the codec's platform primitives.
 *
 * @example
 * await decode(value, { keys: [SECRET_KEY] }, nodeBackend);
 */
export const nodeBackend: CodecBackend = {
  name: 'node',
  digest(hash, data) {
    return createHash(hash).update(data).digest();
  },
  hmac(hash, key, data) {
    return createHmac(hash, key).update(data).digest();
  },
  hmacBase64Url(hash, key, data) {
    return createHmac(hash, keyObject(key)).update(data).digest('base64url');
  },
  base64UrlDecode(text) {
    return Buffer.from(text, 'base64url');
  },
  inflate(data, maxSize) {
    try {
      return (inflater ??= createInflater())(data, maxSize);
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new DecompressionLimitError(`Decompressed payload exceeds ${maxSize} bytes`);
      }
      throw new MalformedInputError('Invalid zlib data', { cause: e });
    }
  },
};
