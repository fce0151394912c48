/** A writable stream that keeps what is written, for running CLI commands in-process in tests. */
import { Writable } from 'node:stream';

/**
 * @example const out = sink(); await main(['check', url], { stdout: out, … }); out.text
 */
export function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}
