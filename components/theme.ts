import type { Theme } from './view-model.ts';

/** Where a page's theme can come from, most specific first. */
export interface ThemeHints {
  /** `?theme=light|dark` in the page URL (screenshots, full-window view). */
  param?: string | null;
  /** DevTools' `panels.themeName`: `default`/`light` or `dark` (absent outside DevTools). */
  devtools?: string | null;
  /** `prefers-color-scheme: dark`. */
  prefersDark?: boolean;
}

/**
 * The theme to use: an explicit `?theme=` wins, then DevTools' theme, then the OS preference.
 *
 * @example
 * resolveTheme({ devtools: 'dark' }) // 'dark'
 */
export function resolveTheme(h: ThemeHints): Theme {
  if (h.param === 'dark' || h.param === 'light') return h.param;
  if (h.devtools) return h.devtools === 'dark' ? 'dark' : 'light';
  return h.prefersDark ? 'dark' : 'light';
}
