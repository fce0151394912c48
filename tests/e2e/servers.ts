/**
 * Small real HTTP sites for the browsing e2e tests: each sets its own cookies with real
 * Set-Cookie headers, on the loopback address it is asked to listen on (127.0.0.1 and localhost
 * are granted at install; 127.0.0.2 and [::1] are not).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestSite {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a site on `listen` answering every path with a small HTML page and `setCookies` (DevTools
 * asks for /.well-known/appspecific/com.chrome.devtools.json: that gets a 404 without cookies).
 * `host` is how URLs name it (`localhost` for a server on 127.0.0.1, `[::1]` for IPv6).
 */
export async function startSite(options: {
  listen: string;
  host?: string;
  setCookies?: readonly string[];
  title?: string;
  handler?: (req: IncomingMessage, res: ServerResponse) => boolean;
}): Promise<TestSite> {
  const server = createServer((req, res) => {
    if (options.handler?.(req, res)) return;
    if (req.url?.startsWith('/.well-known/') || req.url === '/favicon.ico') {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string | string[]> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
    if (options.setCookies?.length) headers['set-cookie'] = [...options.setCookies];
    res.writeHead(200, headers);
    res.end(`<!doctype html><title>${options.title ?? 'site'}</title><p>${options.title ?? 'site'}</p>`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.listen, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? options.listen}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
