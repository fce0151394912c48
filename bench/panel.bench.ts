/**
 * The Sessions panel in real Chromium (Debian's /usr/bin/chromium, headless).
 *
 * 1. Cookie change → panel updated, with the BUILT extension loaded: in the panel's full-window
 *    view, `chrome.cookies.set` a cookie and time until the table row shows the new value
 *    (background onChanged → policy → port push → zod → render), p50/p95 over ≥ 50 changes.
 *    Reference, same page, interleaved: the cookies API round trip alone (set → onChanged).
 * 2. Rendering 1,000 cookies: Chrome keeps at most 180 cookies per site, so a real site cannot
 *    hold 1,000; the panel's own <App/> (components/App.tsx, bundled here with esbuild) is fed
 *    1,000 rows in memory, timed from render() to the table in the DOM with layout done.
 *    Reference, same page: a bare DOM insertion of the same 1,000 rows × 11 cells.
 *    Also: the built panel loading a real site with 150 cookies (navigation → rows on screen).
 * 3. The gzipped size of the panel's JS in .output/chrome-mv3 (target ≤ 40 kB).
 * 4. A burst in the REAL DevTools panel (opened over CDP): the page writes `sessionid` with
 *    document.cookie 1,000 times in about a second; time from the last write until the panel's
 *    table shows the final value (target ≤ 1 s), over several bursts. Reference, same bursts: when
 *    the cookies API told an extension page about the last write (onChanged). Also the longest
 *    task on the panel's main thread during a burst (responsiveness).
 *
 * `npm run bench panel` (builds the extension first unless SL_BENCH_SKIP_BUILD=1).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { openDevToolsPanel } from '../tests/e2e/devtools.ts';
import { extensionWorker, launchWithExtension } from '../tests/e2e/launch.ts';
import { burstBench } from './panel-burst.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.output/chrome-mv3');
const CHANGES = 60;
const WARMUP = 5;
const RENDER_RUNS = 20;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}
const f = (x: number) => x.toFixed(2);

/** The panel page's JS and CSS, gzipped (what DevTools loads for the panel). */
function panelSize(): { files: { file: string; raw: number; gzip: number }[]; js: number; css: number } {
  const html = readFileSync(join(OUT, 'devtools-panel.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
  const files = refs.map((file) => {
    const buf = readFileSync(join(OUT, file));
    return { file, raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  });
  const sum = (ext: string) => files.filter((x) => x.file.endsWith(ext)).reduce((a, b) => a + b.gzip, 0);
  return { files, js: sum('.js'), css: sum('.css') };
}

/** A page for the site: no cookies of its own (the bench sets them through the cookies API). */
async function startSite(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>bench site</title><p>bench</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

/** esbuild bundle of the real <App/> with an in-memory source, plus the bare-DOM reference. */
async function renderHarness(): Promise<string> {
  const entry = `
import { h, render } from 'preact';
import { App } from './components/App.tsx';
const NOW = Date.now();
function rows(n) {
  return Array.from({ length: n }, (_, i) => {
    const name = 'cookie_' + String(i).padStart(4, '0');
    const value = 'v'.repeat(40) + i;
    return { id: '0||127.0.0.1|/|' + name, name, value, domain: '127.0.0.1', path: '/', expires: NOW + 86400e3,
      size: name.length + value.length, httpOnly: i % 2 === 0, secure: false, sameSite: 'lax', partition: null,
      storeId: '0', isSession: i === 0 };
  });
}
function until(root, test) {
  return new Promise((resolve) => {
    if (test()) return resolve(performance.now());
    const mo = new MutationObserver(() => { if (test()) { mo.disconnect(); resolve(performance.now()); } });
    mo.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}
window.renderApp = async (n) => {
  const root = document.createElement('div');
  root.style.height = '800px';
  document.body.appendChild(root);
  const snapshot = { url: 'http://127.0.0.1/', access: { origin: 'http://127.0.0.1', pattern: 'http://127.0.0.1/*', granted: true },
    cookies: rows(n), findings: [], findingCount: 0, timeline: [] };
  const source = {
    load: () => Promise.resolve(snapshot),
    subscribe: () => () => {},
    decode: () => Promise.resolve({ format: 'django-session-key', data: null, signature: { state: 'none' } }),
    companion: () => Promise.resolve({ status: 'off' }),
    requestAccess: () => Promise.resolve(true),
  };
  const t0 = performance.now();
  render(h(App, { tabId: 1, source, theme: 'light' }), root);
  await until(root, () => root.querySelector('[role="grid"]')?.getAttribute('aria-rowcount') === String(n + 1));
  void root.offsetHeight; // style + layout of what was rendered
  const t1 = performance.now();
  const rendered = root.querySelectorAll('.ct-body [role="row"]').length;
  render(null, root);
  root.remove();
  return { ms: t1 - t0, rendered };
};
window.renderBare = (n) => {
  const data = rows(n);
  const root = document.createElement('div');
  root.style.height = '800px';
  root.style.overflow = 'auto';
  const t0 = performance.now();
  const table = document.createElement('div');
  for (const r of data) {
    const row = document.createElement('div');
    row.className = 'ct-row';
    for (const v of [r.name, r.value, r.domain, r.path, new Date(r.expires).toISOString(), '1 d', String(r.size),
      r.httpOnly ? '✓' : '', r.secure ? '✓' : '', 'Lax', '']) {
      const cell = document.createElement('div');
      cell.className = 'ct-cell';
      cell.textContent = v;
      row.appendChild(cell);
    }
    table.appendChild(row);
  }
  root.appendChild(table);
  document.body.appendChild(root);
  void root.offsetHeight;
  const t1 = performance.now();
  root.remove();
  return t1 - t0;
};
`;
  const result = await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'tsx', sourcefile: 'bench-panel-entry.tsx' },
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const js = result.outputFiles[0]?.text ?? '';
  const css = readFileSync(join(ROOT, 'components/panel.css'), 'utf8');
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body><script>${js.replace(/<\/script/g, '<\\/script')}</script></body></html>`;
}

async function main(): Promise<void> {
  if (process.env.SL_BENCH_SKIP_BUILD !== '1') {
    execFileSync('npx', ['wxt', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  process.env.SL_EXTENSION_DIR = OUT;
  const size = panelSize();
  const site = await startSite();
  const { context, close } = await launchWithExtension();
  const results: Record<string, unknown> = {};
  try {
    // tsx keeps function names with an `__name` helper that evaluated functions carry along.
    await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    const sw = await extensionWorker(context);
    const extId = new URL(sw.url()).host;
    const sitePage = await context.newPage();
    await sitePage.goto(site.url);
    const tabId = await sw.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id ?? -1, site.url);
    if (tabId < 0) throw new Error('no tab for the bench site');

    // ── 1. cookie change → panel updated ────────────────────────────────────────────────────
    const panel = await context.newPage();
    await panel.goto(`chrome-extension://${extId}/devtools-panel.html?tabId=${tabId}`);
    await panel.waitForSelector('[data-testid="cookie-table"]');
    const panelMs: number[] = [];
    const apiMs: number[] = [];
    for (let i = 0; i < CHANGES + WARMUP; i++) {
      const p = await panel.evaluate(
        async ({ i, url }) => {
          const want = `v${i}`;
          const sel = '.ct-body [data-cookie="bench"] .ct-value';
          const shown = () => document.querySelector(sel)?.textContent === want;
          const seen = new Promise<number>((res) => {
            const mo = new MutationObserver(() => {
              if (shown()) {
                mo.disconnect();
                res(performance.now());
              }
            });
            mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
          });
          const t0 = performance.now();
          await chrome.cookies.set({ url, name: 'bench', value: want });
          return (await seen) - t0;
        },
        { i, url: site.url },
      );
      const a = await panel.evaluate(
        async ({ i, url }) => {
          const want = `r${i}`;
          const seen = new Promise<number>((res) => {
            const l = (c: { removed: boolean; cookie: { name: string; value: string } }) => {
              if (!c.removed && c.cookie.name === 'ref' && c.cookie.value === want) {
                chrome.cookies.onChanged.removeListener(l);
                res(performance.now());
              }
            };
            chrome.cookies.onChanged.addListener(l);
          });
          const t0 = performance.now();
          await chrome.cookies.set({ url, name: 'ref', value: want });
          return (await seen) - t0;
        },
        { i, url: site.url },
      );
      if (i >= WARMUP) {
        panelMs.push(p);
        apiMs.push(a);
      }
    }
    results.change = {
      n: panelMs.length,
      panel: { p50: pct(panelMs, 50), p95: pct(panelMs, 95) },
      cookiesApi: { p50: pct(apiMs, 50), p95: pct(apiMs, 95) },
    };
    console.log(`cookie change → panel updated (built extension, ${panelMs.length} changes)`);
    console.log(`  panel       p50 ${f(pct(panelMs, 50))} ms   p95 ${f(pct(panelMs, 95))} ms   (target p95 ≤ 50 ms)`);
    console.log(`  reference   p50 ${f(pct(apiMs, 50))} ms   p95 ${f(pct(apiMs, 95))} ms   cookies API set → onChanged`);
    console.log(`  ratio       p50 ×${f(pct(panelMs, 50) / pct(apiMs, 50))}   p95 ×${f(pct(panelMs, 95) / pct(apiMs, 95))}`);

    // ── 2a. the built panel loading a real site with 150 cookies ─────────────────────────────
    const N_REAL = 150;
    await panel.evaluate(
      async ({ url, n }) => {
        for (let i = 0; i < n; i++) await chrome.cookies.set({ url, name: `c${i}`, value: `value-${i}` });
      },
      { url: site.url, n: N_REAL - 2 },
    );
    const loads: number[] = [];
    const boots: number[] = [];
    for (let run = 0; run < 8; run++) {
      const p = await context.newPage();
      await p.addInitScript(() => {
        const w = window as unknown as { __rowsAt?: number };
        const mo = new MutationObserver(() => {
          const g = document.querySelector('[role="grid"]');
          if (g && Number(g.getAttribute('aria-rowcount')) >= 151 && document.querySelector('.ct-body [role="row"]')) {
            w.__rowsAt = performance.now();
            mo.disconnect();
          }
        });
        mo.observe(document, { subtree: true, childList: true, attributes: true });
      });
      await p.goto(`chrome-extension://${extId}/devtools-panel.html?tabId=${tabId}`);
      await p.waitForFunction(() => (window as unknown as { __rowsAt?: number }).__rowsAt !== undefined);
      const [rowsAt, dcl] = await p.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        return [(window as unknown as { __rowsAt: number }).__rowsAt, nav?.domContentLoadedEventEnd ?? NaN];
      });
      loads.push(rowsAt);
      boots.push(dcl);
      await p.close();
    }
    results.realLoad = { cookies: N_REAL, p50: pct(loads, 50), p95: pct(loads, 95), domContentLoadedP50: pct(boots, 50) };
    console.log(`built panel opened in a tab with ${N_REAL} real cookies (${loads.length} loads)`);
    console.log(`  navigation → rows on screen   p50 ${f(pct(loads, 50))} ms   p95 ${f(pct(loads, 95))} ms`);
    console.log(`  reference: navigation → DOMContentLoaded of the same page   p50 ${f(pct(boots, 50))} ms`);
    console.log(`  after DOMContentLoaded (messaging + policy + render)   p50 ${f(pct(loads, 50) - pct(boots, 50))} ms`);

    // ── 2b. rendering 1,000 cookies ─────────────────────────────────────────────────────────
    const harness = await context.newPage();
    await harness.setViewportSize({ width: 1280, height: 800 });
    await harness.setContent(await renderHarness());
    const appMs: number[] = [];
    const bareMs: number[] = [];
    let rendered = 0;
    let cold = NaN;
    for (let run = 0; run < RENDER_RUNS + 3; run++) {
      const r = await harness.evaluate(() => (window as unknown as { renderApp(n: number): Promise<{ ms: number; rendered: number }> }).renderApp(1000));
      const b = await harness.evaluate(() => (window as unknown as { renderBare(n: number): number }).renderBare(1000));
      if (run === 0) cold = r.ms;
      if (run >= 3) {
        appMs.push(r.ms);
        bareMs.push(b);
        rendered = r.rendered;
      }
    }
    results.render1000 = {
      runs: appMs.length,
      rowsInDom: rendered,
      app: { p50: pct(appMs, 50), p95: pct(appMs, 95), firstColdRun: cold },
      bareDom: { p50: pct(bareMs, 50), p95: pct(bareMs, 95) },
    };
    console.log(`render 1,000 cookies (<App/> in Chromium, ${appMs.length} runs; ${rendered} rows in the DOM, windowed)`);
    console.log(`  panel       p50 ${f(pct(appMs, 50))} ms   p95 ${f(pct(appMs, 95))} ms   (target ≤ 100 ms)`);
    console.log(`  reference   p50 ${f(pct(bareMs, 50))} ms   p95 ${f(pct(bareMs, 95))} ms   bare DOM insertion of 1,000 rows`);
    console.log(`  ratio       p50 ×${f(pct(appMs, 50) / pct(bareMs, 50))}`);
    console.log(`  first (cold) render in a fresh page: ${f(cold)} ms`);

    // ── 4. a burst of 1,000 document.cookie writes, in the real DevTools panel ──────────────
    await panel.close();
    await harness.close();
    results.burst = await burstBench(context, extId, (page) => openDevToolsPanel(context, page, extId));
  } finally {
    await close();
    await site.close();
  }

  // ── 3. size ───────────────────────────────────────────────────────────────────────────────
  results.size = size;
  console.log('panel JS/CSS in .output/chrome-mv3 (gzip -9):');
  for (const x of size.files) console.log(`  ${x.file.padEnd(48)} ${String(x.raw).padStart(7)} B  → ${String(x.gzip).padStart(6)} B`);
  console.log(`  panel JS total ${(size.js / 1024).toFixed(1)} kB gzipped (target ≤ 40 kB); CSS ${(size.css / 1024).toFixed(1)} kB`);

  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/panel.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
