/** Page object of the paste-and-decode page (decode.html). */
import type { BrowserContext, Locator, Page } from '@playwright/test';

export class DecodePage {
  constructor(readonly page: Page) {}

  static async open(context: BrowserContext, extensionId: string): Promise<DecodePage> {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/decode.html`);
    const p = new DecodePage(page);
    await p.input.waitFor();
    return p;
  }

  get input(): Locator {
    return this.page.locator('[data-testid="decode-input"]');
  }
  get cookieName(): Locator {
    return this.page.locator('[data-testid="decode-cookie-name"]');
  }
  get format(): Locator {
    return this.page.locator('[data-testid="decode-result"] [data-testid="format"]');
  }
  get signature(): Locator {
    return this.page.locator('[data-testid="decode-result"] [data-testid="signature"]');
  }
  get tree(): Locator {
    return this.page.locator('[data-testid="decode-result"] [data-testid="decoded-tree"]').first();
  }
  get error(): Locator {
    return this.page.locator('[data-testid="decode-error"]');
  }

  /** The HAR file input. */
  get harFile(): Locator {
    return this.page.locator('[data-testid="har-file"]');
  }
  /** The session cookies a HAR showed, in capture order. */
  get harCookies(): Locator {
    return this.page.locator('[data-testid="har-cookie"]');
  }
  get harSummary(): Locator {
    return this.page.locator('[data-testid="har-summary"]');
  }

  async paste(value: string, cookieName?: string): Promise<void> {
    if (cookieName !== undefined) await this.cookieName.fill(cookieName);
    await this.input.fill(value);
  }
}
