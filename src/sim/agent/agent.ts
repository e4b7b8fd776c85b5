// The terminal agent: seals telemetry with its counter and key version, sends with retries, checks acks.
import type { Random } from '../../core/index.ts';
import {
  CTYPE,
  PURPOSE,
  SUITE,
  createKeyCache,
  openFrame,
  parseFrame,
  sealFrame,
  type Telemetry,
} from '../../protocol/index.ts';
import type { FrameCounter } from './counter.ts';

/** What a link (MQTT, CoAP) reports for one send. */
export type LinkResult =
  | { kind: 'acked'; reply?: Uint8Array }
  | { kind: 'rejected'; reason: string }
  | { kind: 'failed'; reason: string };

/** The socket side of the agent, provided by src/transport adapters (or a test double). */
export interface UplinkLink {
  send(frame: Uint8Array): Promise<LinkResult>;
}

/** Retry policy: exponential backoff with full jitter. */
export interface RetryPolicy {
  /** @default 5 */
  maxAttempts: number;
  /** @default 500 */
  baseMs: number;
  /** @default 30000 */
  maxMs: number;
}

/** Options of {@link createTerminalAgent}. */
export interface TerminalAgentOptions {
  systemTitle: Uint8Array;
  rootKey: Uint8Array;
  tenant: number;
  counter: FrameCounter;
  link: UplinkLink;
  random: Random;
  /** Waits (the caller supplies the timer; the domain has none). */
  sleep: (ms: number) => Promise<void>;
  retry?: Partial<RetryPolicy>;
}

/** The outcome of one telemetry send. */
export type SendOutcome =
  | { ok: true; fc: number; attempts: number; ackedFc?: number }
  | { ok: false; fc: number; attempts: number; reason: string };

/** A terminal that sends telemetry frames. */
export interface TerminalAgent {
  readonly systemTitle: Uint8Array;
  /** Seals the next frame without sending it (for the simulator's attack injection). */
  seal(t: Telemetry, ackReq?: boolean): Promise<{ fc: number; frame: Buffer }>;
  send(t: Telemetry, opts?: { ackReq?: boolean }): Promise<SendOutcome>;
  /** Opens any downlink frame addressed to this terminal (tag, title, strictly increasing counter). */
  openDownlink(
    frame: Uint8Array,
  ): { ok: true; ctype: number; fc: number; plaintext: Buffer } | { ok: false; reason: string };
  /** Opens a downlink ack (ctype 0x04) and returns the acknowledged uplink counter. */
  readAck(frame: Uint8Array): { ok: true; fcAcked: number } | { ok: false; reason: string };
}

function backoff(p: RetryPolicy, attempt: number, random: Random): number {
  const cap = Math.min(p.maxMs, p.baseMs * 2 ** (attempt - 1));
  return Math.floor(random.uniform(0, cap));
}

/** Creates an agent. Resends always repeat the identical frame (same fc), so retries are idempotent. */
export function createTerminalAgent(o: TerminalAgentOptions): TerminalAgent {
  const policy: RetryPolicy = { maxAttempts: 5, baseMs: 500, maxMs: 30_000, ...o.retry };
  const keyCache = createKeyCache({ maxEntries: 8 });
  const key = { rootKey: o.rootKey, tenant: o.tenant, keyCache };
  const downHighest = new Map<number, number>();
  const seal = async (t: Telemetry, ackReq = false) => {
    const fc = await o.counter.next();
    const header = {
      dir: 0 as const,
      ackReq,
      more: false,
      suite: SUITE.AES_128_GCM,
      systemTitle: o.systemTitle,
      purpose: PURPOSE.TELEMETRY,
      keyVersion: o.counter.keyVersion,
      fc,
      ctype: CTYPE.TELEMETRY,
    };
    return { fc, frame: sealFrame({ header, key, telemetry: t }) };
  };
  const agent: TerminalAgent = {
    systemTitle: o.systemTitle,
    seal,
    async send(t, opts = {}) {
      const { fc, frame } = await seal(t, opts.ackReq === true);
      return deliver(o, policy, { fc, frame, agent });
    },
    openDownlink(frame) {
      const parsed = parseFrame(frame);
      if (!parsed.ok) return { ok: false, reason: parsed.reason };
      const h = parsed.header;
      if (h.dir !== 1 || Buffer.compare(h.systemTitle, Buffer.from(o.systemTitle)) !== 0) {
        return { ok: false, reason: 'NOT_FOR_ME' };
      }
      const k = keyCache.get('self', {
        ...key,
        systemTitle: o.systemTitle,
        version: h.keyVersion,
        purpose: h.purpose,
        dir: 1,
        suite: h.suite,
      });
      const opened = openFrame(parsed.frame, h, k);
      if (!opened.ok) return { ok: false, reason: opened.reason };
      // Downlink counters strictly increase per key version (window 0 on the terminal side).
      if (h.fc <= (downHighest.get(h.keyVersion) ?? 0)) return { ok: false, reason: 'REPLAY' };
      downHighest.set(h.keyVersion, h.fc);
      return { ok: true, ctype: h.ctype, fc: h.fc, plaintext: opened.plaintext };
    },
    readAck(frame) {
      const d = agent.openDownlink(frame);
      if (!d.ok) return d;
      if (d.ctype !== CTYPE.COMMAND_RESULT) return { ok: false, reason: 'NOT_AN_ACK' };
      // Body: CBOR map {1: fc_acked} = a1 01 <uint>.
      const fcAcked = decodeAckBody(d.plaintext);
      return fcAcked === undefined ? { ok: false, reason: 'BAD_PAYLOAD' } : { ok: true, fcAcked };
    },
  };
  return agent;
}

async function deliver(
  o: TerminalAgentOptions,
  policy: RetryPolicy,
  x: { fc: number; frame: Buffer; agent: TerminalAgent },
): Promise<SendOutcome> {
  for (let attempt = 1; ; attempt++) {
    const r = await o.link.send(x.frame);
    switch (r.kind) {
      case 'acked': {
        const ack = r.reply !== undefined && r.reply.length > 0 ? x.agent.readAck(r.reply) : undefined;
        return ack?.ok === true
          ? { ok: true, fc: x.fc, attempts: attempt, ackedFc: ack.fcAcked }
          : { ok: true, fc: x.fc, attempts: attempt };
      }
      case 'rejected':
        // A REPLAY answer to a resend means the first copy was stored (only its answer was lost).
        if (r.reason === 'REPLAY' && attempt > 1) return { ok: true, fc: x.fc, attempts: attempt };
        return { ok: false, fc: x.fc, attempts: attempt, reason: r.reason };
      case 'failed':
        if (attempt >= policy.maxAttempts)
          return { ok: false, fc: x.fc, attempts: attempt, reason: r.reason };
        await o.sleep(backoff(policy, attempt, o.random));
    }
  }
}

/** Decodes the CBOR ack body `{1: uint}` without a general decoder (major type 5, one pair). */
export function decodeAckBody(b: Uint8Array): number | undefined {
  if (b.length < 3 || b[0] !== 0xa1 || b[1] !== 0x01) return undefined;
  const ai = b[2]! & 0x1f;
  if (b[2]! >> 5 !== 0) return undefined;
  if (ai < 24) return b.length === 3 ? ai : undefined;
  const n = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : 0;
  if (n === 0 || b.length !== 3 + n) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[3 + i]!;
  return v;
}
