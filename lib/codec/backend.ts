/**
 * The platform primitives the codec needs: hashing, HMAC, zlib inflate. The default backend uses only web
 * standards (WebCrypto, Compression Streams), so it runs unchanged in the panel, the service
 * worker and Node. Node-only callers (the CLI, the companion) pass a faster synchronous backend
 * built on node:crypto / node:zlib (lib/node) to each call; nothing global is swapped, and
 * lib/codec itself never imports anything platform-specific.
 */
import { DecompressionLimitError, MalformedInputError } from './errors.ts';

/** Hash functions Django's `salted_hmac` can use (by the names Python's hashlib gives them). */
export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** Platform primitives. Results may be returned synchronously where the platform allows. */
export interface CodecBackend {
  /** Name for diagnostics and cache keys, e.g. `webcrypto` or `node`. */
  readonly name: string;
  digest(hash: HashName, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** HMAC of `data` (a string is hashed as its UTF-8 bytes). */
  hmac(hash: HashName, key: Uint8Array, data: Uint8Array | string): Uint8Array | Promise<Uint8Array>;
  /** Optional: the HMAC as URL-safe base64 without padding (Django's `base64_hmac`), natively. */
  hmacBase64Url?(hash: HashName, key: Uint8Array, data: string): string;
  /** zlib (RFC 1950) inflate; must stop with DecompressionLimitError past `maxSize` bytes. */
  inflate(data: Uint8Array, maxSize: number): Uint8Array | Promise<Uint8Array>;
  /** Optional native URL-safe base64 decoding; only ever given text already checked to be valid. */
  base64UrlDecode?(text: string): Uint8Array;
}

const WEB_HASH: Record<HashName, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

async function readCapped(stream: ReadableStream<Uint8Array>, maxSize: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxSize) {
        await reader.cancel().catch(() => undefined);
        throw new DecompressionLimitError(`Decompressed payload exceeds ${maxSize} bytes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof DecompressionLimitError) throw e;
    throw new MalformedInputError('Invalid zlib data', { cause: e });
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

function streamOf(data: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(data);
      controller.close();
    },
  });
}

const encoder = new TextEncoder();

type ByteTransform = ReadableWritablePair<Uint8Array, Uint8Array>;

const keyCache = new WeakMap<Uint8Array, Map<HashName, Promise<CryptoKey>>>();

function importHmacKey(hash: HashName, key: Uint8Array): Promise<CryptoKey> {
  let byHash = keyCache.get(key);
  if (!byHash) keyCache.set(key, (byHash = new Map()));
  let k = byHash.get(hash);
  if (!k) {
    k = crypto.subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash: WEB_HASH[hash] }, false, ['sign']);
    byHash.set(hash, k);
  }
  return k;
}

/** The web-standard backend: WebCrypto and Compression Streams. */
export const webBackend: CodecBackend = {
  name: 'webcrypto',
  async digest(hash, data) {
    return new Uint8Array(await crypto.subtle.digest(WEB_HASH[hash], data as BufferSource));
  },
  async hmac(hash, key, data) {
    const k = await importHmacKey(hash, key);
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    return new Uint8Array(await crypto.subtle.sign('HMAC', k, bytes as BufferSource));
  },
  inflate(data, maxSize) {
    return readCapped(streamOf(data).pipeThrough(new DecompressionStream('deflate') as unknown as ByteTransform), maxSize);
  },
};

/**
 * The backend a codec call uses when none is passed: the web-standard one.
 * @example decode(value, { keys }) // same as decode(value, { keys }, getDefaultBackend())
 */
export function getDefaultBackend(): CodecBackend {
  return webBackend;
}

/** Compares two ASCII strings (encoded MACs) in time that depends only on their lengths. */
export function constantTimeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Compares two byte strings in time that depends only on their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** UTF-8 bytes of a string (Django's `force_bytes`). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

const asciiDecoder = new TextDecoder('utf-8');

/** Latin-1 bytes → string, as Django's JSONSerializer reads its payload (`data.decode('latin-1')`). */
export function latin1(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length && bytes[i]! < 0x80) i++;
  // ASCII (what Django writes: json.dumps escapes the rest) decodes natively; WHATWG's "latin1" is
  // really windows-1252, so the rest is mapped by hand.
  if (i === bytes.length) return asciiDecoder.decode(bytes);
  let out = asciiDecoder.decode(bytes.subarray(0, i));
  for (; i < bytes.length; i += 4096) out += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 4096)));
  return out;
}
