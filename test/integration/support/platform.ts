// Test helpers: an embedded platform on free ports over a SQLite store in a temp dir, with terminals.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TerminalId } from '../../../src/core/index.ts';
import {
  createPlatformRegistry,
  provisionTerminals,
  resolvePlatformConfig,
  rootKeysFromRegistry,
  startEmbeddedPlatform,
  type EmbeddedPlatform,
} from '../../../src/platform/index.ts';
import { sealFrame } from '../../../src/protocol/index.ts';
import { openSqliteStore } from '../../../src/storage/index.ts';
import { createSystemClock } from '../../../src/cli/system-clock.ts';

export interface TestTerminal {
  id: TerminalId;
  title: Buffer;
  rootKey: Buffer;
}

/** Makes n terminals with random titles and root keys. */
export function makeTerminals(n: number): TestTerminal[] {
  return Array.from({ length: n }, () => {
    const title = randomBytes(8);
    return { id: title.toString('hex') as TerminalId, title, rootKey: randomBytes(32) };
  });
}

/** Opens the data dir's store, provisions terminals (first run) and starts the platform. */
export async function startTestPlatform(opts: {
  dataDir?: string;
  terminals: TestTerminal[];
  kek?: Buffer;
  flags?: Record<string, unknown>;
}) {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'gt-it-'));
  const kek = opts.kek ?? randomBytes(32);
  const store = await openSqliteStore({ path: join(dataDir, 'gridtrust.db') });
  const registry = createPlatformRegistry({
    store,
    masterKey: kek,
    clock: createSystemClock(),
    actor: 'test',
  });
  if ((await store.listTerminals()).length === 0) {
    await provisionTerminals(
      registry,
      opts.terminals.map((t) => ({ id: t.id, rootKey: t.rootKey, type: 'smart-meter' })),
    );
  }
  const config = resolvePlatformConfig({
    flags: { dataDir, mqttPort: 0, coapPort: 0, httpPort: 0, ...opts.flags },
  });
  const platform: EmbeddedPlatform = await startEmbeddedPlatform({
    config,
    store,
    rootKeyOf: rootKeysFromRegistry(registry),
    clock: createSystemClock(),
  });
  return { platform, store, dataDir, kek, registry };
}

/** Seals one telemetry frame of a test terminal. */
export function frameOf(t: TestTerminal, fc: number, o: { ackReq?: boolean; version?: number } = {}): Buffer {
  return sealFrame({
    header: {
      dir: 0,
      ackReq: o.ackReq ?? false,
      more: false,
      suite: 0x01,
      systemTitle: t.title,
      purpose: 1,
      keyVersion: o.version ?? 1,
      fc,
      ctype: 0x01,
    },
    key: { rootKey: t.rootKey, tenant: 1 },
    telemetry: { t: Math.floor(Date.now() / 1000), voltage: 2300 + fc, activePower: 500 + fc },
  });
}
