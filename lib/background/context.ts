/**
 * What the parts of the background service share: the platform, the clock, the settings, the
 * per-site store, the panel ports and the open tabs. Each part (panels, badges, Set-Cookie watch,
 * request handlers) is a small factory over this context, so each can be read and tested alone.
 */
import type { PortHub } from './port-hub.ts';
import type { Platform } from './platform.ts';
import type { Settings } from './settings.ts';
import type { SiteStore } from './site-store.ts';
import type { TabDirectory } from './tabs.ts';

/** The state and services every part of the background reads. */
export interface ServiceContext {
  platform: Platform;
  /** Now, ms since the epoch. */
  now(): number;
  /** Where unexpected errors go (never secrets: only where it happened and the error). */
  onError(where: string, error: unknown): void;
  /** The current settings (policy, keys, companion). */
  settings(): Settings;
  store: SiteStore;
  hub: PortHub;
  tabs: TabDirectory;
  /** Keeps a promise in the set {@link BackgroundHandle.idle} waits for. */
  track<T>(p: Promise<T>): Promise<T>;
  /** True when the extension has host access to the pattern (`null`: no). Never throws. */
  hasAccess(pattern: string | null): Promise<boolean>;
}
