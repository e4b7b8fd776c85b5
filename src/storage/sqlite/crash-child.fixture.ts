// Child process of the crash test: commits frames as fast as it can and prints each fc once its commit resolved.
import type { TenantId, TerminalId, UnixMillis } from '../../core/index.ts';
import { openSqliteStore } from './sqlite-store.ts';

const [path = '', startText = '1'] = process.argv.slice(2);
const T = '00000000000000c1' as TerminalId;
const store = await openSqliteStore({ path, readWorker: false, groupCommit: { maxDelayMs: 1 } });
if ((await store.getTerminal(T)) === undefined) {
  const t = {
    id: T,
    type: 'smart-meter',
    fusionTerminal: null,
    tenant: 1 as TenantId,
    createdAt: 0 as UnixMillis,
    status: 'active' as const,
  };
  await store.addTerminals({ terminals: [t], keys: [], audit: [] });
}
process.stdout.write('ready\n');
let fc = Number(startText);
const commitOne = async (n: number): Promise<void> => {
  const r = await store.commitBatch({
    readings: [
      { terminal: T, purpose: 1, keyVersion: 1, fc: n, ts: n as UnixMillis, receivedAt: n as UnixMillis },
    ],
    replayUpdates: [{ terminal: T, purpose: 1, dir: 0, version: 1, state: { highest: n, bitmap: 1n } }],
  });
  if (r.stored === 1) process.stdout.write(`${n}\n`);
};
// 64 callers in flight, like an ingest gateway; runs until killed.
await Promise.all(
  Array.from({ length: 64 }, async () => {
    for (;;) await commitOne(fc++);
  }),
);
