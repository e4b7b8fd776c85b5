// The live-event fan-out behind SSE: typed events in, every connected client out; nothing kept.

export type LiveEventType = 'frames' | 'flag' | 'release' | 'trust-cycle' | 'key' | 'job' | 'campaign';

export interface LiveEvent {
  readonly type: LiveEventType;
  readonly at: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface EventHub {
  publish(e: LiveEvent): void;
  /** Returns the unsubscribe. */
  subscribe(fn: (e: LiveEvent) => void): () => void;
  readonly clients: number;
}

export function createEventHub(onError: (e: unknown) => void = () => undefined): EventHub {
  const subs = new Set<(e: LiveEvent) => void>();
  return {
    publish(e) {
      for (const fn of subs) {
        try {
          fn(e);
        } catch (err) {
          onError(err);
        }
      }
    },
    subscribe(fn) {
      subs.add(fn);
      return () => void subs.delete(fn);
    },
    get clients() {
      return subs.size;
    },
  };
}
