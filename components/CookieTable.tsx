import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { escapeLine } from './escape.ts';
import { cookieKeyOf, plural, formatExpires, formatMaxAge, formatSameSite, type SortKey, type SortOrder } from './format.ts';
import type { CookieRow } from './view-model.ts';

/** Height of one row in pixels; fixed so the table can be windowed (only visible rows are in the DOM). */
export const ROW_HEIGHT = 22;
/** Rows rendered above and below the visible window. */
const OVERSCAN = 8;
/** Viewport height assumed before layout has measured one (and in DOM-less test environments). */
const FALLBACK_VIEWPORT = 440;

export interface CookieTableProps {
  /** Rows already filtered and sorted (session cookies first). */
  rows: readonly CookieRow[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** Enter on a row (or double click): open its details. */
  onOpen?: (id: string) => void;
  /** Number of policy findings per cookie key (name, domain, path, partition: `cookieKeyOf`). */
  findingCounts?: ReadonlyMap<string, number>;
  /** "Now" for max-age, ms since the epoch. */
  now: number;
  /** Shown when there are no rows (default "No cookies"). */
  emptyText?: string;
  /** The current sort; headers are buttons that change it (session cookies always stay first). */
  sort?: SortOrder;
  onSort?: (order: SortOrder) => void;
}

const COLUMNS: readonly [label: string, key: SortKey][] = [
  ['Name', 'name'],
  ['Value', 'value'],
  ['Domain', 'domain'],
  ['Path', 'path'],
  ['Expires', 'expires'],
  ['Max-Age', 'expires'],
  ['Size', 'size'],
  ['HttpOnly', 'httpOnly'],
  ['Secure', 'secure'],
  ['SameSite', 'sameSite'],
  ['Partition', 'partition'],
];

/**
 * The cookie table: a keyboard-navigable ARIA grid, windowed so 1,000 cookies render as fast as 30.
 * Arrow keys, Home/End and PageUp/PageDown move the selection; Enter opens the selected cookie.
 * Session cookies are highlighted. Every value is rendered as text.
 */
export function CookieTable(props: CookieTableProps): JSX.Element {
  const { rows, selectedId, onSelect, onOpen, findingCounts, now, emptyText = 'No cookies', sort, onSort } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight > 0 ? el.clientHeight : FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.id === selectedId);

  // Keep the selected row in view when it moves by keyboard.
  useEffect(() => {
    const el = scroller.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    const bodyHeight = viewport - ROW_HEIGHT; // the sticky header covers one row
    let next = el.scrollTop;
    if (top < next) next = top;
    else if (top + ROW_HEIGHT > next + bodyHeight) next = top + ROW_HEIGHT - bodyHeight;
    if (next !== el.scrollTop) {
      el.scrollTop = next;
      setScrollTop(next); // the scroll event comes later (or never, in DOM-less tests)
    }
  }, [selectedIndex, viewport]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);

  const move = (index: number) => {
    if (rows.length === 0) return;
    const i = Math.max(0, Math.min(rows.length - 1, index));
    const row = rows[i];
    if (row) onSelect(row.id);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const target = keyTarget(e.key, selectedIndex, rows.length, Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1));
    if (target === null) return;
    if (target === 'open') {
      if (selectedId !== null) onOpen?.(selectedId);
    } else move(target);
    e.preventDefault();
  };

  return (
    <div
      class="cookie-table"
      role="grid"
      aria-label="Cookies"
      aria-rowcount={rows.length + 1}
      aria-colcount={COLUMNS.length}
      aria-activedescendant={selectedIndex >= 0 ? rowDomId(selectedIndex) : undefined}
      tabIndex={0}
      ref={scroller}
      onKeyDown={onKeyDown}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
      data-testid="cookie-table"
    >
      <CookieTableHead sort={sort} onSort={onSort} />
      {rows.length === 0 ? (
        <div class="ct-empty" role="row">
          <div role="gridcell">{emptyText}</div>
        </div>
      ) : (
        <div class="ct-body" style={{ height: `${rows.length * ROW_HEIGHT}px` }}>
          {visible.map((r, k) => (
            <CookieTableRow
              key={r.id}
              row={r}
              index={first + k}
              selected={r.id === selectedId}
              findings={findingCounts?.get(cookieKeyOf(r)) ?? 0}
              now={now}
              onSelect={onSelect}
              onOpen={onOpen}
            />
          ))}
        </div>
      )}
    </div>
  );
}

function rowDomId(index: number): string {
  return `cookie-row-${index}`;
}

/**
 * Where a key moves the selection: a row index (clamped by the caller), `'open'` for Enter, or
 * `null` for a key the table leaves alone.
 */
function keyTarget(key: string, selectedIndex: number, rowCount: number, page: number): number | 'open' | null {
  switch (key) {
    case 'ArrowDown':
      return selectedIndex + 1;
    case 'ArrowUp':
      return selectedIndex < 0 ? 0 : selectedIndex - 1;
    case 'Home':
      return 0;
    case 'End':
      return rowCount - 1;
    case 'PageDown':
      return selectedIndex + page;
    case 'PageUp':
      return selectedIndex - page;
    case 'Enter':
      return 'open';
    default:
      return null;
  }
}

/** The header row: one sort button per column (Max-Age sorts as Expires, and never shows as active). */
function CookieTableHead({ sort, onSort }: Pick<CookieTableProps, 'sort' | 'onSort'>): JSX.Element {
  return (
    <div class="ct-row ct-head" role="row" aria-rowindex={1}>
      {COLUMNS.map(([label, key]) => {
        const active = sort?.key === key && label !== 'Max-Age';
        return (
          <div role="columnheader" class="ct-cell" key={label} aria-sort={active ? (sort?.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
            {onSort ? (
              <button type="button" class="ct-sort" tabIndex={-1} onClick={() => onSort({ key, dir: active && sort?.dir === 'asc' ? 'desc' : 'asc' })}>
                {label}
                {active ? (sort?.dir === 'asc' ? ' ▲' : ' ▼') : ''}
              </button>
            ) : (
              label
            )}
          </div>
        );
      })}
    </div>
  );
}

/** Props of {@link CookieTableRow}. */
interface CookieTableRowProps {
  row: CookieRow;
  /** Position in the (filtered, sorted) rows: the row's place and its ARIA row index. */
  index: number;
  selected: boolean;
  /** Policy findings for this cookie. */
  findings: number;
  now: number;
  onSelect: (id: string) => void;
  onOpen?: ((id: string) => void) | undefined;
}

/** One cookie: every value as escaped text, placed absolutely at its index (the table is windowed). */
function CookieTableRow({ row: r, index: i, selected, findings: n, now, onSelect, onOpen }: CookieTableRowProps): JSX.Element {
  return (
    <div
      id={rowDomId(i)}
      role="row"
      aria-rowindex={i + 2}
      aria-selected={selected}
      class={`ct-row${r.isSession ? ' session' : ''}${selected ? ' selected' : ''}`}
      style={{ top: `${i * ROW_HEIGHT}px` }}
      data-cookie={r.name}
      data-domain={r.domain}
      data-path={r.path}
      onClick={() => onSelect(r.id)}
      onDblClick={() => onOpen?.(r.id)}
    >
      <div role="gridcell" class="ct-cell ct-name" title={escapeLine(r.name)}>
        {r.isSession ? (
          <span class="session-mark" title="Session cookie" aria-label="session cookie">
            ●{' '}
          </span>
        ) : null}
        {escapeLine(r.name)}
        {n > 0 ? (
          <span class="finding-count" aria-label={plural(n, 'finding')}>
            {' '}⚠{n}
          </span>
        ) : null}
      </div>
      <div role="gridcell" class="ct-cell ct-value" title={escapeLine(r.value.slice(0, 512))}>
        {escapeLine(r.value.length > 200 ? `${r.value.slice(0, 200)}…` : r.value)}
      </div>
      <div role="gridcell" class="ct-cell">{escapeLine(r.domain)}</div>
      <div role="gridcell" class="ct-cell">{escapeLine(r.path)}</div>
      <div role="gridcell" class="ct-cell">{formatExpires(r.expires)}</div>
      <div role="gridcell" class="ct-cell">{formatMaxAge(r.expires, now)}</div>
      <div role="gridcell" class="ct-cell ct-num">{r.size}</div>
      <div role="gridcell" class="ct-cell ct-flag">{r.httpOnly ? '✓' : ''}</div>
      <div role="gridcell" class="ct-cell ct-flag">{r.secure ? '✓' : ''}</div>
      <div role="gridcell" class="ct-cell">{formatSameSite(r.sameSite)}</div>
      <div role="gridcell" class="ct-cell">{escapeLine(r.partition ?? '')}</div>
    </div>
  );
}
