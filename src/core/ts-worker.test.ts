// startTsWorker: a TypeScript entry runs in a new thread, with its workerData and worker options.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startTsWorker } from './ts-worker.ts';

const entry = new URL('./ts-worker.fixture.ts', import.meta.url);

describe('startTsWorker', () => {
  it('runs a TypeScript entry and passes its workerData', async () => {
    const w = startTsWorker(entry, { workerData: { greeting: 'hello' } });
    const [reply] = (await once(w, 'message')) as [{ echo: string; typed: number }];
    expect(reply).toMatchObject({ echo: 'hello', typed: 42 });
    await w.terminate();
  });

  it('passes the other worker options through', async () => {
    const w = startTsWorker(entry, { workerData: { greeting: 'x' }, resourceLimits: { stackSizeMb: 3 } });
    const [reply] = (await once(w, 'message')) as [{ stackMb: number }];
    expect(reply.stackMb).toBe(3);
    await w.terminate();
  });

  it('reports an entry that fails to load as an error event', async () => {
    const w = startTsWorker(new URL('./no-such-worker.ts', import.meta.url));
    const [err] = (await once(w, 'error')) as [Error];
    expect(err.message).toMatch(/no-such-worker/);
  });
});
