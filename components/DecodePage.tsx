import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { copyText } from './copy.ts';
import type { DecodeState } from './CookieDetails.tsx';
import { DecodedTree } from './DecodedTree.tsx';
import { formatDuration, formatExpires, toJsonText } from './format.ts';
import { SignatureBadge } from './SignatureBadge.tsx';
import type { DecodedView, Theme } from './view-model.ts';

export interface DecodePageProps {
  /** Decodes and verifies with the stored keys, inside the extension. Rejects with `{ code, message }`. */
  decode: (value: string, options: { cookieName?: string }) => Promise<DecodedView>;
  theme: Theme;
  /** How many secret keys are stored (verification needs one); `null` while unknown. */
  keyCount: number | null;
  onOpenOptions?: () => void;
  /** A value to start with (e.g. `?value=` from the panel). */
  initialValue?: string;
  now?: () => number;
}

/**
 * Paste any session string and see it decoded and, with a stored key, verified. Decoding runs in
 * the extension; nothing is sent anywhere.
 */
export function DecodePage(props: DecodePageProps): JSX.Element {
  const { decode, theme, keyCount, onOpenOptions, initialValue = '', now = Date.now } = props;
  const [value, setValue] = useState(initialValue);
  const [cookieName, setCookieName] = useState('');
  const [state, setState] = useState<DecodeState | null>(null);
  const [copied, setCopied] = useState('');
  const seq = useRef(0);

  useEffect(() => {
    const v = value.trim();
    if (v === '') {
      setState(null);
      return;
    }
    const n = ++seq.current;
    setState({ status: 'loading' });
    decode(v, cookieName.trim() ? { cookieName: cookieName.trim() } : {}).then(
      (result) => n === seq.current && setState({ status: 'ok', result }),
      (e: unknown) => n === seq.current && setState({ status: 'error', error: toFailure(e) }),
    );
  }, [value, cookieName, decode]);

  const result = state?.status === 'ok' ? state.result : null;
  return (
    <div class="app page" data-theme={theme} data-testid="decode-page">
      <h1>Paste and decode</h1>
      <p class="muted">
        Decoded and verified inside the extension with your stored keys — nothing leaves the browser.
      </p>
      <label for="sl-value">Session string</label>
      <textarea
        id="sl-value"
        value={value}
        spellcheck={false}
        placeholder="e.g. eyJ1c2VyIjoiYWxpY2UifQ:1uG…:…, a sessionid, a JWT, a whole Cookie: header"
        onInput={(e) => setValue((e.currentTarget as HTMLTextAreaElement).value)}
        data-testid="decode-input"
      />
      <div class="form-row">
        <label>
          Cookie name (optional){' '}
          <input
            value={cookieName}
            onInput={(e) => setCookieName((e.currentTarget as HTMLInputElement).value)}
            placeholder="sessionid"
            data-testid="decode-cookie-name"
          />
        </label>
        <span class="muted" data-testid="key-count">
          {keyCount === null ? '' : keyCount === 0 ? 'No keys stored: values are read, not verified.' : `${keyCount} key(s) stored.`}
        </span>
        {onOpenOptions ? (
          <button type="button" onClick={onOpenOptions}>
            Manage keys
          </button>
        ) : null}
      </div>
      <div data-testid="decode-result" aria-live="polite">
        {state?.status === 'loading' ? <p class="muted">Decoding…</p> : null}
        {state?.status === 'error' ? (
          <p class="error" data-testid="decode-error">
            {state.error.code}: {state.error.message}
          </p>
        ) : null}
        {result ? (
          <>
            <DecodedResult result={result} now={now} copied={copied} onCopy={async () => setCopied((await copyText(toJsonText(result.data))) ? 'JSON copied' : 'Copy failed')} />
            {(result.others ?? []).map((other, i) => (
              <section key={`${other.cookie ?? ''}-${i}`} class="other-cookie" data-testid="decode-other">
                <h2>Cookie {other.cookie ?? `#${i + 2}`}</h2>
                <DecodedResult result={other} now={now} />
              </section>
            ))}
          </>
        ) : null}
      </div>
    </div>
  );
}

/** One decoded value: its facts, its data as a tree, its details. Everything renders as text. */
function DecodedResult(props: { result: DecodedView; now: () => number; copied?: string; onCopy?: () => void }): JSX.Element {
  const { result, now, copied, onCopy } = props;
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
          <SignatureBadge signature={result.signature} />
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

function toFailure(e: unknown): { code: string; message: string } {
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const code = 'code' in e ? String((e as { code: unknown }).code) : 'ERR_MALFORMED';
    return { code, message: String((e as { message: unknown }).message) };
  }
  return { code: 'ERR_MALFORMED', message: String(e) };
}
