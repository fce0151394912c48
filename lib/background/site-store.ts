/**
 * Per-site state that must survive the service worker stopping: the session timeline and the
 * dropped-cookie findings. One storage item per site and kind (`tl:<site>`, `dr:<site>`), an index
 * of sites (`sites`) bounded to {@link MAX_SITES} (least recently used dropped), writes serialised.
 * The storage area is injected (storage.session, or storage.local where there is no session area).
 */
import { z } from 'zod';
import { FindingViewSchema, TimelineEventSchema, type FindingView } from '../protocol/index.ts';
import { emptyTimeline, type SiteTimeline } from './timeline.ts';

/** Sites whose state is kept. */
export const MAX_SITES = 50;

/** The part of a storage area the store uses (browser.storage.session / local). */
export interface KeyValueArea {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

const FactsSchema = z.object({
  fingerprint: z.string(),
  user: z.string().nullable(),
  opaque: z.boolean(),
  expires: z.number().nullable(),
  data: z.record(z.string(), z.object({ text: z.string(), hash: z.string() })).optional(),
  at: z.number(),
});

const SiteTimelineSchema = z.object({
  events: z.array(TimelineEventSchema),
  known: z.record(z.string(), FactsSchema),
  overwriting: z.record(z.string(), FactsSchema),
  removedAt: z.record(z.string(), z.number()),
});

interface SiteState {
  timeline: SiteTimeline;
  dropped: FindingView[];
}

/** Loads, caches and saves per-site state. */
export interface SiteStore {
  /** Runs `fn` on a site's state and saves it; calls for one site run one after another. */
  update<T>(site: string, fn: (state: SiteState) => T | Promise<T>): Promise<T>;
  /** A copy of a site's state (loaded from storage the first time). */
  read(site: string): Promise<SiteState>;
  /** Forgets a site's timeline. */
  clearTimeline(site: string): Promise<void>;
  /** Waits for every pending write. */
  idle(): Promise<void>;
}

/**
 * Creates a store over a storage area.
 *
 * @example
 * const store = createSiteStore(browser.storage.session);
 * await store.update('http://localhost:8000', (s) => applyChange(s.timeline, site, change));
 */
export function createSiteStore(area: KeyValueArea): SiteStore {
  const cache = new Map<string, SiteState>();
  const queues = new Map<string, Promise<unknown>>();
  let index: string[] | null = null;
  let indexQueue: Promise<unknown> = Promise.resolve();

  async function load(site: string): Promise<SiteState> {
    const hit = cache.get(site);
    if (hit) return hit;
    const tl = `tl:${site}`;
    const dr = `dr:${site}`;
    const raw = await area.get([tl, dr]);
    const timeline = SiteTimelineSchema.safeParse(raw[tl]);
    const dropped = z.array(FindingViewSchema).safeParse(raw[dr]);
    const state: SiteState = {
      timeline: timeline.success ? timeline.data : emptyTimeline(),
      dropped: dropped.success ? dropped.data : [],
    };
    cache.set(site, state);
    return state;
  }

  function touch(site: string): Promise<unknown> {
    indexQueue = indexQueue
      .then(async () => {
        if (index === null) {
          const raw = (await area.get(['sites'])).sites;
          index = z.array(z.string()).safeParse(raw).success ? (raw as string[]) : [];
        }
        const next = [...index.filter((s) => s !== site), site];
        const evicted = next.length > MAX_SITES ? next.splice(0, next.length - MAX_SITES) : [];
        index = next;
        await area.set({ sites: next });
        if (evicted.length) {
          for (const s of evicted) cache.delete(s);
          await area.remove(evicted.flatMap((s) => [`tl:${s}`, `dr:${s}`]));
        }
      })
      .catch(() => undefined);
    return indexQueue;
  }

  function enqueue<T>(site: string, job: () => Promise<T>): Promise<T> {
    const prev = queues.get(site) ?? Promise.resolve();
    const run = prev.then(job, job);
    const settled = run.catch(() => undefined);
    queues.set(site, settled);
    void settled.then(() => {
      if (queues.get(site) === settled) queues.delete(site);
    });
    return run;
  }

  return {
    update(site, fn) {
      return enqueue(site, async () => {
        const state = await load(site);
        const result = await fn(state);
        await area.set({ [`tl:${site}`]: state.timeline, [`dr:${site}`]: state.dropped });
        await touch(site);
        return result;
      });
    },
    read(site) {
      return enqueue(site, async () => structuredClone(await load(site)));
    },
    clearTimeline(site) {
      return enqueue(site, async () => {
        const state = await load(site);
        state.timeline = emptyTimeline();
        await area.set({ [`tl:${site}`]: state.timeline });
      });
    },
    async idle() {
      while (queues.size > 0) await Promise.all([...queues.values()]);
      await indexQueue;
    },
  };
}
