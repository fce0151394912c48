/**
 * An in-memory {@link MessageTransport}: the router and port hub run in the same JavaScript realm
 * as the client, with every message passed through a JSON round trip as the browser's messaging
 * would (so a bigint or a function in a message fails here exactly as it would on the real wire).
 */
import type { RequestContext, Router } from '../../lib/background/index.ts';
import type { MessageTransport, PortLike } from '../../lib/protocol/index.ts';

function wire<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

interface Listeners<A extends unknown[]> {
  addListener(cb: (...args: A) => void): void;
  removeListener(cb: (...args: A) => void): void;
  fire(...args: A): void;
}

function listeners<A extends unknown[]>(): Listeners<A> {
  const set = new Set<(...args: A) => void>();
  return {
    addListener: (cb) => void set.add(cb),
    removeListener: (cb) => void set.delete(cb),
    fire: (...args) => {
      for (const cb of [...set]) cb(...args);
    },
  };
}

/**
 * A connected pair of ports: what one posts, the other receives (asynchronously, like the
 * browser). Disconnecting either end fires `onDisconnect` on the other end only.
 *
 * @example
 * const [client, server] = createPortPair('panel:1');
 */
export function createPortPair(name: string): [PortLike, PortLike] {
  const make = () => {
    const onMessage = listeners<[unknown]>();
    const onDisconnect = listeners<[]>();
    return { onMessage, onDisconnect, open: true };
  };
  const a = make();
  const b = make();
  const port = (self: typeof a, other: typeof b): PortLike => ({
    name,
    postMessage(message) {
      if (!self.open) throw new Error('Attempting to use a disconnected port object');
      const copy = wire(message);
      queueMicrotask(() => {
        if (other.open) other.onMessage.fire(copy);
      });
    },
    disconnect() {
      if (!self.open) return;
      self.open = false;
      other.open = false;
      queueMicrotask(() => other.onDisconnect.fire());
    },
    onMessage: self.onMessage,
    onDisconnect: self.onDisconnect,
  });
  return [port(a, b), port(b, a)];
}

/** What the in-memory transport connects to. */
export interface MemoryBackend {
  router: Router;
  /** Gets the server end of each port a client opens (e.g. `hub.accept`). */
  onConnect?: (port: PortLike) => void;
  /** The sender context requests appear to come from. */
  context?: RequestContext;
}

/**
 * A transport that calls the router directly.
 *
 * @example
 * const client = createClient(createMemoryTransport({ router, onConnect: (p) => hub.accept(p) }));
 */
export function createMemoryTransport(backend: MemoryBackend): MessageTransport & { disconnectAll(): void } {
  const servers = new Set<PortLike>();
  return {
    async request(message) {
      return wire(await backend.router.handle(wire(message), backend.context));
    },
    connect(name) {
      const [client, server] = createPortPair(name);
      servers.add(server);
      server.onDisconnect.addListener(() => servers.delete(server));
      backend.onConnect?.(server);
      return client;
    },
    /** Simulates the background going away (worker stopped): every open port disconnects. */
    disconnectAll() {
      for (const server of [...servers]) {
        servers.delete(server);
        server.disconnect();
      }
    },
  };
}
