/**
 * Cache entries of Django's cache and cached_db session engines. The cache holds the session dict
 * itself (not a signed string), serialized by the cache backend:
 *
 * - django-redis `DefaultClient` / Django 4.0+ `RedisCache`: integers are stored raw as their ASCII
 *   digits (`b"42"`); everything else is a pickle (`b"\x80\x04\x95…"`), optionally compressed by a
 *   django-redis compressor (zlib `x\x9c…`, gzip `\x1f\x8b…`). django-redis's JSON serializer writes
 *   JSON text (`{"a":1}`).
 * - PyMemcacheCache (pymemcache `python_memcache_serializer`): the memcached flags say what the bytes
 *   are: 0 bytes, 1 pickle, 2 int, 4 long, 8 zlib-compressed, 16 text.
 *
 * Pickles are read by the codec's safe `unpickle`, which never imports or executes anything.
 */
import { deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { nodeBackend } from '../node/index.ts';
import {
  DecompressionLimitError,
  MalformedInputError,
  parseJson,
  pickleDumps,
  pyBytesRepr,
  PyObject,
  resolveLimits,
  stringifyPython,
  unpickle,
  type Limits,
  type SessionValue,
} from '../codec/index.ts';

/** pymemcache/serde.py flags. */
export const PYMEMCACHE_FLAGS = Object.freeze({ bytes: 0, pickle: 1, integer: 2, long: 4, compressed: 8, text: 16 });

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Python's `int(bytes)`: optional whitespace and sign, digits (underscores between digits allowed). */
const PY_INT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

function pyInt(text: string): number | bigint {
  const n = BigInt(text.trim().replace(/_/g, ''));
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function decompress(bytes: Uint8Array, kind: 'zlib' | 'gzip', limits: Limits): Uint8Array {
  // zlib: the codec's Node backend (the same limits and errors as signed payloads); gzip here.
  if (kind === 'zlib') return nodeBackend.inflate(bytes, limits.maxDecompressedSize) as Uint8Array;
  try {
    return gunzipSync(bytes, { maxOutputLength: limits.maxDecompressedSize });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DecompressionLimitError(`Cache value inflates past ${limits.maxDecompressedSize} bytes`, { cause: e });
    }
    throw new MalformedInputError('Cache value is not valid gzip data', { cause: e });
  }
}

function bytesValue(bytes: Uint8Array): PyObject {
  return new PyObject('bytes', { value: pyBytesRepr(bytes), bytes });
}

function checkSize(bytes: Uint8Array, limits: Limits): void {
  if (bytes.length > limits.maxDecompressedSize) throw new DecompressionLimitError(`Cache value of ${bytes.length} bytes exceeds the size limit`);
}

/**
 * Decodes a value django-redis (or Django's RedisCache) stored: raw integer, or optionally
 * compressed pickle (or JSON, for django-redis's JSON serializer).
 *
 * @example
 * decodeRedisValue(new TextEncoder().encode('42')) // 42
 * decodeRedisValue(pickleBytes)                     // { _auth_user_id: '1', … }
 */
export function decodeRedisValue(bytes: Uint8Array, limits?: Partial<Limits>): SessionValue {
  const l = resolveLimits(limits);
  checkSize(bytes, l);
  if (bytes.length <= 64 && PY_INT.test(latin1.decode(bytes))) return pyInt(latin1.decode(bytes));
  let body = bytes;
  if (body[0] === 0x78 && body.length > 2 && ((body[0]! << 8) | body[1]!) % 31 === 0) body = decompress(body, 'zlib', l);
  else if (body[0] === 0x1f && body[1] === 0x8b) body = decompress(body, 'gzip', l);
  else if (body[0] === 0xfd && body[1] === 0x37) throw new MalformedInputError('Cache value is lzma-compressed; only zlib and gzip are read');
  else if (body[0] === 0x28 && body[1] === 0xb5) throw new MalformedInputError('Cache value is zstd-compressed; only zlib and gzip are read');
  if (body[0] === 0x80) return unpickle(body, l);
  if (body[0] === 0x7b /* { */) {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch (e) {
      throw new MalformedInputError('Cache value is neither a pickle nor UTF-8 JSON', { cause: e });
    }
    return parseJson(text, l);
  }
  // Protocol 0/1 pickles have no 0x80 header; the safe reader rejects anything it cannot read.
  return unpickle(body, l);
}

/**
 * Decodes a value PyMemcacheCache stored, given its memcached flags.
 *
 * @example
 * decodeMemcachedValue(pickleBytes, PYMEMCACHE_FLAGS.pickle) // { … }
 * decodeMemcachedValue(new TextEncoder().encode('7'), PYMEMCACHE_FLAGS.integer) // 7
 */
export function decodeMemcachedValue(bytes: Uint8Array, flags: number, limits?: Partial<Limits>): SessionValue {
  const l = resolveLimits(limits);
  checkSize(bytes, l);
  let body = bytes;
  if (flags & PYMEMCACHE_FLAGS.compressed) body = decompress(body, 'zlib', l);
  const kind = flags & ~PYMEMCACHE_FLAGS.compressed;
  switch (kind) {
    case PYMEMCACHE_FLAGS.bytes:
      return bytesValue(body);
    case PYMEMCACHE_FLAGS.text:
      try {
        return utf8.decode(body);
      } catch (e) {
        throw new MalformedInputError('Cache text value is not UTF-8', { cause: e });
      }
    case PYMEMCACHE_FLAGS.integer:
    case PYMEMCACHE_FLAGS.long: {
      const text = latin1.decode(body);
      if (body.length > 64 || !PY_INT.test(text)) throw new MalformedInputError('Cache integer value is not digits');
      return pyInt(text);
    }
    case PYMEMCACHE_FLAGS.pickle:
      return unpickle(body, l);
    default:
      throw new MalformedInputError(`Unknown pymemcache flags ${flags}`);
  }
}

/** How a cache entry's bytes are wrapped: what {@link encodeRedisValue} copies from the current entry. */
function redisFraming(like: Uint8Array): { compress?: 'zlib' | 'gzip'; json: boolean } {
  let body = like;
  let compress: 'zlib' | 'gzip' | undefined;
  if (body[0] === 0x78 && body.length > 2 && ((body[0]! << 8) | body[1]!) % 31 === 0) {
    compress = 'zlib';
    body = nodeBackend.inflate(body, DEFAULT_DECOMPRESSED) as Uint8Array;
  } else if (body[0] === 0x1f && body[1] === 0x8b) {
    compress = 'gzip';
    body = gunzipSync(body, { maxOutputLength: DEFAULT_DECOMPRESSED });
  }
  return { compress, json: body[0] === 0x7b };
}

const DEFAULT_DECOMPRESSED = resolveLimits().maxDecompressedSize;

/**
 * A new session dict for Redis, wrapped as `like` (the current entry) is: a pickle — or JSON text for
 * django-redis's JSON serializer — compressed again with zlib or gzip when `like` was, since
 * django-redis decompresses only with the compressor it is configured with. Throws a codec
 * `MalformedInputError` for a value the serializer cannot hold exactly.
 *
 * @example
 * decodeRedisValue(encodeRedisValue({ a: 1 }, currentBytes)) // { a: 1 }
 */
export function encodeRedisValue(data: SessionValue, like: Uint8Array): Uint8Array {
  const { compress, json } = redisFraming(like);
  const body = json ? new TextEncoder().encode(stringifyPython(data)) : pickleDumps(data);
  if (compress === 'zlib') return deflateSync(body);
  if (compress === 'gzip') return gzipSync(body);
  return body;
}

/**
 * A new session dict for PyMemcacheCache, for an entry whose flags are `flags`: pickled (a dict is
 * always flag 1), zlib-compressed again when the flags say it was.
 *
 * @example
 * encodeMemcachedValue({ a: 1 }, PYMEMCACHE_FLAGS.pickle) // { bytes: <pickle>, flags: 1 }
 */
export function encodeMemcachedValue(data: SessionValue, flags: number): { bytes: Uint8Array; flags: number } {
  const compressed = (flags & PYMEMCACHE_FLAGS.compressed) !== 0;
  const body = pickleDumps(data);
  return compressed ? { bytes: deflateSync(body), flags: PYMEMCACHE_FLAGS.pickle | PYMEMCACHE_FLAGS.compressed } : { bytes: body, flags: PYMEMCACHE_FLAGS.pickle };
}
