// `gridtrust simulate --target URL`: the fleet as real clients (terminal agents) over MQTT or CoAP, in real or accelerated time.
import { randomBytes } from 'node:crypto';
import type { Clock, TerminalId, UnixMillis } from '../../core/index.ts';
import { createFleet, summariseFleet, type Fleet, type Upload } from '../../sim/index.ts';
import { connectMqttUplink, createCoapUplink, type MqttUplinkClient } from '../../transport/index.ts';
import { CliError } from '../errors.ts';
import { parseNumberArg, type CliIo } from '../io.ts';
import { createProgress } from '../progress.ts';
import { fleetOptionsFrom, loadShapesFrom, type SimulateFlags } from './simulate-options.ts';
import { readRootKeys } from './simulate-keys.ts';
import { createCounts, createSenders, type Counts, type Target } from './simulate-senders.ts';

/** Parses `mqtt://HOST:PORT` or `coap://HOST:PORT`. */
export function parseTargetUrl(text: string): { scheme: 'mqtt' | 'coap'; host: string; port: number } {
  const m = /^(mqtt|coap):\/\/([^/:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?$/.exec(text);
  const port = Number(m?.[3]);
  if (m === null || !(port > 0 && port < 65536)) {
    throw new CliError(
      'GT_ERR_CLI_USAGE',
      `--target must be mqtt://HOST:PORT or coap://HOST:PORT, got "${text}"`,
      {
        hint: 'e.g. --target coap://127.0.0.1:5683 (the port `gridtrust serve` or `demo` printed)',
      },
    );
  }
  return { scheme: m[1] as 'mqtt' | 'coap', host: m[2] ?? '127.0.0.1', port };
}

async function openTarget(url: string, terminals: number): Promise<Target> {
  const t = parseTargetUrl(url);
  if (t.scheme === 'coap') {
    const coap = createCoapUplink({ host: t.host, port: t.port }); // one UDP socket for every terminal
    return {
      observesRejections: true,
      send: async (_title, frame) => {
        const r = await coap.send(frame);
        if (r.ok) return { kind: 'acked', reply: r.reply };
        return r.code.startsWith('4.')
          ? { kind: 'rejected', reason: r.reason }
          : { kind: 'failed', reason: r.reason };
      },
      close: () => Promise.resolve(coap.close()),
    };
  }
  // a few shared connections (a concentrator each): ~5,000 terminals per connection [A]
  const n = Math.max(1, Math.min(16, Math.ceil(terminals / 5000)));
  const salt = randomBytes(4).toString('hex');
  const clients: MqttUplinkClient[] = await Promise.all(
    Array.from({ length: n }, (_, k) =>
      connectMqttUplink({ url: `mqtt://${t.host}:${t.port}`, clientId: `gt-sim-${salt}-${k}` }),
    ),
  );
  let rr = 0;
  return {
    observesRejections: false,
    send: async (title, frame) => {
      const c = clients[rr++ % clients.length];
      const r = c === undefined ? { ok: false as const, reason: 'DISCONNECTED' } : await c.send(title, frame);
      return r.ok ? { kind: 'acked' } : { kind: 'failed', reason: r.reason };
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

/** A clock running `speed` times faster than the wall clock from `start`, stopping at `end`. */
function scaledClock(start: number, speed: number, end = Infinity): Clock {
  const wall0 = Date.now();
  return {
    now: () => Math.min(end, start + (Date.now() - wall0) * speed) as UnixMillis,
    monotonic: () => performance.now(),
  };
}

/** A bounded pool: at most `limit` sends in flight. */
function createPool(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  const idle: (() => void)[] = [];
  return {
    async run(task: () => Promise<void>): Promise<void> {
      while (active >= limit) await new Promise<void>((r) => waiting.push(r));
      active++;
      void task().finally(() => {
        active--;
        waiting.shift()?.();
        if (active === 0) for (const r of idle.splice(0)) r();
      });
    },
    drained: () => (active === 0 ? Promise.resolve() : new Promise<void>((r) => idle.push(r))),
  };
}

interface TargetSettings {
  readonly speed: number;
  readonly duration: number;
  readonly concurrency: number;
  readonly keys: Map<string, Buffer>;
}

/** Validates the target-mode flags (URL first, then numbers, then the key file). */
function targetSettings(f: SimulateFlags): TargetSettings {
  const scheme = parseTargetUrl(f.target ?? '').scheme; // a bad URL is reported before any key file is touched
  // CoAP confirmables retransmit after 2 s, so too many in flight turn into a retransmission storm
  // (measured: 10,000 terminals, 128 in flight ≈ 780 frames/s, 1,024 ≈ 140 frames/s); MQTT queues fine.
  const concurrency =
    f.concurrency === 'auto'
      ? scheme === 'coap'
        ? 128
        : 1024
      : parseNumberArg('--concurrency', f.concurrency, { min: 1, max: 100_000, integer: true });
  const speed = parseNumberArg('--speed', f.speed, { min: 0.001, max: 1e6 });
  const duration = parseNumberArg('--duration', f.duration, { min: 1, max: 30 * 86_400 });
  if (f.rootKeys === undefined) {
    throw new CliError('GT_ERR_CLI_MISSING_SECRET', "target mode needs the terminals' root keys", {
      hint: 'pass --root-keys FILE; create one with --write-root-keys FILE and import it with `gridtrust terminals import --csv FILE`',
    });
  }
  return { speed, duration, concurrency, keys: readRootKeys(f.rootKeys) };
}

/** Runs the fleet against the target until --duration wall seconds or --hours simulated hours pass. */
export async function runTarget(io: CliIo, f: SimulateFlags): Promise<Record<string, unknown>> {
  const opts = fleetOptionsFrom(f);
  const set = targetSettings(f);
  const titles = [...set.keys.keys()].slice(0, opts.terminals) as TerminalId[];
  const loadShapes = loadShapesFrom(f.load);
  // The simulated clock starts at the wall clock (at --speed 1 they agree throughout, so telemetry
  // times are true measurement times), and the fleet one interval earlier: the first tick at once.
  const wall0 = Date.now();
  const start = wall0 - 900_000;
  const endSim = wall0 + opts.hours * 3_600_000;
  const clock = scaledClock(wall0, set.speed, endSim);
  const fleet = createFleet({
    ...opts,
    terminals: titles.length,
    titles,
    loadShapes,
    clock,
    collect: true,
    start: start as UnixMillis,
  });
  const target = await openTarget(f.target ?? '', titles.length);
  const counts = createCounts();
  const malicious = new Set<string>(fleet.truth.map((t) => t.terminal));
  const senders = createSenders({ keys: set.keys, target, counts, seed: opts.seed ?? 1, malicious });
  const began = Date.now();
  await driveFleet({ fleet, set, endSim, send: (u) => senders.send(u), counts, io, quiet: f.json === true });
  await target.close();
  const seconds = (Date.now() - began) / 1000;
  return {
    terminals: titles.length,
    target: f.target,
    ...targetResult(fleet, counts, target.observesRejections),
    simulatedHours: (fleet.time() - start) / 3_600_000,
    intervals: Math.round((fleet.time() - start) / 900_000),
    seconds,
    framesPerSecond: counts.sent / seconds,
  };
}

interface Drive {
  readonly fleet: Fleet;
  readonly set: TargetSettings;
  readonly endSim: number;
  readonly send: (u: Upload) => Promise<void>;
  readonly counts: Counts;
  readonly io: CliIo;
  readonly quiet: boolean;
}

/** Advances the fleet with the clock; each frame leaves after its NB-IoT uplink latency ÷ speed [§6.3]. */
async function driveFleet(d: Drive): Promise<void> {
  const pool = createPool(d.set.concurrency);
  const progress = createProgress(d.io, 'simulate', d.set.duration, d.quiet);
  const began = Date.now();
  const inFlight = new Set<Promise<void>>();
  const dispatch = (u: Upload): void => {
    const wait = new Promise<void>((r) => setTimeout(r, (u.latencyS * 1000) / d.set.speed));
    const p = wait.then(() => pool.run(() => d.send(u)));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  while ((Date.now() - began) / 1000 < d.set.duration && d.fleet.time() < d.endSim) {
    for (const tick of d.fleet.advance()) for (const u of tick.uploads) dispatch(u);
    progress.update((Date.now() - began) / 1000, `${d.counts.sent} frames`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all([...inFlight]);
  await pool.drained();
  progress.done();
}

function targetResult(fleet: Fleet, counts: Counts, observes: boolean): Record<string, unknown> {
  const s = summariseFleet(fleet);
  return {
    frames: counts.sent,
    framesAcked: counts.acked,
    framesFailed: counts.failed,
    framesRejected: counts.rejected,
    truthCheck: observes
      ? { matches: counts.truthMatches, mismatches: counts.truthMismatches }
      : 'not observable over MQTT 3.1.1 (every publish is acknowledged); see the platform metrics',
    expectedRejected: s.framesRejected,
    energyJoules: s.energyJoules,
    fleetFrames: s.frames,
    malicious: fleet.truth.length,
    groundTruth: fleet.truth.map((t) => ({
      terminal: t.terminal,
      attack: t.attack,
      onset: new Date(t.onset).toISOString(),
      expectedRejection: t.expectedRejection,
    })),
    honestQuarantined: [...counts.honestQuarantined],
    ...verdict(counts, observes),
  };
}

/** Whether the run failed, and why: transport failures, no answers, honest quarantine, truth mismatches. */
export function verdict(counts: Counts, observes: boolean): { failed: boolean; reason?: string } {
  const reasons: string[] = [];
  if (counts.sent === 0) reasons.push('no frame was sent (raise --duration or --speed)');
  else if (counts.acked === 0 && Object.keys(counts.rejected).length === 0)
    reasons.push(`nothing answered: 0 of ${counts.sent} frames acknowledged or rejected`);
  if (counts.failed > 0) reasons.push(`${counts.failed} frame(s) failed in transport`);
  const hq = counts.honestQuarantined.size;
  if (hq > 0) reasons.push(`${hq} honest terminal(s) quarantined by the platform`);
  const other = counts.truthMismatches;
  if (observes && other > 0) reasons.push(`${other} answer(s) did not match the ground truth`);
  return reasons.length === 0 ? { failed: false } : { failed: true, reason: reasons.join('; ') };
}
