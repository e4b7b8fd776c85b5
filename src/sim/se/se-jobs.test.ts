// Templates replayed against the simulated SE with a fault injected at every exchange (link drop before
// or after the SE acted, agent restart, platform kill): each job completes once, the SE ends as intended.
import { describe, expect, it } from 'vitest';
import { createManualClock, type UnixMillis } from '../../core/index.ts';
import {
  createJobRunner,
  createMemoryJournal,
  sha256,
  type JobJournal,
  type SeChannel,
} from '../../tsm/index.ts';
import { openSimulatedSe } from './simulated-se.ts';
import { APP, FILES, SCENARIO, SCENARIO_EFFECTS, SSD, ELF_A } from './scenario.fixture.ts';
import { createMemorySePersistence, type SePersistence } from './state.ts';

type Fault = 'drop-request' | 'drop-response' | 'agent-restart' | 'kill-before' | 'kill-after';
class Killed extends Error {}

function faulty(persistence: SePersistence, fault?: { at: number; kind: Fault }) {
  let se = openSimulatedSe({ persistence });
  let n = 0;
  const channel: SeChannel = {
    transmit(apdu) {
      const i = n++;
      const f = fault && fault.at === i ? fault.kind : undefined;
      if (f === 'drop-request') return Promise.resolve({ ok: false, reason: 'LINK_DOWN' });
      if (f === 'kill-before') return Promise.reject(new Killed());
      const response = se.process(apdu);
      if (f === 'drop-response') return Promise.resolve({ ok: false, reason: 'LINK_DOWN' });
      if (f === 'kill-after') return Promise.reject(new Killed());
      if (f === 'agent-restart') {
        se = openSimulatedSe({ persistence });
        return Promise.resolve({ ok: false, reason: 'REBOOTED' });
      }
      return Promise.resolve({ ok: true, response });
    },
  };
  return { channel, count: () => n, se: () => se };
}

async function runScenario(fault?: { at: number; kind: Fault }) {
  const clock = createManualClock(0 as UnixMillis);
  const journal: JobJournal = createMemoryJournal();
  const persistence = createMemorySePersistence();
  const link = faulty(persistence, fault);
  const runnerOf = () =>
    createJobRunner({
      journal,
      clock,
      sha256,
      loadFile: (a) => FILES[a],
      keyData: () => new Uint8Array(48).fill(1),
    });
  let runner = runnerOf();
  for (const [i, [templateId, params]] of SCENARIO.entries()) {
    const jobId = `job-${i}`;
    const made = await runner.create({ jobId, seId: 'se1', templateId, params, actor: 'test' });
    expect(made.ok).toBe(true);
    for (let tries = 0; tries < 5; tries++) {
      try {
        const j = await runner.run(jobId, link.channel);
        if (j.status === 'done') break;
        expect(j.status).toBe('pending');
      } catch (e) {
        if (!(e instanceof Killed)) throw e;
        runner = runnerOf(); // a new platform process over the same durable journal
      }
    }
    expect((await journal.get(jobId))?.status).toBe('done');
  }
  return { state: link.se().state(), exchanges: link.count(), journal };
}

describe('jobs against the simulated SE', () => {
  it('run the whole scenario to the intended state', async () => {
    const { state } = await runScenario();
    expect(state.entries[APP]).toBeUndefined();
    expect(state.entries[SSD]).toMatchObject({ kind: 'sd', lifeCycle: 0x0f });
    expect(state.entries[ELF_A]?.kind).toBe('elf');
    expect(state.effects).toEqual(SCENARIO_EFFECTS);
  });

  it('with a fault at every exchange, applies every effect exactly once', async () => {
    const clean = await runScenario();
    const kinds: Fault[] = ['drop-request', 'drop-response', 'agent-restart', 'kill-before', 'kill-after'];
    for (const kind of kinds)
      for (let at = 0; at < clean.exchanges; at++) {
        const r = await runScenario({ at, kind });
        expect(r.state.effects, `${kind} at ${at}`).toEqual(clean.state.effects);
        expect(r.state.entries).toEqual(clean.state.entries);
      }
  });

  it('refuses a second holding job on one SE, audits every step', async () => {
    const journal = createMemoryJournal();
    const clock = createManualClock(0 as UnixMillis);
    const r = createJobRunner({
      journal,
      clock,
      sha256,
      loadFile: () => undefined,
      keyData: () => undefined,
    });
    expect(
      (
        await r.create({
          jobId: 'a',
          seId: 's',
          templateId: 'app-lock',
          params: { instanceAid: APP },
          actor: 'op',
        })
      ).ok,
    ).toBe(true);
    const second = await r.create({
      jobId: 'b',
      seId: 's',
      templateId: 'app-lock',
      params: { instanceAid: APP },
      actor: 'op',
    });
    expect(second).toEqual({ ok: false, reason: 'SE_BUSY', activeJobId: 'a' });
    await r.setStatus('a', 'paused', { actor: 'trust', reason: 'quarantined' });
    expect(
      (
        await r.create({
          jobId: 'b',
          seId: 's',
          templateId: 'app-lock',
          params: { instanceAid: APP },
          actor: 'op',
        })
      ).ok,
    ).toBe(true);
    const a = await journal.get('a');
    expect(a?.audit.map((e) => [e.actor, e.to])).toEqual([
      ['op', 'pending'],
      ['trust', 'paused'],
    ]);
  });

  it('surfaces a frozen link as a stalled job', async () => {
    const journal = createMemoryJournal();
    const clock = createManualClock(0 as UnixMillis);
    const r = createJobRunner({
      journal,
      clock,
      sha256,
      loadFile: () => undefined,
      keyData: () => undefined,
    });
    await r.create({
      jobId: 'a',
      seId: 's',
      templateId: 'app-lock',
      params: { instanceAid: APP },
      actor: 'op',
    });
    const j = await r.run('a', { transmit: () => Promise.resolve({ ok: false, reason: 'TIMEOUT' }) });
    expect(j.status).toBe('stalled');
    expect(j.detail).toBe('LOCK: TIMEOUT');
  });
});
