/**
 * A safe reader for Python pickles (protocols 0–5): it interprets the opcodes as data and never
 * imports or calls anything.
 *
 * Django's cache session engines store the session dict pickled. `pickle.dumps({'_auth_user_id':
 * '1', 'n': 2**64}, protocol=4)` is
 *
 *     80 04                       PROTO 4
 *     95 28 00 00 00 00 00 00 00  FRAME 40            (8-byte little-endian length)
 *     7d                          EMPTY_DICT
 *     94                          MEMOIZE             (memo[0] = the dict)
 *     28                          MARK
 *     8c 0d "_auth_user_id" 94    SHORT_BINUNICODE, MEMOIZE
 *     8c 01 "1" 94                SHORT_BINUNICODE, MEMOIZE
 *     8c 01 "n" 94                SHORT_BINUNICODE, MEMOIZE
 *     8a 09 00…00 01              LONG1 (9 bytes, two's complement little-endian) 2**64
 *     75                          SETITEMS            (pairs since MARK into the dict)
 *     2e                          STOP
 *
 * → `{ _auth_user_id: '1', n: 18446744073709551616n }`. The opcodes and their arguments are
 * those of CPython's Lib/pickletools.py; the semantics follow Lib/pickle.py `_Unpickler`.
 *
 * The machine is pickle-machine.ts and its opcode table pickle-ops.ts. How other Python types come
 * out (datetime, Decimal, UUID, set, bytes …) is in pickle-known.ts; shared references and cycles
 * in pickle-tree.ts; the graph nodes in pickle-nodes.ts.
 *
 * Why our own reader and not an npm package (evaluated 2026-11): `pickleparser` 0.2.1 (MIT, no
 * dependencies, ~25 kB, runs in browsers; two releases on one day in Dec 2024, none since) reads
 * protocols 0–5 but throws plain `Error`s, has no limit on memo size, nesting, item count or
 * shared-reference expansion, decodes text with a non-fatal TextDecoder (silently replacing bad
 * UTF-8), pushes `undefined` for a missing memo key, and builds cyclic JS objects that a JSON
 * renderer cannot print. Wrapping it would leave every safety property to us anyway, so this
 * module is a small table-driven machine with our typed errors and `Limits` instead.
 *
 * Safety: every declared length (including the 64-bit ones of BINUNICODE8, BINBYTES8, BYTEARRAY8
 * and FRAME) is checked against the bytes left before anything is allocated; MARK nesting is
 * capped at `maxDepth`, memo entries at `maxPickleMemo`, values (shared references counted per
 * copy) at `maxItems` and the text they add up to at `maxDecompressedSize`; integers at Python's
 * own 4300-digit text limit (2048 bytes for LONG4). PERSID/BINPERSID, EXT1/2/4 and
 * NEXT_BUFFER/READONLY_BUFFER need state that is not in the data and raise
 * {@link UnsupportedPickleError}.
 */
import { LimitExceededError, MalformedInputError, SessionLensError } from './errors.ts';
import { resolveLimits, type Limits } from './limits.ts';
import type { SessionValue } from './value.ts';
import { Machine } from './pickle-machine.ts';
import { OPS } from './pickle-ops.ts';
import { toTree } from './pickle-tree.ts';

/**
 * Reads a Python pickle (protocols 0–5) into a {@link SessionValue}, without importing or running
 * anything: a class is only its name, and unknown classes come back as
 * `PyObject('module.Qualname', { args, state })`.
 *
 * @throws {MalformedInputError} `ERR_MALFORMED` — truncated or invalid pickle (the message names
 *   the offset and opcode).
 * @throws {UnsupportedPickleError} `ERR_PICKLE_UNSUPPORTED` — PERSID/BINPERSID, EXT1/2/4,
 *   NEXT_BUFFER/READONLY_BUFFER, or a protocol above 5.
 * @throws {LimitExceededError} `ERR_LIMIT_EXCEEDED` — input length, MARK/container nesting, memo
 *   size, value count (shared references included) or integer size over its limit.
 *
 * @example
 * // pickle.dumps({'_auth_user_id': '1'}, protocol=2)
 * const bytes = Uint8Array.from(atob('gAJ9cQBYDQAAAF9hdXRoX3VzZXJfaWRxAVgBAAAAMXECcy4='), (c) => c.charCodeAt(0));
 * unpickle(bytes); // → { _auth_user_id: '1' }
 */
export function unpickle(bytes: Uint8Array, limits?: Partial<Limits>): SessionValue {
  const resolved = resolveLimits(limits);
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('Malformed pickle: input is not a Uint8Array');
  if (bytes.length > resolved.maxInputLength) {
    throw new LimitExceededError(`Pickle of ${bytes.length} bytes exceeds limits.maxInputLength (${resolved.maxInputLength})`);
  }
  if (bytes.length === 0) throw new MalformedInputError('Malformed pickle at offset 0: empty input');
  try {
    return toTree(new Machine(bytes, resolved, OPS).run(), resolved);
  } catch (e) {
    // A maxDepth set far above the default can still exhaust the JavaScript stack.
    if (e instanceof RangeError && !(e instanceof SessionLensError)) {
      throw new LimitExceededError('Pickle nests too deeply for the JavaScript stack', { cause: e });
    }
    throw e;
  }
}
