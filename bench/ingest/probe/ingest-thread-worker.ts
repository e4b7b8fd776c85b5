// Design probe (ADR 0010, proposed): the ingest pipeline and the SQLite writes in ONE worker thread.
// Not the platform: no terminal cache updates, quarantine, downlink or bus. See ./README.md.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { createSystemClock } from '../../../src/cli/system-clock.ts';
import { createIngestPipeline, type IngestBatch } from '../../../src/ingest/index.ts';
import { createKeyCache, type ReplayState } from '../../../src/protocol/index.ts';
import { EvidenceBuffer } from '../../../src/storage/sqlite/evidence-buffer.ts';
import { ReadingInbox } from '../../../src/storage/sqlite/reading-inbox.ts';
import { ReplayWindows } from '../../../src/storage/sqlite/replay-windows.ts';
import { packGroup } from '../../../src/storage/sqlite/write-codec.ts';
import { applyBatches, type WriterMemory } from '../../../src/storage/sqlite/write-group.ts';
import { prepareWriteOps } from '../../../src/storage/sqlite/write-ops.ts';
import { validateBatch } from '../../../src/storage/validate.ts';

/** Frames of one event-loop turn of the broker: [u16 length][frame]…, and each frame's topic title. */
export interface ProbeFrames {
  id: number;
  buf: ArrayBuffer;
  n: number;
  titles: string[];
}

const wd = workerData as { path: string; terminals: [string, Uint8Array][]; perTurn: boolean };
// The write worker's connection settings and write path (write-worker.ts), here in the same thread.
const db = new Database(wd.path, { fileMustExist: true });
for (const p of ['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = OFF', 'busy_timeout = 5000'])
  db.pragma(p);
db.pragma('cache_size = -65536');
db.pragma('wal_autocheckpoint = 10000');
const ops = prepareWriteOps(db);
const inbox = new ReadingInbox(db);
const mem: WriterMemory = { known: new Set(), windows: new ReplayWindows(ops, inbox), inbox };
const evidence = new EvidenceBuffer();
const writeGroup = db.transaction((g: ReturnType<typeof packGroup>) =>
  applyBatches(ops, g, mem, [0, g.batches]),
);
const writeEvidence = db.transaction(() => evidence.write(ops));
const merge = db.transaction(() => mem.inbox.mergeOldest(5000, (last) => mem.windows.coverUpTo(last)));
let lastEvidence = performance.now();
let commits = 0;
let idle: ReturnType<typeof setTimeout> | undefined;
const afterGroup = (): void => {
  if (mem.inbox.rows > 100_000) merge.immediate();
  if (performance.now() - lastEvidence >= 200) {
    lastEvidence = performance.now();
    writeEvidence.immediate();
    evidence.clear();
  }
  clearTimeout(idle);
  idle = setTimeout(function onIdle() {
    if (merge.immediate() > 0 && mem.inbox.rows > 0) idle = setTimeout(onIdle, 200);
  }, 200);
};
const store = {
  commitBatch(batch: IngestBatch) {
    try {
      validateBatch(batch);
      const g = packGroup([batch]);
      const out = writeGroup.immediate(g)[0] ?? { stored: 0, duplicates: [] };
      evidence.add(g, 0, 1);
      commits++;
      afterGroup();
      return Promise.resolve(out);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  },
};
const terminals = new Map(wd.terminals.map(([id, rootKey]) => [id, { rootKey, tenant: 1 }]));
const pipeline = createIngestPipeline({
  verify: {
    lookupTerminal: (id) => terminals.get(id),
    keyStatus: () => ({ state: 'active' }),
    replay: new Map<string, ReplayState>(),
    keyCache: createKeyCache({ maxEntries: 50_000 }),
    clock: createSystemClock(),
    maxFrameBytes: 1024,
  },
  store,
  cycleMs: 60_000,
  // perTurn: one group per message (the frames of one broker turn); else per worker turn (setImmediate).
  schedule: wd.perTurn ? queueMicrotask : (fn) => setImmediate(fn),
  maxBatch: 4096,
});
const port = parentPort!;
port.on('message', (m: ProbeFrames | { type: 'stats' }) => {
  if ('type' in m) return port.postMessage({ commits, stats: pipeline.stats() });
  const u8 = new Uint8Array(m.buf);
  const dv = new DataView(m.buf);
  const out = new Int32Array(m.n);
  let done = 0;
  const settle = (k: number, code: number): void => {
    out[k] = code;
    if (++done === m.n) port.postMessage({ id: m.id, out }, [out.buffer]);
  };
  for (let i = 0, o = 0; i < m.n; i++) {
    const len = dv.getUint16(o);
    const frame = u8.subarray(o + 2, o + 2 + len);
    o += 2 + len;
    pipeline.handleFrame(frame, { transport: 'mqtt', topicTitle: m.titles[i] }).then(
      (r) => settle(i, r.ok ? 0 : 1),
      () => settle(i, 2),
    );
  }
});
port.postMessage({ ready: true });
