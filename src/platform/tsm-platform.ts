// The TSM inside the running platform: its registry, job journal and runner, the campaigns under way,
// and the trust loop that locks a quarantined terminal's SE and holds its transfers.
import type { Bus } from '../bus/index.ts';
import type { Clock, TerminalId } from '../core/index.ts';
import type { Store } from '../storage/index.ts';
import {
  createJobRunner,
  createMemoryJournal,
  createTsmRegistry,
  sha256,
  type Campaign,
  type JobJournal,
  type JobRunner,
  type SeChannel,
  type TsmRegistry,
} from '../tsm/index.ts';
import { startTsmTrustLoop, type TsmTrustLoop } from './tsm-trust-loop.ts';

/** Options of {@link startPlatformTsm}. */
export interface PlatformTsmOptions {
  bus: Bus;
  store: Pick<Store, 'getTerminal'>;
  clock: Clock;
  log: (line: string) => void;
  /** @default an in-memory journal (pass the SQLite one for a durable platform) */
  journal?: JobJournal;
}

export interface PlatformTsm {
  readonly registry: TsmRegistry;
  readonly journal: JobJournal;
  readonly runner: JobRunner;
  readonly campaigns: Campaign[];
  readonly trustLoop: TsmTrustLoop;
  /** Registers the live channel to an SE (a terminal's SGT1 link); jobs waiting for it can then run. */
  attachChannel(seId: string, channel: SeChannel): void;
  close(): Promise<void>;
}

export function startPlatformTsm(o: PlatformTsmOptions): PlatformTsm {
  const registry = createTsmRegistry({ clock: o.clock });
  const journal = o.journal ?? createMemoryJournal();
  const files = new Map<string, Uint8Array>();
  const runner = createJobRunner({
    journal,
    clock: o.clock,
    sha256,
    loadFile: (a) => files.get(a),
    keyData: () => undefined,
  });
  const channels = new Map<string, SeChannel>();
  const campaigns: Campaign[] = [];
  const trustLoop = startTsmTrustLoop({
    bus: o.bus,
    registry,
    runner,
    journal,
    clock: o.clock,
    channelFor: (seId) => channels.get(seId),
    campaigns: () => campaigns,
    isActive: async (t) => (await o.store.getTerminal(t as TerminalId))?.status === 'active',
    log: o.log,
  });
  return {
    registry,
    journal,
    runner,
    campaigns,
    trustLoop,
    attachChannel: (seId, ch) => void channels.set(seId, ch),
    async close() {
      trustLoop.stop();
      await journal.close();
    },
  };
}
