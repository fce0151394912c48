/**
 * Page object of the Sessions panel. Works on the real DevTools panel (a Frame inside the
 * devtools:// page) and on the full-window view (devtools-panel.html?tabId=N in a tab).
 */
import type { BrowserContext, Frame, Locator, Page } from '@playwright/test';
import type { TimelineKind } from '../../../lib/protocol/index.ts';

export class SessionsPanel {
  constructor(readonly root: Page | Frame) {}

  /** Opens the full-window view of the panel for a tab. */
  static async openInTab(
    context: BrowserContext,
    extensionId: string,
    tabId: number,
    theme?: 'light' | 'dark',
  ): Promise<{ page: Page; panel: SessionsPanel }> {
    const page = await context.newPage();
    const q = theme ? `&theme=${theme}` : '';
    await page.goto(`chrome-extension://${extensionId}/devtools-panel.html?tabId=${tabId}${q}`);
    const panel = new SessionsPanel(page);
    await panel.app.waitFor();
    return { page, panel };
  }

  get app(): Locator {
    return this.root.locator('[data-testid="app"]');
  }
  get table(): Locator {
    return this.root.locator('[data-testid="cookie-table"]');
  }
  /** The table row of a cookie. */
  row(name: string): Locator {
    return this.root.locator(`.ct-body [role="row"][data-cookie="${name}"]`);
  }
  /** The table row of one cookie: name and path (two cookies of one name at two paths). */
  rowAt(name: string, path: string): Locator {
    return this.root.locator(`.ct-body [role="row"][data-cookie="${name}"][data-path="${path}"]`);
  }
  /** A fact of the details pane: `domain`, `path`, `httponly`, `secure`, `samesite`, `partition`, `size`, `priority`. */
  fact(name: string): Locator {
    return this.details.locator(`[data-testid="fact-${name}"]`);
  }
  get rows(): Locator {
    return this.root.locator('.ct-body [role="row"]');
  }
  get selectedRow(): Locator {
    return this.root.locator('.ct-body [role="row"][aria-selected="true"]');
  }
  get filter(): Locator {
    return this.root.locator('[data-testid="filter"]');
  }
  get details(): Locator {
    return this.root.locator('[data-testid="details"]');
  }
  get format(): Locator {
    return this.details.locator('[data-testid="format"]');
  }
  get signature(): Locator {
    return this.details.locator('[data-testid="signature"]');
  }
  get tree(): Locator {
    return this.details.locator('[data-testid="decoded-tree"]').first();
  }
  get timeline(): Locator {
    return this.root.locator('[data-testid="timeline"]');
  }
  /** Timeline entries of one kind. */
  timelineEntries(kind: TimelineKind): Locator {
    return this.timeline.locator(`li[data-kind="${kind}"]`);
  }
  /** How many events of a kind the timeline shows, counting each merged burst row ("×500") in full. */
  async eventCount(kind: TimelineKind): Promise<number> {
    const counts = await this.timelineEntries(kind).evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.count ?? '1')));
    return counts.reduce((a, b) => a + b, 0);
  }
  /** The before/after of the timeline event that is open. */
  get eventDetails(): Locator {
    return this.timeline.locator('[data-testid="tl-details"]');
  }
  /** Opens (or closes) a timeline event's before/after. */
  async toggleEvent(entry: Locator): Promise<void> {
    await entry.locator('button.tl-event').click();
  }
  get findingTotal(): Locator {
    return this.root.locator('[data-testid="finding-total"]');
  }
  /** The findings list shown (site-wide after {@link showSiteFindings}, else the selected cookie's). */
  get findings(): Locator {
    return this.root.locator('[data-testid="findings"]');
  }
  get companion(): Locator {
    return this.root.locator('[data-testid="companion"]');
  }

  async select(name: string): Promise<void> {
    await this.row(name).click();
  }

  /** Shows every finding of the site (the findings button in the top bar). */
  async showSiteFindings(): Promise<void> {
    if ((await this.findingTotal.getAttribute('aria-pressed')) !== 'true') await this.findingTotal.click();
  }
}
