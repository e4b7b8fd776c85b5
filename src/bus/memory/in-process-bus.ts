// In-process bus adapter: synchronous fan-out to subscribers; the reference for the bus conformance suite.
import { matchesSubject, type Bus, type BusMessage } from '../port.ts';

interface Sub {
  pattern: string;
  handler: (msg: BusMessage<never>) => void;
}

/** Creates the embedded preset's bus. A throwing subscriber never affects the publisher or others. */
export function createInProcessBus(onHandlerError: (e: unknown) => void = () => undefined): Bus {
  let subs: Sub[] = [];
  return {
    publish<T>(subject: string, body: T): Promise<void> {
      for (const s of subs) {
        if (!matchesSubject(s.pattern, subject)) continue;
        try {
          (s.handler as (m: BusMessage<T>) => void)({ subject, body });
        } catch (e) {
          onHandlerError(e);
        }
      }
      return Promise.resolve();
    },
    subscribe<T>(pattern: string, handler: (msg: BusMessage<T>) => void) {
      const sub: Sub = { pattern, handler: handler };
      subs.push(sub);
      return () => {
        subs = subs.filter((x) => x !== sub);
      };
    },
    close() {
      subs = [];
      return Promise.resolve();
    },
  };
}
