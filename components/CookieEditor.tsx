import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { isHostOnly, type CookieForm } from './edit-source.ts';
import { escapeLine } from './escape.ts';
import type { CookieRow, SameSiteView } from './view-model.ts';

export interface CookieEditorProps {
  /** The cookie to edit, or `null` to add one. */
  cookie: CookieRow | null;
  /** The site's host: a new cookie's default domain. */
  host: string;
  /** Writes the cookie; rejects with `{ message }`. */
  onSave(form: CookieForm): Promise<void>;
  onCancel(): void;
}

const SAME_SITE: readonly SameSiteView[] = ['unspecified', 'lax', 'strict', 'none'];

function formOf(c: CookieRow | null, host: string): CookieForm {
  if (!c) return { name: '', value: '', domain: host, hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false, sameSite: 'lax' };
  return {
    name: c.name,
    value: c.value,
    domain: c.domain,
    hostOnly: isHostOnly(c),
    path: c.path,
    expires: c.expires,
    httpOnly: c.httpOnly,
    secure: c.secure,
    sameSite: c.sameSite,
  };
}

/** `yyyy-MM-ddTHH:mm:ss` in local time, what `<input type="datetime-local">` holds. */
function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Raw cookie editing, as DevTools' Application → Cookies: name, value and every attribute of one
 * cookie (or a new one). The background writes it; the policy re-runs on the result.
 */
export function CookieEditor({ cookie, host, onSave, onCancel }: CookieEditorProps): JSX.Element {
  const [form, setForm] = useState<CookieForm>(() => formOf(cookie, host));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<CookieForm>) => setForm((f) => ({ ...f, ...patch }));
  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await onSave(form);
    } catch (err) {
      setError(err instanceof Object && 'message' in err ? String(err.message) : String(err));
    } finally {
      setSaving(false);
    }
  };
  const check = (label: string, key: 'hostOnly' | 'httpOnly' | 'secure') => (
    <label>
      <input type="checkbox" checked={form[key]} onChange={(e) => set({ [key]: e.currentTarget.checked })} /> {label}
    </label>
  );
  return (
    <form class="editor cookie-editor" aria-label={cookie ? `Edit cookie ${escapeLine(cookie.name)}` : 'Add a cookie'} data-testid="cookie-editor" onSubmit={save}>
      <label>
        Name <input name="name" required value={form.name} onInput={(e) => set({ name: e.currentTarget.value })} />
      </label>
      <label>
        Value <textarea name="value" rows={3} value={form.value} onInput={(e) => set({ value: e.currentTarget.value })} />
      </label>
      <label>
        Domain <input name="domain" required value={form.domain} onInput={(e) => set({ domain: e.currentTarget.value })} />
      </label>
      {check('Host-only (no Domain attribute)', 'hostOnly')}
      <label>
        Path <input name="path" required value={form.path} onInput={(e) => set({ path: e.currentTarget.value })} />
      </label>
      <label>
        <input type="checkbox" checked={form.expires === null} onChange={(e) => set({ expires: e.currentTarget.checked ? null : Date.now() + 86_400_000 })} /> Session cookie
        (no expiry)
      </label>
      {form.expires !== null ? (
        <label>
          Expires{' '}
          <input
            name="expires"
            type="datetime-local"
            step={1}
            value={toLocalInput(form.expires)}
            onChange={(e) => {
              const t = new Date(e.currentTarget.value).getTime();
              if (!Number.isNaN(t)) set({ expires: t });
            }}
          />
        </label>
      ) : null}
      {check('HttpOnly', 'httpOnly')}
      {check('Secure', 'secure')}
      <label>
        SameSite{' '}
        <select name="sameSite" value={form.sameSite} onChange={(e) => set({ sameSite: e.currentTarget.value as SameSiteView })}>
          {SAME_SITE.map((s) => (
            <option key={s} value={s}>
              {s === 'unspecified' ? 'not set' : s}
            </option>
          ))}
        </select>
      </label>
      {error !== null ? (
        <p class="error" role="alert" data-testid="edit-error">
          {escapeLine(error)}
        </p>
      ) : null}
      <div class="toolbar">
        <button type="submit" class="primary" disabled={saving}>
          {cookie ? 'Save cookie' : 'Add cookie'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
