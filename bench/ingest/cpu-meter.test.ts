// The bench's CPU meter: per-phase CPU time per frame, summed over rounds, main thread within all threads.
import { describe, expect, it } from 'vitest';
import { createCpuMeter } from './cpu-meter.ts';

/** Burns `ms` of this thread's CPU time (not wall time, so a loaded machine cannot shorten it). */
async function burn(ms: number): Promise<void> {
  const c0 = process.cpuUsage();
  let x = 0;
  while ((process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000 < ms) x += Math.sqrt(x + 1);
  await Promise.resolve(x);
}

describe('bench cpu meter', () => {
  it('reports each phase per frame, summed over its rounds', async () => {
    const m = createCpuMeter();
    await m.measure('a', 10, () => burn(40));
    await m.measure('a', 10, () => burn(40));
    await m.measure('b', 100, () => burn(40));
    const r = m.report();
    expect(Object.keys(r)).toEqual(['a', 'b']);
    // 80 ms over 20 frames ≥ 4,000 µs per frame; 40 ms over 100 frames ≥ 400.
    expect(r.a!.allThreads).toBeGreaterThanOrEqual(4000);
    expect(r.b!.allThreads).toBeGreaterThanOrEqual(400);
    expect(r.a!.allThreads).toBeGreaterThan(r.b!.allThreads);
    if (r.a!.mainThread !== null) {
      expect(r.a!.mainThread).toBeGreaterThanOrEqual(2000); // /proc ticks are 10 ms
      expect(r.a!.mainThread).toBeLessThanOrEqual(r.a!.allThreads + 1000);
    }
  });
});
