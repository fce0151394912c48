/**
 * Every CLI command that verifies a signature does it with lib/node's backend, passed explicitly
 * (nothing swaps a global default): decode, check and audit alike, in any order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../lib/cli/main.ts';
import { dumps, webBackend } from '../../../lib/codec/index.ts';
import { nodeBackend } from '../../../lib/node/index.ts';
import { sink } from '../../support/sink.ts';

const KEY = 'cli-backend-test-key-0123456789abcdefghijklmnop';
const SALT = 'django.contrib.sessions.backends.signed_cookies';
let server: Server;
let url: string;
let value: string;
let dir: string;

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const stdout = sink();
  const code = await main(argv, { stdout, stderr: sink(), stdin: Readable.from([]), env: {} });
  return { code, out: stdout.text };
}

beforeAll(async () => {
  value = await dumps({ _auth_user_id: '5', cart: 'item,'.repeat(60) }, { key: KEY, salt: SALT, compress: true, backend: webBackend });
  dir = mkdtempSync(join(tmpdir(), 'sl-backend-'));
  writeFileSync(join(dir, 'words.txt'), `nope\n${KEY}\n`);
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': `sessionid=${value}; HttpOnly; Path=/; SameSite=Lax` });
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise((r) => server.close(r));
});

describe('the CLI passes lib/node’s backend to the codec', () => {
  it.each([
    ['check', () => ['check', url, '--json', '--fail-on', 'none']],
    ['audit', () => ['audit', value, '--wordlist', join(dir, 'words.txt'), '--no-bundled', '--json']],
    ['decode', () => ['decode', value, '--secret', KEY, '--json']],
  ])('%s reads the signed session with node:crypto and node:zlib', async (_name, argv) => {
    const inflate = vi.spyOn(nodeBackend, 'inflate');
    try {
      const { out } = await run(argv());
      expect(out).toContain('"_auth_user_id"');
      expect(inflate).toHaveBeenCalled();
    } finally {
      inflate.mockRestore();
    }
  });
});
