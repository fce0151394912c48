/**
 * The whole panel against the real protocol in memory: the background's router and port hub
 * (lib/background) with scripted handlers, the real typed client (lib/protocol/index.ts) over the
 * in-memory transport, the panel's source adapter and <App/>.
 */
import { App } from '../../../components/App.tsx';
import { createPanelSource } from '../../../components/client-source.ts';
import { createClient } from '../../../lib/protocol/index.ts';
import { createMemoryTransport } from '../../support/memory-transport.ts';
import { createPortHub } from '../../../lib/background/port-hub.ts';
import { createRouter, type Handlers } from '../../../lib/background/index.ts';
import { ProtocolError } from '../../../lib/protocol/index.ts';
import type {
  CookieSnapshot,
  CookieView,
  DecodeView,
  TimelineEvent,
} from '../../../lib/protocol/index.ts';
import { $, button, click, flush, mount, press, type } from './helpers.ts';

const SITE = 'http://localhost:8000';
const TAB = 7;

function wireCookie(over: Partial<CookieView> & { name: string }): CookieView {
  return {
    value: 'v',
    domain: 'localhost',
    hostOnly: true,
    path: '/',
    expires: null,
    maxAge: null,
    size: over.name.length + (over.value ?? 'v').length,
    httpOnly: true,
    secure: false,
    sameSite: 'lax',
    partition: null,
    storeId: '0',
    sessionCookie: false,
    findings: [],
    ...over,
  };
}

function setup(opts: { access?: 'granted' | 'missing'; companion?: 'off' | 'down' | 'up' } = {}) {
  const state = {
    snapshot: {
      tabId: TAB,
      url: `${SITE}/`,
      site: SITE,
      originPattern: 'http://localhost/*',
      access: opts.access ?? 'granted',
      cookies: [
        wireCookie({ name: 'csrftoken', value: 'tok', httpOnly: false }),
        wireCookie({
          name: 'sessionid',
          value: 'eyJ1Ijoi',
          sessionCookie: true,
          findings: [
            { cookie: 'sessionid', domain: 'localhost', path: '/', partition: null, rule: 'session-secure', severity: 'high', message: 'No Secure flag', fix: 'SESSION_COOKIE_SECURE = True', source: 'cookie' },
          ],
        }),
      ],
      dropped: [],
      findingCount: 1,
    } as CookieSnapshot,
    timeline: [] as TimelineEvent[],
    decodes: [] as string[],
    /** Values that verify (as if their key had been added in Options). */
    verifies: new Set(['good']),
    permissionRequests: [] as string[],
    lookups: 0,
  };
  const decodeView = (value: string): DecodeView => ({
    format: value.length === 32 ? 'django-session-key' : 'django-signed',
    json: value.length === 32 ? 'null' : JSON.stringify({ user: `<b>${value}</b>`, big: 1 }).replace('"big":1', '"big":12345678901234567890'),
    signature: state.verifies.has(value) ? 'verified' : 'unverified',
    verified: state.verifies.has(value) ? true : null,
    ...(state.verifies.has(value) ? { keyIndex: 0, salt: 'django.contrib.sessions.backends.signed_cookies', algorithm: 'sha256' } : {}),
    compressed: true,
    serializer: 'json',
    timestamp: Date.UTC(2026, 0, 1),
  });
  const notUsed = () => {
    throw new ProtocolError('ERR_BAD_REQUEST', 'not used in this test');
  };
  const handlers: Handlers = {
    'cookies/list': ({ tabId }) => {
      if (tabId !== TAB) throw new ProtocolError('ERR_NO_TAB', `No tab ${tabId}`);
      return state.snapshot;
    },
    'session/decode': ({ value }) => {
      state.decodes.push(value);
      if (value === 'tok') throw new ProtocolError('ERR_UNKNOWN_FORMAT', 'Not a recognised session format');
      return decodeView(value);
    },
    'timeline/get': ({ site }) => ({ site, events: state.timeline }),
    'timeline/clear': ({ site }) => ({ site, events: [] }),
    'settings/get': notUsed,
    'settings/set': notUsed,
    'keys/add': notUsed,
    'keys/remove': notUsed,
    'permissions/check': ({ origin }) => ({ origin, granted: true }),
    'permissions/request': ({ origin }) => {
      state.permissionRequests.push(origin);
      state.snapshot = { ...state.snapshot, access: 'granted' };
      return { origin, granted: true };
    },
    'companion/lookup': ({ key }) => {
      state.lookups++;
      if (opts.companion === 'down') throw new ProtocolError('ERR_COMPANION', 'Companion unreachable: ECONNREFUSED');
      if (opts.companion !== 'up') throw new ProtocolError('ERR_NOT_CONFIGURED', 'No companion configured');
      return { key, found: true, store: 'postgres', expireDate: '2026-02-01T00:00:00Z', expired: false, verified: true, json: '{"_auth_user_id":"1"}' };
    },
    'companion/test': notUsed,
    'companion/list': notUsed,
    'companion/update': notUsed,
    'companion/delete': notUsed,
    'policy/validate': notUsed,
    'policy/catalog': notUsed,
    'session/resign': notUsed,
    'cookies/set': notUsed,
    'cookies/remove': notUsed,
    'cookies/clear': notUsed,
    'cookies/export': notUsed,
    'cookies/import-preview': notUsed,
    'cookies/import': notUsed,
    'har/analyze': notUsed,
  };
  const hub = createPortHub();
  const transport = createMemoryTransport({ router: createRouter(handlers), onConnect: (p) => hub.accept(p) });
  const client = createClient(transport, { requestPermission: async () => undefined });
  const source = createPanelSource(client, TAB);
  return { state, hub, source };
}

function rows(root: ParentNode): string[] {
  return [...root.querySelectorAll<HTMLElement>('.ct-body [role="row"]')].map((r) => r.dataset.cookie ?? '');
}

describe('Sessions panel (App + protocol in memory)', () => {
  it('lists session cookies first, highlighted, and decodes the selected one', async () => {
    const { source } = setup();
    const m = mount(<App tabId={TAB} source={source} theme="dark" />);
    await flush();
    expect($(m.container, '[data-testid="app"]').dataset.theme).toBe('dark');
    expect(rows(m.container)).toEqual(['sessionid', 'csrftoken']);
    expect($(m.container, '.ct-row.session').dataset.cookie).toBe('sessionid');
    // The first session cookie is selected and decoded.
    expect($(m.container, '[aria-selected="true"]').dataset.cookie).toBe('sessionid');
    expect($(m.container, '[data-testid="format"]').textContent).toBe('django-signed · json · compressed');
    expect($(m.container, '[data-testid="signature"]').dataset.state).toBe('unverified');
    // Session data with HTML renders as text; big integers stay exact.
    const tree = $(m.container, '[data-testid="decoded-tree"]');
    expect(tree.querySelector('b')).toBeNull();
    expect(tree.textContent).toContain('"<b>eyJ1Ijoi</b>"');
    expect(tree.textContent).toContain('12345678901234567890');
    // Its findings with their fix.
    expect($(m.container, '[data-testid="details"] [data-testid="findings"]').textContent).toContain('Fix: SESSION_COOKIE_SECURE = True');
    expect($(m.container, '[data-testid="finding-total"]').textContent).toBe('1 finding');
    m.unmount();
  });

  it('moves to another cookie with the keyboard and shows a decode failure calmly', async () => {
    const { source } = setup();
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    press($(m.container, '[role="grid"]'), 'ArrowDown');
    await flush();
    expect($(m.container, '[aria-selected="true"]').dataset.cookie).toBe('csrftoken');
    expect($(m.container, '[data-testid="decode-error"]').textContent).toContain('ERR_UNKNOWN_FORMAT');
    m.unmount();
  });

  it('updates live from pushes: a login rotates the key, the timeline shows it, the value re-decodes', async () => {
    const { state, hub, source } = setup();
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    expect(state.decodes).toEqual(['eyJ1Ijoi']);
    const rotated = wireCookie({ name: 'sessionid', value: 'good', sessionCookie: true });
    hub.push(TAB, { type: 'cookies/changed', tabId: TAB, site: SITE, removed: false, cause: 'explicit', cookie: rotated, findingCount: 0 });
    hub.push(TAB, {
      type: 'timeline/event',
      tabId: TAB,
      event: { id: 'e1', site: SITE, at: Date.UTC(2026, 0, 1, 9, 30), kind: 'rotated', cookie: 'sessionid', storeId: '0', detail: 'login: new session key' },
    });
    await flush();
    expect(state.decodes).toEqual(['eyJ1Ijoi', 'good']);
    expect($(m.container, '[data-testid="signature"]').textContent).toContain('Verified with key 0 (SECRET_KEY)');
    const tl = $(m.container, '[data-testid="timeline"]');
    expect(tl.querySelector('li')?.dataset.kind).toBe('rotated');
    expect(tl.textContent).toContain('login: new session key');
    expect($(m.container, '[data-testid="finding-total"]').textContent).toBe('0 findings');
    // A logout removes the cookie.
    hub.push(TAB, { type: 'cookies/changed', tabId: TAB, site: SITE, removed: true, cause: 'explicit', cookie: rotated, findingCount: 0 });
    await flush();
    expect(rows(m.container)).toEqual(['csrftoken']);
    m.unmount();
  });

  it('shows the decoded view the background pushed with a session cookie, without asking it to decode', async () => {
    const { state, hub, source } = setup();
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    expect(state.decodes).toEqual(['eyJ1Ijoi']);
    const view: DecodeView = { format: 'django-signed', json: '{"_auth_user_id": "9", "big": 18446744073709551616}', signature: 'verified', verified: true, keyIndex: 0, compressed: false, serializer: 'json' };
    const pushed = wireCookie({ name: 'sessionid', value: 'pushed', sessionCookie: true, decoded: { ok: true, view } });
    hub.push(TAB, { type: 'cookies/changed', tabId: TAB, site: SITE, removed: false, cause: 'explicit', cookie: pushed, findingCount: 0 });
    await flush();
    expect(state.decodes).toEqual(['eyJ1Ijoi']); // no second crossing
    expect($(m.container, '[data-testid="signature"]').dataset.state).toBe('verified');
    expect($(m.container, '[data-testid="decoded-tree"]').textContent).toContain('18446744073709551616');
    const failed = wireCookie({ name: 'sessionid', value: 'garbage', sessionCookie: true, decoded: { ok: false, code: 'ERR_UNKNOWN_FORMAT', message: 'Not a session format' } });
    hub.push(TAB, { type: 'cookies/changed', tabId: TAB, site: SITE, removed: false, cause: 'explicit', cookie: failed, findingCount: 0 });
    await flush();
    expect(state.decodes).toEqual(['eyJ1Ijoi']);
    expect($(m.container, '[data-testid="decode-error"]').textContent).toContain('ERR_UNKNOWN_FORMAT');
    m.unmount();
  });

  it('verifies the selected value again after any cookie push (a key added meanwhile), without flashing', async () => {
    const { state, hub, source } = setup();
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    expect($(m.container, '[data-testid="signature"]').dataset.state).toBe('unverified');
    state.verifies.add('eyJ1Ijoi');
    const csrf = wireCookie({ name: 'csrftoken', value: 'tok2', httpOnly: false });
    hub.push(TAB, { type: 'cookies/changed', tabId: TAB, site: SITE, removed: false, cause: 'explicit', cookie: csrf, findingCount: 1 });
    await flush(1);
    // Still showing the previous result while the new one is on its way.
    expect(m.container.querySelector('[data-testid="signature"]')).not.toBeNull();
    await flush();
    expect($(m.container, '[data-testid="signature"]').dataset.state).toBe('verified');
    expect(state.decodes).toEqual(['eyJ1Ijoi', 'eyJ1Ijoi']);
    m.unmount();
  });

  it('reports dropped cookies pushed from Set-Cookie headers', async () => {
    const { hub, source } = setup();
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    hub.push(TAB, {
      type: 'findings',
      tabId: TAB,
      site: SITE,
      dropped: [{ cookie: 'tracker', domain: 'localhost', path: '/', partition: null, rule: 'samesite-none-secure', severity: 'high', message: 'SameSite=None without Secure', fix: 'Add Secure', source: 'dropped' }],
      findingCount: 2,
    });
    await flush();
    expect($(m.container, '[data-testid="finding-total"]').textContent).toBe('2 findings');
    // Deselect (filter the session cookie away) to see the site-wide list.
    type($(m.container, 'input[type="search"]'), 'nomatch');
    await flush();
    const list = $(m.container, '[data-testid="findings"]');
    expect(list.textContent).toContain('dropped by the browser');
    expect(list.textContent).toContain('tracker');
    m.unmount();
  });

  it('Enter opens the details, Escape goes back to the table', async () => {
    const { source } = setup();
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    const grid = $(m.container, '[role="grid"]');
    grid.focus();
    press(grid, 'Enter');
    expect(document.activeElement).toBe($(m.container, '[data-testid="details"]'));
    press($(m.container, '[data-testid="details"]'), 'Escape');
    expect(document.activeElement).toBe(grid);
    m.unmount();
  });

  it('clears the timeline through the background', async () => {
    const { state, source } = setup();
    state.timeline = [
      { id: 'a', site: SITE, at: Date.UTC(2026, 0, 1), kind: 'created', cookie: 'sessionid', storeId: '0', detail: 'session created' },
    ];
    let cleared = 0;
    const handlers = source as { clearTimeline?: () => Promise<void> };
    const original = handlers.clearTimeline!;
    handlers.clearTimeline = async () => {
      cleared++;
      await original();
    };
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    expect($(m.container, '[data-testid="timeline"] li').dataset.kind).toBe('created');
    click(button($(m.container, '[data-testid="timeline"]'), 'Clear'));
    await flush();
    expect(cleared).toBe(1);
    expect(m.container.querySelector('[data-testid="timeline"] li')).toBeNull();
    m.unmount();
  });

  it('filters the table', async () => {
    const { source } = setup();
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    type($(m.container, 'input[type="search"]'), 'csrf');
    await flush();
    expect(rows(m.container)).toEqual(['csrftoken']);
    expect(m.container.querySelector('.filter .count')?.textContent).toBe('1 / 2 cookies');
    m.unmount();
  });

  it('says when it lacks host access and grants it with one click', async () => {
    const { state, source } = setup({ access: 'missing' });
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    click(button(m.container, 'Grant access to http://localhost:8000'));
    await flush();
    expect(state.permissionRequests).toEqual(['http://localhost/*']);
    expect(m.container.querySelector('[data-testid="access-banner"]')).toBeNull();
    m.unmount();
  });

  it.each([
    ['off', 'not configured'],
    ['down', 'unreachable'],
    ['up', 'connected'],
  ] as const)('shows companion data for an opaque key (companion %s)', async (companion, text) => {
    const { state, source } = setup({ companion });
    state.snapshot = {
      ...state.snapshot,
      cookies: [wireCookie({ name: 'sessionid', value: 'a'.repeat(32), sessionCookie: true })],
    };
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush(5);
    const box = $(m.container, '[data-testid="companion"]');
    expect(box.textContent).toContain(text);
    if (companion === 'up') expect(box.textContent).toContain('_auth_user_id: "1"');
    if (companion === 'down') expect(box.textContent).toContain('ECONNREFUSED');
    m.unmount();
  });

  it('looks the server-side session up again after a push, keeping the last answer meanwhile', async () => {
    const { state, hub, source } = setup({ companion: 'up' });
    const key = 'b'.repeat(32);
    state.snapshot = { ...state.snapshot, cookies: [wireCookie({ name: 'sessionid', value: key, sessionCookie: true })] };
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush(5);
    expect(state.lookups).toBe(1);
    const csrf = wireCookie({ name: 'csrftoken', value: 'x' });
    hub.push(TAB, { type: 'cookies/changed', tabId: TAB, site: SITE, removed: false, cause: 'explicit', cookie: csrf, findingCount: 0 });
    await flush(1);
    expect($(m.container, '[data-testid="companion"]').dataset.status).toBe('up');
    await flush(5);
    expect(state.lookups).toBe(2);
    expect($(m.container, '[data-testid="companion"]').textContent).toContain('_auth_user_id');
    m.unmount();
  });

  it('shows the panel layout at once, with the table saying it is loading', async () => {
    const { source } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = { ...source, load: async () => (await gate, source.load()) };
    const m = mount(<App tabId={TAB} source={slow} theme="light" />);
    await flush();
    expect($(m.container, '[role="grid"]').textContent).toContain('Loading cookies…');
    expect($(m.container, '[data-testid="finding-total"]').textContent).toBe('… findings');
    release();
    await flush();
    expect(rows(m.container)).toEqual(['sessionid', 'csrftoken']);
    m.unmount();
  });

  it('shows the load error instead of a blank panel', async () => {
    const { source } = setup();
    const bad = { ...source, load: () => Promise.reject(new Error('No tab 7')) };
    const m = mount(<App tabId={TAB} source={bad} theme="light" />);
    await flush();
    expect(m.container.textContent).toContain('Could not load the cookies of tab 7: No tab 7');
    m.unmount();
  });
});

describe('Sessions panel site view', () => {
  it('shows every finding of the site from the findings button, and back', async () => {
    const { source } = setup();
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    click($(m.container, '[data-testid="finding-total"]'));
    expect($(m.container, '[data-testid="findings"] h3').textContent).toBe('Findings for this site (1)');
    expect(m.container.querySelector('[data-testid="details"]')).toBeNull();
    click($(m.container, '.ct-row.session'));
    expect($(m.container, '[data-testid="details"]')).toBeTruthy();
    m.unmount();
  });
});

describe('Sessions panel findings per cookie', () => {
  it('two sessionid cookies at / and /app do not share findings', async () => {
    const { state, source } = setup();
    const f = (path: string, rule: string) =>
      ({ cookie: 'sessionid', domain: 'localhost', path, partition: null, rule, severity: 'high', message: `${rule} at ${path}`, fix: 'x', source: 'cookie' }) as const;
    state.snapshot = {
      ...state.snapshot,
      cookies: [
        wireCookie({ name: 'sessionid', path: '/', value: 'root', sessionCookie: true, findings: [f('/', 'secure-missing')] }),
        wireCookie({ name: 'sessionid', path: '/app', value: 'app', sessionCookie: true, findings: [f('/app', 'httponly-missing'), f('/app', 'samesite-missing')] }),
      ],
      findingCount: 3,
    };
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush(5);
    const shown = () => [...m.container.querySelectorAll<HTMLElement>('[data-testid="details"] .finding')].map((e) => e.dataset.rule);
    const sessionRows = [...m.container.querySelectorAll<HTMLElement>('.ct-body [role="row"][data-cookie="sessionid"]')];
    expect(sessionRows).toHaveLength(2);
    // The table's per-row counts are per cookie too.
    expect(sessionRows.map((r) => r.querySelector('.finding-count')?.getAttribute('aria-label')).sort()).toEqual(['1 finding', '2 findings']);
    for (const row of sessionRows) {
      click(row);
      await flush();
      const path = $(m.container, '[data-testid="fact-path"]').textContent;
      expect(shown().sort()).toEqual(path === '/app' ? ['httponly-missing', 'samesite-missing'] : ['secure-missing']);
    }
    m.unmount();
  });

  it('a site it cannot read never shows a green "0 findings"', async () => {
    const { state, source } = setup({ access: 'missing' });
    state.snapshot = { ...state.snapshot, cookies: [], findingCount: 0 };
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    const total = $(m.container, '[data-testid="finding-total"]');
    expect(total.textContent).toBe('no access');
    expect(total.className).not.toContain('ok');
    m.unmount();
  });

  it('counts in words: "1 finding", "1 cookie"', async () => {
    const { state, source } = setup();
    state.snapshot = { ...state.snapshot, cookies: state.snapshot.cookies.slice(1) };
    const m = mount(<App tabId={TAB} source={source} theme="light" />);
    await flush();
    expect($(m.container, '[data-testid="finding-total"]').textContent).toBe('1 finding');
    expect($(m.container, '.filter .count').textContent).toBe('1 cookie');
    m.unmount();
  });
});
