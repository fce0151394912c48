import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { CompanionActions } from './CompanionActions.tsx';
import { DecodedTree } from './DecodedTree.tsx';
import { errorText } from './panel-hooks.ts';
import type { PanelSource } from './panel-source.ts';
import type { CompanionListing, CompanionRowView, CompanionView } from './view-model.ts';

export interface CompanionSessionsProps {
  source: Pick<PanelSource, 'companion' | 'companionSessions' | 'companionUpdate' | 'companionDelete'>;
  /** Opens already open (tests, a full-window panel). */
  initiallyOpen?: boolean;
}

type ListState = { status: 'idle' } | { status: 'loading' } | { status: 'ok'; listing: CompanionListing } | { status: 'error'; message: string };

/**
 * The companion's "Sessions" view: the latest sessions in the server's stores, filtered by user id;
 * one opened shows its decoded data, "the other sessions of this user", and — on a `--allow-write`
 * companion only — edit and delete. Loads when opened, never in the background.
 */
export function CompanionSessions({ source, initiallyOpen = false }: CompanionSessionsProps): JSX.Element | null {
  const [open, setOpen] = useState(initiallyOpen);
  const [userId, setUserId] = useState('');
  const [filter, setFilter] = useState<string | undefined>(undefined);
  const [list, setList] = useState<ListState>({ status: 'idle' });
  const [selected, setSelected] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const listSessions = source.companionSessions;

  useEffect(() => {
    if (!open || !listSessions) return;
    let live = true;
    setList((l) => (l.status === 'ok' ? l : { status: 'loading' }));
    listSessions(filter === undefined ? {} : { userId: filter }).then(
      (listing) => live && setList({ status: 'ok', listing }),
      (e: unknown) => live && setList({ status: 'error', message: errorText(e) }),
    );
    return () => {
      live = false;
    };
  }, [open, filter, reloads, listSessions]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const showUser = useCallback((id: string | undefined) => {
    setUserId(id ?? '');
    setFilter(id);
  }, []);
  if (!listSessions) return null;
  const readOnly = list.status === 'ok' ? list.listing.readOnly : true;

  return (
    <details class="companion-sessions" data-testid="companion-sessions" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>Server sessions (companion)</summary>
      <form
        class="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          showUser(userId.trim() || undefined);
        }}
      >
        <label>
          User id <input data-testid="cs-user" value={userId} size={10} onInput={(e) => setUserId((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" data-testid="cs-filter">
          Filter
        </button>
        <button type="button" data-testid="cs-all" onClick={() => showUser(undefined)} disabled={filter === undefined}>
          All sessions
        </button>
        <button type="button" onClick={reload}>
          Refresh
        </button>
        {list.status === 'ok' ? <span class="muted">{readOnly ? 'read-only companion' : 'companion allows writes'}</span> : null}
      </form>
      {list.status === 'loading' ? <p class="muted">Loading…</p> : null}
      {list.status === 'error' ? (
        <p class="error" role="alert" data-testid="cs-error">
          {list.message}
        </p>
      ) : null}
      {list.status === 'ok' ? <SessionRows listing={list.listing} filter={filter} selected={selected} onSelect={setSelected} /> : null}
      {selected !== null ? (
        <SessionDetail
          key={selected}
          sessionKey={selected}
          source={source}
          readOnly={readOnly}
          onUser={showUser}
          onChanged={(deleted) => {
            if (deleted) setSelected(null);
            reload();
          }}
        />
      ) : null}
    </details>
  );
}

function SessionRows(props: { listing: CompanionListing; filter: string | undefined; selected: string | null; onSelect: (key: string) => void }): JSX.Element {
  const { listing, filter, selected, onSelect } = props;
  return (
    <div>
      {listing.sessions.length === 0 ? (
        <p class="muted" data-testid="cs-empty">
          {filter === undefined ? 'No sessions in the listed stores.' : `No sessions of user ${filter} among the latest.`}
        </p>
      ) : (
        <table class="cs-list" data-testid="cs-list">
          <thead>
            <tr>
              <th>Session key</th>
              <th>User</th>
              <th>Expires</th>
              <th>Store</th>
            </tr>
          </thead>
          <tbody>
            {listing.sessions.map((s) => (
              <SessionRow key={s.key} row={s} selected={s.key === selected} onSelect={onSelect} />
            ))}
          </tbody>
        </table>
      )}
      {listing.unlisted.map((u) => (
        <p class="muted" key={u.store + u.reason}>
          Not listed: {u.store} ({u.reason === 'ERR_LIST_UNSUPPORTED' ? 'this store cannot list its keys' : u.reason}
          {u.count !== undefined ? `, ${u.count}` : ''})
        </p>
      ))}
    </div>
  );
}

function SessionRow({ row, selected, onSelect }: { row: CompanionRowView; selected: boolean; onSelect: (key: string) => void }): JSX.Element {
  return (
    <tr class={selected ? 'selected' : undefined} data-testid="cs-row" data-key={row.key} aria-selected={selected}>
      <td>
        <button type="button" class="link" onClick={() => onSelect(row.key)} title={row.key}>
          {row.key.slice(0, 12)}…
        </button>
      </td>
      <td>{row.userId ?? '—'}</td>
      <td>
        {row.expireDate ?? 'no expiry kept'}
        {row.expired ? ' (expired)' : ''}
      </td>
      <td class="muted">{row.store}</td>
    </tr>
  );
}

interface DetailProps {
  sessionKey: string;
  source: CompanionSessionsProps['source'];
  readOnly: boolean;
  onUser: (id: string) => void;
  onChanged: (deleted: boolean) => void;
}

function SessionDetail({ sessionKey, source, readOnly, onUser, onChanged }: DetailProps): JSX.Element {
  const [view, setView] = useState<CompanionView>({ status: 'checking' });
  const [reads, setReads] = useState(0);
  useEffect(() => {
    let live = true;
    source.companion(sessionKey).then(
      (v) => live && setView(v),
      (e: unknown) => live && setView({ status: 'down', message: errorText(e) }),
    );
    return () => {
      live = false;
    };
  }, [sessionKey, reads, source]);

  const session = view.status === 'up' ? view.session : undefined;
  const data = session?.data ?? null;
  const userId = userIdOf(data);
  const { companionUpdate, companionDelete } = source;
  return (
    <section class="cs-detail" data-testid="cs-detail" data-key={sessionKey} aria-label="Server session">
      <h4>Session {sessionKey}</h4>
      {view.status === 'checking' ? <p class="muted">Reading…</p> : null}
      {view.status === 'down' ? <p class="error">{view.message}</p> : null}
      {session && !session.found ? <p class="muted">No session with this key on the server any more.</p> : null}
      {session?.found ? (
        <>
          <p class="muted">
            {session.store ?? '?'}
            {session.expireDate ? ` · expires ${session.expireDate}` : ''}
            {session.expired ? ' · expired' : ''}
            {session.verified === true ? ' · verified' : ''}
            {session.verified === false ? ' · signature does not verify' : ''}
          </p>
          <DecodedTree value={data} label="server session" />
          {userId !== null ? (
            <button type="button" data-testid="cs-same-user" onClick={() => onUser(userId)}>
              Other sessions of user {userId}
            </button>
          ) : null}
          {!readOnly ? (
            <CompanionActions
              data={data}
              onUpdate={companionUpdate ? (json) => companionUpdate(sessionKey, json) : undefined}
              onDelete={companionDelete ? () => companionDelete(sessionKey) : undefined}
              onDone={() => {
                setReads((n) => n + 1);
                onChanged(false);
              }}
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** `_auth_user_id` as text, when the session has one. */
function userIdOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const id = (data as Record<string, unknown>)._auth_user_id;
  return typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? String(id) : null;
}
