// The ingest thread (ADR 0010): the pipeline runs inside the SQLite write worker as a writer extension,
// opening frames and committing each message's frames as one group in the same thread.
import type { MessagePort } from 'node:worker_threads';
import type { TerminalId, UnixMillis } from '../core/index.ts';
import {
  createIngestPipeline,
  type EvidenceIncrement,
  type IngestMeta,
  type IngestOutcome,
  type IngestReading,
  type IngestRejectReason,
} from '../ingest/index.ts';
import { createKeyCache, type ReplayState } from '../protocol/index.ts';
import type { AttachWriterExtension, WriterHost } from '../storage/index.ts';
import {
  CODE,
  type FramesMessage,
  type FromIngestThread,
  type IngestThreadInit,
  type ThreadNews,
  type ToIngestThread,
} from './ingest-thread-codec.ts';
import { createTerminalTable } from './terminal-cache.ts';

const metaOf = (title: string | undefined): IngestMeta =>
  title === undefined ? { transport: 'thread' } : { transport: 'thread', topicTitle: title };

function createThread(host: WriterHost, port: MessagePort, init: IngestThreadInit) {
  const table = createTerminalTable();
  for (const e of init.terminals) table.put(e);
  let now = init.now;
  let readings: IngestReading[] = [];
  let evidence: EvidenceIncrement[] = [];
  let rejectsSeen = 0;
  const unknown = new Set<TerminalId>();
  const pipeline = createIngestPipeline({
    verify: {
      lookupTerminal: (id) => table.lookupTerminal(id),
      keyStatus: (q) => table.keyStatus(q),
      replay: new Map<string, ReplayState>(
        init.windows.map(([id, highest, bitmap]) => [id, { highest, bitmap }]),
      ),
      keyCache: createKeyCache({ maxEntries: 50_000 }),
      clock: { now: () => now as UnixMillis, monotonic: () => performance.now() },
      maxFrameBytes: init.maxFrameBytes,
    },
    // The write worker's own group runner, synchronously: a message's frames commit before it answers.
    store: {
      commitBatch: (batch) => {
        try {
          return Promise.resolve(host.commit(batch));
        } catch (e) {
          return Promise.reject(e instanceof Error ? e : new Error(String(e)));
        }
      },
    },
    cycleMs: init.cycleMs,
    isRefused: (id) => table.isRefused(id),
    keysGeneration: () => table.generation,
    downlinkSeed: init.downlink,
    // One group per message: its frames commit in a microtask right after they were verified.
    schedule: queueMicrotask,
    maxBatch: init.maxBatch,
    onAccepted: (r) => void readings.push(r),
    onEvidence: (d) => void evidence.push(...d),
    onUnknownTerminal: (id) => void unknown.add(id),
  });
  const news = (): ThreadNews => {
    const n = { readings, evidence, unknown: [...unknown], stats: pipeline.stats(), rejectsSeen };
    readings = [];
    evidence = [];
    unknown.clear();
    return n;
  };
  const post = (m: FromIngestThread, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

  const frames = (m: FramesMessage): void => {
    now = m.now;
    const u8 = new Uint8Array(m.buf);
    const dv = new DataView(m.buf);
    const codes = new Int32Array(m.n);
    const replies: Uint8Array[] = [];
    const reasons: IngestRejectReason[] = [];
    const errors: string[] = [];
    /** What a frame other than a plain OK needs answered, by frame index. */
    const side = new Map<number, IngestOutcome | string>();
    const outcomes: Promise<void>[] = [];
    for (let i = 0, o = 0; i < m.n; i++) {
      const len = dv.getUint32(o);
      const frame = u8.subarray(o + 4, o + 4 + len);
      o += 4 + len;
      const r = pipeline.handleFrame(frame, metaOf(m.titles[i])).then(
        (r) => {
          if (r.ok && r.reply === undefined) return;
          codes[i] = r.ok ? CODE.REPLY : CODE.REJECTED;
          side.set(i, r);
        },
        (e: unknown) => {
          codes[i] = CODE.FAILED;
          side.set(i, e instanceof Error ? e.message : String(e));
        },
      );
      outcomes.push(r);
    }
    void Promise.all(outcomes).then(() => {
      for (let i = 0; i < m.n; i++) {
        const x = side.get(i);
        if (x === undefined) continue;
        if (typeof x === 'string') errors.push(x);
        else if (x.ok) replies.push(x.reply!);
        else reasons.push(x.reason);
      }
      post({ t: 'done', id: m.id, codes, replies, reasons, errors, news: news() }, [codes.buffer]);
    });
  };

  return (m: ToIngestThread): void => {
    switch (m.t) {
      case 'frames':
        return frames(m);
      case 'terminals':
        for (const e of m.entries) table.put(e);
        return;
      case 'rejects':
        now = m.now;
        rejectsSeen = m.seq;
        for (const [reason, title, n] of m.counts) {
          const meta = metaOf(title ?? undefined);
          for (let i = 0; i < n; i++) pipeline.recordRejection(reason, meta);
        }
        return;
      case 'flush':
        now = m.now;
        void pipeline.flush().then(
          () => post({ t: 'flushed', id: m.id, news: news() }),
          () => post({ t: 'flushed', id: m.id, news: news() }),
        );
        return;
      case 'seal':
        void pipeline.sealDownlinkFor(m.terminal, m.seal).then(
          (result) => post({ t: 'sealed', id: m.id, result, news: news() }),
          (e: unknown) =>
            post({ t: 'sealed', id: m.id, error: e instanceof Error ? e.message : String(e), news: news() }),
        );
    }
  };
}

/** Attached by the SQLite write worker (storage's writer extension) with the platform's init data. */
export const attachWriterExtension: AttachWriterExtension = (host, port, data) => {
  const handle = createThread(host, port, data as IngestThreadInit);
  port.on('message', handle);
};
