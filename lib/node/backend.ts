/**
 * The codec backend for Node: node:crypto and node:zlib, synchronous and several times faster
 * than WebCrypto's promise round trips. The CLI and the companion server pass it to every codec
 * call (nothing global is swapped); the extension keeps the web-standard default.
 */
import { createHash, createHmac } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { DecompressionLimitError, MalformedInputError, type CodecBackend } from '../codec/index.ts';

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
    return createHmac(hash, key).update(data).digest('base64url');
  },
  base64UrlDecode(text) {
    return Buffer.from(text, 'base64url');
  },
  inflate(data, maxSize) {
    try {
      // Session payloads are small: zlib's default 16 KiB output buffer per call costs more than
      // the inflating itself, so size the buffer from the input (deflate rarely exceeds 4:1 here).
      const chunkSize = Math.min(65536, Math.max(1024, 2 ** Math.ceil(Math.log2(data.length * 4))));
      return inflateSync(data, { maxOutputLength: maxSize, chunkSize });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new DecompressionLimitError(`Decompressed payload exceeds ${maxSize} bytes`);
      }
      throw new MalformedInputError('Invalid zlib data', { cause: e });
    }
  },
};
