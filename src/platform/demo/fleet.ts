// The demo's built-in fleet: terminal agents sending real SGT1 telemetry (LCL load curves) over MQTT and
// CoAP, a share of them also sending frame-level attacks, plus rogue senders with unknown titles.
import type { Random, TerminalId } from '../../core/index.ts';
import { PURPOSE, SUITE, sealFrame, type Telemetry } from '../../protocol/index.ts';
import {
  assignHousehold,
  createMemoryCounterPersistence,
  createTerminalAgent,
  householdWatts,
  openFrameCounter,
  type HouseholdAssignment,
  type LoadShapes,
  type TerminalAgent,
  type UplinkLink,
} from '../../sim/index.ts';

/** Frame-level attacks a malicious demo terminal mixes into its traffic, and what the platform must say. */
export const DEMO_ATTACKS = { tamper: 'BAD_TAG', replay: 'REPLAY', 'stale-key': 'UNKNOWN_KEY' } as const;
export type DemoAttack = keyof typeof DEMO_ATTACKS;

/** One simulated terminal. */
export interface DemoTerminal {
  id: TerminalId;
  title: Buffer;
  rootKey: Buffer;
  transport: 'mqtt' | 'coap';
  attack: DemoAttack | null;
  household: HouseholdAssignment | null;
}

function randomBytesFrom(random: Random, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => random.int(0, 255)));
}

/** Plans a fleet: titles "GTD" + serial, seeded keys, 1 in 3 on CoAP, `malicious` share attacking. */
export function planDemoFleet(o: {
  terminals: number;
  malicious: number;
  random: Random;
  shapes: LoadShapes | null;
}): DemoTerminal[] {
  const kinds = Object.keys(DEMO_ATTACKS) as DemoAttack[];
  const bad = new Set<number>();
  const nBad = Math.round(o.terminals * o.malicious);
  while (bad.size < nBad) bad.add(o.random.int(0, o.terminals - 1));
  return Array.from({ length: o.terminals }, (_, i) => {
    const title = Buffer.concat([
      Buffer.from('GTD'),
      Buffer.from((0x0100_0000 + i).toString(16).padStart(10, '0'), 'hex'),
    ]);
    return {
      id: title.toString('hex') as TerminalId,
      title,
      rootKey: randomBytesFrom(o.random, 32),
      transport: i % 3 === 2 ? 'coap' : 'mqtt',
      attack: bad.has(i) ? (kinds[i % kinds.length] ?? 'tamper') : null,
      household: o.shapes === null ? null : assignHousehold(o.shapes, o.random),
    };
  });
}

/** What the fleet run counts (the platform's own counters are the authority). */
export interface DemoFleetStats {
  sent: number;
  acked: number;
  failed: number;
  attacksSent: Record<DemoAttack | 'unknown-terminal', number>;
}

/** Options of {@link runDemoFleet}. */
export interface DemoRunOptions {
  terminals: readonly DemoTerminal[];
  linkOf: (t: DemoTerminal) => UplinkLink;
  /** A link for rogue frames (unknown titles). */
  rogueLink: UplinkLink;
  rogues: number;
  durationMs: number;
  intervalMs: number;
  random: Random;
  shapes: LoadShapes | null;
  /** Wall clock (ms) and virtual time for the load curves: one interval = 30 simulated minutes. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Share of a malicious terminal's frames that are attacks. @default 0.5 */
  attackShare?: number;
  /** Live counters (read them for progress); created when absent. */
  stats?: DemoFleetStats;
}

/** Fresh counters for {@link runDemoFleet}. */
export function createDemoFleetStats(): DemoFleetStats {
  return {
    sent: 0,
    acked: 0,
    failed: 0,
    attacksSent: { tamper: 0, replay: 0, 'stale-key': 0, 'unknown-terminal': 0 },
  };
}

function telemetryOf(o: DemoRunOptions, t: DemoTerminal, virtualMs: number): Telemetry {
  const w =
    o.shapes !== null && t.household !== null
      ? householdWatts(o.shapes, t.household.household, t.household.dayOffset, virtualMs) * t.household.scale
      : 300 + 200 * o.random.next();
  const voltage = Math.round(2300 + o.random.normal(0, 15));
  return {
    t: Math.floor(o.now() / 1000),
    voltage,
    current: Math.round((w / (voltage / 10)) * 100),
    activePower: Math.round(w),
    powerFactor: 980,
    frequency: Math.round(5000 + o.random.normal(0, 2)),
  };
}

interface Runner {
  o: DemoRunOptions;
  stats: DemoFleetStats;
  agents: Map<string, TerminalAgent>;
  last: Map<string, Buffer>;
}

async function sendAttack(r: Runner, t: DemoTerminal, agent: TerminalAgent, rec: Telemetry): Promise<void> {
  const link = r.o.linkOf(t);
  let frame: Buffer | undefined;
  switch (t.attack) {
    case 'tamper':
      frame = (await agent.seal(rec)).frame;
      frame[frame.length - 20]! ^= 0x5a; // flip ciphertext bits
      break;
    case 'replay':
      frame = r.last.get(t.id);
      break;
    case 'stale-key':
      frame = sealFrame({
        header: {
          dir: 0,
          ackReq: false,
          more: false,
          suite: SUITE.AES_128_GCM,
          systemTitle: t.title,
          purpose: PURPOSE.TELEMETRY,
          keyVersion: 7,
          fc: 1,
          ctype: 0x01,
        },
        key: { rootKey: t.rootKey, tenant: 1 },
        telemetry: rec,
      });
      break;
    case null:
      return;
  }
  if (frame === undefined) return;
  r.stats.attacksSent[t.attack]++;
  r.stats.sent++;
  await link.send(frame);
}

async function tick(r: Runner, t: DemoTerminal, virtualMs: number): Promise<void> {
  const agent = r.agents.get(t.id);
  if (agent === undefined) return;
  const rec = telemetryOf(r.o, t, virtualMs);
  const canAttack = t.attack !== null && (t.attack !== 'replay' || r.last.has(t.id));
  if (canAttack && r.o.random.next() < (r.o.attackShare ?? 0.5)) {
    return sendAttack(r, t, agent, rec);
  }
  const { fc: _fc, frame } = await agent.seal(rec, t.transport === 'coap' && r.o.random.next() < 0.1);
  r.stats.sent++;
  const out = await r.o.linkOf(t).send(frame);
  if (out.kind === 'acked') {
    r.stats.acked++;
    r.last.set(t.id, frame);
  } else r.stats.failed++;
}

async function runTerminal(r: Runner, t: DemoTerminal, t0: number): Promise<void> {
  await r.o.sleep(r.o.random.uniform(0, r.o.intervalMs));
  while (r.o.now() - t0 < r.o.durationMs) {
    const virtual = t0 + ((r.o.now() - t0) / r.o.intervalMs) * 1_800_000;
    await tick(r, t, virtual).catch(() => void r.stats.failed++);
    await r.o.sleep(r.o.intervalMs * (0.9 + 0.2 * r.o.random.next()));
  }
}

async function runRogue(r: Runner, t0: number): Promise<void> {
  while (r.o.now() - t0 < r.o.durationMs) {
    const title = Buffer.concat([Buffer.from('EVL'), randomBytesFrom(r.o.random, 5)]);
    const frame = sealFrame({
      header: {
        dir: 0,
        ackReq: false,
        more: false,
        suite: SUITE.AES_128_GCM,
        systemTitle: title,
        purpose: PURPOSE.TELEMETRY,
        keyVersion: 1,
        fc: 1,
        ctype: 0x01,
      },
      key: { rootKey: randomBytesFrom(r.o.random, 32), tenant: 1 },
      telemetry: { t: Math.floor(r.o.now() / 1000), activePower: 1 },
    });
    r.stats.attacksSent['unknown-terminal']++;
    r.stats.sent++;
    await r.o.rogueLink.send(frame).catch(() => undefined);
    await r.o.sleep(r.o.intervalMs);
  }
}

/** Runs the fleet for `durationMs`; every terminal sends one frame per interval (jittered). */
export async function runDemoFleet(o: DemoRunOptions): Promise<DemoFleetStats> {
  const stats = o.stats ?? createDemoFleetStats();
  const r: Runner = { o, stats, agents: new Map(), last: new Map() };
  for (const t of o.terminals) {
    const counter = await openFrameCounter(createMemoryCounterPersistence(), 1);
    r.agents.set(
      t.id,
      createTerminalAgent({
        systemTitle: t.title,
        rootKey: t.rootKey,
        tenant: 1,
        counter,
        link: o.linkOf(t),
        random: o.random,
        sleep: o.sleep,
        retry: { maxAttempts: 3, baseMs: 200 },
      }),
    );
  }
  const t0 = o.now();
  const rogues = Array.from({ length: o.rogues }, () => runRogue(r, t0));
  await Promise.all([...o.terminals.map((t) => runTerminal(r, t, t0)), ...rogues]);
  return stats;
}
