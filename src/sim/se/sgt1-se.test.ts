// Templates over real SGT1 frames: command APDUs sealed in ctype 0x11 downlinks, opened by the
// terminal agent, executed by the simulated SE, answered in ctype 0x12 uplinks; lost frames resume.
import { describe, expect, it } from 'vitest';
import { createManualClock, createRandom, type UnixMillis } from '../../core/index.ts';
import {
  createJobRunner,
  createMemoryJournal,
  createSgt1SeChannel,
  sha256,
  type Sgt1SeChannel,
} from '../../tsm/index.ts';
import { createTerminalAgent } from '../agent/agent.ts';
import { createMemoryCounterPersistence, openFrameCounter } from '../agent/counter.ts';
import { FILES, SCENARIO, SCENARIO_EFFECTS } from './scenario.fixture.ts';
import { createSeTerminal } from './se-terminal.ts';
import { openSimulatedSe } from './simulated-se.ts';
import { createMemorySePersistence } from './state.ts';

const TITLE = Buffer.from('4d4d4d0000bc614e', 'hex');
const ROOT = Buffer.alloc(32, 9);

async function setup(dropEvery = 0) {
  const counter = await openFrameCounter(createMemoryCounterPersistence(), 1);
  const link = { send: () => Promise.resolve({ kind: 'acked' as const }) };
  const agent = createTerminalAgent({
    systemTitle: TITLE,
    rootKey: ROOT,
    tenant: 1,
    counter,
    link,
    random: createRandom(1),
    sleep: () => Promise.resolve(),
  });
  const se = openSimulatedSe({ persistence: createMemorySePersistence() });
  const terminal = createSeTerminal({ agent, rootKey: ROOT, tenant: 1, counter, se });
  let fc = 0;
  let sent = 0;
  let timeouts: (() => void)[] = [];
  const channel: Sgt1SeChannel = createSgt1SeChannel({
    systemTitle: TITLE,
    rootKey: ROOT,
    tenant: 1,
    nextFc: () => Promise.resolve(++fc),
    after: () => new Promise<void>((r) => timeouts.push(r)),
    send: async (frame) => {
      sent++;
      if (dropEvery > 0 && sent % dropEvery === 0) {
        const fire = timeouts;
        timeouts = [];
        queueMicrotask(() => fire.forEach((f) => f())); // the frame is lost: the wait times out
        return;
      }
      const r = await terminal.handleDownlink(frame);
      if (!r.ok) throw new Error(r.reason);
      expect(channel.receive(r.reply)).toBe(true);
    },
  });
  return { se, channel, sentCount: () => sent };
}

describe('SE jobs over SGT1 frames (ctype 0x11 / 0x12)', () => {
  it('runs every template to the intended state, also when every 7th downlink is lost', async () => {
    for (const drop of [0, 7]) {
      const { se, channel } = await setup(drop);
      const journal = createMemoryJournal();
      const runner = createJobRunner({
        journal,
        clock: createManualClock(0 as UnixMillis),
        sha256,
        loadFile: (a) => FILES[a],
        keyData: () => new Uint8Array(48).fill(1),
      });
      for (const [i, [templateId, params]] of SCENARIO.entries()) {
        await runner.create({ jobId: `j${i}`, seId: 'se', templateId, params, actor: 't' });
        let job = await runner.run(`j${i}`, channel);
        for (let k = 0; k < 20 && job.status !== 'done'; k++) {
          expect(job.status).toBe('stalled'); // a lost frame surfaces as a stalled job, then resumes
          await runner.setStatus(`j${i}`, 'pending', { actor: 'op', reason: 'resume' });
          job = await runner.run(`j${i}`, channel);
        }
        expect(job.status).toBe('done');
      }
      expect(se.state().effects).toEqual(SCENARIO_EFFECTS);
    }
  });

  it('refuses a tampered or replayed response and a non-APDU downlink', async () => {
    const { channel } = await setup();
    const stray = Buffer.alloc(40, 1);
    expect(channel.receive(stray)).toBe(false);
  });
});
