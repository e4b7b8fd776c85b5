// Sending side of `simulate --target`: honest frames through one terminal agent each, attack frames forged beside it.
import { createRandom, type Random } from '../../core/index.ts';
import { createKeyCache } from '../../protocol/index.ts';
import {
  createFrameSealer,
  createMemoryCounterPersistence,
  createTerminalAgent,
  openFrameCounter,
  type FrameSealer,
  type LinkResult,
  type TerminalAgent,
  type Upload,
} from '../../sim/index.ts';

export type Send = (title: string, frame: Uint8Array) => Promise<LinkResult>;

/** A platform endpoint shared by every simulated terminal. */
export interface Target {
  readonly send: Send;
  readonly close: () => Promise<void>;
  /** CoAP answers say why a frame was rejected; MQTT (3.1.1) acknowledges every publish. */
  readonly observesRejections: boolean;
}

/** What the run counts; ground-truth agreement only where the transport reports rejections. */
export interface Counts {
  sent: number;
  acked: number;
  failed: number;
  rejected: Record<string, number>;
  truthMatches: number;
  truthMismatches: number;
}

export interface SenderDeps {
  readonly keys: ReadonlyMap<string, Buffer>;
  readonly target: Target;
  readonly counts: Counts;
  readonly seed: number;
}

interface SenderState {
  readonly d: SenderDeps;
  readonly agents: Map<number, Promise<TerminalAgent>>;
  readonly lastFrame: Map<number, Uint8Array>;
  readonly lastFc: Map<number, number>;
  readonly rnd: Random;
  readonly sealer: FrameSealer;
}

/** Creates the senders; frames of one terminal go out in order (a replay must follow its original). */
export function createSenders(d: SenderDeps): { send(u: Upload): Promise<void> } {
  const rnd = createRandom(d.seed ^ 0x7a7);
  const st: SenderState = {
    d,
    agents: new Map(),
    lastFrame: new Map(),
    lastFc: new Map(),
    rnd,
    sealer: createFrameSealer({
      rootKey: (id) => d.keys.get(id),
      random: rnd.fork(),
      keyCache: createKeyCache(),
    }),
  };
  const chains = new Map<number, Promise<void>>();
  return {
    send(u) {
      const next = () => (u.attack === undefined ? sendHonest(st, u) : sendAttack(st, u));
      const p = (chains.get(u.index) ?? Promise.resolve()).then(next);
      chains.set(u.index, p);
      return p;
    },
  };
}

function agentOf(st: SenderState, u: Upload): Promise<TerminalAgent> {
  let a = st.agents.get(u.index);
  if (a !== undefined) return a;
  a = openFrameCounter(createMemoryCounterPersistence(), 1).then((counter) =>
    createTerminalAgent({
      systemTitle: Buffer.from(u.terminal, 'hex'),
      rootKey: st.d.keys.get(u.terminal) ?? Buffer.alloc(32),
      tenant: 1,
      counter,
      random: st.rnd.fork(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      link: {
        send: (frame) => {
          st.lastFrame.set(u.index, frame);
          return st.d.target.send(u.terminal, frame);
        },
      },
    }),
  );
  st.agents.set(u.index, a);
  return a;
}

function tally(d: SenderDeps, u: Upload, r: LinkResult): void {
  const c = d.counts;
  c.sent++;
  if (r.kind === 'acked') c.acked++;
  else if (r.kind === 'failed') c.failed++;
  else c.rejected[r.reason] = (c.rejected[r.reason] ?? 0) + 1;
  if (!d.target.observesRejections || r.kind === 'failed') return;
  const ok =
    u.expected === 'ACCEPT'
      ? r.kind === 'acked'
      : r.kind === 'rejected' && u.expected.includes(r.reason as never);
  if (ok) c.truthMatches++;
  else c.truthMismatches++;
}

async function sendHonest(st: SenderState, u: Upload): Promise<void> {
  const out = await (await agentOf(st, u)).send(u.record, { ackReq: u.ctype === 'event' });
  st.lastFc.set(u.index, out.fc);
  const transient = !out.ok && (out.reason === 'TIMEOUT' || out.reason === 'DISCONNECTED');
  tally(
    st.d,
    u,
    out.ok ? { kind: 'acked' } : { kind: transient ? 'failed' : 'rejected', reason: out.reason },
  );
}

/** Forges the attack frame from the terminal's real history (its last frame and counter). */
async function sendAttack(st: SenderState, u: Upload): Promise<void> {
  const prevFc = st.lastFc.get(u.index) ?? 0;
  const prev = st.lastFrame.get(u.index);
  const needsHistory = u.attack === 'REPLAYED_FRAME' || u.attack === 'COUNTER_ROLLBACK';
  if (needsHistory && (prev === undefined || prevFc === 0)) return; // nothing sent yet to replay
  const fc = u.attack === 'COUNTER_ROLLBACK' ? Math.max(1, prevFc - 100) : prevFc + 1;
  const frame = u.attack === 'REPLAYED_FRAME' && prev !== undefined ? prev : st.sealer.seal({ ...u, fc });
  if (frame === undefined) return;
  // a forged frame goes to its own (forged) title's topic, as a rogue device would publish it
  tally(st.d, u, await st.d.target.send(Buffer.from(frame.subarray(2, 10)).toString('hex'), frame));
}
