// The software key store (KEK file in a data dir) passes the key store conformance suite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { keyStoreConformance } from '../conformance.ts';
import { openSoftwareKeyStore } from './master-key-file.ts';
import { createSoftwareKeyStore } from './software-key-store.ts';

const root = mkdtempSync(join(tmpdir(), 'gt-ks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
let last = '';

describe('software key store (master.key in the data dir)', () => {
  keyStoreConformance({
    kwpEdgeCases: true,
    open() {
      last = join(root, `d${++n}`);
      return Promise.resolve(openSoftwareKeyStore({ dataDir: last, env: {} }).keyStore);
    },
    // The RFC 5649 vector's KEK is 24 bytes; master.key holds only AES-256 keys, so it is given in memory.
    withKek: (kek) =>
      Promise.resolve(createSoftwareKeyStore({ current: { where: 'vector', key: Buffer.from(kek) } })),
    reopen: () => Promise.resolve(openSoftwareKeyStore({ dataDir: last, env: {} }).keyStore),
  });
});
