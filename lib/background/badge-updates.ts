/**
 * Keeps each tab's toolbar badge right: a short delay after a change (a burst of cookie changes
 * makes one update), then the site's findings counted again from the jar.
 */
import type { FindingView } from '../protocol/index.ts';
import { BADGE_COLORS, computeBadge, type BadgeState } from './badge.ts';
import type { ServiceContext } from './context.ts';
import type { Panels } from './panels.ts';
import { originPatternOf } from './site.ts';

/** Schedules badge updates per tab. */
export interface BadgeUpdates {
  /** Updates the tab's badge after the delay; a newer call for the same tab replaces it. */
  schedule(tabId: number): void;
  /** Cancels every pending update. */
  stop(): void;
}

/**
 * Creates the badge scheduler.
 *
 * @example
 * const badges = createBadgeUpdates(ctx, panels, 30);
 * badges.schedule(tabId);
 */
export function createBadgeUpdates(ctx: ServiceContext, panels: Pick<Panels, 'snapshot'>, delay: number): BadgeUpdates {
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  const releases = new Map<number, () => void>();

  async function update(tabId: number): Promise<void> {
    let badge: BadgeState = { text: '', color: BADGE_COLORS.info, title: 'Session Lens' };
    try {
      const info = await ctx.tabs.info(tabId);
      if (info.site && (await ctx.hasAccess(originPatternOf(info.url)))) {
        const snap = await panels.snapshot(info);
        const findings: { severity: FindingView['severity'] }[] = [...snap.cookies.flatMap((c) => c.findings), ...snap.dropped];
        badge = computeBadge(findings);
      }
    } catch {
      return; // the tab is gone
    }
    await ctx.platform.action.setBadge(tabId, badge).catch(() => undefined); // the tab closed meanwhile
  }

  return {
    schedule(tabId) {
      clearTimeout(timers.get(tabId));
      let release: () => void = () => undefined;
      void ctx.track(new Promise<void>((r) => (release = r)));
      timers.set(
        tabId,
        setTimeout(() => {
          timers.delete(tabId);
          void ctx.track(update(tabId)).finally(release);
        }, delay),
      );
      // A superseded timer must not leave its promise pending forever.
      const previous = releases.get(tabId);
      releases.set(tabId, release);
      previous?.();
    },
    stop() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      for (const r of releases.values()) r();
      releases.clear();
    },
  };
}
