// One sending side for simulated fleets (demo and `simulate --target`): an agent per terminal, attacks forged beside it.
import { createRandom, type Random } from '../core/index.ts';
import { createKeyCache } from '../protocol/index.ts';
import {
  createFrameSealer,
  createMemoryCounterPersistence,
  createTerminalAgent,
  openFrameCounter,
  type FrameAttackKind,
  type FrameSealer,
  type RetryPolicy,
  type SendOutcome,
  type TerminalAgent,
  type Upload,
  type UplinkLink,
} from '../sim/index.ts';

/** An upload that carries an attack. */
export type AttackUpload = Upload & { readonly attack: FrameAttackKind };

/** Options of {@link createFleetSenders}; the callers decide routing and counting. */
export interface FleetSenderOptions {
  /** The terminals' provisioned root keys by title (hex); an unknown title gets an all-zero key. */
  readonly keys: ReadonlyMap<string, Uint8Array>;
  /** Seeds the agents' and the forger's randomness (callers salt it so runs stay reproducible). */
  readonly seed: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** The agents' retry policy (the agent's defaults when absent). */
  readonly retry?: Partial<RetryPolicy>;
  /** The link terminal `index` uploads through under its title `title` (hex); asked once per terminal. */
  linkOf(index: number, title: string): UplinkLink;
  /** Called with the outcome of every honest upload. */
  onHonest(u: Upload, out: SendOutcome): void;
  /** Sends a forged (or replayed) frame; routing and counting are the caller's. */
  sendForged(u: AttackUpload, frame: Uint8Array): Promise<void>;
  /** A replay or rollback before the terminal sent anything: drop it, or send the reading honestly. */
  readonly withoutHistory: 'skip' | 'send-honest';
  /** Called when a send throws (e.g. a link closed at shutdown); absent: the promise rejects. */
  readonly onError?: (u: Upload, e: unknown) => void;
}

/** Sends uploads; frames of one terminal go out in order (a replay must follow its original). */
export interface FleetSenders {
  send(u: Upload): Promise<void>;
}

interface State {
  readonly o: FleetSenderOptions;
  readonly agents: Map<number, Promise<TerminalAgent>>;
  readonly lastFrame: Map<number, Uint8Array>;
  readonly lastFc: Map<number, number>;
  readonly rnd: Random;
  readonly sealer: FrameSealer;
}

/** Creates the senders; each terminal gets its own agent (counter, retries) on first upload. */
export function createFleetSenders(o: FleetSenderOptions): FleetSenders {
  const rnd = createRandom(o.seed);
  const st: State = {
    o,
    agents: new Map(),
    lastFrame: new Map(),
    lastFc: new Map(),
    rnd,
    sealer: createFrameSealer({
      rootKey: (id) => o.keys.get(id),
      random: rnd.fork(),
      keyCache: createKeyCache(),
    }),
  };
  const chains = new Map<number, Promise<void>>();
  return {
    send(u) {
      const next = () =>
        u.attack === undefined ? sendHonest(st, u) : sendAttack(st, { ...u, attack: u.attack });
      let p = (chains.get(u.index) ?? Promise.resolve()).then(next);
      const onError = o.onError;
      if (onError !== undefined) p = p.catch((e: unknown) => onError(u, e));
      chains.set(u.index, p);
      return p;
    },
  };
}

function agentOf(st: State, u: Upload): Promise<TerminalAgent> {
  let a = st.agents.get(u.index);
  if (a !== undefined) return a;
  const link = st.o.linkOf(u.index, u.terminal);
  a = openFrameCounter(createMemoryCounterPersistence(), 1).then((counter) =>
    createTerminalAgent({
      systemTitle: Buffer.from(u.terminal, 'hex'),
      rootKey: st.o.keys.get(u.terminal) ?? new Uint8Array(32),
      tenant: 1,
      counter,
      random: st.rnd.fork(),
      sleep: st.o.sleep,
      ...(st.o.retry === undefined ? {} : { retry: st.o.retry }),
      link: {
        send: (frame) => {
          st.lastFrame.set(u.index, frame);
          return link.send(frame);
        },
      },
    }),
  );
  st.agents.set(u.index, a);
  return a;
}

async function sendHonest(st: State, u: Upload): Promise<void> {
  const out = await (await agentOf(st, u)).send(u.record, { ackReq: u.ctype === 'event' });
  st.lastFc.set(u.index, out.fc);
  st.o.onHonest(u, out);
}

/** Forges the attack frame from the terminal's real history (its last frame and counter). */
async function sendAttack(st: State, u: AttackUpload): Promise<void> {
  const prevFc = st.lastFc.get(u.index) ?? 0;
  const prev = st.lastFrame.get(u.index);
  const needsHistory = u.attack === 'REPLAYED_FRAME' || u.attack === 'COUNTER_ROLLBACK';
  if (needsHistory && (prev === undefined || prevFc === 0)) {
    return st.o.withoutHistory === 'send-honest' ? sendHonest(st, u) : undefined;
  }
  const fc = u.attack === 'COUNTER_ROLLBACK' ? Math.max(1, prevFc - 100) : prevFc + 1;
  const frame = u.attack === 'REPLAYED_FRAME' && prev !== undefined ? prev : st.sealer.seal({ ...u, fc });
  if (frame === undefined) return;
  await st.o.sendForged(u, frame);
}
