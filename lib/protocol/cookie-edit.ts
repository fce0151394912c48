/**
 * The messages that change cookies: re-sign an edited session, set / remove / clear cookies like
 * DevTools' Application → Cookies, and export / import the site's cookies as files. Every request
 * names the inspected tab (and its URL, which the panel knows best): the background only ever
 * writes cookies the tab's site sees.
 */
import { CookieViewSchema } from './views.ts';
import { z } from './zod.ts';

const TabIdSchema = z.int().check(z.gte(-1));
const UrlSchema = z.optional(z.string().check(z.maxLength(8192)));

/** Which stored cookie: store, partition (`null`: none), domain, path, name. */
export const CookieIdentitySchema = z.object({
  name: z.string().check(z.maxLength(4096)),
  domain: z.string().check(z.minLength(1), z.maxLength(255)),
  path: z.string().check(z.minLength(1), z.maxLength(1024)),
  storeId: z.string().check(z.maxLength(256)),
  partition: z.nullable(z.string().check(z.maxLength(2048))),
});
export type CookieIdentity = z.infer<typeof CookieIdentitySchema>;

/** A cookie to write, with every attribute (DevTools' editable columns). */
export const CookieWriteSchema = z.object({
  name: z.string().check(z.minLength(1, 'A cookie needs a name'), z.maxLength(4096)),
  value: z.string().check(z.maxLength(4096)),
  /** `.example.com` for a domain cookie; a host name alone with `hostOnly`. */
  domain: z.string().check(z.minLength(1), z.maxLength(255)),
  hostOnly: z.boolean(),
  path: z.string().check(z.regex(/^\//, 'A path starts with "/"'), z.maxLength(1024)),
  /** Expiry in ms since the epoch; `null`: a browser-session cookie. */
  expires: z.nullable(z.number()),
  httpOnly: z.boolean(),
  secure: z.boolean(),
  sameSite: z.enum(['strict', 'lax', 'none', 'unspecified']),
  partition: z.nullable(z.string().check(z.maxLength(2048))),
  storeId: z.string().check(z.maxLength(256)),
});
export type CookieWrite = z.infer<typeof CookieWriteSchema>;

const SiteRequest = { tabId: TabIdSchema, url: UrlSchema };
const FileText = z.string().check(z.minLength(1, 'Paste or choose a file'), z.maxLength(1_000_000));

/** Params of the cookie-changing requests. */
export const COOKIE_EDIT_PARAM_SCHEMAS = {
  /** Re-signs a verified session cookie with new data (exact JSON text) and writes it back. */
  'session/resign': z.object({ ...SiteRequest, cookie: CookieIdentitySchema, value: z.string().check(z.maxLength(4096)), json: z.string().check(z.maxLength(100_000)) }),
  /** Writes a cookie; `previous` is removed first when the edit changed its identity. */
  'cookies/set': z.object({ ...SiteRequest, cookie: CookieWriteSchema, previous: z.optional(CookieIdentitySchema) }),
  'cookies/remove': z.object({ ...SiteRequest, cookie: CookieIdentitySchema }),
  /** Removes every cookie of the site. */
  'cookies/clear': z.object(SiteRequest),
  'cookies/export': z.object({ ...SiteRequest, format: z.enum(['json', 'netscape']) }),
  /** Reads a file and runs the policy on its cookies; writes nothing. */
  'cookies/import-preview': z.object({ ...SiteRequest, text: FileText }),
  /** Writes a file's cookies (the ones the site sees). */
  'cookies/import': z.object({ ...SiteRequest, text: FileText }),
} as const;

/** What an import would do: the site's cookies with their findings, and what it leaves out. */
export const ImportPreviewSchema = z.object({
  format: z.enum(['json', 'netscape']),
  cookies: z.array(CookieViewSchema),
  /** Cookies of other sites in the file: not written. */
  skipped: z.array(z.object({ name: z.string(), domain: z.string() })),
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

/** Response data of the cookie-changing requests. */
export const COOKIE_EDIT_RESPONSE_SCHEMAS = {
  'session/resign': z.object({ name: z.string(), value: z.string() }),
  'cookies/set': z.object({ name: z.string(), value: z.string() }),
  'cookies/remove': z.object({ removed: z.int() }),
  'cookies/clear': z.object({ removed: z.int() }),
  'cookies/export': z.object({ format: z.enum(['json', 'netscape']), text: z.string(), count: z.int() }),
  'cookies/import-preview': ImportPreviewSchema,
  'cookies/import': z.object({ written: z.int(), skipped: z.int() }),
} as const;
