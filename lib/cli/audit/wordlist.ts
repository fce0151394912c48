/**
 * A worker's reader of wordlist byte ranges: one key per line (LF or CRLF), a line belongs to the
 * range it starts in, empty lines and lines over {@link MAX_CANDIDATE_BYTES} are skipped (a runaway
 * line is never read whole). The keys stay bytes: slices of one buffer, reused range after range.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_CANDIDATE_BYTES } from './fast-hmac.ts';

/** A growable list of (start, length) slices. */
export class Slices {
  starts = new Int32Array(4096);
  lengths = new Int32Array(4096);
  count = 0;
  push(start: number, length: number): void {
    if (this.count === this.starts.length) {
      const s = new Int32Array(this.count * 2);
      s.set(this.starts);
      this.starts = s;
      const l = new Int32Array(this.count * 2);
      l.set(this.lengths);
      this.lengths = l;
    }
    this.starts[this.count] = start;
    this.lengths[this.count++] = length;
  }
}

const NL = 0x0a;
const CR = 0x0d;
const CHUNK = 64 * 1024;

/** Candidates as slices of one byte buffer. */
export interface LineBatch {
  src: Buffer;
  starts: Int32Array;
  lengths: Int32Array;
  count: number;
}

/**
 * Reads ranges of a wordlist into line slices; the batch it returns is valid until the next read.
 *
 * @example
 * const r = new RangeReader();
 * const { src, starts, lengths, count } = r.read('keys.txt', 0, 1 << 20);
 */
export class RangeReader {
  private buf = Buffer.allocUnsafe(0);
  private readonly lines = new Slices();

  /** The lines that start in `[start, end)` of the file (the last one read to its end). */
  read(path: string, start: number, end: number): LineBatch {
    const lines = this.lines;
    lines.count = 0;
    const fd = openSync(path, 'r');
    try {
      // One byte before `start` tells whether a line starts exactly at `start`.
      const from = start > 0 ? start - 1 : 0;
      if (this.buf.length < end - from + CHUNK) this.buf = Buffer.allocUnsafe(end - from + CHUNK);
      let buf = this.buf;
      let len = readSync(fd, buf, 0, end - from, from);
      let pos = 0;
      if (start > 0) {
        // Skip the line that started in the previous range.
        const nl = buf.indexOf(NL, 0);
        pos = nl === -1 || nl >= len ? len : nl + 1;
        if (pos > end - from) return this.batch();
      }
      const limit = end - from; // lines starting at or after this belong to the next range
      while (pos < limit && pos < len) {
        let nl = buf.indexOf(NL, pos);
        while ((nl === -1 || nl >= len) && len - pos <= MAX_CANDIDATE_BYTES) {
          // The last line runs past the range: read on until its newline (or EOF).
          if (len + CHUNK > buf.length) {
            const bigger = Buffer.allocUnsafe(buf.length * 2);
            buf.copy(bigger, 0, 0, len);
            this.buf = buf = bigger;
          }
          const got = readSync(fd, buf, len, CHUNK, from + len);
          if (got === 0) break;
          len += got;
          nl = buf.indexOf(NL, pos);
        }
        const lineEnd = nl === -1 || nl >= len ? len : nl;
        let n = lineEnd - pos;
        if (n > 0 && buf[pos + n - 1] === CR) n--;
        if (n > 0 && n <= MAX_CANDIDATE_BYTES) lines.push(pos, n);
        if (nl === -1 || nl >= len) break;
        pos = nl + 1;
      }
    } finally {
      closeSync(fd);
    }
    return this.batch();
  }

  private batch(): LineBatch {
    return { src: this.buf, starts: this.lines.starts, lengths: this.lines.lengths, count: this.lines.count };
  }
}
