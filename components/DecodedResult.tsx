import type { JSX } from 'preact';
import { DecodedTree } from './DecodedTree.tsx';
import { formatDuration, formatExpires } from './format.ts';
import { SignatureBadge } from './SignatureBadge.tsx';
import type { DecodedView } from './view-model.ts';

/** One decoded value: its facts, its data as a tree, its details. Everything renders as text. */
export function DecodedResult(props: { result: DecodedView; now: () => number; onAddKey?: (() => void) | undefined; copied?: string; onCopy?: () => void }): JSX.Element {
  const { result, now, onAddKey, copied, onCopy } = props;
  return (
    <>
      <dl class="facts">
        {result.cookie !== undefined ? (
          <>
            <dt>Cookie</dt>
            <dd data-testid="cookie-name">{result.cookie}</dd>
          </>
        ) : null}
        <dt>Format</dt>
        <dd data-testid="format">
          {result.format}
          {result.serializer && result.serializer !== 'none' ? ` · ${result.serializer}` : ''}
          {result.compressed ? ' · compressed' : ''}
        </dd>
        {result.framework ? (
          <>
            <dt>Framework</dt>
            <dd data-testid="framework">
              {result.framework}
              {result.keyName ? ` · key: ${result.keyName}` : ''}
            </dd>
          </>
        ) : null}
        <dt>Signature</dt>
        <dd>
          <SignatureBadge signature={result.signature} onAddKey={onAddKey ? () => onAddKey() : undefined} />
        </dd>
        {result.timestamp !== undefined ? (
          <>
            <dt>Signed</dt>
            <dd>
              {formatExpires(result.timestamp)} ({formatDuration(now() - result.timestamp)} ago)
            </dd>
          </>
        ) : null}
      </dl>
      {onCopy ? (
        <div class="toolbar">
          <button type="button" onClick={onCopy}>
            Copy JSON
          </button>
          <span class="muted">{copied}</span>
        </div>
      ) : null}
      {result.data !== null ? <DecodedTree value={result.data} /> : null}
      {result.format === 'django-session-key' ? <p class="muted">An opaque session key: the data lives on the server (see the companion server).</p> : null}
      {result.details ? <DecodedTree value={result.details} label="details" /> : null}
    </>
  );
}
