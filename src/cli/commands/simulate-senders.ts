// Sending side of `simulate --target`: counting over the platform's fleet senders, with ground-truth agreement.
import { createFleetSenders } from '../../platform/index.ts';
import type { LinkResult, Upload } from '../../sim/index.ts';

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
  /** Terminals of the ground truth's honest part whose frames the platform refused as QUARANTINED. */
  honestQuarantined: Set<string>;
}

/** Fresh counts. */
export function createCounts(): Counts {
  const c = { sent: 0, acked: 0, failed: 0, truthMatches: 0, truthMismatches: 0 };
  return { ...c, rejected: {}, honestQuarantined: new Set() };
}

export interface SenderDeps {
  readonly keys: ReadonlyMap<string, Buffer>;
  readonly target: Target;
  readonly counts: Counts;
  readonly seed: number;
  /** The ground truth's malicious terminals: refusing them once quarantined is the right answer. */
  readonly malicious: ReadonlySet<string>;
}

/** Creates the senders; frames of one terminal go out in order (a replay must follow its original). */
export function createSenders(d: SenderDeps): { send(u: Upload): Promise<void> } {
  return createFleetSenders({
    keys: d.keys,
    seed: d.seed ^ 0x7a7,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    linkOf: (_index, title) => ({ send: (frame) => d.target.send(title, frame) }),
    onHonest: (u, out) => {
      const transient = !out.ok && (out.reason === 'TIMEOUT' || out.reason === 'DISCONNECTED');
      tally(
        d,
        u,
        out.ok ? { kind: 'acked' } : { kind: transient ? 'failed' : 'rejected', reason: out.reason },
      );
    },
    // a forged frame goes to its own (forged) title's topic, as a rogue device would publish it
    sendForged: async (u, frame) =>
      tally(d, u, await d.target.send(Buffer.from(frame.subarray(2, 10)).toString('hex'), frame)),
    withoutHistory: 'skip', // nothing sent yet to replay or roll back from
  });
}

function tally(d: SenderDeps, u: Upload, r: LinkResult): void {
  const c = d.counts;
  c.sent++;
  if (r.kind === 'acked') c.acked++;
  else if (r.kind === 'failed') c.failed++;
  else c.rejected[r.reason] = (c.rejected[r.reason] ?? 0) + 1;
  if (!d.target.observesRejections || r.kind === 'failed') return;
  const quarantined = r.kind === 'rejected' && r.reason === 'QUARANTINED';
  if (quarantined && !d.malicious.has(u.terminal)) c.honestQuarantined.add(u.terminal);
  const ok = quarantined
    ? d.malicious.has(u.terminal)
    : u.expected === 'ACCEPT'
      ? r.kind === 'acked'
      : r.kind === 'rejected' && u.expected.includes(r.reason as never);
  if (ok) c.truthMatches++;
  else c.truthMismatches++;
}
