/**
 * Cookie changes coalesced per cookie: a burst (1,000 document.cookie writes in a second, a site
 * at the per-site limit) costs one pass per cookie per frame, not one per write, so the panel
 * shows the final value right after the last write. A batch is handled in the order its cookies
 * first changed; the next batch waits for this one (bounded work per second).
 */
import type { CookieChange } from './platform.ts';
import { cookieId } from './site.ts';

/**
 * At most one batch per this many ms: about one animation frame. A change after a quiet spell is
 * handled at once (in the next task); changes during a burst gather until the frame is over.
 */
export const COALESCE_MS = 16;

/** Changes of one cookie per batch handled one by one; more are a burst, coalesced. */
export const MAX_SEPARATE_CHANGES = 8;

/** How many changes a handled change stands for, and when the first of them happened. */
export interface Burst {
  count: number;
  firstAt: number;
}

/** One cookie's changes in the batch being gathered. */
interface Pending {
  /** The cookie's changes in this batch, in order, up to {@link MAX_SEPARATE_CHANGES}. */
  changes: { change: CookieChange; at: number }[];
  /** Past that, a burst: only its last change is handled, standing for `count` changes. */
  last?: { change: CookieChange; at: number };
  count: number;
  firstAt: number;
}

/** What the batcher needs from the service. */
export interface ChangeBatchOptions {
  /** Handles one change (resolves when its push is done). */
  handle: (change: CookieChange, at: number, burst: Burst) => Promise<unknown>;
  /** Settles before the first batch (settings loaded). */
  ready: Promise<unknown>;
  /** Tracks a promise, so the service's `idle()` waits for it. */
  track: <T>(p: Promise<T>) => Promise<T>;
  onError: (where: string, e: unknown) => void;
}

/** A running batcher. */
export interface ChangeBatch {
  /** Adds a change made at `at` to the batch, scheduling one if none is. */
  add(change: CookieChange, at: number): void;
  /** Cancels a scheduled batch. */
  stop(): void;
}

/**
 * Coalesces cookie changes per cookie and frame, then hands them to `handle` in order.
 *
 * @example
 * const batch = createChangeBatch({ handle, ready, track: ctx.track, onError });
 * platform.cookies.onChanged((change) => batch.add(change, Date.now()));
 */
export function createChangeBatch({ handle, ready, track, onError }: ChangeBatchOptions): ChangeBatch {
  let batch = new Map<string, Pending>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<unknown> = Promise.resolve();
  /** When the last batch was taken (performance.now()). */
  let lastFlush = -Infinity;

  /**
   * Schedules the next batch: at once after a quiet frame, else when the frame since the last
   * batch is over. Tracked, so `idle()` waits for changes not yet handled.
   */
  function schedule(): void {
    let done: () => void = () => undefined;
    void track(new Promise<void>((r) => (done = r)));
    const wait = Math.max(0, lastFlush + COALESCE_MS - performance.now());
    flushTimer = setTimeout(() => {
      flush();
      done();
    }, wait);
  }

  function flush(): void {
    flushTimer = undefined;
    lastFlush = performance.now();
    flushing = track(
      flushing
        .then(() => ready)
        .then(async () => {
          // Taken when this batch's turn comes: changes made while the previous one ran join it.
          const current = batch;
          batch = new Map();
          for (const p of current.values()) {
            for (const c of p.changes) await handle(c.change, c.at, { count: 1, firstAt: c.at });
            if (p.last) await handle(p.last.change, p.last.at, { count: p.count, firstAt: p.firstAt });
          }
        })
        .catch((e: unknown) => onError('cookies.onChanged', e)),
    );
  }

  return {
    add(change, at) {
      const id = cookieId(change.cookie);
      const prev = batch.get(id);
      // Per cookie and batch, a few changes are handled one by one (a login's removal and new key
      // stay a rotation; an overwrite keeps its order); beyond that only the last, with a count.
      const counts = !(change.removed && change.cause === 'overwrite');
      if (!prev) batch.set(id, { changes: [{ change, at }], count: 0, firstAt: at });
      else if (prev.changes.length < MAX_SEPARATE_CHANGES && !prev.last) prev.changes.push({ change, at });
      else {
        if (!prev.last) prev.firstAt = at;
        prev.last = { change, at };
        if (counts) prev.count++;
      }
      if (flushTimer === undefined) schedule();
    },
    stop() {
      clearTimeout(flushTimer);
    },
  };
}
