/**
 * An in-memory StoreAdapter for the server's unit tests: records every key it is asked for, can
 * be switched down (503) or made to hang (timeouts). The real stores are exercised by
 * tests/integration/companion against Django-written data.
 */
import { StoreUnavailableError } from '../../../lib/companion/errors.ts';
import type { ListedSession, StoreAdapter, StoredSession, StoredUpdate } from '../../../lib/companion/stores/types.ts';
import type { StoreKind } from '../../../lib/protocol/index.ts';

export class MemoryStore implements StoreAdapter {
  readonly canList: boolean;
  readonly entries = new Map<string, StoredSession>();
  /** Every call, in order: `get:<key>`, `delete:<key>`, `update:<key>`, `list`, `ping`. */
  readonly calls: string[] = [];
  down = false;
  hang = false;
  private waiting: (() => void)[] = [];

  constructor(
    readonly name = 'memory://a',
    readonly kind: StoreKind = 'sqlite',
    canList = true,
  ) {
    this.canList = canList;
  }

  private async gate(call: string): Promise<void> {
    this.calls.push(call);
    if (this.hang) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.down) throw new StoreUnavailableError(this.name, 'ECONNREFUSED');
  }

  /** Lets every call held by `hang` go on. */
  release(): void {
    for (const w of this.waiting.splice(0)) w();
  }

  async get(key: string): Promise<StoredSession | null> {
    await this.gate(`get:${key}`);
    return this.entries.get(key) ?? null;
  }

  async list(limit: number): Promise<ListedSession[]> {
    await this.gate('list');
    return [...this.entries].slice(0, limit).map(([key, session]) => ({ key, session }));
  }

  async delete(key: string): Promise<boolean> {
    await this.gate(`delete:${key}`);
    return this.entries.delete(key);
  }

  /** Records `update:<key>` and keeps the new session_data text (a cache entry's dict as given). */
  async update(key: string, next: StoredUpdate): Promise<boolean> {
    await this.gate(`update:${key}`);
    const old = this.entries.get(key);
    if (!old) return false;
    this.entries.set(
      key,
      next.format === 'session_data' ? { format: 'session_data', store: this.name, text: next.text, expiry: old.expiry } : { format: 'value', store: this.name, decode: () => next.data, expiry: old.expiry },
    );
    return true;
  }

  async ping(): Promise<void> {
    await this.gate('ping');
  }

  async close(): Promise<void> {}
}
