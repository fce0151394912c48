/**
 * The codec backend for Node: node:crypto and node:zlib, synchronous and several times faster
 * than WebCrypto's promise round trips. Installed by the CLI and the companion server; the
 * extension keeps the web-standard backend.
 */
import { createHash, createHmac } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { DecompressionLimitError, MalformedInputError, setDefaultBackend, type CodecBackend } from '../codec/index.ts';

/** node:crypto + node:zlib implementation of the codec's platform primitives. */
export const nodeBackend: CodecBackend = {
  name: 'node',
  digest(hash, data) {
    return createHash(hash).update(data).digest();
  },
  hmac(hash, key, data) {
    return createHmac(hash, key).update(data).digest();
  },
  inflate(data, maxSize) {
    try {
      // A small chunk size: session payloads are small, and zlib's default 16 KiB buffer per call shows.
      return inflateSync(data, { maxOutputLength: maxSize, chunkSize: 4096 });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new DecompressionLimitError(`Decompressed payload exceeds ${maxSize} bytes`);
      }
      throw new MalformedInputError('Invalid zlib data', { cause: e });
    }
  },
};

/** Makes the Node backend the codec's default (idempotent). */
export function useNodeBackend(): void {
  setDefaultBackend(nodeBackend);
}
