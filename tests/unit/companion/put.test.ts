/**
 * The audit of `PUT /v1/sessions/{key}`: the hardening every route has (token, Host, Origin) plus a
 * body that is JSON only (no simple-request content type), bounded, read exactly and validated,
 * and nothing written unless the server runs with `--allow-write`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSessionData, dumps, stringifyJson } from '../../../lib/codec/index.ts';
import type { CompanionConfig } from '../../../lib/companion/config.ts';
import { startCompanionServer, type CompanionServer } from '../../../lib/companion/server.ts';
import type { StoredSession } from '../../../lib/companion/stores/types.ts';
import { COMPANION_MAX_BODY, ErrorResponseSchema, SessionUpdateResponseSchema } from '../../../lib/protocol/index.ts';
import { rawRequest } from './http.ts';
import { MemoryStore } from './memory-store.ts';

const SECRET = 'django-insecure-unit-test-secret-key-0123456789abcdefghij';
const TOKEN = 'unit-test-token-0123456789';
const KEY = 'abcdefghij0123456789abcdefghij01';
const ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

const config = (allowWrite: boolean): CompanionConfig => ({
  stores: [{ kind: 'sqlite', name: 'memory://a', path: '/dev/null', table: 'django_session' }],
  secretKeys: [SECRET],
  host: '127.0.0.1',
  port: 0,
  token: TOKEN,
  allowWrite,
  allowOrigins: [ORIGIN],
  allowHosts: [],
  timeoutMs: 2000,
  rateLimit: 100_000,
  verbose: false,
});

const json = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const BODY = stringifyJson({ data: { _auth_user_id: '2', big: 98765432109876543210n } });

async function row(): Promise<StoredSession> {
  const text = await dumps({ _auth_user_id: '1' }, { key: SECRET, salt: 'django.contrib.sessions.SessionStore', compress: true });
  return { format: 'session_data', store: 'memory://a', text, expiry: { kind: 'date', date: new Date(Date.now() + 3600_000) } };
}

describe('PUT /v1/sessions/{key}', () => {
  let server: CompanionServer;
  let readOnly: CompanionServer;
  let store: MemoryStore;
  let roStore: MemoryStore;

  beforeAll(async () => {
    store = new MemoryStore();
    roStore = new MemoryStore();
    server = await startCompanionServer({ config: config(true), stores: [store], log: () => {} });
    readOnly = await startCompanionServer({ config: config(false), stores: [roStore], log: () => {} });
  });
  afterAll(async () => {
    await server.close();
    await readOnly.close();
  });

  const put = (headers: Record<string, string>, body = BODY, s = server) => rawRequest(s.url, `/v1/sessions/${KEY}`, { method: 'PUT', headers, body });

  it('rewrites the session_data, re-signed with the SECRET_KEY and the session salt', async () => {
    store.entries.set(KEY, await row());
    const r = await put({ ...json, origin: ORIGIN });
    expect(r.status, r.text).toBe(200);
    expect(SessionUpdateResponseSchema.parse(r.json)).toEqual({ key: KEY, updated: ['memory://a'] });
    expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
    const text = (store.entries.get(KEY) as { text: string }).text;
    const back = await decodeSessionData(text, { keys: [SECRET] });
    expect(back.verified).toBe(true);
    expect(back.salt).toBe('django.contrib.sessions.SessionStore');
    expect(stringifyJson(back.data)).toBe('{"_auth_user_id":"2","big":98765432109876543210}');
  });

  it.each([
    ['no token', { 'content-type': 'application/json' }, 401, 'ERR_UNAUTHORIZED'],
    ['a wrong token', { ...json, authorization: 'Bearer nope' }, 401, 'ERR_UNAUTHORIZED'],
    ['text/plain (a simple request a page could send)', { ...json, 'content-type': 'text/plain' }, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['a form type', { ...json, 'content-type': 'application/x-www-form-urlencoded' }, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['no content type', { authorization: json.authorization }, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['a foreign Origin', { ...json, origin: 'https://evil.example' }, 403, 'ERR_FORBIDDEN_ORIGIN'],
    ['a foreign Host', { ...json, host: 'evil.example' }, 403, 'ERR_FORBIDDEN_HOST'],
  ])('refuses %s, writing nothing and closing the connection', async (_name, headers, status, code) => {
    store.entries.set(KEY, await row());
    const before = store.calls.length;
    const r = await put(headers as Record<string, string>);
    expect(r.status).toBe(status);
    expect(ErrorResponseSchema.parse(r.json).code).toBe(code);
    expect(r.headers.connection).toBe('close');
    expect(store.calls.slice(before).filter((c) => c.startsWith('update'))).toEqual([]);
  });

  it.each([
    ['not JSON', 'data=1'],
    ['cut short', '{"data":{"a":1}'],
    ['no data', '{"session":{}}'],
    ['data not an object', '{"data":[1,2]}'],
    ['data a Python value', '{"data":{"$py":"tuple","items":[]}}'],
  ])('400 for a body that is %s', async (_name, body) => {
    store.entries.set(KEY, await row());
    const before = store.calls.length;
    const r = await put(json, body);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('ERR_BAD_REQUEST');
    expect(store.calls.slice(before).filter((c) => c.startsWith('update'))).toEqual([]);
  });

  it('413 past the body limit, before reading it', async () => {
    const big = stringifyJson({ data: { pad: 'x'.repeat(COMPANION_MAX_BODY) } });
    const r = await put(json, big);
    expect(r.status).toBe(413);
    expect(r.json.code).toBe('ERR_TOO_LARGE');
  });

  it('411 for a chunked body (no declared length)', async () => {
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const u = new URL(server.url);
      import('node:http').then(({ request }) => {
        const req = request({ host: u.hostname, port: u.port, path: `/v1/sessions/${KEY}`, method: 'PUT', headers: { ...json, 'transfer-encoding': 'chunked' }, agent: false }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.write(BODY);
        req.end();
      }, reject);
    });
    expect(r.status).toBe(411);
  });

  it('405 ERR_READ_ONLY without --allow-write; the preflight offers no PUT there', async () => {
    roStore.entries.set(KEY, await row());
    const r = await put(json, BODY, readOnly);
    expect(r.status).toBe(405);
    expect(r.json.code).toBe('ERR_READ_ONLY');
    expect(roStore.calls.filter((c) => c.startsWith('update'))).toEqual([]);
    const pre = await rawRequest(readOnly.url, `/v1/sessions/${KEY}`, { method: 'OPTIONS', headers: { origin: ORIGIN } });
    expect(pre.headers['access-control-allow-methods']).toBe('GET, OPTIONS');
    const rw = await rawRequest(server.url, `/v1/sessions/${KEY}`, { method: 'OPTIONS', headers: { origin: ORIGIN } });
    expect(rw.headers['access-control-allow-methods']).toBe('GET, PUT, DELETE, OPTIONS');
    expect(rw.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
  });

  it('health says whether the server writes', async () => {
    const h = await rawRequest(server.url, '/v1/health', { headers: { authorization: json.authorization } });
    expect(h.json.readOnly).toBe(false);
    expect((await rawRequest(readOnly.url, '/v1/health', { headers: { authorization: json.authorization } })).json.readOnly).toBe(true);
  });

  it('other methods still take no body', async () => {
    const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { method: 'POST', headers: json, body: BODY });
    expect(r.status).toBe(413);
  });
});
