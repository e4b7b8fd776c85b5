// Drives a campaign: starts transfers as the campaign allows, records each device's events, saves the
// campaign after every change, and returns when it is done, stopped, paused or cancelled.
import type { Clock } from '../core/index.ts';
import { nextDevices, reportDevice, type Campaign, type DeviceEvent } from './campaign.ts';

/** Options of {@link driveCampaign}. */
export interface CampaignDriverOptions {
  campaign: Campaign;
  clock: Clock;
  /**
   * Delivers to one device from its transfer cursor `from`; reports progress and ends with `done`,
   * `failed` or `interrupted` (a delivery that ends without one counts as interrupted).
   */
  deliver: (id: string, from: number, report: (e: DeviceEvent) => void) => Promise<void>;
  /** Persists the campaign (the per-device cursors) after changes. */
  save?: (c: Campaign) => Promise<void>;
  /** Waits a little (the caller's timer) when pacing holds starts back. */
  idle: () => Promise<void>;
}

const LIVE = new Set(['canary', 'running']);

/**
 * @example
 * await driveCampaign({ campaign, clock, deliver, idle: () => sleep(20) });
 */
export async function driveCampaign(o: CampaignDriverOptions): Promise<Campaign> {
  const c = o.campaign;
  const running = new Map<string, Promise<void>>();
  const start = (id: string) => {
    const report = (e: DeviceEvent) => reportDevice(c, id, e, o.clock.now());
    const p = o
      .deliver(id, c.devices[id]!.offset, report)
      .catch((e: unknown) =>
        report({ kind: 'interrupted', reason: e instanceof Error ? e.message : String(e) }),
      )
      .finally(() => {
        if (c.devices[id]!.state === 'active')
          report({ kind: 'interrupted', reason: 'delivery ended early' });
        running.delete(id);
      });
    running.set(id, p);
  };
  for (;;) {
    for (const id of nextDevices(c, o.clock.monotonic())) start(id);
    if (running.size === 0) {
      if (!LIVE.has(c.status)) break;
      await o.idle();
      continue;
    }
    await Promise.race(
      c.spec.startsPerSecond === undefined ? running.values() : [...running.values(), o.idle()],
    );
    await o.save?.(c);
  }
  await o.save?.(c);
  return c;
}
