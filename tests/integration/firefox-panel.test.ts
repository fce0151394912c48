/**
 * The REAL Firefox DevTools panel, end to end: Debian's firefox-esr, headless, started with
 * `--marionette`; the Firefox build installed as a temporary add-on; the toolbox opened on a real
 * page with `gDevTools.showToolboxForTab` and the "Sessions" tool selected; the panel's own
 * document read through Marionette (tests/support/firefox-devtools.ts).
 *
 * - decode: the real Django fixture site (signed_cookies) logs in; the panel shows the session
 *   decoded, unverified, and verified once the SECRET_KEY is stored;
 * - live update: the page fetches /set, Django sets a new session value: the panel shows it;
 * - navigation: the same tab goes from 127.0.0.1:A to localhost:B and back: within a second the
 *   panel shows the new site's cookies, and never the other site's;
 * - badge: `browser.action.getBadgeText({ tabId })`, evaluated in the extension's background
 *   page, matches the findings count the panel shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type TestSite } from '../e2e/servers.ts';
import { DJANGO_SECRET_KEY, startDjango, type DjangoServer } from '../support/django.ts';
import { buildFirefoxExtension, GECKO_ID, startAll, type FirefoxBuild } from '../support/firefox.ts';
import { acceptPermissionPrompt, inBackground, inPanel, openExtensionPanel, screenshotOnFailure } from '../support/firefox-devtools.ts';
import { launchFirefox, type FirefoxInstance, type Marionette } from '../support/marionette.ts';

const UUID = '6b1e0c3a-2f47-4d8e-a5c9-71d3e0f4b826';
const EXT_ORIGIN = `moz-extension://${UUID}`;
/** The target for showing the new site after a navigation, and for a burst's final value. */
const TARGET_MS = 1000;
/**
 * How long the test waits: three times the target. The figures against the target are logged
 * (measured: under 200 ms for a navigation on a loaded 2-core machine); the target itself is held
 * by `npm run bench -- panel`, so a CI machine busy with other suites cannot make this flake.
 */
const NEW_SITE_MS = 3 * TARGET_MS;
/** How long a change the browser already made may take to reach the panel. */
const LIVE_MS = 3000;

/** What the panel shows, read from its document. */
interface PanelState {
  origin: string;
  site: string | null;
  total: string | null;
  banner: string | null;
  bannerText: string | null;
  rows: { name: string; value: string }[];
  selected: string | null;
  format: string | null;
  signature: string | null;
  signatureText: string | null;
  tree: string | null;
}

const READ_STATE = `
  const q = (s) => document.querySelector(s);
  const details = q('[data-testid="details"]');
  const d = (s) => details?.querySelector(s) ?? null;
  return {
    origin: location.origin,
    site: q('[data-testid="site"]')?.textContent ?? null,
    total: q('[data-testid="finding-total"]')?.textContent ?? null,
    banner: q('[data-testid="access-banner"]')?.dataset.state ?? null,
    bannerText: q('[data-testid="access-banner"]')?.textContent ?? null,
    rows: [...document.querySelectorAll('.ct-body [role="row"]')].map((r) => ({ name: r.dataset.cookie, value: r.querySelector('.ct-value')?.title ?? '' })),
    selected: q('.ct-body [role="row"][aria-selected="true"]')?.dataset.cookie ?? null,
    format: d('[data-testid="format"]')?.textContent ?? null,
    signature: d('[data-testid="signature"]')?.dataset.state ?? null,
    signatureText: d('[data-testid="signature"]')?.textContent ?? null,
    tree: d('[data-testid="decoded-tree"]')?.textContent ?? null,
  };`;

let ff: FirefoxInstance;
let m: Marionette;
let build: FirefoxBuild;
let django: DjangoServer;
let siteB: TestSite;
/** A site on 127.0.0.2: a host the extension has no access to. */
let siteC: TestSite;
/** The inspected tab's id, as the extension knows it. */
let tabId: number;

const B_SESSION = 'b-session-key-0123456789abcdefghij';

beforeAll(async () => {
  build = buildFirefoxExtension();
  await startAll([
    startDjango({ engine: 'signed_cookies' }).then((d) => (django = d)),
    // Site B on localhost (another cookie host than 127.0.0.1): its own session cookie, readable by
    // page scripts (a finding), and a cookie only it sets.
    startSite({
      listen: '127.0.0.1',
      host: 'localhost',
      title: 'b',
      setCookies: ['site_b=1; Path=/; SameSite=Lax', `sessionid=${B_SESSION}; Path=/; SameSite=Lax`],
    }).then((s) => (siteB = s)),
    startSite({ listen: '127.0.0.2', title: 'c', setCookies: ['site_c=1; Path=/', 'sessionid=c-session-key-0123456789abcdef; Path=/'] }).then((s) => (siteC = s)),
    launchFirefox({ prefs: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }) } }).then((f) => (ff = f)),
  ]);
  m = ff.marionette;
  expect(await m.installAddon(build.extDir)).toBe(GECKO_ID);
  await m.setContext('content');
  await m.navigate(`${django.url}/login?user=alice`);
  await openExtensionPanel(m, 'Sessions');
  tabId = await inPanel<number>(m, 'return browser.devtools.inspectedWindow.tabId;');
});

afterAll(async () => {
  await Promise.allSettled([ff?.close(), django?.stop(), siteB?.close(), siteC?.close()]);
  build?.cleanup();
});

const panelState = () => inPanel<PanelState>(m, READ_STATE);

/**
 * Polls the panel until `ok(state)`; returns the state and how long it took. `never` is checked on
 * every state seen on the way: a stale site shown even briefly fails the test.
 */
async function waitForPanel(
  what: string,
  ok: (s: PanelState) => boolean,
  timeoutMs: number,
  never?: (s: PanelState) => string | false,
): Promise<{ state: PanelState; ms: number }> {
  const start = Date.now();
  let state = await panelState();
  for (;;) {
    const bad = never?.(state);
    if (bad) throw new Error(`${what}: ${bad}\n${JSON.stringify(state, null, 1)}`);
    if (ok(state)) return { state, ms: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms; the panel shows\n${JSON.stringify(state, null, 1)}`);
    await new Promise((r) => setTimeout(r, 25));
    state = await panelState();
  }
}

/** Samples the panel for `ms`: `never` must hold on every state seen. */
async function holdPanel(what: string, ms: number, never: (s: PanelState) => string | false): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const state = await panelState();
    const bad = never(state);
    if (bad) throw new Error(`${what}: ${bad}\n${JSON.stringify(state, null, 1)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Navigates the inspected tab (content context) and returns to the chrome context. */
async function navigate(url: string): Promise<void> {
  await m.setContext('content');
  try {
    await m.navigate(url);
  } finally {
    await m.setContext('chrome');
  }
}

/** The value of a cookie as Firefox stores it (the cookie service, chrome context). */
function storedCookie(host: string, name: string): Promise<string | null> {
  return m.evaluate<string | null>(
    `return Services.cookies.getCookiesFromHost(arguments[0], {}).find((c) => c.name === arguments[1])?.value ?? null;`,
    [host, name],
  );
}

const valueOf = (s: PanelState, name: string) => s.rows.find((r) => r.name === name)?.value;

/** How many key rotations the panel's timeline shows, each merged row ("×500") counted in full. */
const rotatedCount = () =>
  inPanel<number>(
    m,
    `return [...document.querySelectorAll('[data-testid="timeline"] li[data-kind="rotated"]')].reduce((n, li) => n + Number(li.dataset.count ?? '1'), 0);`,
  );

describe('the real Firefox DevTools panel', () => {
  screenshotOnFailure(() => m, 'firefox-panel');

  it('is our extension page, inspecting the tab', async () => {
    const s = await panelState();
    expect(s.origin).toBe(EXT_ORIGIN);
    expect(tabId).toBeGreaterThan(0);
  });

  it('decodes the Django signed session, unverified, then verified once the SECRET_KEY is stored', async () => {
    const cookie = await storedCookie('127.0.0.1', 'sessionid');
    expect(cookie).toMatch(/:/);
    const { state } = await waitForPanel('the decoded session', (s) => valueOf(s, 'sessionid') === cookie && s.tree !== null, LIVE_MS);
    expect(state).toMatchObject({ site: django.url, selected: 'sessionid', signature: 'unverified', banner: null });
    expect(state.format).toContain('django-signed');
    expect(state.tree).toContain('_auth_user_id');

    // Store the key the way the Options page does; the panel re-verifies what it shows.
    const added = await inPanel<{ ok: boolean }>(m, 'return browser.runtime.sendMessage(arguments[0]);', [
      { type: 'keys/add', key: DJANGO_SECRET_KEY, label: 'fixture' },
    ]);
    expect(added.ok).toBe(true);
    const verified = await waitForPanel('verified after keys/add', (s) => s.signature === 'verified', LIVE_MS);
    expect(verified.state.signatureText).toContain('fixture');
    expect(verified.state.signatureText).toContain('django.contrib.sessions.backends.signed_cookies');
  });

  it('shows the new session value live when the page makes Django set one', async () => {
    const before = await storedCookie('127.0.0.1', 'sessionid');
    await m.setContext('content');
    const status = await m.evaluate<number>(`return (await fetch('/set?key=cart&value=' + encodeURIComponent('[1,2,3]'))).status;`);
    await m.setContext('chrome');
    expect(status).toBe(200);
    const after = await storedCookie('127.0.0.1', 'sessionid');
    expect(after).not.toBe(before);
    const { state, ms } = await waitForPanel('the new session value', (s) => valueOf(s, 'sessionid') === after && (s.tree ?? '').includes('cart'), LIVE_MS);
    console.info(`firefox panel: live update shown ${ms} ms after the response`);
    expect(state.signature).toBe('verified');
  });

  it('follows the tab from 127.0.0.1:A to localhost:B and back within a second, never showing the other site', async () => {
    const aSession = await storedCookie('127.0.0.1', 'sessionid');
    const showsA = (s: PanelState) => s.site === django.url && valueOf(s, 'sessionid') === aSession && !s.rows.some((r) => r.name === 'site_b');
    const showsB = (s: PanelState) => s.site === siteB.url && valueOf(s, 'sessionid') === B_SESSION && s.rows.some((r) => r.name === 'site_b');
    const aOnB = (s: PanelState) => (s.site === siteB.url && s.rows.some((r) => r.value === aSession) ? "site A's session shown for site B" : false);
    const bOnA = (s: PanelState) => (s.site === django.url && s.rows.some((r) => r.name === 'site_b') ? "site B's cookie shown for site A" : false);
    const figures: number[] = [];
    for (let round = 0; round < 2; round++) {
      await navigate(`${siteB.url}/`);
      figures.push((await waitForPanel(`round ${round}: site B`, showsB, NEW_SITE_MS, aOnB)).ms);
      // A late answer for the old site must not replace it.
      await holdPanel('site B, still', 300, (s) => aOnB(s) || (showsB(s) ? false : 'site B no longer shown'));
      await navigate(`${django.url}/`);
      figures.push((await waitForPanel(`round ${round}: site A`, showsA, NEW_SITE_MS, bOnA)).ms);
    }
    console.info(`firefox panel: new site shown ${figures.join(', ')} ms after each navigation loaded (target ≤ ${TARGET_MS})`);
  });

  it('a host without access shows "no access — grant" (never the previous site); about:blank an honest empty state', async () => {
    await navigate(`${django.url}/`);
    await waitForPanel('site A', (s) => s.site === django.url && s.rows.length > 0, NEW_SITE_MS);
    await navigate(`${siteC.url}/`);
    const { state } = await waitForPanel('no access to site C', (s) => s.banner === 'no-access', NEW_SITE_MS, (s) =>
      s.rows.length > 0 && s.site !== django.url ? `cookies shown for ${s.site}` : false,
    );
    expect(state.bannerText).toContain(`no access to ${siteC.url}`);
    expect(state.bannerText).toContain(`Grant access to ${siteC.url}`);
    await holdPanel('no access, still', 300, (s) => (s.rows.length > 0 ? 'cookies shown on a host without access' : s.total !== 'no access' ? `the total reads ${s.total}` : false));
    expect(await inBackground<string>(m, GECKO_ID, 'return browser.action.getBadgeText({ tabId: arguments[0] });', [tabId])).toBe('');

    await navigate(`${django.url}/`);
    await waitForPanel('site A again', (s) => s.site === django.url && s.rows.length > 0, NEW_SITE_MS);
    await navigate('about:blank');
    await waitForPanel('about:blank', (s) => s.banner === 'not-a-site' && s.rows.length === 0 && s.total === 'no site', NEW_SITE_MS);
  });

  it("grants a host from the panel: Firefox panels cannot ask, so Options asks, Firefox prompts, and the open panel shows the site", async () => {
    await navigate(`${siteC.url}/`);
    await waitForPanel('no access to site C', (s) => s.banner === 'no-access', NEW_SITE_MS);
    await inPanel(m, `document.querySelector('[data-testid="access-banner"] button').click();`);
    await m.setContext('content');
    const siteTab = await m.windowHandle();
    const until = Date.now() + LIVE_MS;
    let handles = await m.windowHandles();
    while (handles.length < 2 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      handles = await m.windowHandles();
    }
    const optionsTab = handles.find((h) => h !== siteTab);
    expect(optionsTab, 'the Options page opened in a tab').toBeDefined();
    await m.switchToWindow(optionsTab!);
    try {
      // A new tab is about:blank until its page commits: wait for the Options page and its grant button.
      const expected = `${EXT_ORIGIN}/options.html#grant=${encodeURIComponent('http://127.0.0.2/*')}`;
      const loaded = Date.now() + 10_000;
      let url = await m.currentUrl();
      while (Date.now() < loaded && (url !== expected || !(await m.evaluate<boolean>("return !!document.querySelector('.opt-grant button');")))) {
        await new Promise((r) => setTimeout(r, 100));
        url = await m.currentUrl();
      }
      expect(url).toBe(expected);
      await m.click('.opt-grant button'); // a real click: permissions.request needs the user's gesture
      await m.setContext('chrome');
      const prompt = await acceptPermissionPrompt(m);
      expect(prompt).toContain('127.0.0.2');
      await m.setContext('content');
      expect(await m.text('.opt-grant')).toContain('can now read cookies on http://127.0.0.2/*');
    } finally {
      // Whatever happened, the Options tab goes and the site's tab is current again for the next test.
      await m.setContext('content');
      await m.closeWindow();
      await m.switchToWindow(siteTab);
      await m.setContext('chrome');
    }
    // The open panel follows the grant (a push from the background), no reopening.
    const { state } = await waitForPanel('site C after the grant', (s) => s.banner === null && s.rows.some((r) => r.name === 'site_c'), LIVE_MS);
    expect(state.site).toBe(siteC.url);
  });

  it("the toolbar badge (browser.action.getBadgeText in the background) matches the panel's findings count", async () => {
    const badge = () => inBackground<string>(m, GECKO_ID, 'return browser.action.getBadgeText({ tabId: arguments[0] });', [tabId]);
    const count = (s: PanelState) => /^(\d+) findings?$/.exec(s.total ?? '')?.[1];
    for (const url of [`${siteB.url}/`, `${django.url}/`]) {
      await navigate(url);
      const { state } = await waitForPanel(`findings of ${url}`, (s) => s.site === new URL(url).origin && count(s) !== undefined, NEW_SITE_MS);
      const n = count(state)!;
      const until = Date.now() + LIVE_MS;
      let text = await badge();
      while (text !== (n === '0' ? '' : n) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        text = await badge();
      }
      expect({ url, badge: text }).toEqual({ url, badge: n === '0' ? '' : n });
      // Site B's session cookie lacks HttpOnly: there is something to count there.
      if (url.startsWith(siteB.url)) expect(Number(n)).toBeGreaterThan(0);
    }
  });

  it('a burst of 1,000 session cookie writes: the final value within a second of the last, a responsive panel, one merged timeline row', async () => {
    const N = 1000;
    await navigate(`${siteB.url}/`);
    await waitForPanel('site B', (s) => s.site === siteB.url && valueOf(s, 'sessionid') === B_SESSION, NEW_SITE_MS);
    const rotatedBefore = await rotatedCount();
    const final = `burst-${N - 1}`;
    // Inside the panel: when the final value first appears (a MutationObserver), and the longest
    // gap of a 20 ms timer, i.e. how long the panel's main thread was ever busy.
    await inPanel(
      m,
      `const final = arguments[0];
       const watch = (window.__burstWatch = { shownAt: 0, maxGap: 0 });
       const check = () => {
         const v = document.querySelector('.ct-body [role="row"][data-cookie="sessionid"] .ct-value')?.title;
         if (!watch.shownAt && v === final) watch.shownAt = Date.now();
       };
       watch.observer = new MutationObserver(check);
       watch.observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
       let last = performance.now();
       watch.timer = setInterval(() => { const now = performance.now(); watch.maxGap = Math.max(watch.maxGap, now - last); last = now; }, 20);`,
      [final],
    );
    // The page writes document.cookie 1,000 times over about a second, on its own.
    await m.setContext('content');
    await m.evaluate(
      `const [n] = arguments;
       window.__burst = { last: 0 };
       (async () => {
         for (let i = 0; i < n; i++) {
           document.cookie = 'sessionid=burst-' + i + '; Path=/; SameSite=Lax';
           if (i % 10 === 9) await new Promise((r) => setTimeout(r, 10));
         }
         window.__burst.last = Date.now();
       })();`,
      [N],
    );
    await m.setContext('chrome');
    let seen = { shownAt: 0, maxGap: 0 };
    for (const start = Date.now(); !seen.shownAt && Date.now() - start < 30_000; ) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await inPanel(m, 'return { shownAt: window.__burstWatch.shownAt, maxGap: Math.round(window.__burstWatch.maxGap) };');
    }
    await inPanel(m, 'clearInterval(window.__burstWatch.timer); window.__burstWatch.observer.disconnect();');
    await m.setContext('content');
    const last = await m.evaluate<number>('return window.__burst.last;');
    await m.setContext('chrome');
    expect(seen.shownAt, `the panel never showed ${final}`).toBeGreaterThan(0);
    expect(last, 'the burst finished').toBeGreaterThan(0);
    console.info(
      `firefox panel: burst of ${N}: final value shown ${seen.shownAt - last} ms after the last write (target ≤ ${TARGET_MS}); longest panel main-thread gap ${seen.maxGap} ms`,
    );
    expect(seen.shownAt - last).toBeLessThanOrEqual(NEW_SITE_MS);
    expect(seen.maxGap).toBeLessThan(NEW_SITE_MS);
    // Every write is one rotation of the session key, merged into rows that count them.
    const until = Date.now() + LIVE_MS;
    let rotated = await rotatedCount();
    while (rotated - rotatedBefore < N && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      rotated = await rotatedCount();
    }
    expect(rotated - rotatedBefore).toBe(N);
    const rows = await inPanel<number>(m, `return document.querySelectorAll('[data-testid="timeline"] li[data-kind="rotated"]').length;`);
    expect(rows).toBeLessThanOrEqual(3);
  });

  it("follows the DevTools theme live, and its buttons open Options, the full-window panel and the decoder in tabs", async () => {
    const theme = () => inPanel<string>(m, `return document.querySelector('[data-testid="app"]').dataset.theme;`);
    const setTheme = (name: string) => m.evaluate(`Services.prefs.setCharPref('devtools.theme', arguments[0]);`, [name]);
    const waitTheme = async (want: string) => {
      const until = Date.now() + LIVE_MS;
      let got = await theme();
      while (got !== want && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        got = await theme();
      }
      expect(got).toBe(want);
    };
    try {
      await setTheme('dark');
      await waitTheme('dark');
      await setTheme('light');
      await waitTheme('light');
    } finally {
      await setTheme('auto');
    }

    const tabUrls = () => m.evaluate<string[]>(`return gBrowser.tabs.map((t) => t.linkedBrowser.currentURI.spec);`);
    const before = await tabUrls();
    const opened: string[] = [];
    try {
      for (const [label, path] of [
        ['Options', '/options.html'],
        ['Open in tab', `/devtools-panel.html?tabId=${tabId}`],
        ['Paste & decode', '/decode.html'],
      ] as const) {
        await inPanel(m, `[...document.querySelectorAll('button')].find((b) => b.textContent.trim() === arguments[0]).click();`, [label]);
        const until = Date.now() + LIVE_MS;
        let urls = await tabUrls();
        while (!urls.includes(`${EXT_ORIGIN}${path}`) && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 50));
          urls = await tabUrls();
        }
        expect(urls, label).toContain(`${EXT_ORIGIN}${path}`);
        opened.push(`${EXT_ORIGIN}${path}`);
      }
    } finally {
      // Close what the buttons opened; the inspected tab (with the toolbox) stays selected.
      await m.evaluate(
        `for (const t of [...gBrowser.tabs]) if (!arguments[0].includes(t.linkedBrowser.currentURI.spec)) gBrowser.removeTab(t);`,
        [before],
      );
    }
    expect(await tabUrls()).toEqual(before);
  });
});
