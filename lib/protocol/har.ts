/**
 * The decode page's HAR request: the page sends the capture's text, the background reads it with
 * lib/policy (`parseHar`, `analyzeHar`, under the user's policy) and decodes every session cookie
 * with the stored keys, which never leave it. The answer names, for each cookie and finding, the
 * request that sent or set it.
 */
import { CookieDecodeSchema, FindingViewSchema, TimelineRequestSchema } from './views.ts';
import { z } from './zod.ts';

/** Longest HAR text the page may send (characters): 16 Mi. */
export const HAR_MAX_TEXT = 16 * 1024 * 1024;

/** A session cookie seen in the capture, decoded with the stored keys. */
export const HarCookieViewSchema = z.object({
  /** Sent by the browser (`Cookie`) or set by the server (`Set-Cookie`). */
  source: z.enum(['request', 'response']),
  name: z.string(),
  /** The first exchange it was seen in (query shown as `?…`), and how often with this value. */
  request: TimelineRequestSchema,
  seen: z.int().check(z.positive()),
  /** Absent for an empty value (a deletion). */
  decoded: z.optional(CookieDecodeSchema),
});
export type HarCookieView = z.infer<typeof HarCookieViewSchema>;

/** What a HAR says about its cookies. */
export const HarViewSchema = z.object({
  exchanges: z.int().check(z.nonnegative()),
  /** Session cookies only. */
  cookies: z.array(HarCookieViewSchema).check(z.maxLength(2_000)),
  /** A finding per rule and cookie, with the response that set the cookie first. */
  findings: z.array(z.extend(FindingViewSchema, { request: TimelineRequestSchema })).check(z.maxLength(5_000)),
  warnings: z.array(z.string()).check(z.maxLength(200)),
});
export type HarView = z.infer<typeof HarViewSchema>;

/** Params of the HAR request. */
export const HAR_PARAM_SCHEMAS = {
  'har/analyze': z.object({ text: z.string().check(z.minLength(1, 'Paste or choose a HAR file'), z.maxLength(HAR_MAX_TEXT, 'HAR file over 16 MiB')) }),
} as const;

/** Response data of the HAR request. */
export const HAR_RESPONSE_SCHEMAS = {
  'har/analyze': HarViewSchema,
} as const;
