/**
 * Long-lived panel ports, keyed by the inspected tab (`panel:<tabId>`). The background pushes
 * changes here; a port that disconnects is forgotten. Pure: works with any {@link PortLike}.
 */
import { parsePanelPortName, type PanelPush, type PortLike } from '../protocol/index.ts';

/** Tracks connected panels and pushes to them. */
export interface PortHub {
  /** Takes a newly connected port; returns its tab id, or `null` (and ignores it) when not a panel port. */
  accept(port: PortLike): number | null;
  /** Sends a push to every panel of a tab. Returns how many ports got it. */
  push(tabId: number, message: PanelPush): number;
  /** Tab ids with at least one connected panel. */
  tabs(): number[];
  /** Called after a panel port connects (the background sends the first snapshot). */
  onConnect(listener: (tabId: number, port: PortLike) => void): void;
}

/**
 * Creates an empty hub.
 *
 * @example
 * const hub = createPortHub();
 * browser.runtime.onConnect.addListener((port) => hub.accept(port));
 * hub.push(42, { type: 'access/changed', tabId: 42, access: 'granted' });
 */
export function createPortHub(): PortHub {
  const ports = new Map<number, Set<PortLike>>();
  const connectListeners: ((tabId: number, port: PortLike) => void)[] = [];
  return {
    accept(port) {
      const tabId = parsePanelPortName(port.name);
      if (tabId === null) return null;
      let set = ports.get(tabId);
      if (!set) ports.set(tabId, (set = new Set()));
      set.add(port);
      port.onDisconnect.addListener(() => {
        set.delete(port);
        if (set.size === 0 && ports.get(tabId) === set) ports.delete(tabId);
      });
      for (const l of connectListeners) l(tabId, port);
      return tabId;
    },
    push(tabId, message) {
      const set = ports.get(tabId);
      if (!set) return 0;
      let n = 0;
      for (const port of [...set]) {
        try {
          port.postMessage(message);
          n++;
        } catch {
          set.delete(port); // a port that throws is gone (its context closed)
        }
      }
      return n;
    },
    tabs() {
      return [...ports.keys()];
    },
    onConnect(listener) {
      connectListeners.push(listener);
    },
  };
}
