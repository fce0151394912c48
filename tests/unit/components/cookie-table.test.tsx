import { useState } from 'preact/hooks';
import { CookieTable, ROW_HEIGHT } from '../../../components/CookieTable.tsx';
import type { CookieRow } from '../../../components/view-model.ts';
import { sortCookies, type SortOrder } from '../../../components/format.ts';
import { $, click, mount, press } from './helpers.ts';
import { cookie, manyCookies } from './fixtures.ts';

const NOW = Date.UTC(2026, 0, 1);

function Harness({ rows, onOpen }: { rows: CookieRow[]; onOpen?: (id: string) => void }) {
  const [sel, setSel] = useState<string | null>(null);
  return <CookieTable rows={rows} selectedId={sel} onSelect={setSel} onOpen={onOpen} now={NOW} />;
}

function bodyRows(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('.ct-body [role="row"]')];
}

describe('CookieTable', () => {
  it('renders the columns a developer expects', () => {
    const m = mount(<Harness rows={[cookie({ name: 'a' })]} />);
    const heads = [...m.container.querySelectorAll('[role="columnheader"]')].map((h) => h.textContent);
    expect(heads).toEqual(['Name', 'Value', 'Domain', 'Path', 'Expires', 'Max-Age', 'Size', 'HttpOnly', 'Secure', 'SameSite', 'Partition']);
    m.unmount();
  });

  it('shows each field of a cookie', () => {
    const row = cookie({
      name: 'sessionid',
      value: 'abc',
      domain: '.example.com',
      path: '/app',
      expires: NOW + 2 * 3600_000,
      httpOnly: true,
      secure: true,
      sameSite: 'none',
      partition: 'https://top.example',
      isSession: true,
    });
    const m = mount(<Harness rows={[row]} />);
    const cells = [...m.container.querySelectorAll('.ct-body [role="gridcell"]')].map((c) => c.textContent);
    expect(cells).toEqual([
      '● sessionid',
      'abc',
      '.example.com',
      '/app',
      '2026-01-01 02:00:00 UTC',
      '2 h',
      '12',
      '✓',
      '✓',
      'None',
      'https://top.example',
    ]);
    expect(bodyRows(m.container)[0]!.classList.contains('session')).toBe(true);
    m.unmount();
  });

  it('renders only a window of rows for 1,000 cookies', () => {
    const m = mount(<Harness rows={manyCookies(1000)} />);
    const grid = $(m.container, '[role="grid"]');
    expect(grid.getAttribute('aria-rowcount')).toBe('1001');
    const rendered = bodyRows(m.container);
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(60);
    expect($(m.container, '.ct-body').style.height).toBe(`${1000 * ROW_HEIGHT}px`);
    m.unmount();
  });

  it('moves the selection with the keyboard and keeps it in view', () => {
    const opened: string[] = [];
    const rows = manyCookies(100);
    const m = mount(<Harness rows={rows} onOpen={(id) => opened.push(id)} />);
    const grid = $(m.container, '[role="grid"]');
    press(grid, 'ArrowDown');
    expect($(m.container, '[aria-selected="true"]').dataset.cookie).toBe('c0000');
    press(grid, 'ArrowDown');
    press(grid, 'ArrowDown');
    expect($(m.container, '[aria-selected="true"]').dataset.cookie).toBe('c0002');
    press(grid, 'ArrowUp');
    expect($(m.container, '[aria-selected="true"]').dataset.cookie).toBe('c0001');
    expect(grid.getAttribute('aria-activedescendant')).toBe($(m.container, '[aria-selected="true"]').id);
    press(grid, 'End');
    // The last row is scrolled into the window and selected.
    expect(grid.scrollTop).toBeGreaterThan(0);
    expect($(m.container, '[aria-selected="true"]').dataset.cookie).toBe('c0099');
    press(grid, 'Home');
    expect($(m.container, '[aria-selected="true"]').dataset.cookie).toBe('c0000');
    press(grid, 'PageDown');
    expect($(m.container, '[aria-selected="true"]').dataset.cookie).not.toBe('c0000');
    press(grid, 'Enter');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toBe(rows.find((r) => r.name === $(m.container, '[aria-selected="true"]').dataset.cookie)!.id);
    m.unmount();
  });

  it('shows HTML in a cookie value as text', () => {
    const m = mount(<Harness rows={[cookie({ name: 'x', value: '<img src=x onerror=alert(1)><b>bold</b>' })]} />);
    expect(m.container.querySelector('img')).toBeNull();
    expect(m.container.querySelector('b')).toBeNull();
    expect($(m.container, '.ct-value').textContent).toBe('<img src=x onerror=alert(1)><b>bold</b>');
    m.unmount();
  });

  it('says so when there are no cookies', () => {
    const m = mount(<Harness rows={[]} />);
    expect(m.container.textContent).toContain('No cookies');
    m.unmount();
  });

  it('sorts session cookies first', () => {
    const sorted = sortCookies([cookie({ name: 'a' }), cookie({ name: 'z', isSession: true }), cookie({ name: 'b' })]);
    expect(sorted.map((r) => r.name)).toEqual(['z', 'a', 'b']);
  });

  it.each([
    [{ key: 'size', dir: 'desc' } as const, ['sess', 'long', 'mid', 'x']],
    [{ key: 'size', dir: 'asc' } as const, ['sess', 'x', 'mid', 'long']],
    [{ key: 'expires', dir: 'asc' } as const, ['sess', 'mid', 'x', 'long']],
    [{ key: 'secure', dir: 'desc' } as const, ['sess', 'x', 'long', 'mid']],
  ])('sorts by %o, session cookies still first', (order, names) => {
    const rows = [
      cookie({ name: 'x', value: 'v', expires: 2000, secure: true }),
      cookie({ name: 'mid', value: 'vvvv', expires: 1000 }),
      cookie({ name: 'long', value: 'vvvvvvvvvv' }),
      cookie({ name: 'sess', value: 'v', isSession: true }),
    ];
    expect(sortCookies(rows, order).map((r) => r.name)).toEqual(names);
  });

  it('sorts from the column headers', () => {
    function Sortable() {
      const [sort, setSort] = useState<SortOrder>({ key: 'name', dir: 'asc' });
      const [sel, setSel] = useState<string | null>(null);
      const rows = sortCookies([cookie({ name: 'b', value: '1' }), cookie({ name: 'a', value: '22' })], sort);
      return <CookieTable rows={rows} selectedId={sel} onSelect={setSel} now={NOW} sort={sort} onSort={setSort} />;
    }
    const m = mount(<Sortable />);
    const header = (label: string) =>
      [...m.container.querySelectorAll<HTMLElement>('[role="columnheader"]')].find((h) => h.textContent?.startsWith(label))!;
    expect(header('Name').getAttribute('aria-sort')).toBe('ascending');
    expect(bodyRows(m.container).map((r) => r.dataset.cookie)).toEqual(['a', 'b']);
    click(header('Size').querySelector('button')!);
    expect(header('Size').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Name').getAttribute('aria-sort')).toBeNull();
    expect(bodyRows(m.container).map((r) => r.dataset.cookie)).toEqual(['b', 'a']);
    click(header('Size').querySelector('button')!);
    expect(header('Size').getAttribute('aria-sort')).toBe('descending');
    expect(bodyRows(m.container).map((r) => r.dataset.cookie)).toEqual(['a', 'b']);
    m.unmount();
  });
});
