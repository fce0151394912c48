/**
 * Writing cookies back through the platform: the cookies API's set/remove calls built from a
 * cookie's attributes, restricted to the cookies the inspected site sees. The policy re-runs on
 * every change by itself: cookies.onChanged reaches the panels like any other change.
 */
import type { CookieIdentity, CookieWrite, PortableCookie, PortableSameSite } from '../protocol/index.ts';
import { ProtocolError } from '../protocol/index.ts';
import type { CookieRemoveDetails, CookieSetDetails, Platform } from './platform.ts';
import { cookieMatchesHost, type CookieLike } from './site.ts';

/** The site a write is for: its origin (`http://localhost:8000`) and host. */
export interface WriteSite {
  site: string;
  host: string;
}

/**
 * The cookies API's SameSite for a stored or portable cookie (`none` becomes `no_restriction`).
 *
 * @example
 * apiSameSite('none') // 'no_restriction'
 */
export function apiSameSite(s: string | undefined): PortableSameSite {
  if (s === 'none' || s === 'no_restriction') return 'no_restriction';
  return s === 'lax' || s === 'strict' ? s : 'unspecified';
}

/** A cookie's partition as the panel names it: the top-level site, `''` partitioned without one, `null` none. */
export function partitionOf(c: Pick<CookieLike, 'partitionKey'>): string | null {
  return c.partitionKey?.topLevelSite ?? (c.partitionKey ? '' : null);
}

/**
 * True when a stored cookie is the one an identity names.
 *
 * @example
 * sameCookie(jarCookie, { name: 'sessionid', domain: 'localhost', path: '/', storeId: '0', partition: null })
 */
export function sameCookie(c: CookieLike, id: CookieIdentity): boolean {
  return c.name === id.name && c.domain === id.domain && c.path === id.path && c.storeId === id.storeId && partitionOf(c) === id.partition;
}

/** Where the cookie is sent: the URL the cookies API wants for it. */
function cookieUrl(c: { domain: string; path: string; secure: boolean }, target: WriteSite): string {
  const scheme = c.secure ? 'https:' : new URL(target.site).protocol;
  return `${scheme}//${c.domain.replace(/^\./, '')}${c.path}`;
}

function partitionKeyOf(partition: string | null): { partitionKey?: { topLevelSite: string } } {
  return partition ? { partitionKey: { topLevelSite: partition } } : {};
}

/** Refuses a cookie the site does not see: the panel edits the inspected site's cookies only. */
export function checkSiteCookie(c: { name: string; domain: string; hostOnly: boolean }, target: WriteSite): void {
  if (!cookieMatchesHost(c, target.host)) {
    throw new ProtocolError('ERR_BAD_REQUEST', `Cookie "${c.name.slice(0, 64)}" of ${c.domain.slice(0, 255)} is not a cookie of ${target.host}`);
  }
}

/** A stored cookie as a write: every attribute kept. */
export function writeOfStored(c: CookieLike): Omit<PortableCookie, 'storeId'> & { storeId: string; partition: string | null } {
  const out: Omit<PortableCookie, 'storeId'> & { storeId: string; partition: string | null } = {
    domain: c.domain,
    hostOnly: c.hostOnly,
    httpOnly: c.httpOnly,
    name: c.name,
    path: c.path,
    sameSite: apiSameSite(c.sameSite),
    secure: c.secure,
    session: c.session,
    value: c.value,
    storeId: c.storeId,
    partition: partitionOf(c),
  };
  if (!c.session && typeof c.expirationDate === 'number') out.expirationDate = c.expirationDate;
  return out;
}

/** The panel's cookie form as a portable cookie. */
export function writeOfForm(w: CookieWrite): PortableCookie & { partition: string | null } {
  const out: PortableCookie & { partition: string | null } = {
    domain: w.hostOnly ? w.domain.replace(/^\./, '') : w.domain.startsWith('.') ? w.domain : `.${w.domain}`,
    hostOnly: w.hostOnly,
    httpOnly: w.httpOnly,
    name: w.name,
    path: w.path,
    sameSite: apiSameSite(w.sameSite),
    secure: w.secure,
    session: w.expires === null,
    value: w.value,
    storeId: w.storeId,
    partition: w.partition,
  };
  if (w.expires !== null) out.expirationDate = w.expires / 1000;
  return out;
}

/**
 * The cookies.set call for a cookie: host-only cookies without a domain, session cookies without
 * an expiry, the partition and store kept.
 *
 * @example
 * setDetailsOf(writeOfStored(c), { site: 'http://localhost:8000', host: 'localhost' })
 */
export function setDetailsOf(c: PortableCookie & { partition?: string | null }, target: WriteSite): CookieSetDetails {
  const d: CookieSetDetails = {
    url: cookieUrl(c, target),
    name: c.name,
    value: c.value,
    path: c.path,
    secure: c.secure,
    httpOnly: c.httpOnly,
    sameSite: c.sameSite,
    ...partitionKeyOf(c.partition ?? null),
  };
  if (!c.hostOnly) d.domain = c.domain;
  if (!c.session && c.expirationDate !== undefined) d.expirationDate = c.expirationDate;
  if (c.storeId) d.storeId = c.storeId;
  return d;
}

/** The cookies.remove call for a stored cookie. */
export function removeDetailsOf(c: CookieLike, target: WriteSite): CookieRemoveDetails {
  const d: CookieRemoveDetails = { url: cookieUrl(c, target), name: c.name, storeId: c.storeId, ...partitionKeyOf(partitionOf(c)) };
  return d;
}

/**
 * Writes a cookie, turning the browser's refusal into `ERR_COOKIE_WRITE` (its reason, never the value).
 *
 * @example
 * await writeCookie(platform, setDetailsOf(cookie, target));
 */
export async function writeCookie(platform: Pick<Platform, 'cookies'>, details: CookieSetDetails): Promise<void> {
  try {
    await platform.cookies.set(details);
  } catch (e) {
    const reason = e instanceof Error ? e.message.slice(0, 200) : 'refused';
    throw new ProtocolError('ERR_COOKIE_WRITE', `The browser did not write cookie "${details.name.slice(0, 64)}": ${reason}`);
  }
}
