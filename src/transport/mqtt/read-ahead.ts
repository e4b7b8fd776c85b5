// Read-ahead for the embedded broker: uplinks waiting for their commit do not stall their connection.
import type { Client } from 'aedes';

/**
 * The two fields of an aedes (1.x) client that gate its socket reads: the packets of the current
 * read chunk still being handled, and the function that counts one down and, at zero, reads and
 * parses the next chunk.
 */
interface AedesReadGate {
  _parsingBatch: number;
  _nextBatch: () => void;
  /** Set while aedes handles the client's CONNECT; `_nextBatch` then returns without counting down. */
  _paused?: boolean;
}

function readGate(client: Client): AedesReadGate | undefined {
  const c = client as unknown as Partial<AedesReadGate>;
  return typeof c._parsingBatch === 'number' && typeof c._nextBatch === 'function'
    ? (c as AedesReadGate)
    : undefined;
}

const noop = (): void => undefined;

/**
 * aedes reads a connection's next chunk only when every packet of the current one is done, and a
 * QoS 1 PUBLISH is done once its PUBACK is written — for an uplink, once its frame is durably
 * committed. A connection that multiplexes many terminals (a fusion terminal, a gateway) would then
 * stall on every group commit, its next frames unread while the earlier ones wait. Read-ahead lets up
 * to `limit` uplinks per connection wait for their commit without holding the read; the next one
 * holds it as before, so a connection that outruns the store is back-pressured over TCP. Without the
 * two fields (another aedes), every uplink holds the read, as in aedes itself; the integration test
 * test/integration/mqtt-read-ahead.test.ts fails then.
 *
 * `detach(client)` is called once an uplink is handed to the sink; the function it returns must be
 * called right before that publish's `authorizePublish` callback (aedes then counts the publish done
 * once more, which the returned function balances).
 */
export function createReadAhead(limit: number) {
  /** Per connection: uplinks detached and not yet committed, and those still to be counted down. */
  const state = new WeakMap<Client, { pending: number; toRelease: number }>();
  return {
    detach(client: Client): () => void {
      const gate = limit > 0 ? readGate(client) : undefined;
      if (gate === undefined) return noop;
      let st = state.get(client);
      if (st === undefined) state.set(client, (st = { pending: 0, toRelease: 0 }));
      if (st.pending >= limit) return noop;
      st.pending++;
      const s = st;
      // Counted down once per chunk, deferred: reading the next chunk parses and handles its
      // packets, which must not run inside the authorizePublish of this one.
      if (s.toRelease++ === 0) {
        queueMicrotask(() => {
          const k = s.toRelease;
          s.toRelease = 0;
          if (gate._paused === true) {
            gate._parsingBatch -= k; // aedes's resume() reads on
            return;
          }
          gate._parsingBatch -= k - 1;
          gate._nextBatch(); // the last count-down: reads the next chunk when nothing else holds it
        });
      }
      return () => {
        s.pending--;
        gate._parsingBatch++; // aedes counts this publish done once more after its PUBACK
      };
    },
  };
}
