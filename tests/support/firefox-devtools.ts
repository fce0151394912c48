/**
 * The REAL Firefox DevTools panel of an extension, driven over Marionette (marionette.ts) from the
 * chrome context. Node only.
 *
 * These are Firefox internals, not a stable API (seen working with firefox-esr 153): DevTools'
 * `gDevTools` loader, the toolbox's tab elements, the `<browser>` an extension panel lives in,
 * the extension's views in `ExtensionParent`, and Marionette's own `MarionetteCommands` window
 * actor, registered in every window (extension processes too), which evaluates a script in the
 * panel's or the background's document. Every step throws an error that names it, so a Firefox
 * update that moves something says where.
 *
 * @example
 * await openExtensionPanel(ff.marionette, 'Sessions');
 * const title = await inPanel<string>(ff.marionette, 'return document.title;');
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach } from 'vitest';
import type { Marionette } from './marionette.ts';

const RESULTS = resolve(import.meta.dirname, '../../test-results');

/** Imports DevTools' loader in the chrome window (a prelude for chrome scripts). */
const DEVTOOLS = `
  const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
  const { gDevTools } = require('devtools/client/framework/devtools');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const step = (name, value) => { if (!value) throw new Error('Firefox DevTools step failed: ' + name); return value; };
`;

/** The `<browser>` of the selected extension panel, whose page has loaded (a chrome script fragment). */
const PANEL_BROWSER = `
  // The toolbox stays with its tab when another tab is selected.
  const toolbox = step('gDevTools.getToolboxForTab (is the toolbox open?)', gBrowser.tabs.map((t) => gDevTools.getToolboxForTab(t)).find(Boolean));
  const frame = step('toolbox-panel-iframe-webext-devtools-panel-* (is the panel selected?)',
    toolbox.doc.querySelector('iframe[id^="toolbox-panel-iframe-webext-devtools-panel-"]'));
  const panelBrowser = step('the extension panel <browser> in webext-panels.xhtml', frame.contentDocument?.querySelector('browser'));
`;

/**
 * Runs `script` (a function body; a returned promise is awaited; `arguments` are `args`) in the
 * document of a `<browser>` found by `locate` (a chrome script fragment that defines `target`),
 * through Marionette's window actor. Returns the script's JSON-clonable result.
 */
async function inBrowser<T>(m: Marionette, locate: string, script: string, args: unknown[], timeoutMs: number): Promise<T> {
  return m.evaluate<T>(
    `${DEVTOOLS}
     ${locate}
     const wg = step('a window global for ' + target.currentURI?.spec, target.browsingContext?.currentWindowGlobal);
     const actor = step('the MarionetteCommands window actor', wg.getActor('MarionetteCommands'));
     return actor.executeScript(arguments[0], arguments[1], { timeout: arguments[2] });`,
    [script, args, timeoutMs],
    timeoutMs + 5_000,
  );
}

/**
 * Opens the toolbox for the selected tab (docked at the bottom) and selects the extension panel
 * titled `title`; resolves once the panel page has rendered `readySelector`.
 */
export async function openExtensionPanel(m: Marionette, title: string, readySelector = '[data-testid="app"]', timeoutMs = 20_000): Promise<void> {
  await m.setContext('chrome');
  await m.evaluate(
    `${DEVTOOLS}
     const [title, until] = [arguments[0], Date.now() + arguments[1]];
     const toolbox = step('gDevTools.showToolboxForTab', await gDevTools.showToolboxForTab(gBrowser.selectedTab, { hostType: 'bottom' }));
     // Extension panels register a moment after the toolbox opens.
     let tab = null;
     while (!tab && Date.now() < until) {
       tab = [...toolbox.doc.querySelectorAll('.devtools-tab')].find((t) => t.textContent.trim() === title);
       if (!tab) await sleep(50);
     }
     step('a toolbox tab titled ' + title, tab);
     step('toolbox.selectTool', await toolbox.selectTool(tab.id.replace(/^toolbox-tab-/, '')));`,
    [title, timeoutMs],
    timeoutMs + 5_000,
  );
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ready = await inPanel<boolean>(m, 'return document.querySelector(arguments[0]) !== null;', [readySelector]).catch(() => false);
    if (ready) return;
    if (Date.now() > until) throw new Error(`Firefox DevTools step failed: the panel page did not render ${readySelector}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs `script` in the selected extension panel's page (its own window: the DOM, and the
 * extension APIs a DevTools panel has). Needs the chrome context.
 */
export function inPanel<T>(m: Marionette, script: string, args: unknown[] = [], timeoutMs = 10_000): Promise<T> {
  const locate = `${PANEL_BROWSER}
    const target = panelBrowser;
    step('the panel page (still ' + target.currentURI?.spec + ')', target.currentURI?.spec.startsWith('moz-extension:'));`;
  return inBrowser<T>(m, locate, script, args, timeoutMs);
}

/**
 * Runs `script` in the background page of the extension `geckoId` (an event page: where
 * `browser.action` lives). Needs the chrome context.
 */
export function inBackground<T>(m: Marionette, geckoId: string, script: string, args: unknown[] = [], timeoutMs = 10_000): Promise<T> {
  const locate = `
    const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
    const ext = step('ExtensionParent.GlobalManager.getExtension(${JSON.stringify(geckoId)})',
      ExtensionParent.GlobalManager.getExtension(${JSON.stringify(geckoId)}));
    const view = step('the extension\\'s background view (is the event page suspended?)',
      [...ext.views].find((v) => v.viewType === 'background'));
    const target = step('the background page <browser>', view.xulBrowser);`;
  return inBrowser<T>(m, locate, script, args, timeoutMs);
}

/**
 * Waits for Firefox's own extension permission prompt (the doorhanger `permissions.request` opens)
 * and accepts it, as the user's "Allow" would. Needs the chrome context. Returns the prompt's text.
 */
export function acceptPermissionPrompt(m: Marionette, timeoutMs = 10_000): Promise<string> {
  return m.evaluate<string>(
    `${DEVTOOLS}
     const until = Date.now() + arguments[0];
     let prompt = null;
     while (!prompt && Date.now() < until) {
       prompt = PopupNotifications.getNotification('addon-webext-permissions', gBrowser.selectedBrowser);
       if (!prompt) await sleep(50);
     }
     step('the addon-webext-permissions prompt', prompt);
     const text = PopupNotifications.panel.textContent.replace(/\\s+/g, ' ').trim();
     prompt.mainAction.callback();
     PopupNotifications.remove(prompt);
     return text;`,
    [timeoutMs],
    timeoutMs + 5_000,
  );
}

/**
 * Registers a `beforeEach` (call it inside a describe): a failing test leaves a screenshot of the
 * whole window (page and docked toolbox) in test-results/`prefix`-<test name>.png.
 */
export function screenshotOnFailure(marionette: () => Marionette | undefined, prefix: string): void {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      const png = await marionette()?.screenshot().catch(() => null);
      if (!png) return;
      mkdirSync(RESULTS, { recursive: true });
      writeFileSync(join(RESULTS, `${prefix}-${task.name.replace(/\W+/g, '-').slice(0, 60)}.png`), Buffer.from(png, 'base64'));
    });
  });
}
