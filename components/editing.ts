/**
 * The panel's editing UI — the selected cookie's actions (Edit session, Edit cookie, Delete), the
 * site's tools (add, delete all, export, import) and the companion's Sessions view — as one module
 * the panel loads on its own after the first render ({@link useEditing}), so DevTools opens the
 * panel without waiting for code only a click uses.
 */
import { CompanionSessions } from './CompanionSessions.tsx';
import { CookieActions } from './CookieActions.tsx';
import { CookieImportExport } from './CookieImportExport.tsx';

/** The editing components, under one name (their own names stay the components' files'). */
export const EDITING = { CookieActions, CookieImportExport, CompanionSessions } as const;
