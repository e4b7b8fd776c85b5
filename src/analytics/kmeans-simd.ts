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
  assign: (x: number, rows: number, d: number, c: number, k: number, norms: number, labels: number) => void;
  centresAt: number;
  normsAt: number;
  labelsAt: number;
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
  const bytes = rows * s.d * 4 + k * s.d * 4 + k * 4 + rows * 4 + 64;
  const instance = new WASM.Instance(new WASM.Module(Buffer.from(KMEANS_ASSIGN_WASM, 'base64')));
  const memory = instance.exports.memory as WasmMemory;
  memory.grow(Math.ceil(bytes / 65_536));
  new Float32Array(memory.buffer, 0, rows * s.d).set(s.data.subarray(s.start * s.d, s.end * s.d));
  const centresAt = rows * s.d * 4;
  const state: SimdState = {
    memory,
    assign: instance.exports.assign as SimdState['assign'],
    centresAt,
    normsAt: centresAt + k * s.d * 4,
    labelsAt: centresAt + k * s.d * 4 + k * 4,
  };
  STATES.set(s, state);
  return state;
}

/**
 * One Lloyd iteration with the distance block in WebAssembly SIMD (f32, like scikit-learn on f32
 * input); the per-cluster sums and the reported SSE are accumulated in double from the original rows.
 */
export function lloydSimdStep(s: Shard, inp: StepInput): StepOutput {
  const { k } = inp;
  const { d, data, labels } = s;
  if (d % 4 !== 0) return lloydStep(s, inp); // the SIMD block reads 4 values at a time
  const st = stateOf(s, k);
  const rows = s.end - s.start;
  new Float32Array(st.memory.buffer, st.centresAt, k * d).set(inp.centres);
  new Float32Array(st.memory.buffer, st.normsAt, k).set(
    centreNorms(Float64Array.from(new Float32Array(st.memory.buffer, st.centresAt, k * d)), k, d),
  );
  st.assign(0, rows, d, st.centresAt, k, st.normsAt, st.labelsAt);
  const got = new Int32Array(st.memory.buffer, st.labelsAt, rows);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  let changed = 0;
  let sse = 0;
  for (let r = 0; r < rows; r++) {
    const i = s.start + r;
    const b = got[r]!;
    if (labels[i] !== b) changed++;
    labels[i] = b;
    counts[b]! += 1;
    const xo = i * d;
    const so = b * d;
    for (let t = 0; t < d; t++) sums[so + t]! += data[xo + t]!;
    if (inp.phase === 'final') sse += squaredDistance(data, i, inp.centres, b, d);
  }
  return { sums, counts, changed, sse };
}
