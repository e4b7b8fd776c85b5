// The sealer against the real receiver: every frame's verifyFrame outcome equals the fleet's ground truth.
import { describe, expect, it } from 'vitest';
import { readLclForTests } from '../../test/support/sim-lcl.ts';
import { createManualClock, createRandom, type TerminalId, type UnixMillis } from '../core/index.ts';
import { createKeyCache, verifyFrame, type KeyStatus, type ReplayState } from '../protocol/index.ts';
import { createFleet } from './fleet.ts';
import { FRAME_ATTACK_KINDS } from './frame-attacks.ts';
import { prepareLoadShapes } from './load-shapes.ts';
import { createFrameSealer } from './sealer.ts';

const shapes = prepareLoadShapes(readLclForTests());

describe('createFrameSealer', () => {
  it('produces frames the receiver accepts or rejects exactly as the ground truth says', () => {
    const clock = createManualClock(Date.UTC(2024, 2, 1) as UnixMillis);
    const fleet = createFleet({
      terminals: 180,
      loadShapes: shapes,
      clock,
      seed: 5,
      malicious: 0.2,
      collect: true,
    });
    const rnd = createRandom(9);
    const keys = new Map(
      fleet.layout.ids.map((id) => [
        id as string,
        Buffer.from(Array.from({ length: 32 }, () => rnd.int(0, 255))),
      ]),
    );
    const sealer = createFrameSealer({
      rootKey: (id) => keys.get(id),
      keyVersion: 2,
      random: createRandom(3),
    });
    const replay = new Map<string, ReplayState>();
    const ctx = {
      lookupTerminal: (id: TerminalId) => {
        const k = keys.get(id);
        return k === undefined ? undefined : { rootKey: k, tenant: 1 };
      },
      keyStatus: (q: { version: number }): KeyStatus | undefined =>
        q.version === 2
          ? { state: 'active' }
          : q.version === 1
            ? { state: 'deactivated', graceUntil: 0 as UnixMillis }
            : undefined,
      replay: {
        get: (k: string) => replay.get(k),
        set: (k: string, v: ReplayState) => void replay.set(k, v),
      },
      keyCache: createKeyCache(),
      clock,
    };
    const mismatches: string[] = [];
    const seen = new Set<string>();
    for (let k = 0; k < 48; k++) {
      clock.advance(900_000);
      for (const tick of fleet.advance()) {
        for (const u of tick.uploads) {
          const frame = sealer.seal(u)!;
          const r = verifyFrame(frame, ctx);
          const got = r.ok ? 'ACCEPT' : r.reason;
          const ok = u.expected === 'ACCEPT' ? got === 'ACCEPT' : u.expected.includes(got as never);
          if (!ok)
            mismatches.push(
              `${u.terminal} ${u.attack ?? '-'} fc=${u.fc}: expected ${String(u.expected)}, got ${got}`,
            );
          if (u.attack !== undefined && !r.ok) seen.add(u.attack);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(seen).toEqual(new Set(FRAME_ATTACK_KINDS));
  });
});
