/**
 * The editors: the session tree (exact numbers, types, add/remove, problems), the selected
 * cookie's actions (Edit session only for verified signed sessions, edit, delete with a
 * confirmation) and the site's tools (add, delete all, export, import with a preview).
 */
import { describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { PyObject, parseExactJson, pyFloat } from '../../../lib/codec/index.ts';
import { CookieActions, canEditSession } from '../../../components/CookieActions.tsx';
import { CookieImportExport } from '../../../components/CookieImportExport.tsx';
import { EditProblem, changeKind, toEditNode, toExactJson, type EditNode } from '../../../components/edit-tree.ts';
import type { PanelEditSource } from '../../../components/edit-source.ts';
import { SessionEditor } from '../../../components/SessionEditor.tsx';
import type { DecodedView } from '../../../components/view-model.ts';
import { $, button, click, flush, mount, type } from './helpers.ts';
import { cookie, finding } from './fixtures.ts';

function editSource(over: Partial<PanelEditSource> = {}): PanelEditSource & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  /** A recorder standing in for a method: notes the call, resolves to `result`. */
  const rec =
    <F extends (...args: never[]) => Promise<unknown>>(name: string, result?: Awaited<ReturnType<F>>) =>
    (async (...args: unknown[]) => {
      calls.push([name, ...args]);
      return result;
    }) as unknown as F;
  return {
    calls,
    resign: rec<PanelEditSource['resign']>('resign'),
    setCookie: rec<PanelEditSource['setCookie']>('setCookie'),
    removeCookie: rec<PanelEditSource['removeCookie']>('removeCookie'),
    clearCookies: rec<PanelEditSource['clearCookies']>('clearCookies', 3),
    exportCookies: rec<PanelEditSource['exportCookies']>('exportCookies', { text: '# Netscape HTTP Cookie File\n', count: 2 }),
    previewImport: rec<PanelEditSource['previewImport']>('previewImport', {
      format: 'netscape',
      cookies: [{ name: 'sessionid', domain: 'localhost', path: '/', value: 'v', findings: [finding({ cookie: 'sessionid', rule: 'httponly-missing', message: 'Readable from <b>JS</b>' })] }],
      skipped: [{ name: 'y', domain: 'example.com' }],
    }),
    importCookies: rec<PanelEditSource['importCookies']>('importCookies', { written: 1, skipped: 1 }),
    ...over,
  };
}

const verified: DecodedView = {
  format: 'django-signed',
  data: { _auth_user_id: '1', big: 12345678901234567890n, ratio: pyFloat(1), flags: { beta: true }, when: new PyObject('datetime.datetime', { value: '2026-01-01T00:00:00' }) },
  signature: { state: 'verified', keyIndex: 0, keyLabel: 'dev', salt: 'django.contrib.sessions.backends.signed_cookies', algorithm: 'sha256' },
  compressed: true,
  serializer: 'json',
};

describe('edit-tree', () => {
  it('round-trips a session exactly: big ints, 1.0, nested objects, Python objects', () => {
    const json = toExactJson(toEditNode(verified.data));
    expect(json).toBe('{"_auth_user_id":"1","big":12345678901234567890,"ratio":1.0,"flags":{"beta":true},"when":{"$py":"datetime.datetime","value":"2026-01-01T00:00:00"}}');
    expect(parseExactJson(json as string)).toEqual(verified.data);
  });

  it.each<[EditNode, string, string]>([
    [{ kind: 'number', text: '1e' }, 'session', '"1e" is not a JSON number'],
    [{ kind: 'object', entries: [{ id: 1, key: 'a', node: { kind: 'null' } }, { id: 2, key: 'a', node: { kind: 'null' } }] }, 'session.a', 'Key "a" appears twice'],
    [{ kind: 'object', entries: [{ id: 1, key: '', node: { kind: 'null' } }] }, 'session', 'A key is empty'],
    [{ kind: 'json', text: '{' }, 'session', 'Not valid JSON'],
  ])('names the problem in %j', (node, path, message) => {
    expect(toExactJson(node)).toEqual(new EditProblem(path, message));
  });

  it('changes kinds keeping what it can', () => {
    expect(changeKind({ kind: 'number', text: '12' }, 'string')).toEqual({ kind: 'string', text: '12' });
    expect(changeKind({ kind: 'string', text: 'x' }, 'number')).toEqual({ kind: 'number', text: '0' });
    expect(changeKind({ kind: 'null' }, 'object')).toEqual({ kind: 'object', entries: [] });
  });
});

describe('SessionEditor', () => {
  it('edits, adds and removes keys, and saves exact JSON; a bad number blocks Save', async () => {
    const onSave = vi.fn(async () => undefined);
    const m = mount(<SessionEditor data={verified.data} keyLabel="dev" onSave={onSave} onCancel={() => undefined} canReload />);
    expect($(m.container, '[data-testid="forge-warning"]').textContent).toContain('forging a session');
    expect($(m.container, '[data-testid="forge-warning"]').textContent).toContain('“dev”');
    type($(m.container, '[aria-label="Value of session._auth_user_id"]'), '2');
    type($(m.container, '[aria-label="Value of session.big"]'), '123456789012345678901234567890');
    click($(m.container, '[aria-label="Remove session.flags"]'));
    click($(m.container, '[aria-label="Add to session"]'));
    type($(m.container, '[aria-label="Key session.new_key"]'), 'cart');
    type($(m.container, '[aria-label="Value of session.cart"]'), '<img src=x>');
    type($(m.container, '[aria-label="Value of session.ratio"]'), '1.5x');
    expect($(m.container, '[data-testid="edit-problem"]').textContent).toBe('session.ratio: "1.5x" is not a JSON number');
    expect(button(m.container, 'Save and re-sign').disabled).toBe(true);
    type($(m.container, '[aria-label="Value of session.ratio"]'), '2.0');
    act(() => {
      const box = m.container.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
      box.click();
    });
    click(button(m.container, 'Save and re-sign'));
    await flush();
    expect(onSave).toHaveBeenCalledWith(
      '{"_auth_user_id":"2","big":123456789012345678901234567890,"ratio":2.0,"when":{"$py":"datetime.datetime","value":"2026-01-01T00:00:00"},"cart":"<img src=x>"}',
      true,
    );
    expect(m.container.querySelector('img')).toBeNull();
    m.unmount();
  });

  it('shows the background’s refusal', async () => {
    const m = mount(<SessionEditor data={{ a: 1 }} onSave={async () => Promise.reject({ code: 'ERR_NOT_SIGNABLE', message: 'Cannot re-sign' })} onCancel={() => undefined} />);
    click(button(m.container, 'Save and re-sign'));
    await flush();
    expect($(m.container, '[data-testid="edit-error"]').textContent).toBe('Cannot re-sign');
    m.unmount();
  });
});

describe('CookieActions', () => {
  const row = cookie({ name: 'sessionid', value: 'v1', isSession: true });

  it.each([
    ['a verified signed JSON session', verified, true],
    ['an unverified one', { ...verified, signature: { state: 'unverified' } }, false],
    ['a pickled one', { ...verified, serializer: 'pickle' }, false],
    ['the messages cookie', { ...verified, signature: { state: 'verified', keyIndex: 0, salt: 'django.contrib.messages' } }, false],
    ['an opaque key', { ...verified, format: 'django-session-key' }, false],
  ] as [string, DecodedView, boolean][])('Edit session for %s: %s', (_what, d, offered) => {
    expect(canEditSession(d)).toBe(offered);
    const m = mount(<CookieActions cookie={row} decoded={{ status: 'ok', result: d }} host="localhost" edit={editSource()} />);
    expect([...m.container.querySelectorAll('button')].some((b) => b.textContent === 'Edit session')).toBe(offered);
    m.unmount();
  });

  it('re-signs through the source and reloads when asked', async () => {
    const reloadPage = vi.fn();
    const edit = editSource({ reloadPage });
    const m = mount(<CookieActions cookie={row} decoded={{ status: 'ok', result: verified }} host="localhost" edit={edit} />);
    click(button(m.container, 'Edit session'));
    type($(m.container, '[aria-label="Value of session._auth_user_id"]'), '7');
    click($(m.container, '[data-testid="session-editor"] input[type="checkbox"]:not([aria-label])'));
    click(button(m.container, 'Save and re-sign'));
    await flush();
    expect(edit.calls[0]![0]).toBe('resign');
    expect(edit.calls[0]![1]).toBe(row);
    expect(String(edit.calls[0]![2])).toContain('"_auth_user_id":"7"');
    expect(reloadPage).toHaveBeenCalledOnce();
    expect($(m.container, '[data-testid="action-note"]').textContent).toBe('Session re-signed and saved');
    expect(m.container.querySelector('[data-testid="session-editor"]')).toBeNull();
    m.unmount();
  });

  it('edits the raw cookie and deletes it after a confirmation', async () => {
    const edit = editSource();
    const m = mount(<CookieActions cookie={row} decoded={{ status: 'loading' }} host="localhost" edit={edit} />);
    click(button(m.container, 'Edit cookie'));
    type($(m.container, 'textarea[name="value"]'), 'v2');
    click(button(m.container, 'Save cookie'));
    await flush();
    expect(edit.calls[0]).toEqual(['setCookie', expect.objectContaining({ name: 'sessionid', value: 'v2', path: '/' }), row]);
    click(button(m.container, 'Delete'));
    expect(edit.calls).toHaveLength(1); // nothing deleted before the confirmation
    click(button(m.container, 'Delete cookie'));
    await flush();
    expect(edit.calls[1]).toEqual(['removeCookie', row]);
    m.unmount();
  });
});

describe('CookieImportExport', () => {
  it('deletes all only after a confirmation', async () => {
    const edit = editSource();
    const m = mount(<CookieImportExport edit={edit} host="localhost" count={3} />);
    click(button(m.container, 'Delete all…'));
    expect(edit.calls).toEqual([]);
    expect(m.container.textContent).toContain('Delete all 3 cookies of localhost?');
    click(button(m.container, 'Delete all cookies'));
    await flush();
    expect(edit.calls).toEqual([['clearCookies']]);
    expect($(m.container, '[data-testid="site-note"]').textContent).toBe('Deleted 3 cookies');
    m.unmount();
  });

  it('exports as text with a download link', async () => {
    const m = mount(<CookieImportExport edit={editSource()} host="localhost" count={2} />);
    click(button(m.container, 'Export cookies.txt'));
    await flush();
    expect(($(m.container, '[data-testid="export-text"]') as HTMLTextAreaElement).value).toBe('# Netscape HTTP Cookie File\n');
    expect($(m.container, 'a[download]').getAttribute('download')).toBe('cookies.txt');
    m.unmount();
  });

  it('previews an import with the findings (as text) before writing', async () => {
    const edit = editSource();
    const m = mount(<CookieImportExport edit={edit} host="localhost" count={0} />);
    click(button(m.container, 'Import…'));
    type($(m.container, 'textarea[aria-label="Cookies to import"]'), 'localhost\tFALSE\t/\tFALSE\t0\tsessionid\tv');
    click(button(m.container, 'Preview import'));
    await flush();
    const preview = $(m.container, '[data-testid="import-preview"]');
    expect(preview.textContent).toContain('1 cookie will be set (Netscape cookies.txt); 1 cookie of other sites will be left out');
    expect(preview.querySelector('[data-rule="httponly-missing"]')!.textContent).toContain('Readable from <b>JS</b>');
    expect(preview.querySelector('b')).toBeNull();
    expect(edit.calls.map((c) => c[0])).toEqual(['previewImport']);
    click(button(m.container, 'Import 1 cookie'));
    await flush();
    expect(edit.calls.map((c) => c[0])).toEqual(['previewImport', 'importCookies']);
    expect($(m.container, '[data-testid="site-note"]').textContent).toBe('Imported 1 cookie; 1 of other sites left out');
    m.unmount();
  });

  it('adds a cookie with the site as its domain', async () => {
    const edit = editSource();
    const m = mount(<CookieImportExport edit={edit} host="localhost" count={0} />);
    click(button(m.container, 'Add cookie'));
    type($(m.container, 'input[name="name"]'), 'flag');
    type($(m.container, 'textarea[name="value"]'), 'on');
    click($(m.container, '[data-testid="cookie-editor"] button[type="submit"]'));
    await flush();
    expect(edit.calls[0]).toEqual(['setCookie', { name: 'flag', value: 'on', domain: 'localhost', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false, sameSite: 'lax' }]);
    m.unmount();
  });
});
