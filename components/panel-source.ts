/**
 * What the panel needs from the extension, as one interface. Components never call `browser.*`:
 * the panel entry implements this over the background's message protocol and port, and tests
 * implement it in memory.
 */
import type { PanelEditSource } from './edit-source.ts';
import type {
  CompanionListing,
  CompanionView,
  CookieRow,
  DecodedView,
  PanelSnapshot,
} from './view-model.ts';

/** A push from the background: any part of the snapshot that changed. */
export type PanelUpdate = Partial<PanelSnapshot>;

/** The panel's data source for one inspected tab. */
export interface PanelSource {
  /**
   * The current state of the inspected tab's site. Its result already includes every update
   * emitted to subscribers before it resolves; only later updates are applied on top.
   */
  load(): Promise<PanelSnapshot>;
  /**
   * The inspected page navigated (DevTools' `network.onNavigated`): the panel shows the new page at
   * once (empty, pending) and its site's state as soon as the background answers — never the
   * previous site's.
   */
  navigated?: (url: string) => void;
  /** Listen for pushed changes (no polling). Returns the unsubscribe function. */
  subscribe(listener: (update: PanelUpdate) => void): () => void;
  /** Decode (and verify with the stored keys) a cookie's value. Rejects with `{ code, message }`. */
  decode(cookie: CookieRow): Promise<DecodedView>;
  /** Ask the companion server for an opaque session key; `null` when no companion is configured. */
  companion(key: string): Promise<CompanionView>;
  /** The companion's latest sessions, one user's when `userId` is given ("Sessions" view). */
  companionSessions?: (query: { userId?: string }) => Promise<CompanionListing>;
  /** Rewrite a session's data on a `--allow-write` companion (`json`: the whole dict, exact JSON text). */
  companionUpdate?: (key: string, json: string) => Promise<void>;
  /** Delete a session on a `--allow-write` companion (log it out). */
  companionDelete?: (key: string) => Promise<void>;
  /** Request optional host permission for an origin pattern (called from a click). Resolves to granted. */
  requestAccess(pattern: string): Promise<boolean>;
  /** Forget the site's timeline (here and in the background). */
  clearTimeline?: () => Promise<void>;
  /** Open the same panel full-window in a tab (absent when already full-window). */
  openFullWindow?: () => void;
  /** Open the paste-and-decode page. */
  openDecoder?: () => void;
  /** Open the Options page, at a section (`keys`, or `keys=rails` to add a key of that family) when given. */
  openOptions?: (section?: OptionsSection) => void;
  /** Change the site's cookies (absent where the panel only reads). */
  edit?: PanelEditSource;
}

/** A section of Options to open at: the Keys section, optionally with a key family chosen. */
export type OptionsSection = 'keys' | `keys=${string}`;
