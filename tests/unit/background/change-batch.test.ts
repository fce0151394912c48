/**
 * Cookie changes coalesced per cookie and frame (lib/background/change-batch.ts), on real timers:
 * a burst costs a bounded number of handled changes, each cookie's last value is handled last,
 * the changes counted add up, and a change after a quiet spell is handled on its own.
 */
import { describe, expect, it } from 'vitest';
import { COALESCE_MS, createChangeBatch, type Burst } from '../../../lib/background/change-batch.ts';
import type { CookieChange } from '../../../lib/background/platform.ts';
import { cookie } from '../../support/plain-platform.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function batcher() {
  const handled: { name: string; value: string; removed: boolean; burst: Burst }[] = [];
  const pending = new Set<Promise<unknown>>();
  const batch = createChangeBatch({
    handle: async (change, _at, burst) => {
      handled.push({ name: change.cookie.name, value: change.cookie.value, removed: change.removed, burst });
    },
    ready: Promise.resolve(),
    track: (p) => {
      pending.add(p);
      void p.finally(() => pending.delete(p));
      return p;
    },
    onError: (where, e) => {
      throw new Error(`${where}: ${String(e)}`);
    },
  });
  const idle = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  return { batch, handled, idle };
}

/** What Chrome reports for `document.cookie = name=value` over an existing cookie. */
function overwrite(name: string, old: string, value: string): CookieChange[] {
  return [
    { removed: true, cause: 'overwrite', cookie: cookie({ name, value: old, domain: 'localhost' }) },
    { removed: false, cause: 'explicit', cookie: cookie({ name, value, domain: 'localhost' }) },
  ];
}

describe('change batch', () => {
  it('handles a burst of 1,000 writes in a bounded number of steps, ending on the last value', async () => {
    const { batch, handled, idle } = batcher();
    const N = 1000;
    // 1,000 writes in about 200 ms: 10 writes every 2 ms, as a page's loop would.
    for (let i = 0; i < N; i++) {
      for (const c of overwrite('sessionid', `v${i - 1}`, `v${i}`)) batch.add(c, Date.now());
      if (i % 10 === 9) await sleep(2);
    }
    await sleep(COALESCE_MS * 2);
    await idle();
    const sets = handled.filter((h) => !h.removed);
    expect(sets.at(-1)!.value).toBe(`v${N - 1}`);
    // Every write counted once, in the changes handled alone or in the counts of coalesced ones.
    expect(sets.reduce((n, h) => n + h.burst.count, 0)).toBe(N);
    // One batch's first few changes, then one change per batch while the burst goes on: far fewer
    // steps than writes (a frame is 16 ms; 200 ms of writes is about a dozen batches).
    expect(handled.length).toBeLessThan(60);
    expect(sets.at(-1)!.burst.count).toBeGreaterThan(1);
  });

  it('counts every write when a frame ends between an overwrite’s removal and its new value', async () => {
    const { batch, handled, idle } = batcher();
    const N = 300;
    // The browser reports each write as a removal and an addition; here a frame often ends between them.
    for (let i = 0; i < N; i++) {
      const [removal, addition] = overwrite('sessionid', `v${i - 1}`, `v${i}`);
      batch.add(removal!, Date.now());
      if (i % 3 === 0) await sleep(COALESCE_MS / 2);
      batch.add(addition!, Date.now());
    }
    await sleep(COALESCE_MS * 2);
    await idle();
    // Whatever the batches were, the counts add up to the writes, and the last change is the last value.
    expect(handled.filter((h) => !h.removed).reduce((n, h) => n + h.burst.count, 0)).toBe(N);
    expect(handled.filter((h) => h.removed).every((h) => h.burst.count === 1)).toBe(true);
    expect(handled.at(-1)).toMatchObject({ value: `v${N - 1}`, removed: false });
  });

  it('keeps a few changes of one cookie in order, and another cookie apart', async () => {
    const { batch, handled, idle } = batcher();
    for (const c of overwrite('sessionid', 'a', 'b')) batch.add(c, Date.now());
    batch.add({ removed: false, cause: 'explicit', cookie: cookie({ name: 'theme', value: 'dark', domain: 'localhost' }) }, Date.now());
    await sleep(COALESCE_MS * 2);
    await idle();
    expect(handled.map((h) => [h.name, h.value, h.removed, h.burst.count])).toEqual([
      ['sessionid', 'a', true, 1],
      ['sessionid', 'b', false, 1],
      ['theme', 'dark', false, 1],
    ]);
  });

  it('handles a change after a quiet spell on its own, even right after a burst', async () => {
    const { batch, handled, idle } = batcher();
    for (let i = 0; i < 100; i++) for (const c of overwrite('sessionid', `v${i - 1}`, `v${i}`)) batch.add(c, Date.now());
    await sleep(COALESCE_MS * 4);
    await idle();
    const before = handled.length;
    // A login after the burst: its removal and new key are both handled (a rotation, not a count).
    for (const c of overwrite('sessionid', 'v99', 'login')) batch.add(c, Date.now());
    await sleep(COALESCE_MS * 2);
    await idle();
    expect(handled.slice(before).map((h) => [h.value, h.removed, h.burst.count])).toEqual([
      ['v99', true, 1],
      ['login', false, 1],
    ]);
  });
});
