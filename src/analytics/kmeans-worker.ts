// worker_threads entry: holds one shard of the matrix and runs the k-means kernel on request.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { createShard, type Matrix, type Shard, type StepInput } from './kmeans-kernel.ts';
import { runStep } from './kmeans-step.ts';

type Algorithm = 'lloyd' | 'hamerly' | 'elkan' | 'lloyd-simd';

interface LoadMessage {
  type: 'load';
  data: Matrix;
  labels: Int32Array;
  d: number;
  k: number;
  start: number;
  end: number;
  algorithm: Algorithm;
}
type Message = LoadMessage | { type: 'step'; inp: StepInput };

/** Answers load/step messages on the port; the shard state lives in this closure. */
function serve(port: MessagePort): void {
  let shard: Shard | undefined;
  let algorithm: Algorithm = 'lloyd';
  port.on('message', (msg: Message) => {
    if (msg.type === 'load') {
      shard = createShard(msg.data, msg.d, { start: msg.start, end: msg.end, labels: msg.labels, k: msg.k });
      algorithm = msg.algorithm;
      port.postMessage(true);
      return;
    }
    if (shard === undefined) throw new Error('kmeans worker: step before load');
    const out = runStep(algorithm, shard, msg.inp);
    port.postMessage(out, [out.sums.buffer as ArrayBuffer, out.counts.buffer as ArrayBuffer]);
  });
}

if (parentPort !== null) serve(parentPort);
