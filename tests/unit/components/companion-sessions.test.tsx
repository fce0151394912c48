/**
 * The companion's Sessions view and its write actions, against an in-memory source that behaves
 * like the background over a companion (list, filter by user, read, update, delete).
 */
import { parseExactJson, stringifyJson } from '../../../lib/codec/index.ts';
import { CompanionBox } from '../../../components/CompanionBox.tsx';
import { CompanionSessions } from '../../../components/CompanionSessions.tsx';
import type { CompanionSessionsProps } from '../../../components/CompanionSessions.tsx';
import type { CompanionListing, CompanionView } from '../../../components/view-model.ts';
import { $, click, flush, mount, type } from './helpers.ts';

const A = 'aaaaaaaaaaaa0000000000000000000a';
const B = 'bbbbbbbbbbbb0000000000000000000b';
const C = 'cccccccccccc0000000000000000000c';

function memorySource(readOnly: boolean) {
  const sessions = new Map<string, string>([
    [A, '{"_auth_user_id":"1","big":12345678901234567890,"html":"<img src=x onerror=alert(1)>"}'],
    [B, '{"_auth_user_id":"2"}'],
    [C, '{"_auth_user_id":"1","cart":[1,2]}'],
  ]);
  const calls: string[] = [];
  const userOf = (json: string) => String((parseExactJson(json) as Record<string, unknown>)._auth_user_id ?? '') || null;
  const source: CompanionSessionsProps['source'] & { refuse?: string } = {
    async companionSessions({ userId }): Promise<CompanionListing> {
      calls.push(`list:${userId ?? ''}`);
      const rows = [...sessions].map(([key, json]) => ({ key, store: 'sqlite:///db.sqlite3', expireDate: '2026-12-01T00:00:00.000Z', expired: false, userId: userOf(json) }));
      return { readOnly, sessions: rows.filter((r) => userId === undefined || r.userId === userId), unlisted: [{ store: 'memcached://127.0.0.1:11211', reason: 'ERR_LIST_UNSUPPORTED' }] };
    },
    async companion(key): Promise<CompanionView> {
      calls.push(`get:${key}`);
      const json = sessions.get(key);
      return { status: 'up', readOnly, session: json === undefined ? { key, found: false } : { key, found: true, store: 'sqlite:///db.sqlite3', verified: true, data: parseExactJson(json) } };
    },
    async companionUpdate(key, json) {
      calls.push(`update:${key}`);
      if (source.refuse) throw new Error(source.refuse);
      sessions.set(key, stringifyJson(parseExactJson(json)));
    },
    async companionDelete(key) {
      calls.push(`delete:${key}`);
      sessions.delete(key);
    },
  };
  return { source, sessions, calls };
}

const rowKeys = (root: ParentNode) => [...root.querySelectorAll<HTMLElement>('[data-testid="cs-row"]')].map((r) => r.dataset.key);
const open = async (root: ParentNode, key: string) => {
  click($(root, `[data-testid="cs-row"][data-key="${key}"] button`));
  await flush();
};

describe('CompanionSessions', () => {
  it('loads only when opened, then lists, opens one as text, and filters to the other sessions of its user', async () => {
    const { source, calls } = memorySource(true);
    const m = mount(<CompanionSessions source={source} />);
    await flush();
    expect(calls).toEqual([]);
    const details = $(m.container, '[data-testid="companion-sessions"]') as HTMLDetailsElement;
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    await flush();
    expect(rowKeys(m.container)).toEqual([A, B, C]);
    expect(m.container.textContent).toContain('Not listed: memcached://127.0.0.1:11211 (this store cannot list its keys)');
    expect(m.container.textContent).toContain('read-only companion');

    await open(m.container, A);
    const detail = $(m.container, '[data-testid="cs-detail"]');
    expect(detail.textContent).toContain('12345678901234567890');
    expect(detail.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(detail.querySelector('img')).toBeNull();
    // Read-only: nothing that writes.
    expect(m.container.querySelector('[data-testid="companion-edit"]')).toBeNull();
    expect(m.container.querySelector('[data-testid="companion-delete"]')).toBeNull();

    click($(m.container, '[data-testid="cs-same-user"]'));
    await flush();
    expect(calls).toContain('list:1');
    expect(rowKeys(m.container)).toEqual([A, C]);
    expect(($(m.container, '[data-testid="cs-user"]') as HTMLInputElement).value).toBe('1');

    type($(m.container, '[data-testid="cs-user"]'), '2');
    click($(m.container, '[data-testid="cs-filter"]'));
    await flush();
    expect(rowKeys(m.container)).toEqual([B]);
    click($(m.container, '[data-testid="cs-all"]'));
    await flush();
    expect(rowKeys(m.container)).toEqual([A, B, C]);
    m.unmount();
  });

  it('on a writing companion: edit as exact JSON, save, a refusal shown as it comes, delete after a second click', async () => {
    const { source, sessions, calls } = memorySource(false);
    const m = mount(<CompanionSessions source={source} initiallyOpen />);
    await flush();
    await open(m.container, A);
    click($(m.container, '[data-testid="companion-edit"]'));
    const area = $(m.container, '[data-testid="companion-edit-json"]') as HTMLTextAreaElement;
    expect(area.value).toContain('"big": 12345678901234567890');
    expect(m.container.textContent).toContain("signed with the companion's SECRET_KEY");

    source.refuse = 'Companion: ERR_UNWRITABLE_VALUE: JSONSerializer would read a tuple back as a list';
    type(area, '{"t": {"$py": "tuple", "items": [1]}}');
    click($(m.container, '[data-testid="companion-save"]'));
    await flush();
    expect($(m.container, '[data-testid="companion-action-error"]').textContent).toContain('ERR_UNWRITABLE_VALUE');
    expect(sessions.get(A)).toContain('12345678901234567890');

    source.refuse = undefined;
    click($(m.container, '[data-testid="companion-edit"]'));
    type($(m.container, '[data-testid="companion-edit-json"]'), '{"_auth_user_id": "2", "big": 98765432109876543210}');
    click($(m.container, '[data-testid="companion-save"]'));
    await flush();
    expect(sessions.get(A)).toBe('{"_auth_user_id":"2","big":98765432109876543210}');
    expect($(m.container, '[data-testid="cs-detail"]').textContent).toContain('98765432109876543210');
    expect(rowKeys(m.container)).toEqual([A, B, C]);

    click($(m.container, '[data-testid="companion-delete"]'));
    expect(calls.filter((c) => c.startsWith('delete'))).toEqual([]);
    click($(m.container, '[data-testid="companion-delete-confirm"]'));
    await flush();
    expect(calls).toContain(`delete:${A}`);
    expect(rowKeys(m.container)).toEqual([B, C]);
    expect($(m.container, '[data-testid="cs-detail"]').textContent).toContain('No session with this key on the server any more.');
    m.unmount();
  });
});

describe('CompanionBox write actions', () => {
  const session = { key: A, found: true, store: 'sqlite:///db.sqlite3', verified: true, data: { _auth_user_id: '1' } };

  it.each([
    [true, false],
    [undefined, false],
    [false, true],
  ])('readOnly %s → "Log this session out" offered: %s', (readOnly, offered) => {
    const view: CompanionView = { status: 'up', session, ...(readOnly === undefined ? {} : { readOnly }) };
    const m = mount(<CompanionBox companion={view} onUpdate={async () => {}} onDelete={async () => {}} />);
    expect(m.container.querySelector('[data-testid="companion-delete"]')?.textContent ?? null).toBe(offered ? 'Log this session out' : null);
    expect(m.container.querySelector('[data-testid="companion-edit"]') !== null).toBe(offered);
    m.unmount();
  });

  it('logs the session out and reads it again', async () => {
    let deleted = 0;
    let retried = 0;
    const m = mount(
      <CompanionBox companion={{ status: 'up', readOnly: false, session }} onDelete={async () => void deleted++} onRetry={() => void retried++} />,
    );
    click($(m.container, '[data-testid="companion-delete"]'));
    click($(m.container, '[data-testid="companion-delete-confirm"]'));
    await flush();
    expect([deleted, retried]).toEqual([1, 1]);
    m.unmount();
  });
});
