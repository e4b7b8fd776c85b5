// Lloyd assignment on WebAssembly SIMD (f32x4 expanded distance), sums and SSE accumulated in double in JS.
import {
  centreNorms,
  lloydStep,
  squaredDistance,
  type Shard,
  type StepInput,
  type StepOutput,
} from './kmeans-kernel.ts';
import { KMEANS_ASSIGN_WASM } from './wasm/kmeans-assign-wasm.ts';

/** The few WebAssembly APIs used here (the project's lib settings carry no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface SimdState {
  memory: WasmMemory;
  assign: (
    x: number,
    rows: number,
    d: number,
    c: number,
    k: number,
    norms: number,
    labels: number,
    sums: number,
    counts: number,
  ) => number;
  centresAt: number;
  normsAt: number;
  labelsAt: number;
  sumsAt: number;
  countsAt: number;
}

const STATES = new WeakMap<Shard, SimdState>();

/** True when this runtime can run the SIMD kernel for rows of width d. */
export function simdAvailable(d: number): boolean {
  try {
    return d % 4 === 0 && WASM.validate(Buffer.from(KMEANS_ASSIGN_WASM, 'base64'));
  } catch {
    return false;
  }
}

/** Instantiates the kernel for a shard and copies the shard's rows (as f32) into its memory once. */
function stateOf(s: Shard, k: number): SimdState {
  const known = STATES.get(s);
  if (known !== undefined) return known;
  const rows = s.end - s.start;
  const centresAt = rows * s.d * 4;
  const normsAt = centresAt + k * s.d * 4;
  const labelsAt = normsAt + k * 4;
  const sumsAt = Math.ceil((labelsAt + rows * 4) / 16) * 16;
  const countsAt = sumsAt + k * s.d * 8;
  const instance = new WASM.Instance(new WASM.Module(Buffer.from(KMEANS_ASSIGN_WASM, 'base64')));
  const memory = instance.exports.memory as WasmMemory;
  memory.grow(Math.ceil((countsAt + k * 8) / 65_536));
  new Float32Array(memory.buffer, 0, rows * s.d).set(s.data.subarray(s.start * s.d, s.end * s.d));
  new Int32Array(memory.buffer, labelsAt, rows).fill(-1);
  const assign = instance.exports.assign as SimdState['assign'];
  const state: SimdState = { memory, assign, centresAt, normsAt, labelsAt, sumsAt, countsAt };
  STATES.set(s, state);
  return state;
}

/**
 * One Lloyd iteration entirely in WebAssembly SIMD: f32 distances (like scikit-learn on f32 input),
 * per-cluster sums and counts accumulated in f64. The reported SSE is computed in double in JS.
 */
export function lloydSimdStep(s: Shard, inp: StepInput): StepOutput {
  const { k } = inp;
  const { d, data, labels } = s;
  if (d % 4 !== 0) return lloydStep(s, inp); // the SIMD block reads 4 values at a time
  const st = stateOf(s, k);
  const rows = s.end - s.start;
  const buf = st.memory.buffer;
  const c32 = new Float32Array(buf, st.centresAt, k * d);
  c32.set(inp.centres);
  new Float32Array(buf, st.normsAt, k).set(centreNorms(Float64Array.from(c32), k, d));
  new Float64Array(buf, st.sumsAt, k * d + k).fill(0);
  const changed = st.assign(0, rows, d, st.centresAt, k, st.normsAt, st.labelsAt, st.sumsAt, st.countsAt);
  labels.set(new Int32Array(buf, st.labelsAt, rows), s.start);
  let sse = 0;
  if (inp.phase === 'final')
    for (let i = s.start; i < s.end; i++) sse += squaredDistance(data, i, inp.centres, labels[i]!, d);
  return {
    sums: new Float64Array(buf, st.sumsAt, k * d).slice(),
    counts: new Float64Array(buf, st.countsAt, k).slice(),
    changed,
    sse,
  };
}
