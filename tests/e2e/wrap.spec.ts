/**
 * The REAL DevTools panel at 480, 800 and 1600 px wide (DevTools undocked, its window resized):
 * long values and badges wrap inside their boxes (no horizontal overflow of the details pane, the
 * facts, the findings, the timeline, the decoded tree or the top bar), and bidi (U+202E), C0 and
 * C1 control characters show escaped (`\u{202e}`, `\x07`, `\x85`) wherever session data, cookie
 * names and values appear — never raw.
 */
import type { Frame, Page } from '@playwright/test';
import { openDevToolsPanel } from './devtools.ts';
import { expect, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { setPath, withDjango } from './site.ts';

const WIDTHS = [480, 800, 1600] as const;
/** Characters that reorder or hide text: U+202E (right-to-left override), BEL (C0), NEL (C1). */
const RLO = '\u202e';
const HOSTILE = `${RLO}gnp.exe bell\u0007 nel\u0085 end`;
/** One unbroken word, far wider than any panel. */
const LONG_WORD = `long-${'x'.repeat(1500)}`;
/** A cookie name of 301 characters. */
const LONG_NAME = `n${'m'.repeat(300)}`;

/** The boxes that must not scroll sideways, and every badge's overflow past its box, in px. */
async function overflows(panel: Frame): Promise<string[]> {
  return panel.evaluate(() => {
    const out: string[] = [];
    const boxes = [
      '.topbar',
      '.right',
      '[data-testid="details"]',
      '[data-testid="facts"]',
      '[data-testid="findings"]',
      '[data-testid="timeline"]',
      '[data-testid="decoded-tree"]',
    ];
    for (const sel of boxes) {
      for (const el of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
        if (el.scrollWidth > el.clientWidth + 1) out.push(`${sel}: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
      }
    }
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1) out.push('the page scrolls sideways');
    for (const badge of Array.from(document.querySelectorAll<HTMLElement>('.right .badge, .timeline .badge, .topbar .badge'))) {
      const box = badge.parentElement?.closest('dd, li, h2, .topbar, section');
      if (!box) continue;
      const b = badge.getBoundingClientRect();
      const r = box.getBoundingClientRect();
      if (b.right > r.right + 1 || b.left < r.left - 1) out.push(`badge "${badge.textContent?.slice(0, 40)}" sticks out of its ${box.tagName.toLowerCase()}`);
    }
    return out;
  });
}

/** Undocks DevTools (the panel gets the whole window) and sets the window's width. */
async function resize(devtools: Page, width: number): Promise<void> {
  await devtools.setViewportSize({ width, height: 760 });
  await devtools.waitForFunction((w) => Math.abs(window.innerWidth - w) <= 2, width);
}

test('at 480, 800 and 1600 px: values and badges wrap, bidi and control characters show escaped', async ({ context, extensionId }) => {
  test.setTimeout(120_000);
  await withDjango({ engine: 'signed_cookies' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}/login?user=alice`);
    await site.goto(`${dj.url}${setPath('note', HOSTILE)}`);
    await site.goto(`${dj.url}${setPath('long', LONG_WORD)}`);
    await site.goto(`${dj.url}/bad-cookies`);
    // Cookies the page sets itself: a long unbroken value, a bidi value, a long unbroken name.
    await site.evaluate(
      ({ rlo, longName }) => {
        document.cookie = `long_value=${'v'.repeat(3000)}; Path=/`;
        document.cookie = `bidi=${rlo}gnp.exe; Path=/`;
        document.cookie = `${longName}=1; Path=/`;
      },
      { rlo: RLO, longName: LONG_NAME },
    );
    const { devtools, panel: frame } = await openDevToolsPanel(context, site, extensionId);
    await devtools.evaluate(async () => {
      const UI = await import('devtools://devtools/bundled/ui/legacy/legacy.js' as string);
      UI.DockController.DockController.instance().setDockSide('undocked');
    });
    const panel = new SessionsPanel(frame);
    await expect(panel.row('sessionid')).toBeVisible();
    await expect(panel.row('long_value')).toBeVisible();

    for (const width of WIDTHS) {
      await resize(devtools, width);
      // The session: decoded data with the hostile string and the long word, escaped and wrapped.
      await panel.select('sessionid');
      // (A string in the tree is a JSON literal: JSON's own escape for C0, `check`'s for the rest.)
      await expect(panel.tree).toContainText('"\\u{202e}gnp.exe bell\\u0007 nel\\x85 end"');
      await expect(panel.tree).toContainText(LONG_WORD.slice(0, 200));
      expect(await overflows(frame), `session cookie at ${width} px`).toEqual([]);

      // A long unbroken value (shown cut short in the table): the details pane and the site findings stay in their box.
      await panel.select('long_value');
      await expect(panel.fact('size')).toContainText('3010 bytes');
      expect(await overflows(frame), `long value at ${width} px`).toEqual([]);
      await panel.showSiteFindings();
      await expect(panel.findings.locator('.finding').first()).toBeVisible();
      expect(await overflows(frame), `site findings at ${width} px`).toEqual([]);

      // A long unbroken name: the details heading wraps it.
      await panel.select(LONG_NAME);
      await expect(panel.details.locator('h2')).toContainText(LONG_NAME);
      expect(await overflows(frame), `long name at ${width} px`).toEqual([]);

      // A bidi value: escaped in the table, never raw anywhere in the panel.
      const bidi = panel.row('bidi');
      await expect(bidi.locator('.ct-value')).toHaveText('\\u{202e}gnp.exe');
      await panel.select('bidi');
      expect(await overflows(frame), `bidi value at ${width} px`).toEqual([]);
      // No raw bidi or control character anywhere in the panel's text.
      // eslint-disable-next-line no-control-regex
      expect(await frame.evaluate(() => /[\u202a-\u202e\u2066-\u2069\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(document.body.innerText))).toBe(false);
    }
  });
});
