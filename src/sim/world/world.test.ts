// The evidence world: ground truth, round-robin attacks, each attack leaves its signature [trust-§6, §8].
import { describe, expect, it } from 'vitest';
import { DTMS_OVERHEAD, NO_OVERHEAD } from '../../trust/index.ts';
import { createWorld } from './world.ts';

function runCycles(w: ReturnType<typeof createWorld>, cycles: number, overhead = NO_OVERHEAD) {
  const excluded = new Uint8Array(w.size);
  const sums = {
    dup: new Float64Array(w.size),
    miss: new Float64Array(w.size),
    late: new Float64Array(w.size),
    caught: new Float64Array(w.size),
  };
  for (let t = 0; t <= cycles; t++) {
    const b = w.step({ excluded, overhead });
    for (let i = 0; i < w.size; i++) {
      if (b.active[i] !== 1) continue;
      sums.dup[i] = (sums.dup[i] ?? 0) + (b.duplicates[i] ?? 0);
      sums.miss[i] =
        (sums.miss[i] ?? 0) + (b.requests[i] ?? 0) - (b.valid[i] ?? 0) - (b.tamperedCaught[i] ?? 0);
      sums.late[i] = (sums.late[i] ?? 0) + (b.late[i] ?? 0);
      sums.caught[i] = (sums.caught[i] ?? 0) + (b.tamperedCaught[i] ?? 0);
    }
  }
  return sums;
}

describe('createWorld', () => {
  it('assigns round(ρ·n) attackers round-robin with onsets in 1..10', () => {
    const w = createWorld({ seed: 2, maliciousRatio: 0.16 });
    expect(w.truth.malicious.reduce((a, b) => a + b, 0)).toBe(16);
    const types = w.truth.attack.filter((a) => a !== undefined).sort();
    expect(types).toEqual([
      'A1',
      'A1',
      'A2',
      'A2',
      'A3',
      'A3',
      'A4',
      'A4',
      'A5',
      'A5',
      'A6',
      'A6',
      'A7',
      'A7',
      'A8',
      'A8',
    ]);
    w.truth.onset.forEach((o, i) => {
      if (w.truth.malicious[i] === 1) expect(o).toBeGreaterThanOrEqual(1);
      expect(o).toBeLessThanOrEqual(10);
    });
  });
  it('each behavioural attack shows in its own counter, honest nodes stay clean', () => {
    const w = createWorld({ seed: 4, maliciousRatio: 0.4, attacks: ['A1', 'A2', 'A3', 'A4'] });
    const s = runCycles(w, 20);
    const mean = (arr: Float64Array, pick: (i: number) => boolean) => {
      const idx = [...arr.keys()].filter(pick);
      return idx.reduce((a, i) => a + (arr[i] ?? 0), 0) / idx.length;
    };
    const is = (a: string) => (i: number) => w.truth.attack[i] === a;
    const honest = (i: number) => w.truth.malicious[i] === 0;
    expect(mean(s.miss, is('A1'))).toBeGreaterThan(30 * mean(s.miss, honest) + 20);
    expect(mean(s.caught, is('A2'))).toBeGreaterThan(20);
    expect(mean(s.caught, honest)).toBe(0);
    expect(mean(s.late, is('A3'))).toBeGreaterThan(10 * mean(s.late, honest) + 20);
    expect(mean(s.dup, is('A4'))).toBeGreaterThan(10 * mean(s.dup, honest));
  });
  it('A6 drains energy faster; status reports cost energy; is deterministic', () => {
    const a = createWorld({ seed: 5, maliciousRatio: 0.2, attacks: ['A6'] });
    runCycles(a, 30, DTMS_OVERHEAD);
    const rem = a.remaining();
    const avg = (f: (i: number) => boolean) =>
      [...rem.keys()].filter(f).reduce((x, i) => x + (rem[i] ?? 0), 0) / [...rem.keys()].filter(f).length;
    expect(avg((i) => a.truth.malicious[i] === 1)).toBeLessThan(avg((i) => a.truth.malicious[i] === 0) - 0.2);
    const b = createWorld({ seed: 5, maliciousRatio: 0.2, attacks: ['A6'] });
    runCycles(b, 30);
    expect(b.remaining()[0]).toBeGreaterThan(a.remaining()[0] ?? 0);
    const c = createWorld({ seed: 5, maliciousRatio: 0.2, attacks: ['A6'] });
    runCycles(c, 30, DTMS_OVERHEAD);
    expect(Array.from(c.remaining())).toEqual(Array.from(rem));
  });
});
