// Group commit: frames that arrive while a transaction is in flight ride in the next one (no timers).
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
  /** Most frames per transaction. @default 1024 */
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
 * Creates the writer. A frame is acknowledged only when its batch's `commitBatch` resolves; if the
 * commit fails every frame in it is rejected (not acknowledged) and the counters are kept for later.
 */
export function createBatchWriter(opts: BatchWriterOptions): BatchWriter {
  const schedule = opts.schedule ?? queueMicrotask;
  const maxBatch = opts.maxBatch ?? 1024;
  let queue: Entry[] = [];
  let current: Promise<void> | undefined;
  let scheduled = false;

  const run = (): void => {
    scheduled = false;
    if (current !== undefined || (queue.length === 0 && !opts.evidence.pending)) return;
    const entries = queue.slice(0, maxBatch);
    queue = queue.slice(entries.length);
    const drained = opts.evidence.drain();
    const batch = toBatch(entries, drained);
    current = opts.store.commitBatch(batch).then(
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
    void current.finally(() => {
      current = undefined;
      if (queue.length > 0 || opts.evidence.pending) kick();
    });
  };
  const kick = (): void => {
    if (scheduled || current !== undefined) return;
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
        if (current !== undefined) await current.catch(() => undefined);
        else if (queue.length > 0 || opts.evidence.pending) run();
        else return;
      }
    },
  };
}
