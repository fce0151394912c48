/**
 * db sessions in the pre-3.1 `session_data` format (what Django 3.1–3.2 write with
 * DEFAULT_HASHING_ALGORITHM = 'sha1', and every Django before 3.1), written by the real Django.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DJANGO_PYTHON, DJANGO_SECRET_KEY, parseToolJson, prepareDjango } from '../../support/django.ts';
import { databaseStore, exact, startCompanion } from './helpers.ts';

const WRITER = fileURLToPath(new URL('./write_legacy_session.py', import.meta.url));

describe('legacy session_data', () => {
  it.each(['sqlite', 'mysql'])('on %s: served exactly, verified with the key', async (database) => {
    const dj = await prepareDjango({ engine: 'db', database });
    try {
      const r = spawnSync(DJANGO_PYTHON, [WRITER, '{"_auth_user_id":"5","big":12345678901234567890,"s":"ünï"}'], { env: { ...process.env, ...dj.env }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const written = parseToolJson(r.stdout) as { key: string; session_data: string; data: unknown };
      // The legacy form: standard base64 of "<40 hex>:<json>", not PAYLOAD:TIMESTAMP:SIGNATURE.
      expect(Buffer.from(written.session_data, 'base64').toString('latin1')).toMatch(/^[0-9a-f]{40}:\{/);
      for (const [flags, verified] of [
        [['--secret-key', DJANGO_SECRET_KEY], true],
        [[], null],
        [['--secret-key', 'not-the-key'], false],
      ] as const) {
        const c = await startCompanion([databaseStore(dj)], [...flags]);
        try {
          const res = await c.api(`/v1/sessions/${written.key}`);
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ found: true, expired: false, verified });
          expect(exact(res.body.data)).toBe(exact(written.data));
        } finally {
          await c.close();
        }
      }
    } finally {
      await dj.cleanup();
    }
  });
});
