// Transport-level event counters (refused connections, dropped datagrams, listener errors) for /metrics.

/** One counted transport event, e.g. `{ transport: 'coap', event: 'response_error' }`. */
export interface TransportEventCount {
  readonly transport: string;
  readonly event: string;
  readonly value: number;
}

/** Counters a listener increments where an event happens; read by the platform's /metrics. */
export interface TransportCounters {
  inc(event: string, by?: number): void;
  get(event: string): number;
  snapshot(): TransportEventCount[];
}

/**
 * Creates the counters of one transport. Event names are a closed set chosen by the code (never
 * taken from input), so the map stays bounded.
 */
export function createTransportCounters(transport: string): TransportCounters {
  const counts = new Map<string, number>();
  return {
    inc(event, by = 1) {
      counts.set(event, (counts.get(event) ?? 0) + by);
    },
    get: (event) => counts.get(event) ?? 0,
    snapshot: () => [...counts].map(([event, value]) => ({ transport, event, value })),
  };
}
