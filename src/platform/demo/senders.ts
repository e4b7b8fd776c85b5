// The demo fleet's sending side: routing and counting over the shared fleet senders (../fleet-senders.ts).
import type { FrameAttackKind, LinkResult, Upload, UplinkLink } from '../../sim/index.ts';
import { createFleetSenders } from '../fleet-senders.ts';

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

/** Creates the senders over the links; `keys` are the terminals' provisioned root keys. */
export function createDemoSenders(o: {
  keys: ReadonlyMap<string, Uint8Array>;
  links: DemoLinks;
  seed: number;
  sleep: (ms: number) => Promise<void>;
}): DemoSenders {
  const stats: DemoSendStats = { sent: 0, acked: 0, failed: 0, attacks: {} };
  const count = (r: LinkResult): void => {
    stats.sent++;
    if (r.kind === 'acked') stats.acked++;
    else if (r.kind === 'failed') stats.failed++;
  };
  const fleet = createFleetSenders({
    keys: o.keys,
    seed: o.seed ^ 0x5eed,
    sleep: o.sleep,
    retry: { maxAttempts: 2, baseMs: 200, maxMs: 1000 },
    linkOf: (index, title) => o.links.of(index, title),
    onHonest: (_u, out) => count(out.ok ? { kind: 'acked' } : { kind: 'rejected', reason: out.reason }),
    sendForged: async (u, frame) => {
      stats.attacks[u.attack] = (stats.attacks[u.attack] ?? 0) + 1;
      const link =
        u.attack === 'UNKNOWN_TERMINAL'
          ? o.links.rogue
          : u.attack === 'OVERSIZED_FRAME'
            ? o.links.mqtt(u.terminal)
            : o.links.of(u.index, u.terminal);
      count(await link.send(frame));
    },
    // nothing sent yet to replay or roll back from: the terminal sends its reading as usual
    withoutHistory: 'send-honest',
    onError: () => {
      stats.failed++; // a closed link at shutdown; the frame was never acknowledged
    },
  });
  return { stats, send: (u) => fleet.send(u) };
}
