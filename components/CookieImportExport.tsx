import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { CookieEditor } from './CookieEditor.tsx';
import type { ImportPreviewView, PanelEditSource } from './edit-source.ts';
import { escapeLine, escapeText } from './escape.ts';
import { plural } from './format.ts';
import { errorText } from './panel-hooks.ts';

export interface CookieImportExportProps {
  edit: PanelEditSource;
  /** The site's host (shown, and a new cookie's default domain). */
  host: string;
  /** How many cookies the site has now. */
  count: number;
}

type Mode = { kind: 'none' } | { kind: 'add' } | { kind: 'clear' } | { kind: 'export'; format: 'json' | 'netscape'; text: string } | { kind: 'import' };

const FILE_NAMES = { json: 'cookies.json', netscape: 'cookies.txt' } as const;

/**
 * The site's cookies as a whole: add one, delete all (after a confirmation), export them as
 * Cookie-Editor JSON or Netscape cookies.txt, and import a file — with what will be written and the
 * policy's findings shown before anything is.
 */
export function CookieImportExport({ edit, host, count }: CookieImportExportProps): JSX.Element {
  const [mode, setMode] = useState<Mode>({ kind: 'none' });
  const [note, setNote] = useState('');
  const fail = (what: string) => (e: unknown) => setNote(`${what}: ${errorText(e)}`);
  const doExport = (format: 'json' | 'netscape') =>
    edit.exportCookies(format).then(({ text, count: n }) => {
      setMode({ kind: 'export', format, text });
      setNote(`Exported ${plural(n, 'cookie')}`);
    }, fail('Export failed'));
  const clear = () =>
    edit.clearCookies().then((n) => {
      setMode({ kind: 'none' });
      setNote(`Deleted ${plural(n, 'cookie')}`);
    }, fail('Delete failed'));
  return (
    <section class="site-tools" aria-label="The site’s cookies" data-testid="site-tools">
      <div class="toolbar">
        <button type="button" onClick={() => setMode({ kind: 'add' })}>
          Add cookie
        </button>
        <button type="button" disabled={count === 0} onClick={() => setMode({ kind: 'clear' })}>
          Delete all…
        </button>
        <button type="button" onClick={() => void doExport('json')}>
          Export JSON
        </button>
        <button type="button" onClick={() => void doExport('netscape')}>
          Export cookies.txt
        </button>
        <button type="button" onClick={() => setMode({ kind: 'import' })}>
          Import…
        </button>
        <span class="muted" aria-live="polite" data-testid="site-note">
          {escapeLine(note)}
        </span>
      </div>
      {mode.kind === 'add' ? (
        <CookieEditor
          cookie={null}
          host={host}
          onCancel={() => setMode({ kind: 'none' })}
          onSave={async (form) => {
            await edit.setCookie(form);
            setMode({ kind: 'none' });
            setNote(`Added ${form.name}`);
          }}
        />
      ) : null}
      {mode.kind === 'clear' ? (
        <p class="confirm" role="alertdialog" aria-label="Delete all cookies?">
          Delete all {plural(count, 'cookie')} of <code>{escapeLine(host)}</code>? This logs you out of the site.{' '}
          <button type="button" class="danger" onClick={() => void clear()}>
            Delete all cookies
          </button>{' '}
          <button type="button" onClick={() => setMode({ kind: 'none' })}>
            Cancel
          </button>
        </p>
      ) : null}
      {mode.kind === 'export' ? <ExportBox format={mode.format} text={mode.text} onClose={() => setMode({ kind: 'none' })} /> : null}
      {mode.kind === 'import' ? (
        <ImportBox
          edit={edit}
          onClose={() => setMode({ kind: 'none' })}
          onDone={(written, skipped) => {
            setMode({ kind: 'none' });
            setNote(`Imported ${plural(written, 'cookie')}${skipped ? `; ${skipped} of other sites left out` : ''}`);
          }}
        />
      ) : null}
    </section>
  );
}

function ExportBox({ format, text, onClose }: { format: 'json' | 'netscape'; text: string; onClose(): void }): JSX.Element {
  const href = `data:${format === 'json' ? 'application/json' : 'text/plain'};charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <div class="export" data-testid="export">
      <textarea readOnly rows={8} aria-label={`Exported ${FILE_NAMES[format]}`} value={text} data-testid="export-text" />
      <div class="toolbar">
        <a href={href} download={FILE_NAMES[format]}>
          Download {FILE_NAMES[format]}
        </a>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}

interface ImportBoxProps {
  edit: PanelEditSource;
  onClose(): void;
  onDone(written: number, skipped: number): void;
}

function ImportBox({ edit, onClose, onDone }: ImportBoxProps): JSX.Element {
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<ImportPreviewView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (what: () => Promise<void>) => {
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const readFile = (file: File | undefined) => {
    if (!file) return;
    void file.text().then((t) => {
      setText(t);
      setPreview(null);
    });
  };
  return (
    <div class="import" data-testid="import">
      <label>
        Cookie-Editor JSON or Netscape cookies.txt{' '}
        <input type="file" accept=".json,.txt,application/json,text/plain" onChange={(e) => readFile(e.currentTarget.files?.[0])} />
      </label>
      <textarea
        rows={6}
        aria-label="Cookies to import"
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setPreview(null);
        }}
      />
      {error !== null ? (
        <p class="error" role="alert" data-testid="import-error">
          {escapeLine(error)}
        </p>
      ) : null}
      {preview ? <ImportPreviewList preview={preview} /> : null}
      <div class="toolbar">
        {preview === null ? (
          <button type="button" class="primary" disabled={text.trim() === ''} onClick={() => void run(async () => setPreview(await edit.previewImport(text)))}>
            Preview import
          </button>
        ) : (
          <button
            type="button"
            class="primary"
            disabled={preview.cookies.length === 0}
            onClick={() =>
              void run(async () => {
                const r = await edit.importCookies(text);
                onDone(r.written, r.skipped);
              })
            }
          >
            Import {plural(preview.cookies.length, 'cookie')}
          </button>
        )}
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function ImportPreviewList({ preview }: { preview: ImportPreviewView }): JSX.Element {
  return (
    <div class="import-preview" data-testid="import-preview">
      <p>
        {plural(preview.cookies.length, 'cookie')} will be set ({preview.format === 'json' ? 'Cookie-Editor JSON' : 'Netscape cookies.txt'})
        {preview.skipped.length ? `; ${plural(preview.skipped.length, 'cookie')} of other sites will be left out` : ''}:
      </p>
      <ul>
        {preview.cookies.map((c) => (
          <li key={`${c.domain}|${c.path}|${c.name}`} data-cookie={c.name}>
            <code>{escapeLine(c.name)}</code> on {escapeLine(c.domain)}
            {escapeLine(c.path)}
            {c.findings.length ? (
              <ul class="findings">
                {c.findings.map((f) => (
                  <li key={f.rule} class={`sev-${f.severity}`} data-rule={f.rule}>
                    {f.severity}: {escapeText(f.message)}
                  </li>
                ))}
              </ul>
            ) : (
              <span class="muted"> — no findings</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
