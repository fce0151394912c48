/**
 * What `PUT /v1/sessions/{key}` writes into one store, made the way Django's own SessionStore
 * would make it — or a refusal when that cannot be done exactly.
 *
 * - db / file `session_data` (Django 3.1+): `SessionBase.encode` =
 *   `signing.dumps(session, salt='django.contrib.sessions.' + SessionStore.__qualname__, compress=True,
 *   serializer=JSONSerializer)` — signed with SECRET_KEY (never a fallback), with the salt and
 *   algorithm the stored value verified with. A legacy (pre-3.1) value is written back legacy.
 * - cache entries: the session dict itself, pickled (or JSON) by the cache adapter.
 *
 * Refused: a stored value that does not verify with the SECRET_KEY (Django would not load what we
 * sign), PickleSerializer data (`409 ERR_NOT_WRITABLE`: the companion does not write pickles into
 * signed data), and values the serializer cannot hold exactly (`422 ERR_UNWRITABLE_VALUE`: a tuple
 * would come back from JSON as a list, a datetime not at all).
 */
import {
  decodeSessionData,
  DEFAULT_SALTS,
  dumps,
  encodeLegacySessionData,
  isSessionLensError,
  isSessionObject,
  pickleDumps,
  PyObject,
  sessionKeys,
  type DecodeResult,
  type SessionObject,
  type SessionValue,
} from '../codec/index.ts';
import { nodeBackend } from '../node/index.ts';
import { CompanionError } from './errors.ts';
import type { StoredSession, StoredUpdate } from './stores/types.ts';

/** The legacy salt is this plus the class name, without a dot (session-data.ts). */
const LEGACY_PREFIX = 'django.contrib.sessions';

/** A 422 for a value the store's serializer cannot hold exactly. */
export function unwritable(message: string, store?: string): CompanionError {
  return new CompanionError('ERR_UNWRITABLE_VALUE', 422, message, { store });
}

/**
 * Throws a 422 unless Django's JSONSerializer would give `value` back exactly: no tuples (they
 * return as lists) and no Python-only values; whole floats (`1.0`) are fine.
 *
 * @example
 * assertJsonWritable({ a: [1, 1.5] }) // ok
 * assertJsonWritable({ t: pyTuple([1]) }) // throws ERR_UNWRITABLE_VALUE
 */
export function assertJsonWritable(value: SessionValue, depth = 0): void {
  if (depth > 200) throw unwritable('The session nests deeper than 200 levels');
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) assertJsonWritable(v, depth + 1);
    return;
  }
  if (value instanceof PyObject) {
    if (value.type === 'float') return;
    if (value.type === 'tuple') throw unwritable('JSONSerializer would read a tuple back as a list');
    throw unwritable(`JSONSerializer cannot hold a Python ${value.type}`);
  }
  for (const k of sessionKeys(value)) assertJsonWritable(value[k]!, depth + 1);
}

/** The secret keys and custom salt of the server. */
export interface WriteKeys {
  keys: readonly string[];
  salt?: string;
}

async function readStored(text: string, keys: WriteKeys, store: string): Promise<DecodeResult> {
  let r: DecodeResult;
  try {
    r = await decodeSessionData(text, { keys: keys.keys, ...(keys.salt ? { salt: keys.salt } : {}) }, nodeBackend);
  } catch (e) {
    throw new CompanionError('ERR_NOT_WRITABLE', 409, 'The stored session could not be read, so its format is unknown', { store, cause: e });
  }
  if (r.verified !== true) throw new CompanionError('ERR_NOT_WRITABLE', 409, "The stored session does not verify with the server's SECRET_KEY; Django would not load what it signs", { store });
  if (r.serializer === 'pickle') throw new CompanionError('ERR_NOT_WRITABLE', 409, 'The session store uses PickleSerializer; the companion only writes JSONSerializer data', { store });
  return r;
}

/**
 * The new `session_data` (db, file) or dict (cache) for one store that holds the session.
 *
 * @example
 * await encodeForStore(hit, { _auth_user_id: '2' }, { keys: [SECRET_KEY] }) // { format: 'session_data', text: '.eJy…' }
 */
export async function encodeForStore(hit: StoredSession, data: SessionObject, keys: WriteKeys): Promise<StoredUpdate> {
  if (hit.format === 'value') {
    let current: SessionValue;
    try {
      current = hit.decode();
    } catch (e) {
      throw new CompanionError('ERR_NOT_WRITABLE', 409, 'The cached session could not be read, so its format is unknown', { store: hit.store, cause: e });
    }
    if (!isSessionObject(current)) throw new CompanionError('ERR_NOT_WRITABLE', 409, 'The cache entry is not a session dict', { store: hit.store });
    try {
      pickleDumps(data); // the check; the adapter encodes as its entry is encoded
    } catch (e) {
      throw unwritable(isSessionLensError(e) ? e.message : 'The value cannot be pickled', hit.store);
    }
    return { format: 'value', data };
  }
  const secret = keys.keys[0];
  if (secret === undefined) throw new CompanionError('ERR_NO_SECRET_KEY', 409, 'Writing signed session_data needs the SECRET_KEY (--secret-file or SESSION_LENS_SECRET_KEY)', { store: hit.store });
  assertJsonWritable(data);
  if (hit.text.trim() === '') {
    // Django's empty placeholder file: a new session, written as SessionBase.encode does.
    return { format: 'session_data', text: await dumps(data, { key: secret, salt: keys.salt ?? DEFAULT_SALTS.sessionStore, compress: true, backend: nodeBackend }) };
  }
  const r = await readStored(hit.text, keys, hit.store);
  if (r.format === 'django-legacy') {
    const cls = r.salt?.startsWith(LEGACY_PREFIX) ? r.salt.slice(LEGACY_PREFIX.length) : 'SessionStore';
    return { format: 'session_data', text: await encodeLegacySessionData(data, { key: secret, storeClass: cls, backend: nodeBackend }) };
  }
  const text = await dumps(data, { key: secret, salt: r.salt ?? keys.salt ?? DEFAULT_SALTS.sessionStore, compress: true, algorithm: r.algorithm, backend: nodeBackend });
  return { format: 'session_data', text };
}
