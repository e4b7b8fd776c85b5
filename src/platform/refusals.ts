// The sealed downlink that tells a terminal its frame was refused (QUARANTINED): MQTT 3.1.1 has no negative PUBACK.
import type { TerminalId } from '../core/index.ts';
import type { IngestPipeline } from '../ingest/index.ts';
import { CTYPE } from '../protocol/index.ts';

/** Options of {@link createRefusalSealer}. */
export interface RefusalSealerOptions {
  pipeline: Pick<IngestPipeline, 'sealDownlinkFor'>;
  /** Milliseconds, monotonic. */
  now: () => number;
  /** At most one refusal per terminal per this many ms (each costs a durable downlink counter). @default 5000 */
  everyMs?: number;
  /** Most terminals remembered for the rate limit. @default 10000 */
  maxTitles?: number;
}

/**
 * Seals `{ refused: <reason> }` as a command result (ctype 0x04) under the terminal's downlink key,
 * at most once per terminal per `everyMs`; undefined when rate-limited or the terminal is unknown.
 */
export function createRefusalSealer(o: RefusalSealerOptions) {
  const last = new Map<string, number>();
  const everyMs = o.everyMs ?? 5000;
  const maxTitles = o.maxTitles ?? 10_000;
  return async (title: string, reason: string): Promise<Uint8Array | undefined> => {
    const now = o.now();
    const prev = last.get(title);
    if (prev !== undefined && now - prev < everyMs) return undefined;
    if (last.size >= maxTitles) last.clear();
    last.set(title, now);
    const sealed = await o.pipeline.sealDownlinkFor(title as TerminalId, {
      ctype: CTYPE.COMMAND_RESULT,
      body: { refused: reason },
    });
    return sealed.ok ? sealed.frame : undefined;
  };
}
