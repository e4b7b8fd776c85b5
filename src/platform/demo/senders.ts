// The demo fleet's sending side: honest uploads through one terminal agent each, attack frames forged beside it.
import { createRandom, type Random } from '../../core/index.ts';
import { createKeyCache } from '../../protocol/index.ts';
import {
  createFrameSealer,
  createMemoryCounterPersistence,
  createTerminalAgent,
  openFrameCounter,
  type FrameAttackKind,
  type FrameSealer,
  type LinkResult,
  type TerminalAgent,
  type Upload,
  type UplinkLink,
} from '../../sim/index.ts';

/** Where a frame goes: a terminal's own link (MQTT topic of its title, or CoAP), or the rogue link. */
export interface DemoLinks {
  /** The link of terminal `index`, publishing under the title `title` (hex). */
  of(index: number, title: string): UplinkLink;
  /** MQTT on the title's topic (so the platform can name the terminal of an oversized publish). */
  mqtt(title: string): UplinkLink;
  /** CoAP, used by forged titles (a rogue device). */
  rogue: UplinkLink;
}

/** What the fleet saw (the platform's counters are the authority on what was accepted). */
export interface DemoSendStats {
  sent: number;
  acked: number;
  failed: number;
  attacks: Partial<Record<FrameAttackKind, number>>;
}

/** Sends uploads; frames of one terminal go out in order (a replay must follow its original). */
export interface DemoSenders {
  send(u: Upload): Promise<void>;
  readonly stats: DemoSendStats;
}

interface State {
  readonly keys: ReadonlyMap<string, Uint8Array>;
  readonly links: DemoLinks;
  readonly sleep: (ms: number) => Promise<void>;
  readonly agents: Map<number, Promise<TerminalAgent>>;
  readonly lastFrame: Map<number, Uint8Array>;
  readonly lastFc: Map<number, number>;
  readonly rnd: Random;
  readonly sealer: FrameSealer;
  readonly stats: DemoSendStats;
}

/** Creates the senders over the links; `keys` are the terminals' provisioned root keys. */
export function createDemoSenders(o: {
  keys: ReadonlyMap<string, Uint8Array>;
  links: DemoLinks;
  seed: number;
  sleep: (ms: number) => Promise<void>;
}): DemoSenders {
  const rnd = createRandom(o.seed ^ 0x5eed);
  const st: State = {
    ...o,
    agents: new Map(),
    lastFrame: new Map(),
    lastFc: new Map(),
    rnd,
    sealer: createFrameSealer({
      rootKey: (id) => o.keys.get(id),
      random: rnd.fork(),
      keyCache: createKeyCache(),
    }),
    stats: { sent: 0, acked: 0, failed: 0, attacks: {} },
  };
  const chains = new Map<number, Promise<void>>();
  return {
    stats: st.stats,
    send(u) {
      const next = () => (u.attack === undefined ? sendHonest(st, u) : sendAttack(st, u));
      const p = (chains.get(u.index) ?? Promise.resolve()).then(next).catch(() => {
        st.stats.failed++; // a closed link at shutdown; the frame was never acknowledged
      });
      chains.set(u.index, p);
      return p;
    },
  };
}

function agentOf(st: State, u: Upload): Promise<TerminalAgent> {
  let a = st.agents.get(u.index);
  if (a !== undefined) return a;
  const link = st.links.of(u.index, u.terminal);
  a = openFrameCounter(createMemoryCounterPersistence(), 1).then((counter) =>
    createTerminalAgent({
      systemTitle: Buffer.from(u.terminal, 'hex'),
      rootKey: st.keys.get(u.terminal) ?? new Uint8Array(32),
      tenant: 1,
      counter,
      random: st.rnd.fork(),
      sleep: st.sleep,
      retry: { maxAttempts: 2, baseMs: 200, maxMs: 1000 },
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

function count(st: State, r: LinkResult): void {
  st.stats.sent++;
  if (r.kind === 'acked') st.stats.acked++;
  else if (r.kind === 'failed') st.stats.failed++;
}

async function sendHonest(st: State, u: Upload): Promise<void> {
  const out = await (await agentOf(st, u)).send(u.record, { ackReq: u.ctype === 'event' });
  st.lastFc.set(u.index, out.fc);
  count(st, out.ok ? { kind: 'acked' } : { kind: 'rejected', reason: out.reason });
}

/** Forges the attack frame from the terminal's real history (its last frame and counter). */
async function sendAttack(st: State, u: Upload): Promise<void> {
  const attack = u.attack ?? 'TAMPERED_CIPHERTEXT';
  const prevFc = st.lastFc.get(u.index) ?? 0;
  const prev = st.lastFrame.get(u.index);
  const needsHistory = attack === 'REPLAYED_FRAME' || attack === 'COUNTER_ROLLBACK';
  // nothing sent yet to replay or roll back from: the terminal sends its reading as usual
  if (needsHistory && (prev === undefined || prevFc === 0)) return sendHonest(st, u);
  const fc = attack === 'COUNTER_ROLLBACK' ? Math.max(1, prevFc - 100) : prevFc + 1;
  const frame = attack === 'REPLAYED_FRAME' && prev !== undefined ? prev : st.sealer.seal({ ...u, fc });
  if (frame === undefined) return;
  st.stats.attacks[attack] = (st.stats.attacks[attack] ?? 0) + 1;
  const link =
    attack === 'UNKNOWN_TERMINAL'
      ? st.links.rogue
      : attack === 'OVERSIZED_FRAME'
        ? st.links.mqtt(u.terminal)
        : st.links.of(u.index, u.terminal);
  count(st, await link.send(frame));
}
