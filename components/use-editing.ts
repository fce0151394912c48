/**
 * Loads the editing UI (components/editing.ts) once it is wanted: a chunk of its own, fetched after
 * the panel's first render, so the panel's first paint does not wait for code only a click uses.
 */
import { useEffect, useState } from 'preact/hooks';

type EditingModule = (typeof import('./editing.ts'))['EDITING'];

let loading: Promise<EditingModule> | null = null;

/**
 * The editing components, or `null` until they are loaded (or while not wanted).
 *
 * @example
 * const editing = useEditing(source.edit !== undefined);
 * editing && <editing.CookieActions … />
 */
export function useEditing(wanted: boolean): EditingModule | null {
  const [mod, setMod] = useState<EditingModule | null>(null);
  useEffect(() => {
    if (!wanted || mod) return;
    let alive = true;
    loading ??= import('./editing.ts').then((m) => m.EDITING);
    loading.then(
      (m) => alive && setMod(m),
      () => {
        loading = null; // a failed load is tried again next time
      },
    );
    return () => {
      alive = false;
    };
  }, [wanted]);
  return mod;
}
