/**
 * An audit worker thread: gets the signed values once (workerData), then batches of candidate
 * keys; answers each batch with how many it tried and which (value, salt) pairs a key signs.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { prepareTarget, SignerCracker, type FastAlgorithm, type SaltPrefix } from './fast-hmac.ts';

/** What the worker is started with. */
export interface WorkerInit {
  targets: { message: Uint8Array; signature: Uint8Array; algorithm: 'sha256' | 'sha1' | 'sha384' | 'sha512' }[];
  salts: SaltPrefix[];
}

/** A batch request. */
export interface WorkerBatch {
  id: number;
  keys: string[];
  /** Targets already cracked: not tried again. */
  skip: number[];
}

/** A batch answer. */
export interface WorkerAnswer {
  id: number;
  tried: number;
  matches: { target: number; salt: number; key: string }[];
}

const init = workerData as WorkerInit;
const fastIdx: number[] = [];
const slowIdx: number[] = [];
init.targets.forEach((t, i) => (t.algorithm === 'sha256' || t.algorithm === 'sha1' ? fastIdx : slowIdx).push(i));
const cracker = new SignerCracker(
  fastIdx.map((i) => {
    const t = init.targets[i]!;
    return prepareTarget(t.message, t.signature, t.algorithm as FastAlgorithm);
  }),
  init.salts,
);

/** node:crypto path for algorithms the fast path does not cover (sha384, sha512). */
function slowCheck(key: string, skip: Set<number>, out: WorkerAnswer['matches']): void {
  for (const ti of slowIdx) {
    if (skip.has(ti)) continue;
    const t = init.targets[ti]!;
    init.salts.forEach((s, si) => {
      const k = createHash(t.algorithm).update(`${s.salt}signer${s.keyPrefix}${key}`).digest();
      const mac = createHmac(t.algorithm, k).update(t.message).digest();
      if (mac.length === t.signature.length && timingSafeEqual(mac, t.signature)) out.push({ target: ti, salt: si, key });
    });
  }
}

parentPort!.on('message', (batch: WorkerBatch) => {
  const skip = new Set(batch.skip);
  const fastSkip = new Set(fastIdx.map((ti, local) => (skip.has(ti) ? local : -1)).filter((x) => x >= 0));
  const matches: WorkerAnswer['matches'] = [];
  for (const key of batch.keys) {
    if (fastIdx.length) for (const m of cracker.check(key, fastSkip)) matches.push({ target: fastIdx[m.target]!, salt: m.salt, key });
    if (slowIdx.length) slowCheck(key, skip, matches);
  }
  const answer: WorkerAnswer = { id: batch.id, tried: batch.keys.length, matches };
  parentPort!.postMessage(answer);
});
