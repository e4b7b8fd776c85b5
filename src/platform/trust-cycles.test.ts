// The trust cycle timer closes each ended cycle once, in order, after flushing ingestion.
import { describe, expect, it } from 'vitest';
import { createManualClock, type UnixMillis } from '../core/index.ts';
import { startTrustCycles } from './trust-cycles.ts';
import type { TrustMonitor } from './trust-monitor.ts';

describe('startTrustCycles', () => {
  it('scores every ended cycle exactly once, after a flush, and stops cleanly', async () => {
    const clock = createManualClock(10_500 as UnixMillis); // inside cycle 10 (1 s cycles)
    const events: string[] = [];
    const monitor = {
      closeCycle: (c: number) => {
        events.push(`close ${c}`);
        return Promise.resolve([]);
      },
      syncReinstated: () => Promise.resolve(0),
    } as unknown as TrustMonitor;
    const cycles = startTrustCycles({
      monitor,
      cycleMs: 1000,
      clock,
      flush: () => {
        events.push('flush');
        return Promise.resolve();
      },
      log: () => undefined,
      onCycle: (c) => events.push(`decided ${c}`),
    });
    await cycles.tick(); // cycle 10 still running: nothing to close
    clock.advance(2600); // now in cycle 13: 10, 11, 12 ended
    await cycles.tick();
    await cycles.tick();
    await cycles.stop();
    expect(events).toEqual([
      'flush',
      'close 10',
      'decided 10',
      'close 11',
      'decided 11',
      'close 12',
      'decided 12',
    ]);
  });
});
