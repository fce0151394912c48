/**
 * Pushes on the long-lived port `panel:<tabId>`: the background sends a `cookies/snapshot` as soon
 * as a port connects (other pushes wait behind it, so it always comes first) and again whenever
 * the tab navigates to another site or the policy changes.
 */
import { AccessSchema, CookieSnapshotSchema, CookieViewSchema, FindingViewSchema, TimelineEventSchema } from './views.ts';
import { z } from './zod.ts';

/** Prefix of the long-lived port a panel opens; the tab id follows: `panel:42`. */
export const PANEL_PORT_PREFIX = 'panel:';

/**
 * The port name for a tab.
 *
 * @example
 * browser.runtime.connect({ name: panelPortName(42) }) // 'panel:42'
 */
export function panelPortName(tabId: number): string {
  return `${PANEL_PORT_PREFIX}${tabId}`;
}

/**
 * The tab id in a panel port name, or `null` when the name is not one.
 *
 * @example
 * parsePanelPortName('panel:42') // 42
 */
export function parsePanelPortName(name: string): number | null {
  const m = /^panel:(-?\d{1,12})$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** Why a cookie changed (the cookies API's OnChangedCause). */
export const ChangeCauseSchema = z.enum(['evicted', 'expired', 'explicit', 'expired_overwrite', 'overwrite']);

/** Messages the background pushes on a panel port. */
export const PanelPushSchema = z.discriminatedUnion('type', [
  /** The full state for the tab: on connect and after navigating to another site. */
  z.object({ type: z.literal('cookies/snapshot'), snapshot: CookieSnapshotSchema }),
  /** One cookie of the tab's site changed. */
  z.object({
    type: z.literal('cookies/changed'),
    tabId: z.int(),
    site: z.string(),
    removed: z.boolean(),
    cause: ChangeCauseSchema,
    cookie: CookieViewSchema,
    findingCount: z.int().check(z.nonnegative()),
  }),
  /** A session timeline event for the tab's site. */
  z.object({ type: z.literal('timeline/event'), tabId: z.int(), event: TimelineEventSchema }),
  /** Findings from Set-Cookie headers (dropped cookies included) and the new badge count. */
  z.object({
    type: z.literal('findings'),
    tabId: z.int(),
    site: z.string(),
    dropped: z.array(FindingViewSchema),
    findingCount: z.int().check(z.nonnegative()),
  }),
  /** Host access for the tab's site was granted or removed. */
  z.object({ type: z.literal('access/changed'), tabId: z.int(), access: AccessSchema }),
]);
export type PanelPush = z.infer<typeof PanelPushSchema>;

/**
 * Validates a push received on a panel port; `null` when it is not a valid push.
 *
 * @example
 * port.onMessage.addListener((raw) => { const push = parsePanelPush(raw); if (push) render(push); });
 */
export function parsePanelPush(raw: unknown): PanelPush | null {
  const r = PanelPushSchema.safeParse(raw);
  return r.success ? r.data : null;
}
