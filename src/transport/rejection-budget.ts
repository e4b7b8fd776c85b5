// A rejection budget per connection: a connection whose requests keep being refused is dropped.

/** Options of {@link createRejectionBudget}. */
export interface RejectionBudgetOptions {
  /** Refusals per second a connection may sustain. */
  perSecond: number;
  /** Refusals it may have in a burst. */
  burst: number;
  /** Milliseconds, monotonic. */
  now: () => number;
}

/** `spend(conn)` is false once the connection is over its budget (the caller drops it). */
export interface RejectionBudget<K extends object> {
  spend(conn: K): boolean;
}

/** Creates a budget keyed by the connection object (a WeakMap: nothing outlives its connection). */
export function createRejectionBudget<K extends object>(o: RejectionBudgetOptions): RejectionBudget<K> {
  const buckets = new WeakMap<K, { tokens: number; at: number }>();
  return {
    spend(conn) {
      const now = o.now();
      let b = buckets.get(conn);
      if (b === undefined) buckets.set(conn, (b = { tokens: o.burst, at: now }));
      else {
        b.tokens = Math.min(o.burst, b.tokens + ((now - b.at) / 1000) * o.perSecond);
        b.at = now;
      }
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
  };
}
