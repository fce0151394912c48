/**
 * The panel's companion calls over the background client: the lookup of an opaque session key as
 * the panel shows it, and the "Sessions" view's list, rewrite and delete.
 */
import { parseExactJson } from '../lib/codec/index.ts';
import type { SessionLensClient } from '../lib/protocol/index.ts';
import type { PanelSource } from './panel-source.ts';
import type { CompanionView } from './view-model.ts';

/** The companion "Sessions" view's calls: list, rewrite, delete. */
export function companionCalls(client: SessionLensClient): Pick<PanelSource, 'companionSessions' | 'companionUpdate' | 'companionDelete'> {
  return {
    companionSessions: (query) => client.listCompanionSessions(query),
    companionUpdate: async (key, json) => void (await client.updateCompanionSession(key, json)),
    companionDelete: async (key) => void (await client.deleteCompanionSession(key)),
  };
}

/** The companion's server-side data for an opaque session key, as the panel shows it. */
export async function lookupCompanion(client: SessionLensClient, key: string): Promise<CompanionView> {
  try {
    const r = await client.lookupSession(key);
    return {
      status: 'up',
      ...(r.readOnly !== undefined ? { readOnly: r.readOnly } : {}),
      session: {
        key: r.key,
        found: r.found,
        store: r.store ?? undefined,
        expireDate: r.expireDate,
        expired: r.expired ?? undefined,
        verified: r.verified,
        data: r.json === null ? null : parseExactJson(r.json),
      },
    };
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    if (code === 'ERR_NOT_CONFIGURED') return { status: 'off' };
    return { status: 'down', message: e instanceof Error ? e.message : String(e) };
  }
}
