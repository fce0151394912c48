import type { JSX } from 'preact';
import type { AccessView } from './view-model.ts';

export interface AccessBannerProps {
  access: AccessView;
  /** Ask for optional host permission for the origin (a user gesture: call it from the click). */
  onGrant: () => void;
}

/** Says when the extension may not read this site's cookies, with a one-click grant. */
export function AccessBanner({ access, onGrant }: AccessBannerProps): JSX.Element | null {
  if (access.granted) return null;
  if (access.pattern === null) {
    return (
      <div class="access-banner" role="status" data-testid="access-banner">
        Session Lens has no access to this page. Open the Sessions panel in DevTools on it to grant access to its
        site, or allow the site in the browser's extension settings (Site access).
      </div>
    );
  }
  return (
    <div class="access-banner" role="alert" data-testid="access-banner">
      Session Lens has no access to <code>{access.origin}</code>, so its cookies are not shown.{' '}
      <button type="button" class="primary" onClick={onGrant}>
        Grant access to {access.origin}
      </button>
    </div>
  );
}
