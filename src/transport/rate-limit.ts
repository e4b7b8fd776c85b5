// Token buckets per source (address, client), in a bounded map: abusive sources are slowed or dropped.

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Tokens added per second (the sustained rate). */
  perSecond: number;
  /** Bucket size (the burst). @default perSecond */
  burst?: number;
  /** Most sources tracked; the least recently seen is forgotten beyond it. @default 65536 */
  maxSources?: number;
  /** Milliseconds since some epoch (injected so tests control time). */
  now: () => number;
}

/** Per-source admission: `take(src)` is false while the source is over its rate. */
export interface RateLimiter {
  take(source: string, cost?: number): boolean;
  readonly sources: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Creates a limiter. A forgotten source starts again with a full bucket, so the map bound trades a
 * little precision under a flood of distinct sources for bounded memory.
 */
export function createRateLimiter(o: RateLimiterOptions): RateLimiter {
  const burst = o.burst ?? o.perSecond;
  const max = o.maxSources ?? 65_536;
  const buckets = new Map<string, Bucket>();
  return {
    take(source, cost = 1) {
      const now = o.now();
      let b = buckets.get(source);
      if (b === undefined) {
        if (buckets.size >= max) buckets.delete(buckets.keys().next().value as string);
        b = { tokens: burst, at: now };
      } else {
        buckets.delete(source); // re-inserted below: Map order = least recently seen first
        b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * o.perSecond);
        b.at = now;
      }
      buckets.set(source, b);
      if (b.tokens < cost) return false;
      b.tokens -= cost;
      return true;
    },
    get sources() {
      return buckets.size;
    },
  };
}
