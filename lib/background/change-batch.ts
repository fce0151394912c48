/**
 * Cookie changes coalesced per cookie: a burst (1,000 document.cookie writes in a second, a site
 * at the per-site limit) costs one pass per cookie per frame, not one per write, so the panel
 * shows the final value right after the last write. A batch is handled in the order its cookies
 * first changed; the next batch waits for this one (bounded work per second). A burst that lasts
 * longer than a batch is handled as one change per cookie per batch from then on.
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
  /** Cookies that were a burst in the last batch: while the burst goes on, each batch is one change. */
  let bursting = new Set<string>();

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
          bursting = new Set([...current].flatMap(([id, p]) => (p.last ? [id] : [])));
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
      // A burst that goes on past its batch: the next batch is its last change alone, with a count
      // (one push and at most one timeline event per cookie per frame, however long the burst).
      const goesOn = bursting.has(id) && performance.now() - lastFlush <= 2 * COALESCE_MS;
      if (!prev && !goesOn) batch.set(id, { changes: [{ change, at }], count: 0, firstAt: at });
      else if (prev && prev.changes.length < MAX_SEPARATE_CHANGES && !prev.last) prev.changes.push({ change, at });
      else if (!(change.removed && change.cause === 'overwrite')) {
        // Coalesced: the last change stands for the rest. An overwrite's removal is left out: the
        // new value it makes way for comes next, and carries the count.
        const p = prev ?? { changes: [], count: 0, firstAt: at };
        if (!p.last) p.firstAt = at;
        p.last = { change, at };
        p.count++;
        if (!prev) batch.set(id, p);
      }
      if (flushTimer === undefined) schedule();
    },
    stop() {
      clearTimeout(flushTimer);
    },
  };
}
