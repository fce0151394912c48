/**
 * The session timeline: turns the cookies API's change events for session cookies into
 * created / value-changed / refreshed / rotated / removed / flushed / expired events.
 *
 * How the browser reports things (Chrome and Firefox alike):
 * - a response that sets an existing cookie again: `{ removed: true, cause: 'overwrite' }` for the
 *   old cookie, then `{ removed: false, cause: 'explicit' }` for the new one;
 * - Django's `delete_cookie` (logout, flush): `{ removed: true, cause: 'expired_overwrite' }`;
 * - the expiry passing: `{ removed: true, cause: 'expired' }`; the user or an API: `explicit`.
 *
 * A login cycles the session key (Django `cycle_key`): an opaque key that changes, a signed cookie
 * whose `_auth_user_id` changes, or a session cookie set again within {@link ROTATION_WINDOW_MS}
 * of being removed is a `rotated` event. Pure: the caller supplies {@link SessionFacts} (a hash of
 * the value, never the value) and persists the state.
 *
 * Each event also says what changed in the data (a {@link SessionDiff} of the summaries the facts
 * carry for readable values, masked by the policy) and which request caused it, when known.
 */
import { diffSessions, type SessionDiff, type SessionSummary } from '../policy/index.ts';
import type { TimelineEvent, TimelineKind, TimelineRequest } from '../protocol/index.ts';

/** How long after a removal a new session cookie counts as the same session rotating. */
export const ROTATION_WINDOW_MS = 2_000;
/** Events kept per site (oldest dropped first). */
export const MAX_EVENTS_PER_SITE = 200;
/** Session cookies remembered per site. */
export const MAX_KNOWN_PER_SITE = 50;

/** What the timeline knows about a session cookie's value, without keeping the value. */
export interface SessionFacts {
  /** A hash of the value. */
  fingerprint: string;
  /** `_auth_user_id` when the value is readable (signed cookies), else `null`. */
  user: string | null;
  /** True when the value is an opaque key (db/cache/file engines) or could not be read. */
  opaque: boolean;
  /** Expiry, ms since the epoch; `null` for a browser-session cookie. */
  expires: number | null;
  /** The data's keys, summarised and masked (lib/policy `summarizeSession`), when the value is readable. */
  data?: SessionSummary;
}

/** One change of a session cookie, as the background feeds it in. */
export interface SessionCookieChange {
  /** From the cookies API's OnChangedCause. */
  cause: 'evicted' | 'expired' | 'explicit' | 'expired_overwrite' | 'overwrite';
  removed: boolean;
  /** {@link cookieId} of the cookie. */
  id: string;
  name: string;
  storeId: string;
  facts: SessionFacts;
  /** When, ms since the epoch. */
  at: number;
  /** Browser changes coalesced into this one (a burst), and when the first happened. */
  count?: number;
  firstAt?: number;
  /** The request whose Set-Cookie header made the change, when webRequest saw it. */
  request?: TimelineRequest;
}

/** A site's timeline state: JSON-serialisable, persisted as one storage item. */
export interface SiteTimeline {
  events: TimelineEvent[];
  /** Current session cookies, by id. */
  known: Record<string, SessionFacts & { at: number }>;
  /** The old value of a cookie being overwritten, until the new value arrives. */
  overwriting: Record<string, SessionFacts & { at: number }>;
  /** When a session cookie of this name was last removed (for rotation across delete + set). */
  removedAt: Record<string, number>;
}

/**
 * An empty timeline.
 *
 * @example
 * const state = emptyTimeline();
 */
export function emptyTimeline(): SiteTimeline {
  return { events: [], known: {}, overwriting: {}, removedAt: {} };
}

let counter = 0;
function eventId(at: number): string {
  counter = (counter + 1) % 1_000_000;
  return `${at.toString(36)}-${counter.toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

function describeExpiry(expires: number | null): string {
  return expires === null ? 'until the browser closes' : `until ${new Date(expires).toISOString()}`;
}

function classifySet(prev: (SessionFacts & { at: number }) | undefined, next: SessionFacts, recentlyRemoved: boolean): [TimelineKind, string] | null {
  if (prev) {
    if (prev.fingerprint === next.fingerprint) {
      if (prev.expires === next.expires) return null;
      return ['refreshed', `expiry extended ${describeExpiry(next.expires)}`];
    }
    if (next.opaque && prev.opaque) return ['rotated', 'new session key'];
    if (prev.user === next.user && prev.data && next.data && diffSessions(prev.data, next.data)?.entries.length === 0) {
      return ['refreshed', `re-signed, data unchanged, ${describeExpiry(next.expires)}`];
    }
    if (prev.user !== next.user) {
      if (next.user !== null && prev.user === null) return ['rotated', `login: user ${next.user}`];
      if (next.user === null) return ['rotated', `logout: user ${prev.user} left`];
      return ['rotated', `user changed from ${prev.user} to ${next.user}`];
    }
    return ['value-changed', next.user !== null ? `session data changed (user ${next.user})` : 'session data changed'];
  }
  if (recentlyRemoved) {
    return ['rotated', next.user !== null ? `new session after removal: user ${next.user}` : 'new session key after removal'];
  }
  return ['created', next.user !== null ? `session created: user ${next.user}` : `session created ${describeExpiry(next.expires)}`];
}

function trimRecord<T extends { at: number }>(rec: Record<string, T>, max: number): void {
  const keys = Object.keys(rec);
  if (keys.length <= max) return;
  keys.sort((a, b) => rec[a]!.at - rec[b]!.at);
  for (const k of keys.slice(0, keys.length - max)) delete rec[k];
}

/**
 * Applies one change to a site's timeline (mutating `state`) and returns the event it caused, if any.
 *
 * @example
 * const event = applyChange(state, 'http://localhost:8000', change);
 * if (event) hub.push(tabId, { type: 'timeline/event', tabId, event });
 */
export function applyChange(state: SiteTimeline, site: string, change: SessionCookieChange): TimelineEvent | null {
  const { id, at } = change;
  let result: [TimelineKind, string] | null;
  let diff: SessionDiff | null = null;
  if (change.removed) {
    const prev = state.known[id];
    delete state.known[id];
    if (change.cause === 'overwrite') {
      state.overwriting[id] = { ...(prev ?? change.facts), at };
      return null;
    }
    state.removedAt[change.name] = at;
    result =
      change.cause === 'expired_overwrite'
        ? ['flushed', 'deleted by the server (session flushed / logout)']
        : change.cause === 'expired'
          ? ['expired', 'expired in the browser']
          : change.cause === 'evicted'
            ? ['removed', 'evicted by the browser']
            : ['removed', 'removed'];
    if (prev?.data) diff = diffSessions(prev.data, null);
  } else {
    const pending = state.overwriting[id];
    delete state.overwriting[id];
    const prev = pending ?? state.known[id];
    const removedAt = state.removedAt[change.name];
    const recentlyRemoved = removedAt !== undefined && at - removedAt <= ROTATION_WINDOW_MS;
    delete state.removedAt[change.name];
    state.known[id] = { ...change.facts, at };
    trimRecord(state.known, MAX_KNOWN_PER_SITE);
    result = classifySet(prev, change.facts, recentlyRemoved);
    if (prev?.data || change.facts.data) diff = diffSessions(prev?.data ?? null, change.facts.data ?? null);
  }
  // Stale bookkeeping never outlives the rotation window by much.
  for (const [name, t] of Object.entries(state.removedAt)) if (at - t > ROTATION_WINDOW_MS) delete state.removedAt[name];
  for (const [k, v] of Object.entries(state.overwriting)) if (at - v.at > ROTATION_WINDOW_MS) delete state.overwriting[k];
  if (!result) return null;
  const event: TimelineEvent = {
    id: eventId(at),
    site,
    at,
    kind: result[0],
    cookie: change.name,
    storeId: change.storeId,
    detail: result[1],
  };
  if (change.count !== undefined && change.count > 1) {
    event.count = change.count;
    event.firstAt = change.firstAt ?? at;
  }
  if (diff && (diff.entries.length > 0 || diff.more > 0)) event.diff = diff;
  if (change.request) event.request = change.request;
  state.events.push(event);
  if (state.events.length > MAX_EVENTS_PER_SITE) state.events.splice(0, state.events.length - MAX_EVENTS_PER_SITE);
  return event;
}
