// Batch assembly: the frames verified in one event-loop turn become one store batch (the store group-commits).
import type { EvidenceAccumulator } from './evidence.ts';
import type { IngestBatch, IngestReading, IngestStore, ReplayWindowUpdate } from './store-port.ts';

/** What one accepted frame contributes to a batch. */
export interface WriteItem {
  reading?: IngestReading;
  replay: readonly ReplayWindowUpdate[];
}

interface Entry extends WriteItem {
  resolve(v: { duplicate: boolean }): void;
  reject(e: unknown): void;
}

/** Options of {@link createBatchWriter}. */
export interface BatchWriterOptions {
  store: IngestStore;
  evidence: EvidenceAccumulator;
  /** Runs a callback soon; the platform passes `setImmediate` so a whole I/O round joins one batch. */
  schedule?: (fn: () => void) => void;
  /** Most frames per batch (the store may still put several batches in one transaction). @default 1024 */
  maxBatch?: number;
  /** Observes each commit (frames, duration source is the caller's). */
  onCommit?: (frames: number) => void;
}

/** A durable batch writer; `submit` resolves only after the frame's transaction commits. */
export interface BatchWriter {
  submit(item: WriteItem): Promise<{ duplicate: boolean }>;
  /** Asks for a commit of pending counters even when no frame is waiting. */
  kick(): void;
  /** Commits everything pending; resolves when nothing is left (shutdown). */
  flush(): Promise<void>;
}

function replayKey(u: ReplayWindowUpdate): string {
  return `${u.terminal}|${u.purpose}|${u.dir}|${u.version}`;
}

/** Builds the batch: readings in order, one (the newest) replay state per window. */
function toBatch(entries: readonly Entry[], drained: ReturnType<EvidenceAccumulator['drain']>): IngestBatch {
  const replay = new Map<string, ReplayWindowUpdate>();
  const readings: IngestReading[] = [];
  for (const e of entries) {
    if (e.reading !== undefined) readings.push(e.reading);
    for (const u of e.replay) {
      const prev = replay.get(replayKey(u));
      if (prev === undefined || u.state.highest >= prev.state.highest) replay.set(replayKey(u), u);
    }
  }
  return { readings, replayUpdates: [...replay.values()], ...drained };
}

/**
 * Creates the writer. Each turn of the event loop, the frames verified during it become one batch
 * that goes straight to the store; the store's group commit is the only layer that waits and merges
 * (for SQLite: batches queue while its write worker commits, then go as one transaction). A frame is
 * acknowledged only when its batch's `commitBatch` resolves; if the commit fails every frame in it is
 * rejected (not acknowledged) and the counters are kept for later.
 */
export function createBatchWriter(opts: BatchWriterOptions): BatchWriter {
  const schedule = opts.schedule ?? queueMicrotask;
  const maxBatch = opts.maxBatch ?? 1024;
  const queue: Entry[] = [];
  const inFlight = new Set<Promise<void>>();
  let scheduled = false;

  const commit = (entries: Entry[]): void => {
    const drained = opts.evidence.drain();
    const done = opts.store.commitBatch(toBatch(entries, drained)).then(
      (res) => {
        const dup = new Set(res.duplicates);
        let i = 0;
        for (const e of entries) e.resolve({ duplicate: e.reading !== undefined && dup.has(i++) });
        opts.onCommit?.(entries.length);
      },
      (err: unknown) => {
        opts.evidence.restore(drained);
        for (const e of entries) e.reject(err);
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  const run = (): void => {
    scheduled = false;
    if (queue.length === 0 && !opts.evidence.pending) return;
    while (queue.length > 0 || opts.evidence.pending) commit(queue.splice(0, maxBatch));
  };
  const kick = (): void => {
    if (scheduled) return;
    scheduled = true;
    schedule(run);
  };
  return {
    submit: (item) =>
      new Promise((resolve, reject) => {
        queue.push({ ...item, resolve, reject });
        kick();
      }),
    kick,
    async flush() {
      for (;;) {
        if (queue.length > 0 || opts.evidence.pending) run();
        else if (inFlight.size > 0) await Promise.all([...inFlight]);
        else return;
      }
    },
  };
}
