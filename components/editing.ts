/**
 * The panel's editing UI — the selected cookie's actions (Edit session, Edit cookie, Delete) and
 * the site's tools (add, delete all, export, import) — as one module the panel loads on its own
 * after the first render ({@link useEditing}), so DevTools opens the panel without waiting for it.
 */
import { CookieActions } from './CookieActions.tsx';
import { CookieImportExport } from './CookieImportExport.tsx';

/** The editing components, under one name (their own names stay the components' files'). */
export const EDITING = { CookieActions, CookieImportExport } as const;
