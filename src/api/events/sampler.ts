// Samples the ingest counters once a second: per-second accepted / rejected-by-reason deltas for the
// last hour (the rejects-over-time route) and a `frames` live event for the dashboard.
import type { ApiDeps } from '../deps.ts';

export interface FrameSample {
  readonly at: number;
  readonly accepted: number;
  readonly rejected: Readonly<Record<string, number>>;
}

export interface FrameSampler {
  /** Takes one sample now (the timer calls this every second). */
  sample(): void;
  /** Samples newer than `sinceMs`, oldest first. */
  since(sinceMs: number): FrameSample[];
  stop(): void;
}

/** Starts sampling every `everyMs` (unref'd timer; `stop` ends it). */
export function startFrameSampler(
  deps: Pick<ApiDeps, 'ingestStats' | 'events' | 'now'>,
  everyMs = 1000,
  keep = 3600,
): FrameSampler {
  const ring: FrameSample[] = [];
  let last = deps.ingestStats();
  const sample = (): void => {
    const s = deps.ingestStats();
    const rejected: Record<string, number> = {};
    for (const [k, v] of Object.entries(s.rejected)) {
      const d = v - (last.rejected[k] ?? 0);
      if (d > 0) rejected[k] = d;
    }
    const e: FrameSample = { at: deps.now(), accepted: Math.max(0, s.accepted - last.accepted), rejected };
    last = s;
    ring.push(e);
    if (ring.length > keep) ring.splice(0, ring.length - keep);
    if (deps.events.clients > 0)
      deps.events.publish({
        type: 'frames',
        at: e.at,
        data: { accepted: e.accepted, rejected, seconds: everyMs / 1000, totalAccepted: s.accepted },
      });
  };
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    sample,
    since: (t) => ring.filter((e) => e.at > t),
    stop: () => clearInterval(timer),
  };
}
