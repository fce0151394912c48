/**
 * The background's answer to each request of the protocol (see lib/protocol/messages.ts). The
 * router validates params before a handler runs and turns what it throws into the wire error.
 */
import { PRESET_NAMES, RULES, SEVERITIES, getPreset, resolvePolicy, validatePolicy } from '../policy/index.ts';
import type { BadgeUpdates } from './badge-updates.ts';
import { lookupSession, testCompanion, testConfigFor } from './companion.ts';
import { deleteSession, listSessions, updateSession } from './companion-sessions.ts';
import type { ServiceContext } from './context.ts';
import { createEditHandlers } from './cookie-edit.ts';
import { isSessionCookie } from './cookie-view.ts';
import { decodeToView } from './decode-view.ts';
import { analyzeHarText } from './har.ts';
import type { Panels } from './panels.ts';
import { ProtocolError } from '../protocol/index.ts';
import type { Handlers } from './router.ts';
import { SettingsError, addKey, applyPatch, removeKey, settingsView, type Settings } from './settings.ts';
import { hostOf, timelineKeys } from './site.ts';
import { MAX_EVENTS_PER_SITE } from './timeline.ts';

/** What the handlers need beyond the shared context. */
export interface HandlerDeps {
  panels: Panels;
  badges: BadgeUpdates;
  /** Stores new settings (storage.local) and makes them current. */
  saveSettings(next: Settings): Promise<void>;
  /** fetch, for the companion server. */
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  /** A fresh id for a stored key. */
  newId(): string;
}

function wrapSettingsError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SettingsError) throw new ProtocolError('ERR_BAD_REQUEST', e.message);
    throw e;
  }
}

/**
 * Builds the complete handler map.
 *
 * @example
 * const router = createRouter(createHandlers(ctx, { panels, badges, saveSettings, fetch, newId }));
 */
export function createHandlers(ctx: ServiceContext, deps: HandlerDeps): Handlers {
  const { panels, badges } = deps;
  /** Stores settings; open panels get fresh snapshots (findings and decoded values depend on them). */
  async function saveSettings(next: Settings): Promise<void> {
    await deps.saveSettings(next);
    for (const tabId of ctx.hub.tabs()) void ctx.track(panels.pushSnapshot(tabId));
  }
  return {
    ...createEditHandlers(ctx, panels),
    async 'cookies/list'({ tabId, url }) {
      const info = await ctx.tabs.info(tabId, url);
      const snap = await panels.snapshot(info, { decode: true });
      panels.remember(info, snap);
      return snap;
    },
    async 'session/decode'({ value, cookieName, site }) {
      const settings = ctx.settings();
      const host = hostOf(site ?? null);
      const session = cookieName !== undefined && isSessionCookie(cookieName, host, settings.policy);
      const decodeCtx: Parameters<typeof decodeToView>[1] = { keys: settings.keys, now: ctx.now() };
      if (cookieName !== undefined) decodeCtx.cookieName = cookieName;
      if (session) decodeCtx.maxAge = resolvePolicy(settings.policy, host).maxAge;
      return decodeToView(value, decodeCtx);
    },
    async 'timeline/get'({ site }) {
      const states = await Promise.all(timelineKeys(hostOf(site) || site).map((k) => ctx.store.read(k)));
      const seen = new Set<string>();
      const events = states
        .flatMap((s) => s.timeline.events)
        .filter((e) => !seen.has(e.id) && Boolean(seen.add(e.id)))
        .sort((a, b) => a.at - b.at)
        .slice(-MAX_EVENTS_PER_SITE)
        .map((e) => ({ ...e, site }));
      return { site, events };
    },
    async 'timeline/clear'({ site }) {
      for (const k of timelineKeys(hostOf(site) || site)) await ctx.store.clearTimeline(k);
      return { site, events: [] };
    },
    'settings/get'() {
      return settingsView(ctx.settings());
    },
    async 'settings/set'(patch) {
      await saveSettings(wrapSettingsError(() => applyPatch(ctx.settings(), patch)));
      // A new policy changes every finding: fresh badges too.
      if (patch.policy !== undefined) for (const tabId of ctx.tabs.known()) badges.schedule(tabId);
      return settingsView(ctx.settings());
    },
    async 'keys/add'(input) {
      await saveSettings(wrapSettingsError(() => addKey(ctx.settings(), input, deps.newId())));
      return settingsView(ctx.settings());
    },
    async 'keys/remove'({ id }) {
      await saveSettings(wrapSettingsError(() => removeKey(ctx.settings(), id)));
      return settingsView(ctx.settings());
    },
    async 'permissions/check'({ origin }) {
      return { origin, granted: await ctx.hasAccess(origin) };
    },
    async 'permissions/request'({ origin }) {
      // Only a page's click can show the prompt; from here, open the options page to ask there.
      try {
        return { origin, granted: await ctx.platform.permissions.request(origin) };
      } catch {
        await ctx.platform.tabs.openOptions(`#grant=${encodeURIComponent(origin)}`);
        return { origin, granted: false };
      }
    },
    'companion/lookup'({ key }) {
      return lookupSession(ctx.settings().companion, key, deps.fetch);
    },
    'companion/list'(query) {
      return listSessions(ctx.settings().companion, query, deps.fetch);
    },
    'companion/update'({ key, json }) {
      return updateSession(ctx.settings().companion, key, json, deps.fetch);
    },
    'companion/delete'({ key }) {
      return deleteSession(ctx.settings().companion, key, deps.fetch);
    },
    'policy/validate'({ policy }) {
      const r = validatePolicy(policy);
      return r.ok ? { ok: true, policy: { ...r.policy }, issues: [] } : { ok: false, policy: null, issues: r.issues };
    },
    'policy/catalog'() {
      return {
        presets: PRESET_NAMES.map((name) => ({ name, policy: { ...getPreset(name) } })),
        rules: RULES.map((r) => ({ id: r.id, title: r.title, description: r.description })),
        severities: [...SEVERITIES],
      };
    },
    'har/analyze'({ text }) {
      return analyzeHarText(text, ctx.settings(), ctx.now());
    },
    'companion/test'({ url, token }) {
      const settings = ctx.settings();
      return testCompanion(testConfigFor(settings.companion, { url, token }), deps.fetch);
    },
  };
}
