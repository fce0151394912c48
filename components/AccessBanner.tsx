import type { JSX } from 'preact';
import { escapeLine } from './escape.ts';
import type { AccessView } from './view-model.ts';

export interface AccessBannerProps {
  access: AccessView;
  /** The page's URL, when known: a page that is not an http(s) site says so. */
  url?: string | null;
  /** Ask for optional host permission for the origin (a user gesture: call it from the click). */
  onGrant: () => void;
}

/** Says when the extension may not read this site's cookies, with a one-click grant. */
export function AccessBanner({ access, onGrant, url }: AccessBannerProps): JSX.Element | null {
  if (access.granted) return null;
  if (access.pattern === null && url && !/^https?:/i.test(url)) {
    return (
      <div class="access-banner" role="status" data-testid="access-banner" data-state="not-a-site">
        <code>{escapeLine(url.length > 200 ? `${url.slice(0, 200)}…` : url)}</code> is not an http(s) page: it has no
        site cookies to show.
      </div>
    );
  }
  if (access.pattern === null) {
    return (
      <div class="access-banner" role="status" data-testid="access-banner">
        Session Lens has no access to this page. Open the Sessions panel in DevTools on it to grant access to its
        site, or allow the site in the browser's extension settings (Site access).
      </div>
    );
  }
  return (
    <div class="access-banner" role="alert" data-testid="access-banner" data-state="no-access">
      Session Lens has no access to <code>{access.origin}</code>, so its cookies are not shown.{' '}
      <button type="button" class="primary" onClick={onGrant}>
        Grant access to {access.origin}
      </button>
    </div>
  );
}
