import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { CompanionBox } from './CompanionBox.tsx';
import { copyText } from './copy.ts';
import { DecodedTree } from './DecodedTree.tsx';
import { FindingsList } from './FindingsList.tsx';
import { escapeLine, escapeText } from './escape.ts';
import { formatDuration, formatExpires, formatSameSite, plural, toJsonText } from './format.ts';
import { SignatureBadge } from './SignatureBadge.tsx';
import type { CompanionView, CookieRow, DecodedView, DecodeFailure, FindingView } from './view-model.ts';

const PRIORITY = { low: 'Low', medium: 'Medium', high: 'High' } as const;

/** The decode state of the selected cookie. */
export type DecodeState =
  | { status: 'loading' }
  | { status: 'ok'; result: DecodedView }
  | { status: 'error'; error: DecodeFailure };

export interface CookieDetailsProps {
  cookie: CookieRow;
  decoded: DecodeState;
  findings: readonly FindingView[];
  /** Companion state, when the value is an opaque server-side session key. */
  companion?: CompanionView;
  onCompanionRetry?: () => void;
  /** Rewrite / delete the opaque session on a `--allow-write` companion. */
  onCompanionUpdate?: (json: string) => Promise<void>;
  onCompanionDelete?: () => Promise<void>;
  /** Opens the Keys section of Options (the "add the SECRET_KEY" link), at the key family to add. */
  onAddKey?: (family?: string) => void;
  /** "Now", ms since the epoch. */
  now: number;
  /** Injected for tests; defaults to the clipboard. */
  copy?: (text: string) => Promise<boolean>;
}

/**
 * The selected cookie: decoded payload as a tree (copy value / copy JSON), format, signature
 * state, timestamp and age, policy findings with fixes, and companion data for opaque keys.
 */
export function CookieDetails(props: CookieDetailsProps): JSX.Element {
  const { cookie, decoded, findings, companion, onCompanionRetry, onCompanionUpdate, onCompanionDelete, onAddKey, now, copy = copyText } = props;
  const [copied, setCopied] = useState<string | null>(null);
  const doCopy = async (what: string, text: string) => {
    const ok = await copy(text);
    setCopied(ok ? `${what} copied` : 'Copy failed');
  };
  const result = decoded.status === 'ok' ? decoded.result : null;
  return (
    <section class="details" aria-label={`Cookie ${escapeLine(cookie.name)}`} data-testid="details" tabIndex={-1}>
      <header class="details-head">
        <h2>
          {cookie.isSession ? <span class="badge session">session</span> : null} <code>{escapeLine(cookie.name)}</code>
        </h2>
        <div class="toolbar">
          <button type="button" onClick={() => doCopy('Value', cookie.value)}>
            Copy value
          </button>
          <button
            type="button"
            disabled={!result}
            onClick={() => result && doCopy('JSON', toJsonText(result.data))}
          >
            Copy JSON
          </button>
          <span class="muted" aria-live="polite">
            {copied ?? ''}
          </span>
        </div>
      </header>
      <dl class="facts" data-testid="facts">
        <dt>Domain</dt>
        <dd data-testid="fact-domain">
          {escapeLine(cookie.domain)}
          {cookie.domain.startsWith('.') ? <span class="muted"> (and its subdomains)</span> : null}
        </dd>
        <dt>Path</dt>
        <dd data-testid="fact-path">{escapeLine(cookie.path)}</dd>
        <dt>Expires</dt>
        <dd data-testid="fact-expires">{formatExpires(cookie.expires)}</dd>
        <dt>HttpOnly</dt>
        <dd data-testid="fact-httponly">{cookie.httpOnly ? 'yes' : 'no — page scripts can read it'}</dd>
        <dt>Secure</dt>
        <dd data-testid="fact-secure">{cookie.secure ? 'yes' : 'no — also sent over plain HTTP'}</dd>
        <dt>SameSite</dt>
        <dd data-testid="fact-samesite">
          {cookie.sameSite === 'unspecified' ? 'not set (the browser applies Lax)' : formatSameSite(cookie.sameSite)}
        </dd>
        <dt>Partition key</dt>
        <dd data-testid="fact-partition">
          {cookie.partition === null ? 'none (unpartitioned)' : cookie.partition === '' ? 'partitioned' : escapeLine(cookie.partition)}
        </dd>
        <dt>Size</dt>
        <dd data-testid="fact-size">{plural(cookie.size, 'byte')}</dd>
        <dt>Priority</dt>
        <dd data-testid="fact-priority">
          {cookie.priority ? PRIORITY[cookie.priority] : 'not reported by the browser (default: Medium)'}
        </dd>
        {decoded.status === 'ok' ? (
          <>
            <dt>Format</dt>
            <dd data-testid="format">
              {decoded.result.format}
              {decoded.result.serializer && decoded.result.serializer !== 'none' ? ` · ${decoded.result.serializer}` : ''}
              {decoded.result.compressed ? ' · compressed' : ''}
            </dd>
            {decoded.result.framework ? (
              <>
                <dt>Framework</dt>
                <dd data-testid="framework">
                  {decoded.result.framework}
                  {decoded.result.keyName ? ` · key: ${decoded.result.keyName}` : ''}
                </dd>
              </>
            ) : null}
            <dt>Signature</dt>
            <dd>
              <SignatureBadge signature={decoded.result.signature} onAddKey={onAddKey} />
            </dd>
            {decoded.result.timestamp !== undefined ? (
              <>
                <dt>Signed</dt>
                <dd data-testid="timestamp">
                  {formatExpires(decoded.result.timestamp)} ({formatDuration(now - decoded.result.timestamp)} ago)
                </dd>
              </>
            ) : null}
          </>
        ) : null}
      </dl>
      {decoded.status === 'loading' ? <p class="muted">Decoding…</p> : null}
      {decoded.status === 'error' ? (
        <p class="muted" data-testid="decode-error">
          Not a session format Session Lens reads ({decoded.error.code}): {escapeText(decoded.error.message)}
        </p>
      ) : null}
      {result && result.data !== null ? <DecodedTree value={result.data} /> : null}
      {result?.details ? <DecodedTree value={result.details} label="details" /> : null}
      {companion ? <CompanionBox companion={companion} onRetry={onCompanionRetry} onUpdate={onCompanionUpdate} onDelete={onCompanionDelete} /> : null}
      <FindingsList findings={findings} title="Findings for this cookie" />
    </section>
  );
}
