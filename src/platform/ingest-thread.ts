// The platform's side of the ingest thread (ADR 0010): an IngestPipeline that hands each turn's frames
// to the pipeline running inside the SQLite write worker, and answers each frame once it committed.
import type { MessagePort } from 'node:worker_threads';
import type { Clock, TerminalId } from '../core/index.ts';
import type {
  EvidenceIncrement,
  IngestOutcome,
  IngestPipeline,
  IngestReading,
  IngestRejectReason,
  IngestStats,
} from '../ingest/index.ts';
import type { Store } from '../storage/index.ts';
import { PlatformError } from './errors.ts';
import {
  CODE,
  type FromIngestThread,
  type IngestThreadInit,
  type SealRequest,
  type ThreadNews,
  type ToIngestThread,
} from './ingest-thread-codec.ts';
import type { TerminalEntry } from './terminal-cache.ts';

/** The pipeline plus what the platform tells the thread. */
export interface IngestThread extends IngestPipeline {
  /** Mirrors a terminal (re)loaded by the platform's cache (start, late loader, quarantine, release). */
  putTerminal(e: TerminalEntry): void;
}

/** Options of {@link startIngestThread}. */
export interface IngestThreadOptions {
  /** A store with a writer thread (`extendWriter`). */
  store: Required<Pick<Store, 'extendWriter'>>;
  init: IngestThreadInit;
  clock: Clock;
  /** Most frames per message to the thread (each message is one group commit there). @default 512 */
  maxFrames?: number;
  /** Called with each accepted reading once it is durable (e.g. to publish it on the bus). */
  onAccepted?: (r: IngestReading) => void;
  /** Called with each title the thread did not know (e.g. to load a terminal added meanwhile). */
  onUnknownTerminal?: (id: TerminalId) => void;
  /** Called with the evidence deltas the thread committed (e.g. to publish them on the bus). */
  onEvidence?: (deltas: readonly EvidenceIncrement[]) => void;
}

interface Queued {
  readonly frame: Uint8Array;
  readonly title: string | undefined;
  readonly resolve: (o: IngestOutcome) => void;
  readonly reject: (e: Error) => void;
}

type Waiter = { resolve: (m: FromIngestThread) => void; reject: (e: Error) => void };

const OK: IngestOutcome = Object.freeze({ ok: true });
/** Most distinct (reason, title) totals per turn's rejections message. */
const MAX_REJECT_KEYS = 1024;

const stopped = (): PlatformError =>
  new PlatformError('GT_ERR_PLATFORM_START', 'the ingest thread stopped (the store was closed)', {
    hint: 'restart the platform; frames not acknowledged are resent by their terminals',
  });

class ThreadPipeline implements IngestThread {
  private queue: Queued[] = [];
  private bytes = 0;
  private scheduled = false;
  private nextId = 1;
  private readonly frames = new Map<number, Queued[]>();
  private readonly requests = new Map<number, Waiter>();
  private failure: Error | undefined;
  private cached: IngestStats = { accepted: 0, rejected: {}, commits: 0, committedFrames: 0 };
  private readonly refusals = new Map<IngestRejectReason, IngestOutcome>();
  /**
   * Transport rejections not yet in the thread's stats: runs of one reason, each with the sequence
   * number of its last rejection (a run is dropped once the thread has seen that number).
   */
  private pendingRejects: { seq: number; reason: IngestRejectReason; count: number }[] = [];
  private rejectSeq = 0;
  /** This turn's transport rejections, summed per reason and topic title, to send as one message. */
  private readonly rejectTotals = new Map<string, [IngestRejectReason, string | null, number]>();
  private rejectsScheduled = false;
  /** The last rejection sent to the thread. */
  private sentSeq = 0;

  constructor(
    private readonly port: MessagePort,
    private readonly o: IngestThreadOptions,
  ) {
    port.on('message', (m: FromIngestThread) => this.onMessage(m));
    port.on('close', () => this.failAll(stopped()));
    port.unref();
  }

  handleFrame(frame: Uint8Array, meta: { topicTitle?: string }): Promise<IngestOutcome> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ frame, title: meta.topicTitle, resolve, reject });
      this.bytes += 4 + frame.length;
      if (this.queue.length >= (this.o.maxFrames ?? 512)) this.dispatch();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.dispatch());
      }
    });
  }

  recordRejection(reason: IngestRejectReason, meta: { topicTitle?: string }): void {
    // Summed per turn and sent as totals (a flood of rejections is one message per turn, not one
    // each: issue #16's starvation); counted in stats() at once until the thread's stats include it.
    const seq = ++this.rejectSeq;
    const last = this.pendingRejects[this.pendingRejects.length - 1];
    if (last !== undefined && last.reason === reason && last.seq > this.sentSeq) {
      last.seq = seq;
      last.count++;
    } else this.pendingRejects.push({ seq, reason, count: 1 });
    const title = meta.topicTitle ?? null;
    // Distinct titles per turn are bounded: beyond the bound they are counted without one.
    const key = this.rejectTotals.size < MAX_REJECT_KEYS ? `${reason}|${title ?? ''}` : `${reason}|`;
    const total = this.rejectTotals.get(key);
    if (total !== undefined) total[2]++;
    else this.rejectTotals.set(key, [reason, key.endsWith('|') ? null : title, 1]);
    if (!this.rejectsScheduled) {
      this.rejectsScheduled = true;
      setImmediate(() => this.sendRejects());
    }
  }

  private sendRejects(): void {
    this.rejectsScheduled = false;
    if (this.rejectTotals.size === 0) return;
    const counts = [...this.rejectTotals.values()];
    this.rejectTotals.clear();
    this.sentSeq = this.rejectSeq; // runs end here, so the thread's rejectsSeen never splits one
    this.send({ t: 'rejects', seq: this.rejectSeq, counts, now: this.o.clock.now() });
  }

  stats(): IngestStats {
    const rejected = { ...this.cached.rejected };
    for (const { reason, count } of this.pendingRejects) rejected[reason] = (rejected[reason] ?? 0) + count;
    return { ...this.cached, rejected };
  }

  async flush(): Promise<void> {
    this.sendRejects();
    this.dispatch();
    if (this.failure !== undefined) return;
    await this.request((id) => ({ t: 'flush', id, now: this.o.clock.now() }));
  }

  async sealDownlinkFor(terminal: TerminalId, seal: SealRequest) {
    const m = await this.request((id) => ({ t: 'seal', id, terminal, seal }));
    if (m.t !== 'sealed' || m.result === undefined) throw new Error(m.t === 'sealed' ? m.error : 'no answer');
    return m.result;
  }

  putTerminal(e: TerminalEntry): void {
    this.send({ t: 'terminals', entries: [e] });
  }

  private send(m: ToIngestThread, transfer: ArrayBuffer[] = []): void {
    if (this.failure === undefined) this.port.postMessage(m, transfer);
  }

  private request(make: (id: number) => ToIngestThread): Promise<FromIngestThread> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      this.port.ref();
      this.send(make(id));
    });
  }

  private dispatch(): void {
    this.scheduled = false;
    if (this.queue.length === 0 || this.failure !== undefined) return;
    const items = this.queue;
    const buf = new ArrayBuffer(this.bytes);
    this.queue = [];
    this.bytes = 0;
    const u8 = new Uint8Array(buf);
    const dv = new DataView(buf);
    let o = 0;
    for (const it of items) {
      dv.setUint32(o, it.frame.length);
      u8.set(it.frame, o + 4);
      o += 4 + it.frame.length;
    }
    const id = this.nextId++;
    this.frames.set(id, items);
    this.port.ref();
    const titles = items.map((it) => it.title);
    this.send({ t: 'frames', id, now: this.o.clock.now(), n: items.length, buf, titles }, [buf]);
  }

  private onMessage(m: FromIngestThread): void {
    if (m.t === 'done') this.settleFrames(m);
    else {
      this.requests.get(m.id)?.resolve(m);
      this.requests.delete(m.id);
    }
    this.apply(m.news);
    if (this.frames.size === 0 && this.requests.size === 0) this.port.unref();
  }

  private settleFrames(m: Extract<FromIngestThread, { t: 'done' }>): void {
    const items = this.frames.get(m.id) ?? [];
    this.frames.delete(m.id);
    let reply = 0;
    let reason = 0;
    let error = 0;
    items.forEach((it, i) => {
      const code = m.codes[i];
      if (code === CODE.OK) it.resolve(OK);
      else if (code === CODE.REPLY) it.resolve({ ok: true, reply: m.replies[reply++]! });
      else if (code === CODE.REJECTED) it.resolve(this.refusal(m.reasons[reason++]!));
      else it.reject(new Error(m.errors[error++] ?? 'the ingest thread did not answer this frame'));
    });
  }

  private refusal(reason: IngestRejectReason): IngestOutcome {
    let r = this.refusals.get(reason);
    if (r === undefined) this.refusals.set(reason, (r = Object.freeze({ ok: false, reason })));
    return r;
  }

  private apply(news: ThreadNews): void {
    this.cached = news.stats;
    if (this.pendingRejects.length > 0) {
      this.pendingRejects = this.pendingRejects.filter((r) => r.seq > news.rejectsSeen);
    }
    for (const r of news.readings) {
      try {
        this.o.onAccepted?.(r);
      } catch {
        // The reading is durable and acknowledged regardless (IngestPipelineOptions.onAccepted).
      }
    }
    if (news.evidence.length > 0) {
      try {
        this.o.onEvidence?.(news.evidence);
      } catch {
        // The evidence is durable regardless; recovery reads it back from the store after a restart.
      }
    }
    for (const id of news.unknown) this.o.onUnknownTerminal?.(id);
  }

  private failAll(e: Error): void {
    this.failure ??= e;
    for (const items of [...this.frames.values(), this.queue]) for (const it of items) it.reject(e);
    for (const w of this.requests.values()) w.reject(e);
    this.frames.clear();
    this.requests.clear();
    this.queue = [];
  }
}

/** Starts the pipeline in the store's writer thread (the store must offer `extendWriter`). */
export async function startIngestThread(o: IngestThreadOptions): Promise<IngestThread> {
  const entry = new URL('./ingest-thread-worker.ts', import.meta.url);
  const port = await o.store.extendWriter(entry, o.init).catch((cause: unknown) => {
    throw new PlatformError('GT_ERR_PLATFORM_START', 'cannot start the ingest thread', {
      hint: 'set GRIDTRUST_INGEST_THREAD=main (or ingestThread: main) to verify frames on the main thread; the cause says more',
      cause,
    });
  });
  return new ThreadPipeline(port, o);
}
