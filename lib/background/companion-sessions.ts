/**
 * The companion "Sessions" view's calls from the background: the store's latest sessions (one
 * user's, when asked), and — on a `--allow-write` companion — rewriting a session's data and
 * deleting it. Every answer is validated with lib/protocol/companion.ts; failures become
 * `ERR_COMPANION` with the companion's own code and message.
 */
import { isSessionObject, parseExactJson, stringifyJson, type SessionValue } from '../codec/index.ts';
import {
  ErrorResponseSchema,
  HealthResponseSchema,
  ProtocolError,
  SessionDeleteResponseSchema,
  SessionKeySchema,
  SessionListResponseSchema,
  SessionUpdateResponseSchema,
  type CompanionListView,
  type CompanionWriteView,
} from '../protocol/index.ts';
import { checkConfigured, get, type CompanionConfig, type FetchLike } from './companion.ts';

type Answer = Awaited<ReturnType<typeof get>>;

async function call(config: CompanionConfig, path: string, fetchFn: FetchLike, write?: Parameters<typeof get>[3]): Promise<Answer> {
  checkConfigured(config);
  let res: Answer;
  try {
    res = await get(config, path, fetchFn, write);
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError('ERR_COMPANION', `Cannot reach the companion at ${config.url}`);
  }
  const err = ErrorResponseSchema.safeParse(res.body);
  if (err.success) throw new ProtocolError('ERR_COMPANION', `Companion: ${err.data.code}: ${err.data.message.slice(0, 300)}`);
  return res;
}

function checkKey(key: string): void {
  if (!SessionKeySchema.safeParse(key).success) throw new ProtocolError('ERR_BAD_REQUEST', 'Not a session key (8–40 characters of [a-z0-9])');
}

const unexpected = (res: Answer) => new ProtocolError('ERR_COMPANION', `Unexpected answer from the companion (HTTP ${res.status})`);

/**
 * The latest sessions in the companion's stores (latest expiry first), only `userId`'s when given,
 * and whether the companion writes.
 *
 * @example
 * const view = await listSessions({ url, token }, { userId: '42' }); // { readOnly, sessions, unlisted }
 */
export async function listSessions(config: CompanionConfig, query: { limit?: number; userId?: string }, fetchFn: FetchLike = fetch): Promise<CompanionListView> {
  const params = new URLSearchParams({ limit: String(query.limit ?? 100) });
  if (query.userId !== undefined) params.set('user', query.userId);
  const [res, health] = await Promise.all([call(config, `/v1/sessions?${params}`, fetchFn), call(config, '/v1/health', fetchFn)]);
  const list = SessionListResponseSchema.safeParse(res.body);
  if (!list.success) throw unexpected(res);
  return {
    readOnly: HealthResponseSchema.safeParse(health.body).data?.readOnly ?? true,
    sessions: list.data.sessions,
    unlisted: list.data.unlisted.map((u) => ({ store: u.store, reason: u.reason, ...(u.count !== undefined ? { count: u.count } : {}) })),
  };
}

/**
 * Replaces a session's data on the companion (`PUT`): `json` is the whole new session dict as
 * exact JSON text, checked here to be an object and sent as `{"data": …}` exactly.
 *
 * @example
 * await updateSession({ url, token }, key, '{"_auth_user_id": "2"}') // { key, stores: ['sqlite:///…'] }
 */
export async function updateSession(config: CompanionConfig, key: string, json: string, fetchFn: FetchLike = fetch): Promise<CompanionWriteView> {
  checkKey(key);
  let data: SessionValue;
  try {
    data = parseExactJson(json);
  } catch {
    throw new ProtocolError('ERR_BAD_REQUEST', 'The session is not valid JSON');
  }
  if (!isSessionObject(data)) throw new ProtocolError('ERR_BAD_REQUEST', 'The session must be a JSON object ({…})');
  const res = await call(config, `/v1/sessions/${key}`, fetchFn, { method: 'PUT', json: `{"data":${stringifyJson(data)}}` });
  if (res.status === 404) throw new ProtocolError('ERR_COMPANION', 'No session with this key on the server any more');
  const r = SessionUpdateResponseSchema.safeParse(res.body);
  if (!r.success) throw unexpected(res);
  return { key: r.data.key, stores: r.data.updated };
}

/**
 * Deletes a session on the companion (`DELETE`): whoever holds the key is logged out.
 *
 * @example
 * await deleteSession({ url, token }, key) // { key, stores: ['sqlite:///…'] }
 */
export async function deleteSession(config: CompanionConfig, key: string, fetchFn: FetchLike = fetch): Promise<CompanionWriteView> {
  checkKey(key);
  const res = await call(config, `/v1/sessions/${key}`, fetchFn, { method: 'DELETE' });
  const r = SessionDeleteResponseSchema.safeParse(res.body);
  if (!r.success) throw unexpected(res);
  return { key: r.data.key, stores: r.data.deleted };
}
