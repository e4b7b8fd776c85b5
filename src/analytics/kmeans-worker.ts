// worker_threads entry: holds one shard of the matrix and runs the k-means kernel on request.
import { parentPort } from 'node:worker_threads';
import { createShard, runStep, type Matrix, type Shard, type StepInput } from './kmeans-kernel.ts';

interface LoadMessage {
  type: 'load';
  data: Matrix;
  labels: Int32Array;
  d: number;
  k: number;
  start: number;
  end: number;
  algorithm: 'lloyd' | 'hamerly' | 'elkan';
}
type Message = LoadMessage | { type: 'step'; inp: StepInput };

let shard: Shard | undefined;
let algorithm: 'lloyd' | 'hamerly' | 'elkan' = 'lloyd';

parentPort?.on('message', (msg: Message) => {
  if (msg.type === 'load') {
    shard = createShard(msg.data, msg.d, { start: msg.start, end: msg.end, labels: msg.labels, k: msg.k });
    algorithm = msg.algorithm;
    parentPort?.postMessage(true);
    return;
  }
  if (shard === undefined) throw new Error('kmeans worker: step before load');
  const out = runStep(algorithm, shard, msg.inp);
  parentPort?.postMessage(out, [out.sums.buffer as ArrayBuffer, out.counts.buffer as ArrayBuffer]);
});
