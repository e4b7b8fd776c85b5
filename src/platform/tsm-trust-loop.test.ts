// The trust → TSM loop over the in-process bus: a flagged terminal's SE applications are locked by a
// job (real APDUs against the simulated SE), its upgrade job paused and campaign transfer held; after
// reinstatement they are unlocked and released.
import { describe, expect, it } from 'vitest';
import { createInProcessBus } from '../bus/index.ts';
import { createManualClock, type TerminalId, type UnixMillis } from '../core/index.ts';
import { createMemorySePersistence, openSimulatedSe } from '../sim/index.ts';
import {
  CARD_STATE,
  commandCampaign,
  createCampaign,
  createJobRunner,
  createMemoryJournal,
  createTsmRegistry,
  sha256,
  type SeChannel,
} from '../tsm/index.ts';
import { startTsmTrustLoop } from './tsm-trust-loop.ts';

const T = '4d4d4d0000bc614e' as TerminalId;
const ELF = 'a0000001510a';
const APP = 'a0000001510a01';

describe('trust → TSM loop', () => {
  it('locks a quarantined terminal’s applications and holds its campaign, then releases', async () => {
    const clock = createManualClock(1_000 as UnixMillis);
    const bus = createInProcessBus();
    const registry = createTsmRegistry({ clock });
    const journal = createMemoryJournal();
    const runner = createJobRunner({
      journal,
      clock,
      sha256,
      loadFile: () => new Uint8Array(500).fill(3),
      keyData: () => undefined,
    });
    const se = openSimulatedSe({ persistence: createMemorySePersistence() });
    const channel: SeChannel = { transmit: (a) => Promise.resolve({ ok: true, response: se.process(a) }) };
    registry.addSecureElement({
      seId: 'se1',
      type: 'ESAM',
      cplc: '',
      cardLifeCycle: CARD_STATE.SECURED,
      isdAid: 'a000000151000000',
      scpVersion: 3,
      keysets: [],
      terminalSystemTitle: T,
    });
    for (const [i, [templateId, params]] of (
      [
        ['app-download', { elfAid: ELF, sdAid: 'a000000151000000' }],
        ['app-personalize', { elfAid: ELF, moduleAid: APP, instanceAid: APP, sdAid: 'a000000151000000' }],
      ] as const
    ).entries()) {
      await runner.create({ jobId: `setup${i}`, seId: 'se1', templateId, params, actor: 'op' });
      expect((await runner.run(`setup${i}`, channel)).status).toBe('done');
    }
    registry.addApplication({
      instanceAid: APP,
      seId: 'se1',
      elfAid: ELF,
      moduleAid: APP,
      sdAid: 'a000000151000000',
      privileges: [],
      installParams: '',
      lifeCycle: 0x0f,
      version: '1',
    });
    await runner.create({
      jobId: 'upgrade',
      seId: 'se1',
      templateId: 'app-lock',
      params: { instanceAid: APP },
      actor: 'campaign',
    });
    const campaign = createCampaign(
      {
        campaignId: 'c',
        kind: 'firmware',
        targets: [T, 'other'],
        canary: 0,
        payload: { manifestDigest: 'ab', size: 1 },
      },
      clock.now(),
    );
    commandCampaign(campaign, 'start', clock.now());
    let active = false;
    const log: string[] = [];
    const loop = startTsmTrustLoop({
      bus,
      registry,
      runner,
      journal,
      clock,
      channelFor: () => channel,
      campaigns: () => [campaign],
      isActive: () => Promise.resolve(active),
      log: (l) => log.push(l),
    });
    const flagged = [{ terminal: T, reason: 'LOW_TRUST', detail: 'd', audit: 'a' }];
    await bus.publish('decisions.p1', { partition: 'p1', cycle: 7, decisions: [], flagged });
    await bus.settled();
    expect(se.state().entries[APP]?.lifeCycle).toBe(0x8f);
    expect(registry.listApplications('se1')[0]?.lifeCycle).toBe(0x8f);
    expect((await journal.get('upgrade'))?.status).toBe('paused');
    expect(campaign.devices[T]?.state).toBe('held');
    expect(loop.held()).toEqual([T]);
    active = true;
    await bus.publish('decisions.p1', { partition: 'p1', cycle: 8, decisions: [], flagged: [] });
    await bus.settled();
    expect(se.state().entries[APP]?.lifeCycle).toBe(0x0f);
    expect(campaign.devices[T]?.state).toBe('pending');
    expect((await journal.get('upgrade'))?.status).toBe('pending');
    expect(loop.held()).toEqual([]);
    expect(log.join('\n')).toMatch(/apps-lock 1 application\(s\) on se1: job .* done/);
    loop.stop();
    await bus.close();
  });
});
