/**
 * The companion "Sessions" view's messages between pages and the background: the store's latest
 * sessions (filtered by user id), and the writes a `--allow-write` companion allows. Session data
 * crosses as exact JSON text (the codec's `stringifyJson`), never as structured-cloned values.
 *
 * | type               | params                   | data                        |
 * | ------------------ | ------------------------ | --------------------------- |
 * | `companion/list`   | `{ limit?, userId? }`    | {@link CompanionListView}   |
 * | `companion/update` | `{ key, json }`          | {@link CompanionWriteView}  |
 * | `companion/delete` | `{ key }`                | {@link CompanionWriteView}  |
 */
import { z } from './zod.ts';

/** A session key as pages send it (the background checks the companion's own rule). */
const KeyParamSchema = z.string().check(z.minLength(1), z.maxLength(1024));

/** `_auth_user_id` as a filter: Django's user ids are short text. */
export const UserIdFilterSchema = z.string().check(z.minLength(1), z.maxLength(150));

/** The params of the three requests. */
export const COMPANION_VIEW_PARAMS = {
  'companion/list': z.object({
    limit: z.optional(z.int().check(z.gte(1), z.lte(1000))),
    userId: z.optional(UserIdFilterSchema),
  }),
  /** `json`: the whole new session dict as exact JSON text (at most 256 KiB, the companion's body limit). */
  'companion/update': z.object({ key: KeyParamSchema, json: z.string().check(z.minLength(2), z.maxLength(256 * 1024 - 16)) }),
  'companion/delete': z.object({ key: KeyParamSchema }),
} as const;

/** One session of the list. */
export const CompanionSessionRowSchema = z.object({
  key: z.string(),
  store: z.string(),
  expireDate: z.nullable(z.string()),
  expired: z.boolean(),
  userId: z.nullable(z.string()),
});
/** A listed session. */
export type CompanionSessionRow = z.infer<typeof CompanionSessionRowSchema>;

/**
 * `companion/list`: the latest sessions (latest expiry first), whether the companion writes
 * (`readOnly: false` only with `--allow-write`), and the stores it could not list.
 *
 * @example
 * CompanionListViewSchema.parse({ readOnly: true, sessions: [], unlisted: [] })
 */
export const CompanionListViewSchema = z.object({
  readOnly: z.boolean(),
  sessions: z.array(CompanionSessionRowSchema),
  unlisted: z.array(z.object({ store: z.string(), reason: z.string(), count: z.optional(z.int()) })),
});
/** The Sessions view's list. */
export type CompanionListView = z.infer<typeof CompanionListViewSchema>;

/**
 * `companion/update` / `companion/delete`: the stores that were written (empty for a delete of a key
 * no store had).
 *
 * @example
 * CompanionWriteViewSchema.parse({ key: 'k'.repeat(32), stores: ['sqlite:///db.sqlite3'] })
 */
export const CompanionWriteViewSchema = z.object({ key: z.string(), stores: z.array(z.string()) });
/** A write's answer. */
export type CompanionWriteView = z.infer<typeof CompanionWriteViewSchema>;

/** The responses of the three requests. */
export const COMPANION_VIEW_RESPONSES = {
  'companion/list': CompanionListViewSchema,
  'companion/update': CompanionWriteViewSchema,
  'companion/delete': CompanionWriteViewSchema,
} as const;
