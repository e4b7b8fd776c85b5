// `gridtrust bench protocol`: full verifyFrame rate vs raw node:crypto AES-128-GCM opens of the same frames.
import { createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import type { BenchContext } from '../../src/cli/bench-context.ts';
import { createProgress } from '../../src/cli/progress.ts';
import { createManualClock, createRandom, type UnixMillis } from '../../src/core/index.ts';
import {
  createKeyCache,
  deriveFrameKey,
  frameNonce,
  sealFrame,
  verifyFrame,
  type ReplayState,
  type Telemetry,
  type VerifyContext,
} from '../../src/protocol/index.ts';

const TERMINALS = 100;
const ROUNDS = 9;
const TENANT = 1;

interface Corpus {
  frames: Buffer[];
  roots: Map<string, Buffer>;
  /** K_use of each frame's terminal (for the raw reference). */
  keys: Buffer[];
  payloadBytes: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** A ~100-byte telemetry record: eight scalars, two profile rows and one OBIS value, seeded values. */
function record(rnd: ReturnType<typeof createRandom>, t: number): Telemetry {
  const row = (): [number, number, number, number, number, number, number] => [
    t - 900,
    rnd.int(2200, 2400),
    rnd.int(0, 6000),
    rnd.int(0, 9000),
    rnd.int(-2000, 2000),
    rnd.int(800, 1000),
    rnd.int(4990, 5010),
  ];
  return {
    t,
    voltage: rnd.int(2200, 2400),
    current: rnd.int(0, 6000),
    activePower: rnd.int(0, 9000),
    reactivePower: rnd.int(-2000, 2000),
    powerFactor: rnd.int(800, 1000),
    frequency: rnd.int(4990, 5010),
    energyImport: rnd.int(1_000_000, 90_000_000),
    profile: [row(), row()],
    obis: { '1-0:32.7.0': rnd.int(2200, 2400) },
  };
}

function buildCorpus(count: number): Corpus {
  const rnd = createRandom(20260101);
  const roots = new Map<string, Buffer>();
  const titles: Buffer[] = [];
  for (let i = 0; i < TERMINALS; i++) {
    const title = Buffer.alloc(8);
    title.writeUInt32BE(0x4d4d4d00, 0);
    title.writeUInt32BE(i + 1, 4);
    const root = Buffer.from(Array.from({ length: 32 }, () => rnd.int(0, 255)));
    roots.set(title.toString('hex'), root);
    titles.push(title);
  }
  const frames: Buffer[] = [];
  const keys: Buffer[] = [];
  let payloadBytes = 0;
  for (let i = 0; i < count; i++) {
    const systemTitle = titles[i % TERMINALS]!;
    const rootKey = roots.get(systemTitle.toString('hex'))!;
    const header = {
      dir: 0,
      ackReq: false,
      more: false,
      suite: 0x01,
      systemTitle,
      purpose: 1,
      keyVersion: 1,
      fc: Math.floor(i / TERMINALS) + 1,
      ctype: 0x01,
    } as const;
    const frame = sealFrame({
      header,
      key: { rootKey, tenant: TENANT },
      telemetry: record(rnd, 1_700_000_000 + i),
    });
    frames.push(frame);
    keys.push(deriveFrameKey({ ...header, rootKey, tenant: TENANT, version: 1 }));
    payloadBytes += frame.length - 33;
  }
  return { frames, roots, keys, payloadBytes: payloadBytes / count };
}

const CHUNK = 200;

/** The reference: one AES-128-GCM open per frame with node:crypto, nothing else. Returns ms. */
function rawOpens(c: Corpus, from: number, to: number, keyObjects?: KeyObject[]): number {
  const t0 = performance.now();
  let sink = 0;
  for (let i = from; i < to; i++) {
    const f = c.frames[i]!;
    const d = createDecipheriv('aes-128-gcm', keyObjects?.[i] ?? c.keys[i]!, frameNonce(f, 0x01), {
      authTagLength: 16,
    });
    d.setAAD(f.subarray(0, 17));
    d.setAuthTag(f.subarray(f.length - 16));
    sink += d.update(f.subarray(17, f.length - 16)).length;
    d.final();
  }
  const ms = performance.now() - t0;
  if (sink === 0) throw new Error('nothing opened');
  return ms;
}

/** The full receiver path over frames [from, to). Returns ms; throws if a frame is rejected. */
function verifies(c: Corpus, ctx: VerifyContext, from: number, to: number): number {
  const t0 = performance.now();
  let accepted = 0;
  for (let i = from; i < to; i++) if (verifyFrame(c.frames[i]!, ctx).ok) accepted++;
  const ms = performance.now() - t0;
  if (accepted !== to - from) throw new Error(`only ${accepted}/${to - from} frames verified`);
  return ms;
}

/**
 * One round: the corpus in chunks of 200 frames, each chunk timed raw → verify → raw(KeyObject), so a
 * load spike from another process hits all three alike. Returns rates in frames/s.
 */
function round(
  c: Corpus,
  ctx: VerifyContext & { replay: Map<string, ReplayState> },
  keyObjects: KeyObject[],
) {
  ctx.replay.clear();
  let raw = 0;
  let full = 0;
  let rawKo = 0;
  const paired: number[] = [];
  for (let from = 0; from < c.frames.length; from += CHUNK) {
    const to = Math.min(from + CHUNK, c.frames.length);
    const r = rawOpens(c, from, to);
    const v = verifies(c, ctx, from, to);
    raw += r;
    full += v;
    rawKo += rawOpens(c, from, to, keyObjects);
    paired.push(r / v);
  }
  const rate = (ms: number): number => c.frames.length / (ms / 1000);
  return { raw: rate(raw), full: rate(full), rawKo: rate(rawKo), paired };
}

/**
 * A verify context over the corpus' terminals: every key active, replay windows in a Map. Terminal
 * records and the key status are built once, as a real terminal cache holds them.
 */
function benchContext(corpus: Corpus): VerifyContext & { replay: Map<string, ReplayState> } {
  const terminals = new Map([...corpus.roots].map(([id, rootKey]) => [id, { rootKey, tenant: TENANT }]));
  const active = { state: 'active' as const };
  return {
    lookupTerminal: (id: string) => terminals.get(id),
    keyStatus: () => active,
    replay: new Map<string, ReplayState>(),
    keyCache: createKeyCache(),
    clock: createManualClock(0 as UnixMillis),
  };
}

/** Runs the benchmark and returns the figures (medians of ROUNDS rounds, chunk-interleaved). */
export async function runBench(bench: BenchContext): Promise<Record<string, unknown>> {
  const count = Math.max(1000, Math.round(20_000 * bench.scale));
  const corpus = buildCorpus(count);
  const ctx = benchContext(corpus);
  const keyObjects = corpus.keys.map((k) => createSecretKey(k));
  round(corpus, ctx, keyObjects); // warm-up: JIT and key cache
  const raw: number[] = [];
  const rawKo: number[] = [];
  const full: number[] = [];
  const paired: number[] = [];
  const bar = createProgress(bench.io, 'bench protocol', ROUNDS, bench.quiet);
  for (let r = 0; r < ROUNDS; r++) {
    const x = round(corpus, ctx, keyObjects);
    raw.push(x.raw);
    full.push(x.full);
    rawKo.push(x.rawKo);
    paired.push(...x.paired);
    bar.update(r + 1);
    await new Promise((resolve) => setImmediate(resolve));
  }
  bar.done();
  const rawAeadOpensPerSec = Math.round(median(raw));
  const verifyPerSec = Math.round(median(full));
  const ratio = Number((verifyPerSec / rawAeadOpensPerSec).toFixed(3));
  const rawKeyObject = Math.round(median(rawKo));
  return {
    frames: count,
    terminals: TERMINALS,
    meanPayloadBytes: Number(corpus.payloadBytes.toFixed(1)),
    rounds: ROUNDS,
    rawAeadOpensPerSec,
    rawAeadOpensKeyObjectPerSec: rawKeyObject,
    verifyPerSec,
    ratio,
    ratioPerRoundMedian: Number(median(full.map((v, i) => v / raw[i]!)).toFixed(3)),
    ratioPairedMedian: Number(median(paired).toFixed(3)),
    ratioVsKeyObjectRaw: Number((verifyPerSec / rawKeyObject).toFixed(3)),
    target: 0.6,
    meetsTarget: ratio >= 0.6,
    perRound: { raw: raw.map(Math.round), verify: full.map(Math.round) },
  };
}
