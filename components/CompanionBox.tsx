import type { JSX } from 'preact';
import { CompanionActions } from './CompanionActions.tsx';
import { DecodedTree } from './DecodedTree.tsx';
import type { CompanionView } from './view-model.ts';

export interface CompanionBoxProps {
  companion: CompanionView;
  /** Retry the connection / lookup. */
  onRetry?: () => void;
  /** Rewrite / delete this session on the server: offered only when the companion says it writes. */
  onUpdate?: (json: string) => Promise<void>;
  onDelete?: () => Promise<void>;
}

/**
 * Server-side data for an opaque session key, from the companion server. Shows the connection
 * state; when the companion is off or down the rest of the panel keeps working.
 */
export function CompanionBox({ companion, onRetry, onUpdate, onDelete }: CompanionBoxProps): JSX.Element {
  const writable = companion.status === 'up' && companion.readOnly === false;
  return (
    <section class="companion" aria-label="Server-side session" data-testid="companion" data-status={companion.status}>
      <h3>
        Server-side session <span class={`badge conn-${companion.status}`}>{statusText(companion)}</span>
      </h3>
      {companion.status === 'off' ? (
        <p class="muted">
          This cookie is an opaque key: the data lives on the server. Configure a companion server in Options to
          read it.
        </p>
      ) : null}
      {companion.status === 'down' ? (
        <p class="error">
          {companion.message}{' '}
          {onRetry ? (
            <button type="button" onClick={onRetry}>
              Retry
            </button>
          ) : null}
        </p>
      ) : null}
      {companion.status === 'up' && companion.error ? <p class="error">{companion.error}</p> : null}
      {companion.status === 'up' && companion.session ? (
        companion.session.found ? (
          <div>
            <p class="muted">
              Store {companion.session.store ?? '?'}
              {companion.session.expireDate ? ` · expires ${companion.session.expireDate}` : ''}
              {companion.session.expired ? ' · expired' : ''}
              {companion.session.verified === true ? ' · verified' : ''}
              {companion.session.verified === false ? ' · signature does not verify' : ''}
            </p>
            <DecodedTree value={companion.session.data ?? null} label="server session" />
            {writable ? (
              <CompanionActions
                data={companion.session.data ?? null}
                onUpdate={onUpdate}
                onDelete={onDelete}
                onDone={() => onRetry?.()}
                deleteLabel="Log this session out"
              />
            ) : null}
          </div>
        ) : (
          <p class="muted">No session with this key on the server (logged out or expired).</p>
        )
      ) : null}
    </section>
  );
}

function statusText(c: CompanionView): string {
  switch (c.status) {
    case 'off':
      return 'not configured';
    case 'checking':
      return 'connecting…';
    case 'down':
      return 'unreachable';
    case 'up':
      return 'connected';
  }
}
