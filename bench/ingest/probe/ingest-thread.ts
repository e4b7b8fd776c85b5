// Design probe (ADR 0010, proposed): raw broker vs "broker on the main thread, pipeline + SQLite writes
// in one worker", rounds alternating, gateway layout. Run:
//   node --max-semi-space-size=64 --import tsx bench/ingest/probe/ingest-thread.ts [connections] [per-turn|per-worker-turn]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argv } from 'node:process';
import { createSystemClock } from '../../../src/cli/system-clock.ts';
import { startTsWorker, type TerminalId } from '../../../src/core/index.ts';
import type { IngestOutcome } from '../../../src/ingest/index.ts';
import { createPlatformRegistry, provisionTerminals } from '../../../src/platform/index.ts';
import { openSqliteStore } from '../../../src/storage/index.ts';
import { startEmbeddedBroker, type FrameSink } from '../../../src/transport/index.ts';
import type { Terminal } from '../broker-rounds.ts';
import { createCpuMeter } from '../cpu-meter.ts';
import { connectPublishers, median, publishRound } from '../load.ts';
import { makeJobs } from '../run.ts';
import type { ProbeFrames } from './ingest-thread-worker.ts';

const CONNECTIONS = Number(argv[2] ?? 8);
const PER_TURN = argv[3] !== 'per-worker-turn';
const TERMINALS = 4000;
const ROUNDS = 6;
/** Frames per message to the worker at most (a broker turn can hold more). */
const MAX_FRAMES = 512;

const terminals: Terminal[] = Array.from({ length: TERMINALS }, () => {
  const title = randomBytes(8);
  return { id: title.toString('hex') as TerminalId, title, rootKey: randomBytes(32) };
});
const rounds = Array.from({ length: ROUNDS + 1 }, (_, r) => makeJobs(terminals, 5, 1 + r * 5));
const dir = mkdtempSync(join(tmpdir(), 'gt-probe-'));
const path = join(dir, 'gridtrust.db');
const store = await openSqliteStore({ path });
const registry = createPlatformRegistry({
  store,
  masterKey: randomBytes(32),
  clock: createSystemClock(),
  actor: 'probe',
});
await provisionTerminals(
  registry,
  terminals.map((t) => ({ id: t.id, rootKey: t.rootKey, type: 'smart-meter' })),
);
await store.close();

const worker = startTsWorker(new URL('./ingest-thread-worker.ts', import.meta.url), {
  workerData: { path, terminals: terminals.map((t) => [t.id, t.rootKey]), perTurn: PER_TURN },
});
await new Promise((resolve) => worker.once('message', resolve));

/** The broker's sink: each turn's frames go to the worker as one transferred buffer. */
function createForwardingSink(): FrameSink {
  const OK: IngestOutcome = { ok: true };
  const BAD: IngestOutcome = { ok: false, reason: 'BAD_TAG' };
  const waiting = new Map<number, ((o: IngestOutcome) => void)[]>();
  let queue: { frame: Uint8Array; title: string; resolve: (o: IngestOutcome) => void }[] = [];
  let bytes = 0;
  let nextId = 1;
  let scheduled = false;
  const send = (): void => {
    scheduled = false;
    if (queue.length === 0) return;
    const items = queue;
    queue = [];
    const buf = new ArrayBuffer(bytes + 2 * items.length);
    bytes = 0;
    const u8 = new Uint8Array(buf);
    const dv = new DataView(buf);
    let o = 0;
    for (const it of items) {
      dv.setUint16(o, it.frame.length);
      u8.set(it.frame, o + 2);
      o += 2 + it.frame.length;
    }
    const id = nextId++;
    waiting.set(
      id,
      items.map((it) => it.resolve),
    );
    const msg: ProbeFrames = { id, buf, n: items.length, titles: items.map((it) => it.title) };
    worker.postMessage(msg, [buf]);
  };
  worker.on('message', (m: { id?: number; out?: Int32Array }) => {
    if (m.id === undefined || m.out === undefined) return;
    const resolves = waiting.get(m.id) ?? [];
    waiting.delete(m.id);
    resolves.forEach((resolve, i) => resolve(m.out?.[i] === 0 ? OK : BAD));
  });
  return {
    handleFrame: (frame, meta) =>
      new Promise((resolve) => {
        queue.push({ frame, title: meta.topicTitle ?? '', resolve });
        bytes += frame.length;
        if (queue.length >= MAX_FRAMES) send();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(send);
        }
      }),
    recordRejection: () => undefined,
  };
}

const probe = await startEmbeddedBroker({ sink: createForwardingSink() });
const raw = await startEmbeddedBroker({
  sink: { handleFrame: () => Promise.resolve({ ok: true }), recordRejection: () => undefined },
});
const window = TERMINALS / CONNECTIONS;
const rawClients = await connectPublishers(raw.port, CONNECTIONS, 'probe-raw');
const probeClients = await connectPublishers(probe.port, CONNECTIONS, 'probe-e2e');
await publishRound(rawClients, rounds[0]!, window);
await publishRound(probeClients, rounds[0]!, window);
const cpu = createCpuMeter();
const rawRates: number[] = [];
const probeRates: number[] = [];
let failed = 0;
for (let r = 1; r <= ROUNDS; r++) {
  const jobs = rounds[r]!;
  rawRates.push((await cpu.measure('raw', jobs.length, () => publishRound(rawClients, jobs, window))).perSec);
  const res = await cpu.measure('probe', jobs.length, () => publishRound(probeClients, jobs, window));
  probeRates.push(res.perSec);
  failed += res.failed;
}
worker.postMessage({ type: 'stats' });
interface WorkerTotals {
  commits: number;
  stats: { accepted: number; rejected: Record<string, number> };
}
const end = await new Promise<WorkerTotals>((resolve) => worker.once('message', resolve));
console.log(
  JSON.stringify(
    {
      connections: CONNECTIONS,
      groups: PER_TURN ? 'per broker turn' : 'per worker turn',
      rawBrokerMessagesPerSec: Math.round(median(rawRates)),
      endToEndFramesPerSec: Math.round(median(probeRates)),
      endToEndVsRawBroker: Number((median(probeRates) / median(rawRates)).toFixed(3)),
      accepted: end.stats.accepted,
      rejected: end.stats.rejected,
      failedPublishes: failed,
      groupCommits: end.commits,
      cpuPerFrameUs: cpu.report(),
    },
    null,
    2,
  ),
);
await Promise.all([...rawClients, ...probeClients].map((c) => c.endAsync()));
await Promise.all([probe.close(), raw.close(), worker.terminate()]);
rmSync(dir, { recursive: true, force: true });
