/**
 * The one request body the companion takes (`PUT /v1/sessions/{key}`): `application/json`, a
 * declared Content-Length within {@link COMPANION_MAX_BODY}, strict UTF-8, read with the codec's
 * exact JSON reader (big integers stay exact, `{"$py": …}` values come back as PyObjects), then
 * checked with {@link SessionUpdateRequestSchema}. Every refusal is a {@link CompanionError} whose
 * message names the problem, never the body.
 */
import type { IncomingMessage } from 'node:http';
import { parseExactJson, type SessionObject } from '../codec/index.ts';
import { COMPANION_MAX_BODY, SessionUpdateRequestSchema } from '../protocol/index.ts';
import { CompanionError } from './errors.ts';

/** `application/json`, optionally with `charset=utf-8` — never a type a cross-site form can send. */
const JSON_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks the headers of a request that carries a body, before any of it is read: 415 without the
 * JSON type, 411 without a Content-Length (no chunked bodies), 413 past the limit.
 *
 * @example
 * checkBodyHeaders(req.headers) // throws CompanionError('ERR_TOO_LARGE', 413, …) for 300 KiB
 */
export function checkBodyHeaders(headers: IncomingMessage['headers'], max = COMPANION_MAX_BODY): number {
  if (!JSON_TYPE.test(headers['content-type'] ?? '')) throw new CompanionError('ERR_UNSUPPORTED_MEDIA_TYPE', 415, 'The body must be application/json');
  if (headers['transfer-encoding'] !== undefined || headers['content-length'] === undefined) {
    throw new CompanionError('ERR_BAD_REQUEST', 411, 'A body needs a Content-Length (no chunked transfer)');
  }
  const length = /^\d{1,9}$/.test(headers['content-length']) ? Number(headers['content-length']) : Number.NaN;
  if (Number.isNaN(length)) throw new CompanionError('ERR_BAD_REQUEST', 400, 'Content-Length is not a number');
  if (length > max) throw new CompanionError('ERR_TOO_LARGE', 413, `The body is ${length} bytes, more than the ${max}-byte limit`);
  return length;
}

/** Reads exactly `length` bytes (never more: a lying Content-Length ends the read at the limit). */
function readBytes(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const done = (e?: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (e) reject(e);
      else resolve(Buffer.concat(chunks, got));
    };
    const onData = (c: Buffer) => {
      got += c.length;
      if (got > length) return done(new CompanionError('ERR_TOO_LARGE', 413, 'The body is longer than its Content-Length'));
      chunks.push(c);
    };
    const onEnd = () => done(got === length ? undefined : new CompanionError('ERR_BAD_REQUEST', 400, 'The body ended before its Content-Length'));
    const onError = () => done(new CompanionError('ERR_BAD_REQUEST', 400, 'The body could not be read'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * Reads and validates a PUT body; returns the new session dict.
 *
 * @example
 * const data = await readSessionUpdate(req); // { _auth_user_id: '2', … }
 */
export async function readSessionUpdate(req: IncomingMessage, max = COMPANION_MAX_BODY): Promise<SessionObject> {
  const length = checkBodyHeaders(req.headers, max);
  const bytes = await readBytes(req, length);
  let parsed: unknown;
  try {
    parsed = parseExactJson(utf8.decode(bytes));
  } catch (e) {
    // The codec's message may quote the input: not echoed (it is session data).
    throw new CompanionError('ERR_BAD_REQUEST', 400, 'The body is not valid UTF-8 JSON', { cause: e });
  }
  const r = SessionUpdateRequestSchema.safeParse(parsed);
  if (!r.success) {
    const where = r.error.issues.map((i) => (i.path.length ? i.path.join('.') : '(body)')).join(', ');
    throw new CompanionError('ERR_BAD_REQUEST', 400, `The body must be {"data": {…the session dict…}} (${where})`);
  }
  return r.data.data as SessionObject;
}
