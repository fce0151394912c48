/**
 * zlib inflate for many small payloads. `zlib.inflateSync` builds a stream object and a native zlib
 * state for every call and frees them after — for a session payload of a few hundred bytes that
 * costs several times the inflating. Here one native handle is kept and reset between payloads, and
 * driven exactly as `inflateSync` drives it (node:zlib's `processChunkSync`): the same zlib code,
 * the same errors (`unexpected end of file`, `invalid stored block lengths` …), the same output.
 *
 * The handle is node:zlib's own (`createInflate()._handle`): where a Node version has no such
 * handle, {@link createInflater} gives `inflateSync` itself.
 */
import { constants, createInflate, inflateSync } from 'node:zlib';

/** The native zlib handle behind a node:zlib stream (node/src/node_zlib.cc). */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
  onerror: (message: string, errno: number, code: string) => void;
}

/** What a failed inflate throws: node:zlib's own error codes (`Z_DATA_ERROR`, `ERR_BUFFER_TOO_LARGE`). */
export type InflateFailure = Error & { code: string };

function failure(message: string, code: string): InflateFailure {
  return Object.assign(new Error(message), { code });
}

const CHUNK = 16 * 1024;

/**
 * A synchronous inflate with `inflateSync(data, { maxOutputLength: maxSize })`'s results and
 * errors, one native zlib state reused for every call. Not re-entrant (nothing in it yields).
 * With `borrow`, a result up to 16 KiB is a view of the inflater's own buffer, overwritten by the
 * next call (for a caller that reads it at once: the batch decoder); otherwise always a copy.
 *
 * @example
 * const inflate = createInflater();
 * inflate(deflateSync('hello'), 1024) // <Buffer 68 65 6c 6c 6f>
 */
export function createInflater(options: { borrow?: boolean } = {}): (data: Uint8Array, maxSize: number) => Uint8Array {
  const borrow = options.borrow === true;
  const stream = createInflate() as unknown as { _handle?: ZlibHandle; _writeState?: Uint32Array };
  const handle = stream._handle;
  const state = stream._writeState;
  if (!handle || typeof handle.writeSync !== 'function' || typeof handle.reset !== 'function' || !(state instanceof Uint32Array)) {
    return (data, maxSize) => inflateSync(data, { maxOutputLength: maxSize });
  }
  let error: InflateFailure | undefined;
  // zlib reports a failed write through this callback, during writeSync
  handle.onerror = (message, _errno, code) => {
    error = failure(message, code);
  };
  const scratch = Buffer.allocUnsafe(CHUNK);
  return (data, maxSize) => {
    handle.reset();
    error = undefined;
    let inOff = 0;
    let inLen = data.byteLength;
    let out: Uint8Array = scratch;
    let first: Uint8Array | undefined;
    let more: Uint8Array[] | undefined;
    let total = 0;
    // processChunkSync's loop: a full output buffer means there may be more; anything less, done
    for (;;) {
      handle.writeSync(constants.Z_FINISH, data, inOff, inLen, out, 0, out.byteLength);
      if (error) throw error;
      const availOut = state[0]!;
      const availIn = state[1]!;
      const have = out.byteLength - availOut;
      if (have > 0) {
        total += have;
        if (total > maxSize) throw failure(`Cannot create a Buffer larger than ${maxSize} bytes`, 'ERR_BUFFER_TOO_LARGE');
        const piece = out === scratch ? scratch.subarray(0, have) : out.subarray(0, have);
        if (first === undefined) first = piece;
        else (more ??= []).push(piece);
      }
      if (availOut !== 0) break;
      inOff += inLen - availIn;
      inLen = availIn;
      out = Buffer.allocUnsafe(CHUNK);
    }
    if (first === undefined) return new Uint8Array(0);
    // the scratch buffer is used again by the next call: the result is always a copy of it
    if (more === undefined) return borrow ? first : (Uint8Array.prototype.slice.call(first) as Uint8Array);
    return Buffer.concat([first, ...more], total);
  };
}
