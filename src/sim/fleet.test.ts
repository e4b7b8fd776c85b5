// Fleet tests: determinism, iTTU sums, physics sanity, §7.3 record sizes vs the real encoder, attack ground truth.
import { describe, expect, it } from 'vitest';
import { readLclForTests } from '../../test/support/sim-lcl.ts';
import { createManualClock, type UnixMillis } from '../core/index.ts';
import { encodeTelemetry, telemetryProblem } from '../protocol/index.ts';
import { createFleet, summariseFleet, type FleetOptions } from './fleet.ts';
import { FRAME_ATTACK_KINDS } from './frame-attacks.ts';
import { KIND } from './layout.ts';
import { prepareLoadShapes } from './load-shapes.ts';
import { OVERSIZED_FRAME_BYTES, type Upload } from './report.ts';

const shapes = prepareLoadShapes(readLclForTests());
const JUNE = Date.UTC(2024, 5, 21) as UnixMillis;
const Q = 900_000;

function run(opts: Partial<FleetOptions> & { terminals: number }, intervals: number) {
  const clock = createManualClock(JUNE);
  const fleet = createFleet({ loadShapes: shapes, clock, seed: 11, ...opts });
  const uploads: Upload[] = [];
  const ittuVsGroup: [number, number][] = [];
  for (let k = 0; k < intervals; k++) {
    clock.advance(Q);
    for (const tick of fleet.advance()) uploads.push(...tick.uploads);
    for (const f of fleet.layout.fusion) {
      let sum = 0;
      for (const m of f.members) if (m !== f.ittu) sum += fleet.state.pW[m]!;
      ittuVsGroup.push([fleet.state.pW[f.ittu]!, sum]);
    }
  }
  return { fleet, uploads, ittuVsGroup };
}

describe('createFleet', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = summariseFleet(run({ terminals: 150, malicious: 0.1 }, 8).fleet);
    const b = summariseFleet(run({ terminals: 150, malicious: 0.1 }, 8).fleet);
    const c = summariseFleet(run({ terminals: 150, malicious: 0.1, seed: 12 }, 8).fleet);
    expect(a).toEqual(b);
    expect(c.bytes).not.toEqual(a.bytes);
  });

  it('builds fusion groups with one iTTU each that measures the sum of its group (+3 % losses)', () => {
    const { fleet, ittuVsGroup } = run({ terminals: 300, perFusion: 50, directShare: 0.2 }, 4);
    expect(fleet.layout.fusion).toHaveLength(5);
    expect(fleet.layout.group.filter((g) => g < 0)).toHaveLength(60);
    const off = ittuVsGroup.filter(
      ([ittu, sum]) => Math.abs(ittu - sum * 1.03) > 1e-5 * Math.abs(sum) + 0.01,
    );
    expect(off).toEqual([]);
    for (const f of fleet.layout.fusion) expect(fleet.layout.kind[f.ittu]).toBe(KIND.ittu);
  });

  it('produces PV only in daylight, energy registers that never decrease, plausible V and f', () => {
    const { fleet, uploads } = run({ terminals: 200, collect: true, batteryKinds: [] }, 96);
    const pv = uploads.filter((u) => fleet.layout.kind[u.index] === KIND.pv && u.ctype === 'telemetry');
    const hourOf = (u: Upload) => new Date(u.record.t * 1000).getUTCHours();
    expect(pv.filter((u) => hourOf(u) === 1).every((u) => u.record.activePower === 0)).toBe(true);
    expect(pv.filter((u) => hourOf(u) === 12).some((u) => (u.record.activePower ?? 0) < -500)).toBe(true);
    const lastImp = new Map<number, number>();
    const wrong: Upload[] = [];
    for (const u of uploads) {
      const r = u.record;
      if ((r.energyImport ?? 0) < (lastImp.get(u.index) ?? 0)) wrong.push(u);
      lastImp.set(u.index, r.energyImport ?? 0);
      if (r.voltage !== undefined && Math.abs(r.voltage - 2350) > 250) wrong.push(u);
      if (r.frequency !== undefined && Math.abs(r.frequency - 5000) > 20) wrong.push(u);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps per-customer variation: meters following different households have different days', () => {
    const { fleet, uploads } = run({ terminals: 120, collect: true, batteryKinds: [] }, 96);
    const byMeter = new Map<number, number>();
    for (const u of uploads) {
      if (fleet.layout.kind[u.index] === KIND.meter) {
        byMeter.set(u.index, (byMeter.get(u.index) ?? 0) + (u.record.activePower ?? 0) / 4);
      }
    }
    const daily = [...byMeter.values()].sort((x, y) => x - y);
    expect(daily.at(-1)! / Math.max(1, daily[0]!)).toBeGreaterThan(3);
  });

  it('counts exactly the bytes the protocol encoder produces for §7.3 records (scalar and batched)', () => {
    for (const batching of ['each', '4x-day'] as const) {
      const { fleet, uploads } = run({ terminals: 60, collect: true, batching }, 48);
      let encoded = 0;
      for (const u of uploads) {
        expect(telemetryProblem(u.record)).toBeUndefined();
        encoded += u.attack === 'OVERSIZED_FRAME' ? OVERSIZED_FRAME_BYTES : encodeTelemetry(u.record).length;
      }
      expect(fleet.tally.bytes - uploads.length * 61).toBe(encoded);
    }
  });

  it('batches battery meters: 4×/day gives 24-row profiles', () => {
    const { fleet, uploads } = run({ terminals: 80, collect: true, batching: '4x-day' }, 96);
    const meterUps = uploads.filter((u) => fleet.state.onBattery[u.index] === 1 && u.ctype === 'telemetry');
    expect(meterUps.length).toBe(4 * fleet.state.onBattery.reduce((a, b) => a + b, 0));
    expect(meterUps.every((u) => u.record.profile?.length === 24)).toBe(true);
  });

  it('records attack ground truth and marks the attacked frames with the expected rejection', () => {
    const { fleet, uploads } = run({ terminals: 240, malicious: 0.1, collect: true, batching: 'each' }, 48);
    expect(fleet.truth).toHaveLength(24);
    expect(new Set(fleet.truth.map((t) => t.attack))).toEqual(new Set(FRAME_ATTACK_KINDS));
    const bad = new Set(fleet.truth.map((t) => t.index));
    for (const u of uploads) {
      if (u.expected === 'ACCEPT') continue;
      expect(bad.has(u.index)).toBe(true);
      const t = fleet.truth.find((x) => x.index === u.index)!;
      expect(u.attack).toBe(t.attack);
      expect(u.record.t * 1000).toBeGreaterThanOrEqual(t.onset - 60_000);
      expect(t.expectedRejection).toContain(u.expected[0]);
    }
    const kinds = new Set(uploads.filter((u) => u.attack !== undefined).map((u) => u.attack));
    expect(kinds.size).toBe(FRAME_ATTACK_KINDS.length);
    const rejected = Object.values(fleet.tally.rejected).reduce((a, b) => a + b, 0);
    expect(rejected + fleet.tally.accepted).toBe(fleet.tally.frames);
  });
});
