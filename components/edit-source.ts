/**
 * What the panel's editors need from the extension — re-sign a session, write, delete, export and
 * import cookies — as one interface ({@link PanelEditSource}), and its implementation over the
 * background's cookie-edit requests (lib/protocol/cookie-edit.ts). Every request names the
 * inspected tab and page; the background writes only that site's cookies, and the policy re-runs
 * on the result through cookies.onChanged.
 */
import type { CookieIdentity, SessionLensClient } from '../lib/protocol/index.ts';
import type { CookieRow, FindingView, SameSiteView } from './view-model.ts';

/** A cookie as the editor's form holds it. Times in ms since the epoch; `expires: null` a session cookie. */
export interface CookieForm {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  expires: number | null;
  httpOnly: boolean;
  secure: boolean;
  sameSite: SameSiteView;
}

/** What an import would write, with the policy's findings on each cookie, and what it leaves out. */
export interface ImportPreviewView {
  format: 'json' | 'netscape';
  cookies: { name: string; domain: string; path: string; value: string; findings: FindingView[] }[];
  skipped: { name: string; domain: string }[];
}

/** The panel's cookie-changing actions. Each rejects with `{ code, message }`. */
export interface PanelEditSource {
  /** Signs new session data (exact JSON text) with the stored key that verified the cookie, and writes it. */
  resign(cookie: CookieRow, json: string): Promise<void>;
  /** Writes a cookie; `previous` is the cookie it replaces (renamed or moved). */
  setCookie(form: CookieForm, previous?: CookieRow): Promise<void>;
  removeCookie(cookie: CookieRow): Promise<void>;
  /** Removes every cookie of the site; resolves to how many. */
  clearCookies(): Promise<number>;
  exportCookies(format: 'json' | 'netscape'): Promise<{ text: string; count: number }>;
  previewImport(text: string): Promise<ImportPreviewView>;
  importCookies(text: string): Promise<{ written: number; skipped: number }>;
  /** Reloads the inspected page (DevTools only). */
  reloadPage?: () => void;
}

/**
 * True when a cookie is host-only: the cookies API writes a domain cookie's domain with its dot.
 *
 * @example
 * isHostOnly({ domain: '.example.com' }) // false
 */
export function isHostOnly(c: Pick<CookieRow, 'domain'>): boolean {
  return !c.domain.startsWith('.');
}

/**
 * The host of the inspected page, `''` for none (what a new cookie's domain defaults to).
 *
 * @example
 * hostOfPage('http://localhost:8000/x') // 'localhost'
 */
export function hostOfPage(url: string | null): string {
  try {
    return url ? new URL(url).hostname : '';
  } catch {
    return '';
  }
}

function identityOf(c: CookieRow): CookieIdentity {
  return { name: c.name, domain: c.domain, path: c.path, storeId: c.storeId, partition: c.partition };
}

/**
 * The edit source over the background client.
 *
 * @example
 * const edit = createEditSource(client, tabId, () => pageUrl);
 * await edit.removeCookie(row);
 */
export function createEditSource(
  client: SessionLensClient,
  tabId: number,
  pageUrl: () => string | null | undefined,
  reloadPage?: () => void,
): PanelEditSource {
  const site = () => {
    const url = pageUrl();
    return url ? { tabId, url } : { tabId };
  };
  return {
    async resign(cookie, json) {
      await client.request('session/resign', { ...site(), cookie: identityOf(cookie), value: cookie.value, json });
    },
    async setCookie(form, previous) {
      const storeId = previous?.storeId ?? '';
      const cookie = { ...form, partition: previous?.partition ?? null, storeId };
      await client.request('cookies/set', previous ? { ...site(), cookie, previous: identityOf(previous) } : { ...site(), cookie });
    },
    async removeCookie(cookie) {
      await client.request('cookies/remove', { ...site(), cookie: identityOf(cookie) });
    },
    async clearCookies() {
      return (await client.request('cookies/clear', site())).removed;
    },
    async exportCookies(format) {
      const { text, count } = await client.request('cookies/export', { ...site(), format });
      return { text, count };
    },
    async previewImport(text) {
      const p = await client.request('cookies/import-preview', { ...site(), text });
      return {
        format: p.format,
        cookies: p.cookies.map((c) => ({ name: c.name, domain: c.domain, path: c.path, value: c.value, findings: c.findings })),
        skipped: p.skipped,
      };
    },
    importCookies: (text) => client.request('cookies/import', { ...site(), text }),
    reloadPage,
  };
}
