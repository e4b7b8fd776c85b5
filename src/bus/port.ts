// The bus port: accepted readings and events fan out to the trust engine, analytics and live views.

/** A message on the bus: a subject (e.g. `readings.<terminal>`) and a JSON-serialisable body. */
export interface BusMessage<T = unknown> {
  subject: string;
  body: T;
}

/** Unsubscribes the handler it was returned for. */
export type Unsubscribe = () => void;

/**
 * Publish/subscribe between areas. Subjects are dot-separated; a subscription pattern may end in `>`
 * (any remainder, as in NATS) or use `*` for one token.
 */
export interface Bus {
  publish<T>(subject: string, body: T): Promise<void>;
  subscribe<T>(pattern: string, handler: (msg: BusMessage<T>) => void): Unsubscribe;
  close(): Promise<void>;
}

/** True when a NATS-style pattern (`a.*.c`, `a.>`) matches a subject. */
export function matchesSubject(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
