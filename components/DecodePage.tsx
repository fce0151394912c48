import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { copyText } from './copy.ts';
import type { DecodeState } from './CookieDetails.tsx';
import { DecodedResult } from './DecodedResult.tsx';
import { toJsonText } from './format.ts';
import { HarResult } from './HarResult.tsx';
import { MAX_HAR_FILE_BYTES, looksLikeHar } from './har-source.ts';
import type { DecodedView, HarReport, Theme } from './view-model.ts';

export interface DecodePageProps {
  /** Decodes and verifies with the stored keys, inside the extension. Rejects with `{ code, message }`. */
  decode: (value: string, options: { cookieName?: string }) => Promise<DecodedView>;
  theme: Theme;
  /** How many secret keys are stored (verification needs one); `null` while unknown. */
  keyCount: number | null;
  onOpenOptions?: () => void;
  /** Reads a HAR file in the extension (cookies decoded with the stored keys); absent: no HAR support. */
  analyzeHar?: (text: string) => Promise<HarReport>;
  /** A value to start with (e.g. `?value=` from the panel). */
  initialValue?: string;
  now?: () => number;
}

/**
 * Paste any session string and see it decoded and, with a stored key, verified. Decoding runs in
 * the extension; nothing is sent anywhere.
 */
export function DecodePage(props: DecodePageProps): JSX.Element {
  const { decode, analyzeHar, theme, keyCount, onOpenOptions, initialValue = '', now = Date.now } = props;
  const [value, setValue] = useState(initialValue);
  const [cookieName, setCookieName] = useState('');
  const [state, setState] = useState<PageState | null>(null);
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
    if (analyzeHar && looksLikeHar(v)) {
      analyzeHar(v).then(
        (report) => n === seq.current && setState({ status: 'har', report }),
        (e: unknown) => n === seq.current && setState({ status: 'error', error: toFailure(e) }),
      );
      return;
    }
    decode(v, cookieName.trim() ? { cookieName: cookieName.trim() } : {}).then(
      (result) => n === seq.current && setState({ status: 'ok', result }),
      (e: unknown) => n === seq.current && setState({ status: 'error', error: toFailure(e) }),
    );
  }, [value, cookieName, decode, analyzeHar]);

  /** A chosen HAR (or any text) file: read here, then handled as if pasted. */
  const openFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_HAR_FILE_BYTES) {
      setState({ status: 'error', error: { code: 'ERR_LIMIT_EXCEEDED', message: `${file.name} is ${file.size} bytes, over the ${MAX_HAR_FILE_BYTES} limit` } });
      return;
    }
    setValue(await file.text());
  };

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
        placeholder="e.g. eyJ1c2VyIjoiYWxpY2UifQ:1uG…:…, a sessionid, a JWT, a whole Cookie: header, a HAR file"
        onInput={(e) => setValue((e.currentTarget as HTMLTextAreaElement).value)}
        data-testid="decode-input"
      />
      {analyzeHar ? (
        <div class="form-row">
          <label>
            Or open a HAR file{' '}
            <input
              type="file"
              accept=".har,.json,application/json"
              data-testid="har-file"
              onChange={(e) => void openFile((e.currentTarget as HTMLInputElement).files?.[0])}
            />
          </label>
        </div>
      ) : null}
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
        {state?.status === 'har' ? <HarResult report={state.report} now={now} /> : null}
        {result ? (
          <>
            <DecodedResult result={result} now={now} onAddKey={onOpenOptions} copied={copied} onCopy={async () => setCopied((await copyText(toJsonText(result.data))) ? 'JSON copied' : 'Copy failed')} />
            {(result.others ?? []).map((other, i) => (
              <section key={`${other.cookie ?? ''}-${i}`} class="other-cookie" data-testid="decode-other">
                <h2>Cookie {other.cookie ?? `#${i + 2}`}</h2>
                <DecodedResult result={other} now={now} onAddKey={onOpenOptions} />
              </section>
            ))}
          </>
        ) : null}
      </div>
    </div>
  );
}

/** What the page shows: a decoded value, or a HAR file read. */
type PageState = DecodeState | { status: 'har'; report: HarReport };

function toFailure(e: unknown): { code: string; message: string } {
  if (typeof e === 'object' && e !== null && 'message' in e) {
    const code = 'code' in e ? String((e as { code: unknown }).code) : 'ERR_MALFORMED';
    return { code, message: String((e as { message: unknown }).message) };
  }
  return { code: 'ERR_MALFORMED', message: String(e) };
}
