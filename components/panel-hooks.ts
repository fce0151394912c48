/**
 * The Sessions panel's data hooks: the snapshot with its live pushes, the "epoch" that makes a
 * value verify again, the selected cookie's decode and the companion's lookup of an opaque key.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { DecodeState } from './CookieDetails.tsx';
import type { PanelSource, PanelUpdate } from './panel-source.ts';
import type { CompanionView, CookieRow, PanelSnapshot } from './view-model.ts';

/**
 * `{ code, message }` from whatever a source rejected with.
 *
 * @example
 * errorInfo(new Error('boom')) // { code: 'ERR_MALFORMED', message: 'boom' }
 */
export function errorInfo(e: unknown): { code: string; message: string } {
  if (typeof e === 'object' && e !== null && 'code' in e && 'message' in e) {
    return { code: String((e as { code: unknown }).code), message: String((e as { message: unknown }).message) };
  }
  return { code: 'ERR_MALFORMED', message: errorText(e) };
}

/**
 * The message of whatever was thrown or rejected with.
 *
 * @example
 * errorText({ message: 'no port' }) // 'no port'
 */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

/**
 * The initial load and the live pushes. Updates before the load resolves are already part of its
 * result (the PanelSource contract), so only later ones are applied. A layout effect: it starts
 * right after the first render instead of a frame later.
 *
 * @example
 * const { snapshot, loadError } = usePanelSnapshot(source);
 */
export function usePanelSnapshot(source: PanelSource): { snapshot: PanelSnapshot | null; loadError: string | null } {
  const [snapshot, setSnapshot] = useState<PanelSnapshot | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useLayoutEffect(() => {
    let alive = true;
    let loaded = false;
    const off = source.subscribe((u: PanelUpdate) => {
      if (alive && loaded) setSnapshot((s) => (s ? { ...s, ...u } : s));
    });
    source.load().then(
      (s) => {
        if (!alive) return;
        loaded = true;
        setSnapshot(s);
        setLoadError(null);
      },
      (e: unknown) => alive && setLoadError(errorText(e)),
    );
    return () => {
      alive = false;
      off();
    };
  }, [source]);
  return { snapshot, loadError };
}

/**
 * Decode results are per value and per "epoch": any cookie push, or the panel becoming visible
 * again (keys may have been added in Options meanwhile), verifies the selected value afresh.
 *
 * @example
 * const epoch = useVerifyEpoch(snapshot?.cookies); // '3.0'
 */
export function useVerifyEpoch(cookies: unknown): string {
  const [visibleEpoch, setVisibleEpoch] = useState(0);
  const cookiesEpoch = useRef<{ cookies: unknown; n: number }>({ cookies: null, n: 0 });
  if (cookiesEpoch.current.cookies !== cookies) {
    cookiesEpoch.current = { cookies, n: cookiesEpoch.current.n + 1 };
  }
  useEffect(() => {
    const onVisible = () => document.visibilityState === 'visible' && setVisibleEpoch((e) => e + 1);
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);
  return `${cookiesEpoch.current.n}.${visibleEpoch}`;
}

/**
 * The selected cookie decoded (a new value — a login — decodes again). While a value re-verifies,
 * its last result stays on screen instead of flashing "Decoding…".
 *
 * @example
 * const decoded = useDecoded(source, selected, epoch); // { status: 'ok', result }
 */
export function useDecoded(source: PanelSource, selected: CookieRow | undefined, epoch: string): DecodeState {
  const [decodes, setDecodes] = useState<ReadonlyMap<string, DecodeState>>(new Map());
  const valueKey = selected ? `${selected.id}\u0000${selected.value}` : null;
  const decodeKey = valueKey === null ? null : `${valueKey}\u0000${epoch}`;
  const settled = useRef(new Map<string, DecodeState>());

  useEffect(() => {
    if (!selected || decodeKey === null || valueKey === null || decodes.has(decodeKey)) return;
    let alive = true;
    const done = (state: DecodeState) => {
      if (!alive) return;
      settled.current.set(valueKey, state);
      if (settled.current.size > 100) settled.current.delete(settled.current.keys().next().value as string);
      setDecodes((m) => new Map(m).set(decodeKey, state));
    };
    setDecodes((m) => {
      const next = new Map([...m].slice(-50)); // bounded: only recent values matter
      return next.set(decodeKey, { status: 'loading' });
    });
    source.decode(selected).then(
      (result) => done({ status: 'ok', result }),
      (e: unknown) => done({ status: 'error', error: errorInfo(e) }),
    );
    return () => {
      alive = false;
    };
  }, [decodeKey]);

  const current = decodeKey ? decodes.get(decodeKey) : undefined;
  return (current?.status !== 'loading' && current) || (valueKey && settled.current.get(valueKey)) || { status: 'loading' };
}

/**
 * The companion's view of an opaque session key. Server-side data changes without the key
 * changing: it is looked up again on every epoch (any cookie push, the panel shown again), keeping
 * the last answer on screen meanwhile.
 *
 * @example
 * const { companion, lookup } = useCompanionLookup(source, opaqueKey, epoch);
 */
export function useCompanionLookup(
  source: PanelSource,
  opaqueKey: string | null,
  epoch: string,
): { companion: { key: string; view: CompanionView } | null; lookup: (key: string) => void } {
  const [companion, setCompanion] = useState<{ key: string; view: CompanionView } | null>(null);
  const lookup = useCallback(
    (key: string) => {
      setCompanion((c) => (c?.key === key ? c : { key, view: { status: 'checking' } }));
      source.companion(key).then(
        (view) => setCompanion((c) => (c?.key === key ? { key, view } : c)),
        (e: unknown) =>
          setCompanion((c) => (c?.key === key ? { key, view: { status: 'down', message: errorText(e) } } : c)),
      );
    },
    [source],
  );
  useEffect(() => {
    if (opaqueKey !== null) lookup(opaqueKey);
  }, [opaqueKey, epoch]);
  return { companion, lookup };
}
