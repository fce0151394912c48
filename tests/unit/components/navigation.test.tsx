/**
 * The panel's site follows the inspected page (DevTools' onNavigated and inspectedWindow), not
 * whatever snapshot arrives: the new site at once, nothing of the previous one, late snapshots of
 * the previous site ignored, Chrome's error pages (which onNavigated does not report) asked for.
 */
import { describe, expect, it } from 'vitest';
import { App } from '../../../components/App.tsx';
import { createPanelSource } from '../../../components/client-source.ts';
import { createPortHub } from '../../../lib/background/port-hub.ts';
import { createRouter, type Handlers } from '../../../lib/background/index.ts';
import { ProtocolError, createClient, type CookieSnapshot, type CookieView } from '../../../lib/protocol/index.ts';
import { createMemoryTransport } from '../../support/memory-transport.ts';
import { $, flush, mount } from './helpers.ts';

const TAB = 3;

function view(name: string, domain: string): CookieView {
  return {
    name, value: 'v', domain, hostOnly: true, path: '/', expires: null, maxAge: null, size: name.length + 1,
    httpOnly: true, secure: false, sameSite: 'lax', partition: null, storeId: '0', sessionCookie: false, findings: [],
  };
}

function snapshotFor(url: string | null): CookieSnapshot {
  let site: string | null = null;
  try {
    const u = new URL(url ?? '');
    site = u.protocol.startsWith('http') ? u.origin : null;
  } catch {
    site = null;
  }
  const host = site ? new URL(site).hostname : '';
  const granted = host === 'localhost' || host === '127.0.0.1';
  return {
    tabId: TAB, url, site, originPattern: site ? `http://${host}/*` : null, access: granted ? 'granted' : 'missing',
    cookies: granted ? [view(`site_${host}`, host)] : [], dropped: [], findingCount: 0,
  };
}

function setup(start: string, inspected: { url: string | null }) {
  const asked: (string | undefined)[] = [];
  const notUsed = () => {
    throw new ProtocolError('ERR_BAD_REQUEST', 'not used');
  };
  const handlers = new Proxy({} as Handlers, {
    get(_t, type: string) {
      if (type === 'cookies/list') return ({ url }: { url?: string }) => (asked.push(url), snapshotFor(url ?? start));
      if (type === 'timeline/get') return ({ site }: { site: string }) => ({ site, events: [] });
      return notUsed;
    },
  });
  const hub = createPortHub();
  const transport = createMemoryTransport({ router: createRouter(handlers), onConnect: (p) => hub.accept(p) });
  const client = createClient(transport, { requestPermission: async () => undefined });
  const source = createPanelSource(client, TAB, { inspectedUrl: async () => inspected.url });
  return { hub, source, asked };
}

const rows = (root: ParentNode) => [...root.querySelectorAll<HTMLElement>('.ct-body [role="row"]')].map((r) => r.dataset.cookie);

describe('the panel follows its inspected page', () => {
  it('asks for the inspected URL, shows the new site on navigation and ignores late snapshots of the old one', async () => {
    const inspected = { url: 'http://localhost:8000/' as string | null };
    const { hub, source, asked } = setup('http://localhost:8000/', inspected);
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush(5);
    expect(asked[0]).toBe('http://localhost:8000/');
    expect(rows(m.container)).toEqual(['site_localhost']);

    inspected.url = 'http://127.0.0.2:9000/';
    source.navigated?.('http://127.0.0.2:9000/');
    await flush(0);
    // At once: nothing of the previous site.
    expect(rows(m.container)).toEqual([]);
    await flush(5);
    expect($(m.container, '[data-testid="access-banner"]').textContent).toContain('no access to http://127.0.0.2:9000');
    expect($(m.container, '[data-testid="finding-total"]').textContent).toBe('no access');
    // The background, late, pushes the previous site: ignored.
    hub.push(TAB, { type: 'cookies/snapshot', snapshot: snapshotFor('http://localhost:8000/') });
    await flush(5);
    expect(rows(m.container)).toEqual([]);

    inspected.url = 'about:blank';
    source.navigated?.('about:blank');
    await flush(5);
    expect($(m.container, '[data-testid="access-banner"]').dataset.state).toBe('not-a-site');
    expect($(m.container, '[data-testid="finding-total"]').textContent).toBe('no site');
    m.unmount();
  });

  it('a snapshot of another site makes it ask the page: an error page shows as such', async () => {
    const inspected = { url: 'http://localhost:8000/' as string | null };
    const { hub, source } = setup('http://localhost:8000/', inspected);
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush(5);
    inspected.url = null; // Chrome's error page cannot be evaluated
    hub.push(TAB, { type: 'cookies/snapshot', snapshot: snapshotFor('http://127.0.0.1:1/') });
    await new Promise((r) => setTimeout(r, 700));
    await flush(5);
    expect(rows(m.container)).toEqual([]);
    expect($(m.container, '[data-testid="access-banner"]').textContent).toContain('chrome-error://');
    m.unmount();
  });
});
