// Batch assembly: the frames verified in one event-loop turn become one store batch (the store group-commits).
import type { EvidenceAccumulator } from './evidence.ts';
import type {
  EvidenceIncrement,
  IngestBatch,
  IngestReading,
  IngestStore,
  ReplayWindowUpdate,
} from './store-port.ts';

/** What one accepted frame contributes to a batch. */
export interface WriteItem {
  reading?: IngestReading;
  replay: readonly ReplayWindowUpdate[];
}

/**
 * One verified frame on the hot path: the counter `fc` it accepted in window `windowId` (the
 * protocol's replayId, `terminal|purpose|dir|version`) and either its reading, which carries that
 * counter to the store (ADR 0009), or — for a frame without one — the window `update` after it; plus
 * an optional second update (the downlink counter of an ack) that must commit in the same batch.
 */
export type FrameWrite = {
  readonly windowId: string;
  readonly fc: number;
  readonly also: ReplayWindowUpdate | undefined;
} & (
  | { readonly reading: IngestReading; readonly update?: undefined }
  | { readonly reading?: undefined; readonly update: ReplayWindowUpdate }
);

/** A batch being assembled or committed: `committed` settles once its `commitBatch` has. */
export interface BatchTicket {
  readonly committed: Promise<{ readonly duplicates: readonly number[] }>;
}

/** Options of {@link createBatchWriter}. */
export interface BatchWriterOptions<F extends FrameWrite = FrameWrite> {
  store: IngestStore;
  evidence: EvidenceAccumulator;
  /** Runs a callback soon; the platform passes `setImmediate` so a whole I/O round joins one batch. */
  schedule?: (fn: () => void) => void;
  /** Most frames per batch (the store may still put several batches in one transaction). @default 1024 */
  maxBatch?: number;
  /**
   * Under load, behaviour evidence rides on every n-th batch only (summed meanwhile: one row per
   * terminal and cycle instead of one per batch); a batch sent while no other is at the store, and
   * every batch of a flush, takes all of it. Reject counts ride on every batch. @default 8
   */
  evidenceEvery?: number;
  /** Observes each commit (frames, duration source is the caller's). */
  onCommit?: (frames: number) => void;
  /** Called with the evidence deltas of each durable commit that carried some (to publish them). */
  onEvidence?: (deltas: readonly EvidenceIncrement[]) => void;
  /** Called once per batch with the frames it `join`ed, before `committed` settles. */
  onSettled?: (frames: readonly F[], failed: boolean) => void;
}

/** A durable batch writer; `submit` resolves only after the frame's transaction commits. */
export interface BatchWriter<F extends FrameWrite = FrameWrite> {
  submit(item: WriteItem): Promise<{ duplicate: boolean }>;
  /** Adds a frame to this turn's batch without a promise of its own; returns that batch. */
  join(frame: F): BatchTicket;
  /** The unsettled batch holding the update that accepted `fc` in `windowId`, if there is one. */
  holding(windowId: string, fc: number): BatchTicket | undefined;
  /** Asks for a commit of pending counters even when no frame is waiting. */
  kick(): void;
  /** Commits everything pending; resolves when nothing is left (shutdown). */
  flush(): Promise<void>;
}

/**
 * One counter a batch accepted in a window; `prev` links the earlier ones of the same window.
 * `explicit`: the newest update of the window made by a frame without a reading (only those go to
 * the store; a reading carries its own counter, ADR 0009), undefined while there is none.
 */
interface Touch {
  readonly explicit: ReplayWindowUpdate | undefined;
  readonly fc: number;
  readonly prev: Touch | undefined;
}

interface Batch<F> extends BatchTicket {
  readonly readings: IngestReading[];
  readonly windows: Map<string, Touch>;
  readonly frames: F[];
  size: number;
  resolve(v: { readonly duplicates: readonly number[] }): void;
  reject(e: unknown): void;
}

function replayKey(u: ReplayWindowUpdate): string {
  return `${u.terminal}|${u.purpose}|${u.dir}|${u.version}`;
}

function newBatch<F>(): Batch<F> {
  const b = { readings: [], windows: new Map(), frames: [], size: 0 } as unknown as Batch<F>;
  (b as { committed: BatchTicket['committed'] }).committed = new Promise((resolve, reject) => {
    b.resolve = resolve;
    b.reject = reject;
  });
  // Handled here so a batch nobody awaits never reports an unhandled rejection; awaiters still see it.
  b.committed.catch(() => undefined);
  return b;
}

/**
 * Records counter `fc` in window `id`, with the update of a frame without a reading (`u`), or none;
 * the batch keeps the newest such update per window (it holds every earlier counter), first-seen order.
 */
function touch(b: Batch<unknown>, id: string, fc: number, u: ReplayWindowUpdate | undefined): void {
  const prev = b.windows.get(id);
  const last = prev?.explicit;
  const explicit = u === undefined || (last !== undefined && last.state.highest > u.state.highest) ? last : u;
  b.windows.set(id, { explicit, fc, prev });
}

function toBatch(b: Batch<unknown>, drained: ReturnType<EvidenceAccumulator['drain']>): IngestBatch {
  const replayUpdates: ReplayWindowUpdate[] = [];
  for (const t of b.windows.values()) if (t.explicit !== undefined) replayUpdates.push(t.explicit);
  return { readings: b.readings, replayUpdates, ...drained };
}

/** A throwing evidence hook must not turn a durable commit into a failure. */
function notifyEvidence(opts: BatchWriterOptions<never>, deltas: readonly EvidenceIncrement[]): void {
  try {
    opts.onEvidence?.(deltas);
  } catch {
    // The frames are durable and acknowledged regardless (IngestPipelineOptions.onEvidence).
  }
}

function holds(b: Batch<unknown>, id: string, fc: number): boolean {
  for (let t = b.windows.get(id); t !== undefined; t = t.prev) if (t.fc === fc) return true;
  return false;
}

/**
 * Creates the writer. Each turn of the event loop, the frames verified during it become one batch
 * that goes straight to the store; the store's group commit is the only layer that waits and merges
 * (for SQLite: batches queue while its write worker commits, then go as one transaction). A frame is
 * acknowledged only when its batch's `commitBatch` resolves; if the commit fails every frame in it is
 * rejected (not acknowledged) and the counters are kept for later.
 */
export function createBatchWriter<F extends FrameWrite = FrameWrite>(
  opts: BatchWriterOptions<F>,
): BatchWriter<F> {
  const schedule = opts.schedule ?? queueMicrotask;
  const maxBatch = opts.maxBatch ?? 1024;
  const open: Batch<F>[] = [];
  /** Batches at the store, each with a promise that settles (never rejects) after its handlers ran. */
  const inFlight = new Map<Batch<F>, Promise<void>>();
  const evidenceEvery = opts.evidenceEvery ?? 8;
  let scheduled = false;
  let flushing = false;
  let sinceEvidence = 0;

  const settle = (b: Batch<F>, failed: boolean): void => {
    inFlight.delete(b);
    // The load stopped with evidence still summing: one more batch takes it to the store (not after
    // a failure: the restored evidence waits for the next frame, so a failing store is not hammered).
    if (!failed && inFlight.size === 0 && opts.evidence.evidencePending) kick();
    try {
      opts.onSettled?.(b.frames, failed);
    } catch {
      // A faulty hook must not leave the batch's frames unanswered; the pipeline's never throws.
    }
  };
  const commit = (b: Batch<F>): void => {
    const all = flushing || inFlight.size === 0 || ++sinceEvidence >= evidenceEvery;
    if (all) sinceEvidence = 0;
    const drained = opts.evidence.drain(!all);
    const settled = opts.store.commitBatch(toBatch(b, drained)).then(
      (res) => {
        settle(b, false);
        b.resolve(res);
        opts.onCommit?.(b.size);
        if (drained.evidenceDeltas.length > 0) notifyEvidence(opts, drained.evidenceDeltas);
      },
      (err: unknown) => {
        opts.evidence.restore(drained);
        settle(b, true);
        b.reject(err);
      },
    );
    inFlight.set(b, settled);
  };
  const run = (): void => {
    scheduled = false;
    if (open.length === 0 && opts.evidence.pending) open.push(newBatch());
    for (const b of open.splice(0)) commit(b);
  };
  const kick = (): void => {
    if (scheduled) return;
    scheduled = true;
    schedule(run);
  };
  /** The batch this turn's next entry joins (a new one once the last is full). */
  const current = (): Batch<F> => {
    let b = open[open.length - 1];
    if (b === undefined || b.size >= maxBatch) open.push((b = newBatch()));
    b.size++;
    kick();
    return b;
  };
  return {
    submit(item) {
      const b = current();
      const index = item.reading === undefined ? -1 : b.readings.push(item.reading) - 1;
      for (const u of item.replay) touch(b, replayKey(u), u.state.highest, u);
      return b.committed.then((res) => ({ duplicate: index >= 0 && res.duplicates.includes(index) }));
    },
    join(frame) {
      const b = current();
      if (frame.reading !== undefined) b.readings.push(frame.reading);
      touch(b, frame.windowId, frame.fc, frame.update);
      if (frame.also !== undefined) touch(b, replayKey(frame.also), frame.also.state.highest, frame.also);
      b.frames.push(frame);
      return b;
    },
    holding(windowId, fc) {
      for (const b of open) if (holds(b, windowId, fc)) return b;
      for (const b of inFlight.keys()) if (holds(b, windowId, fc)) return b;
      return undefined;
    },
    kick,
    async flush() {
      flushing = true;
      try {
        for (;;) {
          if (open.length > 0 || opts.evidence.pending) run();
          else if (inFlight.size > 0) await Promise.all([...inFlight.values()]);
          else return;
        }
      } finally {
        flushing = false;
      }
    },
  };
}
